"""Pay at tills through gunicorn for N seconds, against /healthz under the same load.

gunicorn runs as production runs it: a real subprocess with 2 workers, on PostgreSQL and on
SQLite. Client threads (bench.load.clients) each play one till and a share of the participants; a
payment is what a till and a phone do: POST /api/v1/me/tokens with the participant's device
credential (201), then POST /api/v1/pos/redemptions with the till's credential, a fresh
uuid as redemption_id, a random amount up to the pay code's cap, mode online (200). Only
payments that got both answers count; anything else is an error, and there should be none:
a run with errors fails, as a failed check does.

Just before, as many clients load GET /healthz for as long: the cheapest request that still
reaches the database, through the same gunicorn, on the same machine, minutes apart at most.
The issue's targets are on that ratio and on latency: payments per second at least half of
/healthz requests per second, and the 99th percentile of the redemption round trip within
50 ms, on a 2-core machine. Eight clients (8 tills at their busiest, each with one payment in
flight) keep both workers busy; threads suffice: the generator uses about a third of a core
for /healthz and a fiftieth for payments, far from the one core the GIL would cap it at.

Not timed: the setup (migrations, fund, 200 funded participants each with a bound device, 4
approved shops with 2 paired tills each, a signing key), a one-second warm-up of each load,
and the checks that follow: `verify` proves the ledger's counters, the database holds exactly
as many redemptions as payments were counted, and the shops were credited exactly what the
clients paid. BENCH_REDEEM_CLIENTS overrides the number of client threads (default 8).

With --profile DIR, each gunicorn worker writes the cProfile stats of its API requests to DIR
when it stops (bench.gunicorn_profile): the client is another process, so the timed section
cannot be profiled in place as in bench.micro.allocation.
"""

import json
import os
import random
import tempfile
import time
import traceback
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import cycle
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bench.core import BenchReport, Log, RunConfig, error_gist, figure
from bench.databases import DatabaseUnavailable, analyze, open_database
from bench.load.clients import ClientStats, Http, LoadResult, Step, run_clients
from bench.report import cell, headline_run, table
from bench.server import Server, gunicorn
from testsupport.fund import add_signing_key, approved_shop, funded_participants, pairing_codes
from wallet_server import migrations
from wallet_server.db import SessionFactory, make_engine, make_session_factory
from wallet_server.ledger import Account, run_in_transaction
from wallet_server.ledger import verify as verify_ledger
from wallet_server.participants.devices import bind_device
from wallet_server.pos.models import Redemption
from wallet_server.pos.pairing import pair_device

NAME = "redeem"
SCHEMA = "bench_redeem"
ACTOR = "bench"
ENROLLED_MONTH = "2026-01"
WORKERS = 2
#: enough that no two clients ever pay from the same wallet at once
PARTICIPANTS = 200
#: each wallet can pay thousands of full-cap codes: funds never run out within a run
FUNDING_CENTS = 50_000_000
SHOPS = 4
TILLS_PER_SHOP = 2
#: client threads; each plays one till (a till has one payment in flight at a time)
DEFAULT_CLIENTS = 8
CLIENTS_VARIABLE = "BENCH_REDEEM_CLIENTS"
WARMUP_SECONDS = 1.0
TARGET_RATIO = 0.5
TARGET_P99_MS = 50.0

TOKENS_PATH = "/api/v1/me/tokens"
REDEMPTIONS_PATH = "/api/v1/pos/redemptions"
HEALTHZ_PATH = "/healthz"
JSON_HEADERS = {"Content-Type": "application/json"}
TOKEN_BODY = json.dumps({"offline": False}).encode()


@dataclass(frozen=True)
class Fixture:
    """Bearer credentials, in the clear: what phones and tills hold."""

    wallets: list[str]
    tills: list[str]


@dataclass
class DbRun:
    """One database's figures; `None` where the run did not get that far."""

    db: str
    seconds: int
    clients: int
    status: str = "ok"  # ok, skipped or failed
    reason: str = ""
    setup_seconds: float | None = None
    healthz: LoadResult | None = None
    payments: LoadResult | None = None
    #: successful payments of the warm-up and what they paid: the database holds them too
    warmup_payments: int = 0
    warmup_cents: int = 0
    server_cores: float | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def redemptions_per_s(self) -> float | None:
        return self.payments.per_s if self.payments else None

    @property
    def healthz_per_s(self) -> float | None:
        return self.healthz.per_s if self.healthz else None

    @property
    def ratio(self) -> float | None:
        payments, healthz = self.redemptions_per_s, self.healthz_per_s
        return payments / healthz if payments is not None and healthz else None

    def p_ms(self, name: str, percent: float) -> float | None:
        source = self.healthz if name == "healthz" else self.payments
        return source.percentile_ms(name, percent) if source else None

    @property
    def errors(self) -> int | None:
        if self.payments is None and self.healthz is None:
            return None
        return sum(load.error_count for load in (self.healthz, self.payments) if load)

    def as_dict(self) -> dict[str, Any]:
        payments, healthz = self.payments, self.healthz
        errors: Counter[str] = Counter()
        for load in (healthz, payments):
            if load:
                errors.update(load.errors)
        return {
            "db": self.db,
            "status": self.status,
            "seconds": self.seconds,
            "clients": self.clients,
            "workers": WORKERS,
            "participants": PARTICIPANTS,
            "tills": SHOPS * TILLS_PER_SHOP,
            "redemptions": payments.successes if payments else None,
            "payments_elapsed_s": figure(payments.seconds if payments else None),
            "healthz_elapsed_s": figure(healthz.seconds if healthz else None),
            "redemptions_per_s": figure(self.redemptions_per_s),
            "p50_ms": figure(self.p_ms("redeem", 50)),
            "p99_ms": figure(self.p_ms("redeem", 99)),
            "payment_p50_ms": figure(self.p_ms("payment", 50)),
            "payment_p99_ms": figure(self.p_ms("payment", 99)),
            "issue_p50_ms": figure(self.p_ms("issue", 50)),
            "issue_p99_ms": figure(self.p_ms("issue", 99)),
            "healthz_requests": healthz.successes if healthz else None,
            "healthz_per_s": figure(self.healthz_per_s),
            "healthz_p50_ms": figure(self.p_ms("healthz", 50)),
            "healthz_p99_ms": figure(self.p_ms("healthz", 99)),
            "ratio": figure(self.ratio),
            "errors": self.errors,
            "error_kinds": dict(errors) or None,
            "client_cores": figure(payments.client_cores if payments else None),
            "healthz_client_cores": figure(healthz.client_cores if healthz else None),
            "server_cores": figure(self.server_cores),
            "setup_seconds": figure(self.setup_seconds),
            "warmup_payments": self.warmup_payments,
            "targets_met": _targets_met(self),
            "reason": self.reason or None,
        }


def client_count() -> int:
    raw = os.environ.get(CLIENTS_VARIABLE)
    count = int(raw) if raw else DEFAULT_CLIENTS
    if not 1 <= count <= PARTICIPANTS:  # every client needs wallets of its own
        raise ValueError(f"{CLIENTS_VARIABLE} must be between 1 and {PARTICIPANTS}")
    return count


# --- setup (not timed) ---------------------------------------------------------------------


def _seed(session: Session, key_dir: Path) -> Fixture:
    """Funded participants with a bound phone each, approved shops with paired tills, a key:
    all through the services a coordinator's actions go through."""
    people = funded_participants(
        session, PARTICIPANTS, FUNDING_CENTS, actor=ACTOR, month=ENROLLED_MONTH
    )
    wallets = [bind_device(session, person, label="bench").credential for person in people]
    tills: list[str] = []
    for shop_index in range(SHOPS):
        shop = approved_shop(session, f"Bench shop {shop_index}")
        codes = pairing_codes(session, shop, TILLS_PER_SHOP, actor=ACTOR)
        for till_index, code in enumerate(codes):
            paired = pair_device(session, code, name=f"till {shop_index}.{till_index}")
            tills.append(paired.credential)
    add_signing_key(session, key_dir)
    return Fixture(wallets=wallets, tills=tills)


def _setup(url: str, engine: Engine, sessions: SessionFactory, key_dir: Path) -> Fixture:
    migrations.upgrade(url)
    fixture = run_in_transaction(sessions, lambda session: _seed(session, key_dir))
    analyze(engine)
    return fixture


# --- the load ------------------------------------------------------------------------------


def _bearer(credential: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {credential}", **JSON_HEADERS}


def payment_step(wallets: Sequence[str], till: str, seed: int) -> Step:
    """A till taking payments from `wallets` in turn: issue a pay code, then redeem it."""
    phones = cycle([_bearer(credential) for credential in wallets])
    till_headers = _bearer(till)
    rng = random.Random(seed)

    def pay(http: Http, stats: ClientStats) -> None:
        started = time.perf_counter()
        status, body = http.call("POST", TOKENS_PATH, TOKEN_BODY, next(phones))
        if status != 201:
            stats.error(f"POST {TOKENS_PATH} {status}", body)
            return
        issued_code = json.loads(body)
        amount = rng.randint(1, int(issued_code["cap_cents"]))
        request = {
            "redemption_id": str(uuid.uuid4()),
            "token": issued_code["token"],
            "amount_cents": amount,
            "captured_at": datetime.now(UTC).isoformat(),
            "mode": "online",
        }
        issued = time.perf_counter()
        status, body = http.call(
            "POST", REDEMPTIONS_PATH, json.dumps(request).encode(), till_headers
        )
        finished = time.perf_counter()
        if status != 200:
            stats.error(f"POST {REDEMPTIONS_PATH} {status}", body)
            return
        receipt = json.loads(body)
        if receipt.get("status") != "accepted" or receipt.get("amount_cents") != amount:
            stats.error(f"POST {REDEMPTIONS_PATH} 200 but wrong receipt", body)
            return
        stats.successes += 1
        stats.amount_cents += amount
        stats.record("issue", issued - started)
        stats.record("redeem", finished - issued)
        stats.record("payment", finished - started)

    return pay


def healthz_step(http: Http, stats: ClientStats) -> None:
    started = time.perf_counter()
    status, body = http.call("GET", HEALTHZ_PATH)
    finished = time.perf_counter()
    if status != 200:
        stats.error(f"GET {HEALTHZ_PATH} {status}", body)
        return
    stats.successes += 1
    stats.record("healthz", finished - started)


def payment_steps(fixture: Fixture, clients: int, seed: int) -> list[Step]:
    """Client i plays till i (modulo the tills) and owns every clients-th wallet, so that
    wallets never contend between clients, as two phones of one household would not."""
    return [
        payment_step(
            fixture.wallets[index::clients], fixture.tills[index % len(fixture.tills)], seed + index
        )
        for index in range(clients)
    ]


def _load(server: Server, fixture: Fixture, run: DbRun, log: Log) -> None:
    clients, seconds, label = run.clients, run.seconds, f"[{NAME}/{run.db}]"
    log(f"{label} warm-up: {WARMUP_SECONDS:.0f} s of each load")
    warmups = [
        run_clients([healthz_step] * clients, server.host, server.port, WARMUP_SECONDS),
        run_clients(payment_steps(fixture, clients, 0), server.host, server.port, WARMUP_SECONDS),
    ]
    run.warmup_payments, run.warmup_cents = warmups[1].successes, warmups[1].amount_cents
    for warmup in warmups:
        if warmup.error_count:
            run.problems.append(f"warm-up: {warmup.error_count} errors, e.g. {warmup.samples[0]}")
    log(f"{label} timed: GET {HEALTHZ_PATH}, {clients} clients, {seconds} s")
    run.healthz = run_clients([healthz_step] * clients, server.host, server.port, seconds)
    log(f"{label} timed: payments, {clients} clients, {seconds} s")
    cpu_before = server.cpu_seconds()
    run.payments = run_clients(
        payment_steps(fixture, clients, 1_000_000), server.host, server.port, seconds
    )
    cpu_after = server.cpu_seconds()
    if cpu_before is not None and cpu_after is not None and run.payments.seconds > 0:
        run.server_cores = (cpu_after - cpu_before) / run.payments.seconds
    for load in (run.healthz, run.payments):
        if load.error_count:
            run.problems.append(
                f"{load.error_count} errors ({dict(load.errors)}), e.g. {load.samples[0]}"
            )


# --- checks (not timed) --------------------------------------------------------------------


def _check(sessions: SessionFactory, run: DbRun) -> None:
    """Append to `run.problems` whatever shows the payments were wrong, not just slow."""
    paid = run.warmup_payments + (run.payments.successes if run.payments else 0)
    paid_cents = run.warmup_cents + (run.payments.amount_cents if run.payments else 0)
    with sessions() as session:
        report = verify_ledger(session)
        stored = session.scalar(select(func.count()).select_from(Redemption)) or 0
        credited = (
            session.scalar(
                select(func.coalesce(func.sum(Account.credits_posted), 0)).where(
                    Account.kind == "shop"
                )
            )
            or 0
        )
    if not report.ok:
        details = [str(m.__dict__) for m in report.mismatches[:3]] + report.problems[:3]
        run.problems.append(f"ledger verify failed: {'; '.join(details)}")
    if stored != paid:
        run.problems.append(f"{stored} redemptions stored, {paid} payments counted")
    if credited != paid_cents:
        run.problems.append(f"shops credited {credited} cents, clients paid {paid_cents}")


def _measure(db: str, url: str, config: RunConfig, clients: int) -> DbRun:
    run, log = DbRun(db=db, seconds=config.size, clients=clients), config.log
    engine = make_engine(url)
    try:
        sessions = make_session_factory(engine)
        with tempfile.TemporaryDirectory(prefix="caisse-bench-redeem-") as folder:
            instance = Path(folder)
            log(f"[{NAME}/{db}] setup: schema, fund, {PARTICIPANTS} participants, tills, key")
            start = time.perf_counter()
            fixture = _setup(url, engine, sessions, instance / "keys")
            run.setup_seconds = time.perf_counter() - start
            with gunicorn(
                url,
                instance,
                workers=WORKERS,
                log=log,
                profile_dir=config.profile_dir,
                profile_name=f"{NAME}-{db}",
            ) as server:
                _load(server, fixture, run, log)
        log(f"[{NAME}/{db}] checks: verify, redemptions stored, shops credited")
        _check(sessions, run)
    finally:
        engine.dispose()
    if run.problems:
        run.status, run.reason = "failed", "; ".join(run.problems)
    return run


def measure_on(db: str, config: RunConfig, clients: int) -> DbRun:
    """Run on one database; an unreachable one is skipped, anything else that breaks fails."""
    try:
        with open_database(db, config.log, schema=SCHEMA) as url:
            return _measure(db, url, config, clients)
    except DatabaseUnavailable as error:
        config.log(f"[{NAME}/{db}] skipped: {error}")
        return DbRun(
            db=db, seconds=config.size, clients=clients, status="skipped", reason=str(error)
        )
    except Exception as error:
        config.log(traceback.format_exc(limit=8)[-4000:])
        return DbRun(
            db=db, seconds=config.size, clients=clients, status="failed", reason=error_gist(error)
        )


# --- report --------------------------------------------------------------------------------


def _targets_met(run: DbRun) -> bool | None:
    ratio, p99 = run.ratio, run.p_ms("redeem", 99)
    if ratio is None or p99 is None:
        return None
    return ratio >= TARGET_RATIO and p99 <= TARGET_P99_MS


def _summary(runs: list[DbRun], seconds: int, clients: int) -> dict[str, Any]:
    headline = headline_run(runs)
    figures = headline.as_dict() if headline else {}
    return {
        "bench": NAME,
        "db": headline.db if headline else None,
        "seconds": seconds,
        "clients": clients,
        "redemptions_per_s": figures.get("redemptions_per_s"),
        "p50_ms": figures.get("p50_ms"),
        "p99_ms": figures.get("p99_ms"),
        "healthz_per_s": figures.get("healthz_per_s"),
        "ratio": figures.get("ratio"),
        "errors": figures.get("errors"),
        "runs": [run.as_dict() for run in runs],
    }


def _met(ok: bool) -> str:
    return "met" if ok else "MISSED"


def _target_cells(run: DbRun) -> list[str]:
    ratio, p99 = run.ratio, run.p_ms("redeem", 99)
    return [
        "-" if ratio is None else _met(ratio >= TARGET_RATIO),
        "-" if p99 is None else _met(p99 <= TARGET_P99_MS),
    ]


def _lines(runs: list[DbRun], seconds: int, clients: int) -> list[str]:
    header = [
        f"{NAME}: pay codes issued and redeemed through gunicorn ({WORKERS} workers), "
        f"{clients} clients, {seconds} s per load, {PARTICIPANTS} participants, "
        f"{SHOPS * TILLS_PER_SHOP} tills; targets: ratio ≥ {TARGET_RATIO} "
        f"(payments/s ÷ /healthz/s), redemption p99 ≤ {TARGET_P99_MS:.0f} ms"
    ]
    rows = [
        [
            run.db,
            run.status,
            cell(run.healthz_per_s),
            cell(run.p_ms("healthz", 99), 1),
            cell(run.redemptions_per_s, 1),
            cell(run.ratio, 3),
            cell(run.p_ms("redeem", 50), 1),
            cell(run.p_ms("redeem", 99), 1),
            cell(run.p_ms("payment", 50), 1),
            cell(run.p_ms("payment", 99), 1),
            cell(run.errors),
            *_target_cells(run),
        ]
        for run in runs
    ]
    body = table(
        [
            "db",
            "status",
            "healthz/s",
            "healthz p99",
            "payments/s",
            "ratio",
            "redeem p50",
            "redeem p99",
            "payment p50",
            "payment p99",
            "errors",
            "ratio target",
            "p99 target",
        ],
        rows,
        left=2,
    )
    load = [
        f"{run.db}: load generator {cell(run.payments.client_cores, 2)} cores during payments, "
        f"{cell(run.healthz.client_cores, 2)} during /healthz; gunicorn "
        f"{cell(run.server_cores, 2)} cores during payments "
        f"(latencies in ms; setup {cell(run.setup_seconds, 1)} s)"
        for run in runs
        if run.payments is not None and run.healthz is not None
    ]
    notes = [f"{run.db} {run.status}: {run.reason}" for run in runs if run.reason]
    return header + body + load + notes


def run(config: RunConfig) -> BenchReport:
    clients = client_count()
    runs = [measure_on(db, config, clients) for db in config.databases]
    return BenchReport(
        name=NAME,
        summary=_summary(runs, config.size, clients),
        lines=_lines(runs, config.size, clients),
        ok=all(run.status != "failed" for run in runs),
    )
