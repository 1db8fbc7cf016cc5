"""Allocate one month to N participants, timed, on PostgreSQL and SQLite.

The issue's target is 100,000 participants in at most 30 s on PostgreSQL, i.e. at least
3,300 transfers per second. Only `run_allocation` is timed; the setup (schema, fund, policy,
subsidy, enrollment) is not, and neither are the checks that follow: every participant
allocated once, the ledger's counters proven by `verify`, and a second run of the same month
allocating nothing.
"""

import time
import traceback
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bench.core import BenchReport, Log, RunConfig, Throttle, figure, profiled, rate
from bench.databases import DatabaseUnavailable, analyze, open_database
from bench.micro import baseline
from bench.report import cell, headline_run, table
from wallet_server import migrations
from wallet_server.allocations.operations import RunSummary, run_allocation, set_policy
from wallet_server.contributions.operations import record_subsidy
from wallet_server.db import SessionFactory, make_engine, make_session_factory
from wallet_server.fund import ensure_fund_accounts
from wallet_server.ledger import Transfer, run_in_transaction, verify
from wallet_server.participants.operations import Enrollment, enroll_many

NAME = "allocation"
MONTH = "2026-12"
ENROLLED_MONTH = "2026-01"
ACTOR = "bench"
#: participants per enrollment transaction: big enough to be quick, small enough for memory
ENROLL_CHUNK = 5_000
AMOUNT_CENTS = 10_000
EXTRA_MEMBER_CENTS = 2_500
#: household sizes cycle through 1..MAX_HOUSEHOLD so the policy's per-member term is exercised
MAX_HOUSEHOLD = 5
#: 100,000 transfers in 30 s
TARGET_TRANSFERS_PER_S = 3_300


def household_size(index: int) -> int:
    return 1 + index % MAX_HOUSEHOLD


def expected_total_cents(participants: int) -> int:
    """Computed apart from the policy code, so that the check can catch it being wrong."""
    return sum(
        AMOUNT_CENTS + EXTRA_MEMBER_CENTS * (household_size(index) - 1)
        for index in range(participants)
    )


@dataclass
class DbRun:
    """One database's figures; `None` where the run did not get that far."""

    db: str
    participants: int
    status: str = "ok"  # ok, skipped or failed
    reason: str = ""
    setup_seconds: float | None = None
    baseline_seconds: float | None = None
    seconds: float | None = None
    transfers: int | None = None
    rerun_seconds: float | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def transfers_per_s(self) -> float | None:
        return rate(self.transfers or 0, self.seconds) if self.transfers else None

    @property
    def baseline_rows_per_s(self) -> float | None:
        return rate(self.participants, self.baseline_seconds)

    @property
    def ratio(self) -> float | None:
        allocation, raw = self.transfers_per_s, self.baseline_rows_per_s
        return allocation / raw if allocation and raw else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "db": self.db,
            "status": self.status,
            "participants": self.participants,
            "seconds": figure(self.seconds),
            "transfers": self.transfers,
            "transfers_per_s": figure(self.transfers_per_s),
            "baseline_rows_per_s": figure(self.baseline_rows_per_s),
            "ratio": figure(self.ratio),
            "setup_seconds": figure(self.setup_seconds),
            "baseline_seconds": figure(self.baseline_seconds),
            "rerun_seconds": figure(self.rerun_seconds),
            "reason": self.reason or None,
        }


# --- setup (not timed) ---------------------------------------------------------------------


def _seed(session: Session, participants: int) -> None:
    """Fund accounts, a policy in force, and a subsidy that backs exactly the allocation."""
    ensure_fund_accounts(session)
    set_policy(
        session,
        effective_month=ENROLLED_MONTH,
        amount_cents=AMOUNT_CENTS,
        extra_member_cents=EXTRA_MEMBER_CENTS,
        decided_by=ACTOR,
        note="benchmark",
    )
    record_subsidy(
        session,
        funder="benchmark",
        amount_cents=expected_total_cents(participants),
        received_on=date(2026, 1, 1),
        actor=ACTOR,
        subsidy_id="bench",
    )


def _enroll(sessions: SessionFactory, participants: int, log: Log) -> None:
    """Enroll through the real `enroll_many`, one transaction per chunk, as a CSV import does."""
    throttle = Throttle(log)
    for start in range(0, participants, ENROLL_CHUNK):
        stop = min(start + ENROLL_CHUNK, participants)
        batch = [
            Enrollment(
                enrolled_month=ENROLLED_MONTH,
                name=f"Participant {index}",
                household_size=household_size(index),
            )
            for index in range(start, stop)
        ]

        def work(session: Session, batch: list[Enrollment] = batch) -> None:
            enroll_many(session, batch, actor=ACTOR)

        run_in_transaction(sessions, work)
        throttle(f"  enrolled {stop:,}/{participants:,}", force=stop == participants)


def _setup(url: str, engine: Engine, sessions: SessionFactory, participants: int, log: Log) -> None:
    migrations.upgrade(url)
    run_in_transaction(sessions, lambda session: _seed(session, participants))
    _enroll(sessions, participants, log)
    # Statistics as they stand after enrollment: participants and accounts full, transfers
    # nearly empty. That is a new fund's first month, which this benchmark times, and the
    # state the ledger's lookups are planned on, stale, as transfers grow.
    analyze(engine)


# --- timed run and checks ------------------------------------------------------------------


def _transfer_count(sessions: SessionFactory) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(Transfer)) or 0


def _allocate(sessions: SessionFactory, config: RunConfig, db: str) -> tuple[RunSummary, float]:
    throttle = Throttle(config.log)

    def progress(done: int, total: int) -> None:
        throttle(f"  allocated {done:,}/{total:,}", force=done == total)

    with profiled(config, f"{NAME}-{db}"):
        start = time.perf_counter()
        summary = run_allocation(sessions, month=MONTH, actor=ACTOR, progress=progress)
        seconds = time.perf_counter() - start
    return summary, seconds


def _check(sessions: SessionFactory, run: DbRun, summary: RunSummary) -> None:
    """Append to `run.problems` whatever shows the allocation was wrong, not just slow."""
    expected = run.participants
    if summary.allocated != expected:
        run.problems.append(f"allocated {summary.allocated}, expected {expected}")
    if summary.total_cents != expected_total_cents(expected):
        run.problems.append(
            f"total_cents {summary.total_cents}, expected {expected_total_cents(expected)}"
        )
    if run.transfers != expected:
        run.problems.append(f"{run.transfers} transfers written, expected {expected}")
    with sessions() as session:
        report = verify(session)
    if not report.ok:
        details = [str(m.__dict__) for m in report.mismatches[:3]] + report.problems[:3]
        run.problems.append(f"ledger verify failed: {'; '.join(details)}")
    start = time.perf_counter()
    again = run_allocation(sessions, month=MONTH, actor=ACTOR)
    run.rerun_seconds = time.perf_counter() - start
    if again.allocated != 0 or again.skipped != expected:
        run.problems.append(
            f"second run allocated {again.allocated} and skipped {again.skipped}, "
            f"expected 0 and {expected}"
        )


def _measure(db: str, url: str, config: RunConfig) -> DbRun:
    run, log, participants = DbRun(db=db, participants=config.size), config.log, config.size
    engine = make_engine(url)
    try:
        sessions = make_session_factory(engine)
        log(f"[{NAME}/{db}] setup: schema, fund, {participants:,} participants")
        start = time.perf_counter()
        _setup(url, engine, sessions, participants, log)
        run.setup_seconds = time.perf_counter() - start
        log(f"[{NAME}/{db}] baseline: inserting {participants:,} plain rows")
        run.baseline_seconds = baseline.insert_seconds(engine, participants)
        before = _transfer_count(sessions)
        log(f"[{NAME}/{db}] timed: run_allocation for {MONTH}")
        summary, run.seconds = _allocate(sessions, config, db)
        run.transfers = _transfer_count(sessions) - before
        log(f"[{NAME}/{db}] checks: verify and a second run of {MONTH}")
        _check(sessions, run, summary)
    finally:
        engine.dispose()
    if run.problems:
        run.status, run.reason = "failed", "; ".join(run.problems)
    return run


def _first_line(error: BaseException, limit: int = 300) -> str:
    """SQLAlchemy errors carry the statement and its thousands of parameters: keep the gist."""
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else ''}"[:limit]


def measure_on(db: str, config: RunConfig) -> DbRun:
    """Run on one database; an unreachable one is skipped, anything else that breaks fails."""
    try:
        with open_database(db, config.log) as url:
            return _measure(db, url, config)
    except DatabaseUnavailable as error:
        config.log(f"[{NAME}/{db}] skipped: {error}")
        return DbRun(db=db, participants=config.size, status="skipped", reason=str(error))
    except Exception as error:
        config.log(traceback.format_exc(limit=8)[-4000:])
        return DbRun(db=db, participants=config.size, status="failed", reason=_first_line(error))


# --- report --------------------------------------------------------------------------------


def _summary(runs: list[DbRun], participants: int) -> dict[str, Any]:
    headline = headline_run(runs)  # the target is PostgreSQL's
    figures = headline.as_dict() if headline else {}
    return {
        "bench": NAME,
        "db": headline.db if headline else None,
        "participants": participants,
        "seconds": figures.get("seconds"),
        "transfers_per_s": figures.get("transfers_per_s"),
        "baseline_rows_per_s": figures.get("baseline_rows_per_s"),
        "ratio": figures.get("ratio"),
        "runs": [run.as_dict() for run in runs],
    }


def _target(run: DbRun) -> str:
    if run.db != "postgresql" or run.transfers_per_s is None:
        return "-"
    return "met" if run.transfers_per_s >= TARGET_TRANSFERS_PER_S else "MISSED"


def _lines(runs: list[DbRun], participants: int) -> list[str]:
    header = [
        f"{NAME}: one month ({MONTH}) to {participants:,} participants; "
        f"target on PostgreSQL ≥ {TARGET_TRANSFERS_PER_S:,} transfers/s"
    ]
    rows = [
        [
            run.db,
            run.status,
            cell(run.setup_seconds, 1),
            cell(run.baseline_rows_per_s),
            cell(run.seconds, 2),
            cell(run.transfers_per_s),
            cell(run.ratio, 3),
            cell(run.rerun_seconds, 2),
            _target(run),
        ]
        for run in runs
    ]
    body = table(
        [
            "db",
            "status",
            "setup s",
            "baseline rows/s",
            "alloc s",
            "transfers/s",
            "ratio",
            "rerun s",
            "target",
        ],
        rows,
        left=2,
    )
    notes = [f"{run.db} {run.status}: {run.reason}" for run in runs if run.reason]
    return header + body + notes


def run(config: RunConfig) -> BenchReport:
    runs = [measure_on(db, config) for db in config.databases]
    return BenchReport(
        name=NAME,
        summary=_summary(runs, config.size),
        lines=_lines(runs, config.size),
        ok=all(run.status != "failed" for run in runs),
    )
