"""The simulation's side of a till host process (bench.simulation.till_host): start, command, crash.

A host holds several tills; crashing it (SIGKILL) crashes them all at whatever they were
doing, as a shop's power cut does. `restart` opens the same folders again.
"""

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

from bench.server import PROJECT_ROOT

#: long enough for a sync of a few hundred journal entries on a loaded machine
ANSWER_SECONDS = 120.0


class HostDied(Exception):
    """The host process ended (killed by the simulation) before it answered."""


class TillHost:
    def __init__(self, index: int, folders: list[Path], log_dir: Path) -> None:
        self.index = index
        self.folders = folders
        self.log_path = log_dir / f"till-host-{index}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._buffer = b""

    def start(self) -> None:
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.simulation.till_host", *map(str, self.folders)],
            cwd=PROJECT_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
        )
        self._buffer = b""
        ready = self._answer(ANSWER_SECONDS)
        if ready.get("ready") != len(self.folders):
            raise RuntimeError(f"till host {self.index} did not start: {ready}")

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def send(self, command: dict[str, Any]) -> None:
        assert self.process is not None and self.process.stdin is not None
        try:
            self.process.stdin.write(json.dumps(command).encode() + b"\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            raise HostDied(self.index) from None

    def receive(self, timeout: float = ANSWER_SECONDS) -> dict[str, Any]:
        return self._answer(timeout)

    def call(self, command: dict[str, Any]) -> dict[str, Any]:
        self.send(command)
        return self.receive()

    def kill(self) -> None:
        """SIGKILL: no cleanup, no flush beyond what the till had already made durable."""
        if self.process is None:
            return
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self._close_pipes()

    def quit(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            try:
                self.send({"op": "quit"})
                self.process.wait(timeout=30)
            except (HostDied, subprocess.TimeoutExpired):
                self.kill()
        self._close_pipes()

    def _close_pipes(self) -> None:
        assert self.process is not None
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()
        if self._log is not None:
            self._log.close()
            self._log = None
        self.process = None

    def _answer(self, timeout: float) -> dict[str, Any]:
        assert self.process is not None and self.process.stdout is not None
        stream = self.process.stdout
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"till host {self.index} silent for {timeout:.0f} s")
            readable, _, _ = select.select([stream], [], [], left)
            if not readable:
                continue
            chunk = os.read(stream.fileno(), 65536)
            if not chunk:
                raise HostDied(self.index)
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        answer: dict[str, Any] = json.loads(line)
        return answer
