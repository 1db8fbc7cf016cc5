"""Watching the soak as it runs: progress on stderr, and whether the server tired.

A soak is for what only shows with time: throughput that sags, requests that get dearer.
The machine is shared, so a sag in requests per second may be the neighbours'; gunicorn's
own CPU time per request is much less so. The monitor samples both on a fixed beat aligned
with equal slices of the run, and reports each slice's figures.
"""

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise

from bench.core import Log
from bench.soak.traffic import Tally

PROGRESS_SECONDS = 5.0
#: the run is reported in this many equal slices, first to last
SLICES = 5


@dataclass(frozen=True)
class Sample:
    #: seconds since the load began
    at: float
    requests: int
    #: gunicorn's CPU seconds so far, None where /proc does not say
    server_cpu: float | None


@dataclass(frozen=True)
class Slice:
    per_second: float
    #: gunicorn CPU milliseconds per request answered in the slice
    server_cpu_ms: float | None


class LoadMonitor(threading.Thread):
    """Samples every `seconds / SLICES / k` seconds (k the smallest whole number that makes
    the beat at most PROGRESS_SECONDS), logs a progress line every PROGRESS_SECONDS or so."""

    def __init__(
        self,
        seconds: int,
        tally: Tally,
        server_cpu: Callable[[], float | None],
        log: Log,
        describe: Callable[[], str],
    ) -> None:
        super().__init__(name="bench-soak-monitor", daemon=True)
        self._seconds, self._tally, self._server_cpu = seconds, tally, server_cpu
        self._log, self._describe = log, describe
        self._beats_per_slice = math.ceil(seconds / SLICES / PROGRESS_SECONDS)
        self._beat = seconds / SLICES / self._beats_per_slice
        self.samples: list[Sample] = []
        self.stopping = threading.Event()
        self._began = time.perf_counter()
        self._end = Sample(math.inf, 0, None)

    def begin(self) -> None:
        """Mark the load's start and take the first sample; then start the thread."""
        self._began = time.perf_counter()
        self._sample()
        self.start()

    def _now(self) -> tuple[int, float | None]:
        requests, _ = self._tally.snapshot()
        return requests, self._server_cpu()

    def _sample(self) -> Sample:
        sample = Sample(time.perf_counter() - self._began, *self._now())
        self.samples.append(sample)
        return sample

    def run(self) -> None:
        beats, last_log = 0, 0.0
        while True:
            beats += 1
            # absolute deadlines: the beat does not drift by the time each sample takes
            wait = self._began + beats * self._beat - time.perf_counter()
            if self.stopping.wait(max(0.0, wait)):
                return
            sample = self._sample()
            if sample.at - last_log >= PROGRESS_SECONDS - self._beat / 2:
                last_log = sample.at
                _, errors = self._tally.snapshot()
                self._log(
                    f"{sample.at:.0f}/{self._seconds} s: {sample.requests:,} requests, "
                    f"{errors} errors; {self._describe()}"
                )

    def end(self) -> None:
        """The load is over: note its last figures (the beat may not have got there yet)."""
        self._end = Sample(time.perf_counter() - self._began, *self._now())

    def slices(self) -> list[Slice]:
        """Each slice's figures, from the samples at its edges, the last edge being the
        load's end if the beat had not reached it; slices the run never got to are left
        out."""
        taken = [sample for sample in list(self.samples) if sample.at <= self._end.at]
        edges = taken[: SLICES * self._beats_per_slice + 1 : self._beats_per_slice]
        if len(edges) == SLICES:
            edges.append(self._end)
        found: list[Slice] = []
        for start, end in pairwise(edges):
            answered = end.requests - start.requests
            cpu = (
                None
                if start.server_cpu is None or end.server_cpu is None or answered == 0
                else (end.server_cpu - start.server_cpu) / answered * 1000
            )
            found.append(Slice(answered / (end.at - start.at), cpu))
        return found

    def server_cores(self) -> float | None:
        """gunicorn's CPU over the load, in cores (1.0: one core busy all along)."""
        start, end = self.samples[0], self._end
        if start.server_cpu is None or end.server_cpu is None or end.at <= start.at:
            return None
        return (end.server_cpu - start.server_cpu) / (end.at - start.at)
