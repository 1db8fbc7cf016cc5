"""The `caisse` command run as a coordinator runs it: a real subprocess on the soak's database.

The allocation starts half-way through the load from its own thread, so that the tills keep
paying while it locks wallets chunk by chunk; `ledger verify` runs once the load is over.
"""

import json
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.server import PROJECT_ROOT, server_environment
from bench.soak.traffic import Tally

#: seconds a `caisse` command may take before the soak calls it failed
COMMAND_SECONDS = 600.0


def caisse_executable() -> Path:
    """The `caisse` of the virtualenv running us, so that it imports the same packages."""
    beside = Path(sys.executable).parent / "caisse"
    if beside.exists():
        return beside
    found = shutil.which("caisse")
    if found is None:
        raise FileNotFoundError("caisse not found beside the Python interpreter nor on PATH")
    return Path(found)


@dataclass
class CommandResult:
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> dict[str, Any] | None:
        """The command's last stdout line as JSON, if it is one."""
        lines = self.stdout.strip().splitlines()
        try:
            value = json.loads(lines[-1]) if lines else None
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def gist(self) -> str:
        text = (self.stderr.strip() or self.stdout.strip()).splitlines()
        return " | ".join(text[-3:])[:400]


class Caisse:
    """`caisse ARGS` against one database, with the benchmark's instance folder."""

    def __init__(self, database_url: str, instance_dir: Path) -> None:
        self._environment = {
            **server_environment(database_url, instance_dir),
            "CAISSE_ACTOR": "bench:soak",
        }
        self._executable = str(caisse_executable())
        self._lock = threading.Lock()
        self._running: subprocess.Popen[str] | None = None
        self._stopped = False

    def run(self, *args: str) -> CommandResult:
        with self._lock:
            if self._stopped:
                return CommandResult(-1, "", "not started: the soak was stopping")
            process = subprocess.Popen(
                [self._executable, *args],
                cwd=PROJECT_ROOT,
                env=self._environment,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            self._running = process
        try:
            stdout, stderr = process.communicate(timeout=COMMAND_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            stdout, stderr = process.communicate()
            stderr += f"\nkilled after {COMMAND_SECONDS:.0f} s"
        finally:
            with self._lock:
                self._running = None
        return CommandResult(process.returncode, stdout, stderr)

    def stop(self) -> None:
        """Kill a command still running and start no other (the soak is leaving early)."""
        with self._lock:
            self._stopped = True
            if self._running is not None and self._running.poll() is None:
                self._running.kill()


@dataclass
class AllocationOutcome:
    month: str
    #: seconds from the load's start to the command's start and end
    started_s: float | None = None
    ended_s: float | None = None
    #: requests the server answered meanwhile: the load went on during the run
    requests_during: int | None = None
    result: CommandResult | None = None

    @property
    def summary(self) -> dict[str, Any] | None:
        return self.result.json() if self.result else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "returncode": self.result.returncode if self.result else None,
            "started_s": None if self.started_s is None else round(self.started_s, 3),
            "seconds": (
                None
                if self.started_s is None or self.ended_s is None
                else round(self.ended_s - self.started_s, 3)
            ),
            "requests_during": self.requests_during,
            "summary": self.summary,
        }


class AllocationDuringLoad(threading.Thread):
    """Sleeps until `after` seconds past `began`, then runs `caisse allocate --month`."""

    def __init__(
        self, caisse: Caisse, month: str, began: float, after: float, tally: Tally
    ) -> None:
        super().__init__(name="bench-soak-allocation", daemon=True)
        self.outcome = AllocationOutcome(month=month)
        self._caisse, self._began, self._after, self._tally = caisse, began, after, tally
        self._cancelled = threading.Event()

    def run(self) -> None:
        if self._cancelled.wait(max(0.0, self._began + self._after - time.perf_counter())):
            return
        before, _ = self._tally.snapshot()
        self.outcome.started_s = time.perf_counter() - self._began
        self.outcome.result = self._caisse.run("allocate", "--month", self.outcome.month, "--json")
        self.outcome.ended_s = time.perf_counter() - self._began
        after, _ = self._tally.snapshot()
        self.outcome.requests_during = after - before

    @property
    def state(self) -> str:
        if self.outcome.started_s is None:
            return "allocation not started"
        if self.outcome.ended_s is None:
            return "allocation running"
        return f"allocation done in {self.outcome.ended_s - self.outcome.started_s:.1f} s"

    def cancel(self) -> None:
        self._cancelled.set()
        self._caisse.stop()
