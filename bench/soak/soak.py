"""Soak: N seconds of mixed load on gunicorn, an allocation run half-way, then the books.

gunicorn runs as production runs it (a real subprocess, 2 workers) on its own PostgreSQL
schema `bench_soak`. Seven client threads, each with its own http.client connection
(bench.load.clients; a thread is enough, the client uses a fraction of a core):

- 4 online tills: a customer's phone issues a pay code (POST /api/v1/me/tokens), the till
  redeems it (POST /api/v1/pos/redemptions, a fresh redemption id, a random amount);
- 2 offline tills: 10 offline-capable codes accepted against the till's cached keyset and
  blocklist, then synced in one batch (POST /api/v1/pos/redemptions/batch, mode offline),
  then the keyset, the blocklist and the heartbeat, as pos_client's sync does;
- 1 participant app: the wallet (GET /api/v1/me) and its history (GET /api/v1/me/history).

Half-way, `caisse allocate --month 2026-02 --json` runs in a subprocess on the same
database: 2,000 wallets in two chunks, among them the ones the tills are paying from, while
the load goes on. Then `caisse ledger verify --json`, again the real command.

The run fails (exit 1) on any error (a 5xx, an unexpected 4xx, a dropped connection, a
payment not accepted), if any endpoint saw no traffic, if the ledger does not verify, if the
allocation did not give every wallet the month while the load ran, or if the money does not
add up: the redemptions stored and what the shops were credited must equal what the clients
counted as accepted, and no conflict may open. No figure is a target; the table gives
requests, errors, req/s, p50 and p99 per endpoint, then req/s and gunicorn's CPU time per
request in five equal slices of the run (bench.soak.monitor): a server that tires shows as
the second growing, whereas busy neighbours on a shared machine move only the first.

Databases: the soak is PostgreSQL's, as production is; `--db sqlite` runs it on SQLite
instead. `--db both` (the command's default) means PostgreSQL only here: five more minutes
on a single-writer development backend would say little, so SQLite runs only when asked.
"""

import tempfile
import time
import traceback
from pathlib import Path

from bench.core import DATABASES, BenchReport, Log, RunConfig, error_gist
from bench.databases import DatabaseUnavailable, open_database
from bench.load.clients import ClientStats, Http, Step, run_clients
from bench.server import Server, gunicorn
from bench.soak.checks import SoakRun, check
from bench.soak.cli import COMMAND_SECONDS, AllocationDuringLoad, Caisse
from bench.soak.fixture import (
    ALLOCATED_MONTH,
    ONLINE_TILLS,
    SoakFixture,
    set_up,
)
from bench.soak.monitor import LoadMonitor
from bench.soak.report import report_lines, summary
from bench.soak.traffic import (
    Call,
    OfflineTill,
    Tally,
    app_reader,
    online_till,
    pair_till,
)
from wallet_server.db import make_engine, make_session_factory

NAME = "soak"
SCHEMA = "bench_soak"
WORKERS = 2


def soak_databases(config: RunConfig) -> tuple[str, ...]:
    """PostgreSQL unless one database was asked for (see the module's docstring)."""
    if set(config.databases) == set(DATABASES):
        return ("postgresql",)
    return config.databases


# --- clients -------------------------------------------------------------------------------


def _clients(server: Server, fixture: SoakFixture, tally: Tally) -> list[Step]:
    """Pair every till through the API and fill the offline tills' caches (not measured)."""
    http = Http(server.host, server.port)
    try:
        steps: list[Step] = []
        for index, code in enumerate(fixture.online_pairing_codes):
            till = pair_till(http, code, f"online {index}")
            steps.append(online_till(fixture.phones_of(index), till, index, tally))
        for index, code in enumerate(fixture.offline_pairing_codes):
            offline = OfflineTill(
                pair_till(http, code, f"offline {index}"),
                fixture.phones_of(ONLINE_TILLS + index),
                seed=ONLINE_TILLS + index,
                tally=tally,
            )
            scratch = ClientStats()
            offline.refresh(Call(http, scratch, Tally()))
            if scratch.errors:
                raise RuntimeError(
                    f"offline till {index} could not fill its caches: {scratch.samples}"
                )
            steps.append(offline.step)
        steps.append(app_reader(fixture.phones, tally))
        return steps
    finally:
        http.close()


# --- one database --------------------------------------------------------------------------


def _load(
    server: Server, steps: list[Step], caisse: Caisse, run: SoakRun, tally: Tally, log: Log
) -> None:
    label, half = f"[{NAME}/{run.db}]", run.seconds / 2
    log(f"{label} load: {len(steps)} clients, {run.seconds} s; allocation at {half:.0f} s")
    allocation = AllocationDuringLoad(caisse, ALLOCATED_MONTH, time.perf_counter(), half, tally)
    monitor = LoadMonitor(
        run.seconds,
        tally,
        server.cpu_seconds,
        lambda message: log(f"{label} {message}"),
        lambda: allocation.state,
    )
    monitor.begin()
    allocation.start()
    try:
        run.load = run_clients(steps, server.host, server.port, run.seconds)
        monitor.end()
        if allocation.is_alive():
            log(f"{label} load over; waiting for the allocation to finish")
        allocation.join(COMMAND_SECONDS + 30)
    except BaseException:  # Ctrl-C or a crash: no `caisse allocate` left on a dropped schema
        allocation.cancel()
        raise
    finally:
        monitor.stopping.set()
        monitor.join()
    run.allocation = allocation.outcome
    run.slices = monitor.slices()
    run.server_cores = monitor.server_cores()


def _measure(db: str, url: str, config: RunConfig) -> SoakRun:
    run, log = SoakRun(db=db, seconds=config.size), config.log
    engine = make_engine(url)
    try:
        sessions = make_session_factory(engine)
        with tempfile.TemporaryDirectory(prefix="caisse-bench-soak-") as folder:
            instance = Path(folder)
            log(f"[{NAME}/{db}] setup: schema, fund, participants, phones, shops, policy, key")
            start = time.perf_counter()
            fixture = set_up(url, engine, sessions, instance / "keys")
            run.setup_seconds = time.perf_counter() - start
            caisse = Caisse(url, instance)
            tally = Tally()
            with gunicorn(
                url,
                instance,
                workers=WORKERS,
                log=log,
                profile_dir=config.profile_dir,
                profile_name=f"{NAME}-{db}",
            ) as server:
                steps = _clients(server, fixture, tally)
                _load(server, steps, caisse, run, tally, log)
            log(f"[{NAME}/{db}] checks: caisse ledger verify, allocation, money")
            run.ledger = caisse.run("ledger", "verify", "--json")
            check(sessions, run)
    finally:
        engine.dispose()
    if run.problems:
        run.status, run.reason = "failed", "; ".join(run.problems)
    return run


def measure_on(db: str, config: RunConfig) -> SoakRun:
    """Run on one database; an unreachable one is skipped, anything else that breaks fails."""
    try:
        with open_database(db, config.log, schema=SCHEMA) as url:
            return _measure(db, url, config)
    except DatabaseUnavailable as error:
        config.log(f"[{NAME}/{db}] skipped: {error}")
        return SoakRun(db=db, seconds=config.size, status="skipped", reason=str(error))
    except Exception as error:
        config.log(traceback.format_exc(limit=8)[-4000:])
        return SoakRun(db=db, seconds=config.size, status="failed", reason=error_gist(error))


def run(config: RunConfig) -> BenchReport:
    databases = soak_databases(config)
    if databases != config.databases:
        config.log(f"[{NAME}] on PostgreSQL only; --db sqlite runs it on SQLite")
    runs = [measure_on(db, config) for db in databases]
    return BenchReport(
        name=NAME,
        summary=summary(runs, config.size),
        lines=report_lines(runs, config.size),
        ok=all(run.status != "failed" for run in runs),
    )
