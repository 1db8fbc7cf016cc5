"""The benchmarks `python -m bench` knows, described without importing them.

A new benchmark (redeem, pos, pwa, ...) is one module, bench/FAMILY/NAME.py, with a
`run(config) -> BenchReport` function, and one `Benchmark` line below. Modules are imported
only when run, so a benchmark with heavy dependencies (a browser for `pwa`) costs nothing to
the others.
"""

import importlib
from dataclasses import dataclass
from typing import cast

from bench.core import Runner


@dataclass(frozen=True)
class Benchmark:
    name: str
    description: str
    #: the command-line option giving the run's size, e.g. "participants" for --participants
    size_name: str
    full_size: int
    #: small enough to run in seconds, for `--quick` and CI
    quick_size: int
    #: "module:function" returning a BenchReport
    runner: str
    #: further integer options of this benchmark alone: (name, default, help)
    options: tuple[tuple[str, int, str], ...] = ()

    def load(self) -> Runner:
        module_name, _, function = self.runner.partition(":")
        return cast(Runner, getattr(importlib.import_module(module_name), function))

    def size(self, *, quick: bool, explicit: int | None = None) -> int:
        if explicit is not None:
            return explicit
        return self.quick_size if quick else self.full_size


BENCHMARKS: dict[str, Benchmark] = {
    benchmark.name: benchmark
    for benchmark in (
        Benchmark(
            name="allocation",
            description="allocate one month to every participant (target: 100,000 in ≤ 30 s "
            "on PostgreSQL)",
            size_name="participants",
            full_size=100_000,
            quick_size=5_000,
            runner="bench.micro.allocation:run",
        ),
        Benchmark(
            name="redeem",
            description="issue and redeem pay codes through gunicorn (2 workers) for N "
            "seconds, against /healthz under the same load (targets: ratio ≥ 0.5, "
            "p99 ≤ 50 ms)",
            size_name="seconds",
            full_size=20,
            quick_size=5,
            runner="bench.load.redeem:run",
        ),
        Benchmark(
            name="pos",
            description="till: offline acceptance p50/p99 over 2,000 scans (target p99 ≤ 10 ms) "
            "and sync of N queued redemptions (target ≥ 500/s on PostgreSQL)",
            size_name="redemptions",
            full_size=10_000,
            quick_size=1_000,
            runner="bench.load.pos:run",
        ),
        Benchmark(
            name="pwa",
            description="participant app: first load in KB (gzip; target ≤ 150) and offline "
            "time to a visible pay code over N openings (target ≤ 1000 ms)",
            size_name="openings",
            full_size=10,
            quick_size=3,
            runner="bench.browser.pwa:run",
        ),
        Benchmark(
            name="till",
            description="browser till in Chromium: first load in KB (gzip; target ≤ 150), "
            "offline acceptance p99 over N scans (target ≤ 50 ms), sync of the queued payments "
            "(target ≥ 300/s)",
            size_name="scans",
            full_size=500,
            quick_size=50,
            runner="bench.browser.till:run",
            options=(
                ("queued", -1, "payments queued offline then synced (-1: 1,000, 100 quick)"),
                (
                    "history",
                    -1,
                    "a year of synced payments already in the journal (-1: 20,000, 2,000 quick)",
                ),
            ),
        ),
        Benchmark(
            name="soak",
            description="N seconds of mixed load on gunicorn (issue, redeem online, offline "
            "syncs, an allocation run half-way): no error, ledger verified, throughput and "
            "p99 per endpoint",
            size_name="seconds",
            full_size=300,
            quick_size=20,
            runner="bench.soak.soak:run",
        ),
        Benchmark(
            name="simulate",
            description="seeded fault simulation: N payments across many tills with network "
            "partitions, till crashes, server restarts, clock skew and replayed syncs; every "
            "accepted payment credited exactly once",
            size_name="payments",
            full_size=10_000,
            quick_size=1_000,
            runner="bench.simulation.simulate:run",
            options=(
                ("seed", 1, "the run's seed: the same seed replays the same faults"),
                ("devices", 50, "how many tills"),
                (
                    "rogues",
                    -1,
                    "rogue tills next to the honest ones (-1: a tenth of the tills, at least 1 "
                    "from 3 tills)",
                ),
            ),
        ),
    )
}
