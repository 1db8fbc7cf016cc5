"""What every benchmark shares: its configuration, its report, and how it logs progress.

Kept free of database code so that the registry and the command line can describe every
benchmark without importing any of them.
"""

import cProfile
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: database backends a benchmark can be asked to run on, in report order
DATABASES = ("postgresql", "sqlite")

Log = Callable[[str], None]


def log_to_stderr(message: str) -> None:
    """Progress goes to stderr so that stdout stays the table and the final JSON line."""
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class RunConfig:
    #: how big the run is, in the benchmark's own unit (participants for `allocation`)
    size: int
    databases: tuple[str, ...] = DATABASES
    quick: bool = False
    log: Log = log_to_stderr
    #: where to write cProfile stats of each timed section, if anywhere
    profile_dir: Path | None = None
    #: the benchmark's own options (Benchmark.options), by name
    options: dict[str, int] = field(default_factory=dict)


@dataclass
class BenchReport:
    """A finished benchmark: a human table, one JSON-ready object, and whether checks held."""

    name: str
    summary: dict[str, Any]
    lines: list[str] = field(default_factory=list)
    #: False when a correctness check failed: the command then exits non-zero
    ok: bool = True


Runner = Callable[[RunConfig], BenchReport]


def error_gist(error: BaseException, limit: int = 600) -> str:
    """An error's first line and, for a ServerFailed, the last lines of the gunicorn log it
    carries: enough for a table's "reason" column."""
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {' | '.join(lines[:1] + lines[1:][-3:])}"[:limit]


def figure(value: float | None) -> float | None:
    """Timings and rates are floats rounded to 3 decimals; money never goes through here."""
    return None if value is None else round(value, 3)


def rate(count: int, seconds: float | None) -> float | None:
    if seconds is None or seconds <= 0:
        return None
    return count / seconds


class Throttle:
    """Log at most every `every` seconds, so long setups show life without flooding stderr."""

    def __init__(self, log: Log, every: float = 5.0) -> None:
        self._log = log
        self._every = every
        self._start = time.perf_counter()
        self._last = self._start

    def __call__(self, message: str, *, force: bool = False) -> None:
        now = time.perf_counter()
        if force or now - self._last >= self._every:
            self._last = now
            self._log(f"{message} ({now - self._start:.1f} s)")


@contextmanager
def profiled(config: RunConfig, name: str) -> Iterator[None]:
    """cProfile the block into `profile_dir/name.prof` when asked, else do nothing.

    Only the timed section is profiled, so the stats say where the measured time goes; read
    them with `python -m pstats FILE`. Profiling slows Python code, so do not compare a
    profiled run's timings with an unprofiled one's.
    """
    if config.profile_dir is None:
        yield
        return
    config.profile_dir.mkdir(parents=True, exist_ok=True)
    path = config.profile_dir / f"{name}.prof"
    profile = cProfile.Profile()
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        profile.dump_stats(path)
        config.log(f"  profile written to {path}")
