"""The simulated world's moving parts: the server that restarts, the tills that crash, the
lines that fail. Each knows how to break and how to come back; the run decides when."""

import contextlib
import os
import signal
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bench.core import Log
from bench.server import Server, gunicorn
from bench.simulation.tills import HostDied, TillHost
from testsupport.network import UP, Line


class ServerControl:
    """gunicorn (2 workers) that can be stopped gracefully, killed mid-request, restarted."""

    def __init__(self, url: str, instance: Path, environment: Mapping[str, str], log: Log) -> None:
        self._url, self._instance, self._environment, self._log = url, instance, environment, log
        self._stack: contextlib.ExitStack | None = None
        self.server: Server | None = None

    @property
    def up(self) -> bool:
        return self.server is not None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://{self.server.host}:{self.server.port}"

    def start(self) -> int:
        stack = contextlib.ExitStack()
        self.server = stack.enter_context(
            gunicorn(
                self._url,
                self._instance,
                workers=2,
                log=lambda _message: None,
                environment=self._environment,
            )
        )
        self._stack = stack
        return self.server.port

    def crash(self) -> None:
        """SIGKILL to the master and its workers, whatever they are doing (any thread)."""
        if self.server is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.server.process.pid, signal.SIGKILL)

    def stop(self) -> None:
        """A graceful stop (SIGTERM: requests in progress finish), or the reaping of a crash."""
        if self._stack is not None:
            self._stack.close()
        self._stack, self.server = None, None


class Tills:
    """Every till: its line, its host process, its clock skew."""

    def __init__(
        self, lines: list[Line], folders: list[Path], hosts: int, log_dir: Path, log: Log
    ) -> None:
        self.lines = lines
        self.folders = folders
        self._log = log
        self.hosts = [
            TillHost(h, [folders[t] for t in range(h, len(folders), hosts)], log_dir)
            for h in range(hosts)
        ]
        self.skews: dict[int, int] = {}

    def host_of(self, till: int) -> TillHost:
        return self.hosts[till % len(self.hosts)]

    @staticmethod
    def local_index(till: int, hosts: int) -> int:
        return till // hosts

    def tills_of(self, host: int) -> list[int]:
        return list(range(host, len(self.folders), len(self.hosts)))

    def start_host(self, host: TillHost) -> None:
        host.start()
        for till in self.tills_of(host.index):
            if self.skews.get(till):
                self.command(till, {"op": "skew", "seconds": self.skews[till]})

    def command(self, till: int, command: dict[str, Any]) -> dict[str, Any] | None:
        """Run one command on a till; None if its host is down or dies meanwhile."""
        host = self.host_of(till)
        if not host.alive:
            return None
        try:
            return host.call({**command, "till": self.local_index(till, len(self.hosts))})
        except HostDied:
            return None

    def set_lines(self, states: Mapping[int, str]) -> None:
        for index, line in enumerate(self.lines):
            line.state = states.get(index, UP)

    def retarget(self, port: int) -> None:
        for line in self.lines:
            line.target_port = port

    def close(self) -> None:
        for host in self.hosts:
            host.quit()
        for line in self.lines:
            line.close()
