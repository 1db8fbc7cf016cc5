"""One database's soak, and the checks that decide whether it held.

Errors, traffic on every endpoint, the allocation (the command's own summary, then one
`allocations` row per wallet and a completed run), `caisse ledger verify`, and the money:
the database must hold exactly the redemptions the clients saw accepted, the shops must be
credited exactly what those clients paid, and no conflict may have opened.
"""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select

from bench.core import figure
from bench.load.clients import LoadResult
from bench.soak.cli import AllocationOutcome, CommandResult
from bench.soak.fixture import ALLOCATED_MONTH, ALLOCATION_CENTS, PARTICIPANTS
from bench.soak.monitor import Slice
from bench.soak.traffic import ENDPOINTS
from wallet_server.allocations.models import Allocation, AllocationRun, RunStatus
from wallet_server.db import SessionFactory
from wallet_server.ledger import Account
from wallet_server.pos.models import Conflict, Redemption

#: error samples kept in the report
SAMPLES = 10


@dataclass
class SoakRun:
    """One database's soak; `None` where the run did not get that far."""

    db: str
    seconds: int
    status: str = "ok"  # ok, skipped or failed
    reason: str = ""
    setup_seconds: float | None = None
    load: LoadResult | None = None
    server_cores: float | None = None
    #: equal slices of the load, first to last
    slices: list[Slice] | None = None
    allocation: AllocationOutcome | None = None
    ledger: CommandResult | None = None
    #: what the database holds after the load, to set against what the clients counted
    stored_redemptions: int | None = None
    credited_cents: int | None = None
    conflicts: int | None = None
    allocated_wallets: int | None = None
    completed_runs: int | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int | None:
        if self.load is None:
            return None
        return sum(len(values) for values in self.load.latencies.values())

    @property
    def errors(self) -> int | None:
        return self.load.error_count if self.load else None

    @property
    def ledger_ok(self) -> bool | None:
        if self.ledger is None:
            return None
        verdict = self.ledger.json()
        return self.ledger.returncode == 0 and verdict is not None and verdict.get("ok") is True

    @property
    def allocation_ok(self) -> bool | None:
        if self.allocation is None or self.allocated_wallets is None:
            return None
        return not _allocation_problems(self)

    @property
    def money_ok(self) -> bool | None:
        if self.load is None or self.credited_cents is None:
            return None
        return not _money_problems(self)

    def endpoints(self) -> dict[str, dict[str, Any]]:
        """Per endpoint: requests, errors, req/s over the load, p50 and p99 in ms."""
        load = self.load
        if load is None:
            return {}
        figures: dict[str, dict[str, Any]] = {}
        for name in ENDPOINTS:
            count = len(load.latencies.get(name, []))
            errors = sum(n for kind, n in load.errors.items() if kind.startswith(f"{name} "))
            figures[name] = {
                "count": count,
                "errors": errors,
                "per_second": figure(count / load.seconds if load.seconds > 0 else None),
                "p50_ms": figure(load.percentile_ms(name, 50)),
                "p99_ms": figure(load.percentile_ms(name, 99)),
            }
        return figures

    def as_dict(self) -> dict[str, Any]:
        load = self.load
        return {
            "db": self.db,
            "status": self.status,
            "seconds": self.seconds,
            "elapsed_s": figure(load.seconds if load else None),
            "clients": load.clients if load else None,
            "requests": self.requests,
            "per_second_by_slice": [figure(s.per_second) for s in self.slices or []] or None,
            "server_cpu_ms_by_slice": [figure(s.server_cpu_ms) for s in self.slices or []] or None,
            "errors": self.errors,
            "error_kinds": dict(load.errors) if load and load.errors else None,
            "error_samples": load.samples[:SAMPLES] if load and load.samples else None,
            "ledger_ok": self.ledger_ok,
            "allocation_ok": self.allocation_ok,
            "money_ok": self.money_ok,
            "accepted_payments": load.successes if load else None,
            "accepted_cents": load.amount_cents if load else None,
            "stored_redemptions": self.stored_redemptions,
            "credited_cents": self.credited_cents,
            "conflicts": self.conflicts,
            "allocated_wallets": self.allocated_wallets,
            "participants": PARTICIPANTS,
            "allocation": self.allocation.as_dict() if self.allocation else None,
            "endpoints": self.endpoints(),
            "client_cores": figure(load.client_cores if load else None),
            "server_cores": figure(self.server_cores),
            "setup_seconds": figure(self.setup_seconds),
            "reason": self.reason or None,
        }


def _allocation_problems(run: SoakRun) -> list[str]:
    outcome, problems = run.allocation, []
    if outcome is None or outcome.result is None:
        return ["the allocation never started"]
    if outcome.result.returncode != 0:
        problems.append(
            f"caisse allocate exited {outcome.result.returncode}: {outcome.result.gist()}"
        )
    summary = outcome.summary or {}
    expected = {
        "allocated": PARTICIPANTS,
        "already_allocated": 0,
        "total_cents": PARTICIPANTS * ALLOCATION_CENTS,
    }
    got = {name: summary.get(name) for name in expected}
    if got != expected:
        problems.append(f"caisse allocate summary {got}, expected {expected}")
    if run.load is not None and (
        outcome.started_s is None or outcome.started_s >= run.load.seconds
    ):
        problems.append("the allocation did not start while the load ran")
    if not outcome.requests_during:
        problems.append("no request was answered while the allocation ran")
    if run.completed_runs != 1:
        problems.append(f"{run.completed_runs} completed runs of {ALLOCATED_MONTH}, expected 1")
    if run.allocated_wallets != PARTICIPANTS:
        problems.append(
            f"{run.allocated_wallets} wallets got {ALLOCATED_MONTH}, expected {PARTICIPANTS}"
        )
    return problems


def _money_problems(run: SoakRun) -> list[str]:
    load, problems = run.load, []
    assert load is not None
    if run.stored_redemptions != load.successes:
        problems.append(
            f"{run.stored_redemptions} redemptions stored, {load.successes} accepted by the clients"
        )
    if run.credited_cents != load.amount_cents:
        problems.append(
            f"shops credited {run.credited_cents} cents, clients paid {load.amount_cents}"
        )
    if run.conflicts:
        problems.append(f"{run.conflicts} conflicts opened")
    return problems


def _read_database(sessions: SessionFactory, run: SoakRun) -> None:
    def number(statement: Select[Any]) -> int:
        # PostgreSQL sums bigints as numeric: the driver hands back a Decimal
        return int(session.scalar(statement) or 0)

    with sessions() as session:
        run.stored_redemptions = number(select(func.count()).select_from(Redemption))
        run.credited_cents = number(
            select(func.sum(Account.credits_posted)).where(Account.kind == "shop")
        )
        run.conflicts = number(select(func.count()).select_from(Conflict))
        run.allocated_wallets = number(
            select(func.count(func.distinct(Allocation.participant_id))).where(
                Allocation.month == ALLOCATED_MONTH
            )
        )
        run.completed_runs = number(
            select(func.count()).where(
                AllocationRun.month == ALLOCATED_MONTH,
                AllocationRun.status == RunStatus.COMPLETED.value,
            )
        )


def check(sessions: SessionFactory, run: SoakRun) -> None:
    """Append to `run.problems` whatever shows the soak did not hold."""
    load = run.load
    if load is None:
        run.problems.append("no load ran")
        return
    if load.error_count:
        run.problems.append(f"{load.error_count} errors: {dict(load.errors)}")
    idle = [name for name, figures in run.endpoints().items() if figures["count"] == 0]
    if idle:
        run.problems.append(f"no traffic on {', '.join(idle)}")
    _read_database(sessions, run)
    run.problems += _allocation_problems(run)
    if not run.ledger_ok:
        gist = run.ledger.gist() if run.ledger else "not run"
        run.problems.append(f"caisse ledger verify failed: {gist}")
    run.problems += _money_problems(run)
