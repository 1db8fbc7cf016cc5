"""Allocation policies and month runs.

A run works in chunks, each its own transaction: a crash loses at most the chunk in flight,
and running the month again completes it, because an `Allocation` row (unique per month and
participant) is written in the same transaction as the wallet's transfers.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, select, update
from sqlalchemy.orm import Session

from wallet_server import clock
from wallet_server.allocations.breakdown import RunBreakdown
from wallet_server.allocations.models import (
    Allocation,
    AllocationMode,
    AllocationPolicy,
    AllocationRun,
    RunStatus,
)
from wallet_server.allocations.policy import PolicyTerms, allocation_for
from wallet_server.fund import FundAccount, fund_account
from wallet_server.ledger import (
    TransferRequest,
    create_transfers,
    lock_accounts,
    run_in_transaction,
)
from wallet_server.ledger.bulk import insert_rows
from wallet_server.months import parse_month
from wallet_server.participants.models import Participant, ParticipantStatus
from wallet_server.pos.conflicts import close_recovered
from wallet_server.refusals import Refusal

CHUNK_SIZE = 1000
#: called after each chunk with (participants done, participants in all)
Progress = Callable[[int, int], None]


class AllocationError(Refusal):
    pass


def set_policy(
    session: Session,
    *,
    effective_month: str,
    amount_cents: int,
    decided_by: str,
    extra_member_cents: int = 0,
    mode: AllocationMode = AllocationMode.ADD,
    carry_over_cap_cents: int | None = None,
    note: str = "",
    now: datetime | None = None,
) -> AllocationPolicy:
    """Record a committee decision; earlier versions stay for the months they governed.
    `now` (default: the clock) dates the decision's record."""
    parse_month(effective_month)
    for value in (amount_cents, extra_member_cents, carry_over_cap_cents or 0):
        if type(value) is not int or value < 0:
            raise AllocationError("invalid_amount", amount=value)
    policy = AllocationPolicy(
        effective_month=effective_month,
        amount_cents=amount_cents,
        extra_member_cents=extra_member_cents,
        mode=AllocationMode(mode).value,
        carry_over_cap_cents=carry_over_cap_cents,
        decided_by=decided_by,
        note=note,
        created_at=now or clock.now(),
    )
    session.add(policy)
    session.flush()
    return policy


def policy_for(session: Session, month: str) -> AllocationPolicy:
    """The latest decision in force for `month`."""
    policy = session.scalar(
        select(AllocationPolicy)
        .where(AllocationPolicy.effective_month <= parse_month(month))
        .order_by(AllocationPolicy.effective_month.desc(), AllocationPolicy.id.desc())
        .limit(1)
    )
    if policy is None:
        raise AllocationError("no_policy", month=month)
    return policy


def terms_of(policy: AllocationPolicy) -> PolicyTerms:
    return PolicyTerms(
        amount_cents=policy.amount_cents,
        extra_member_cents=policy.extra_member_cents,
        mode=AllocationMode(policy.mode),
        carry_over_cap_cents=policy.carry_over_cap_cents,
    )


@dataclass
class RunSummary:
    month: str
    dry_run: bool
    participants: int = 0
    allocated: int = 0
    skipped: int = 0
    total_cents: int = 0
    reclaimed_cents: int = 0
    run_id: int | None = None
    policy_id: int | None = None
    refused: list[str] = field(default_factory=list)
    breakdown: RunBreakdown = field(default_factory=RunBreakdown)
    #: conflicts waiting for this allocation to refill their wallet, closed at the end
    conflicts_closed: int = 0

    def as_dict(self) -> dict[str, object]:
        """The same fields with the same meaning for a dry run and a real one: a preview says
        exactly what the run would book, a run what it booked."""
        return {
            "month": self.month,
            "dry_run": self.dry_run,
            #: active wallets enrolled by the month: the ones the month applies to
            "eligible": self.participants,
            #: wallets this run books (or would book), and what it books for them
            "allocated": self.allocated,
            "total_cents": self.total_cents,
            "reclaimed_cents": self.reclaimed_cents,
            #: eligible wallets an earlier run of the month already booked: nothing for them
            "already_allocated": self.skipped,
            "run_id": self.run_id,
        }


@dataclass
class _Chunk:
    last_id: int = 0
    seen: int = 0
    allocated: int = 0
    skipped: int = 0
    total_cents: int = 0
    reclaimed_cents: int = 0
    breakdown: RunBreakdown = field(default_factory=RunBreakdown)


def run_allocation(
    session_factory: Callable[[], Session],
    *,
    month: str,
    actor: str,
    dry_run: bool = False,
    progress: Progress | None = None,
    chunk_size: int = CHUNK_SIZE,
    now: datetime | None = None,
) -> RunSummary:
    """Allocate `month` to every active participant enrolled by then, once per wallet.

    A dry run computes the same figures from the same code path and writes nothing. A real
    run records itself as an `AllocationRun` whose counters grow with each committed chunk,
    so another process can follow its progress. `now` (default: the clock at each step)
    dates the run, its transfers and allocations, and the conflicts it closes.
    """
    month = parse_month(month)
    if dry_run:
        session = session_factory()
        try:
            return preview_allocation(
                session, month=month, progress=progress, chunk_size=chunk_size
            )
        finally:
            session.rollback()
            session.close()
    run_id = run_in_transaction(
        session_factory, lambda session: open_run(session, month=month, actor=actor, now=now).id
    )
    return carry_out_run(session_factory, run_id, progress=progress, chunk_size=chunk_size, now=now)


def open_run(
    session: Session, *, month: str, actor: str, now: datetime | None = None
) -> AllocationRun:
    """Record that `actor` starts `month` under the policy in force; `carry_out_run` does it.

    Separate so that the console can open the run in the request's own transaction (with
    its audit entry) and carry it out in the background once that is committed.
    """
    month = parse_month(month)
    policy = policy_for(session, month)
    run = AllocationRun(
        month=month,
        policy_id=policy.id,
        actor=actor,
        participants=_eligible_count(session, month),
        started_at=now or clock.now(),
    )
    session.add(run)
    session.flush()
    return run


def carry_out_run(
    session_factory: Callable[[], Session],
    run_id: int,
    *,
    progress: Progress | None = None,
    chunk_size: int = CHUNK_SIZE,
    now: datetime | None = None,
) -> RunSummary:
    """Allocate an opened run's month chunk by chunk, each chunk its own transaction.
    `now` dates everything the run writes; by default, the clock when each chunk runs."""

    def start(session: Session) -> tuple[RunSummary, str]:
        run = session.get(AllocationRun, run_id)
        if run is None:
            raise AllocationError("run_not_found", run_id=run_id)
        if run.status != RunStatus.RUNNING.value:
            raise AllocationError("run_finished", run_id=run_id, status=run.status)
        summary = RunSummary(
            month=run.month,
            dry_run=False,
            participants=run.participants,
            run_id=run.id,
            policy_id=run.policy_id,
        )
        _count_left_out(session, run.month, summary.breakdown)
        return summary, run.actor

    summary, actor = run_in_transaction(session_factory, start)

    def chunk(after_id: int) -> _Chunk:
        return run_in_transaction(
            session_factory,
            lambda session: _allocate_chunk(
                session, summary, actor, after_id, chunk_size, now or clock.now()
            ),
        )

    try:
        _run_chunks(summary, chunk, progress)
    except Exception:
        _finish(session_factory, summary, RunStatus.FAILED, now)
        raise
    _finish(session_factory, summary, RunStatus.COMPLETED, now)
    return summary


def preview_allocation(
    session: Session,
    *,
    month: str,
    progress: Progress | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> RunSummary:
    """What a run of `month` would do now, by the run's own chunk code; writes nothing.

    Works inside the caller's transaction (a console request's, say): each chunk runs in a
    savepoint rolled back at once, which also releases the wallets' row locks it took.
    """
    month = parse_month(month)
    summary = RunSummary(month=month, dry_run=True)
    summary.policy_id = policy_for(session, month).id
    summary.participants = _eligible_count(session, month)
    _count_left_out(session, month, summary.breakdown)

    def chunk(after_id: int) -> _Chunk:
        savepoint = session.begin_nested()
        try:
            return _allocate_chunk(session, summary, "preview", after_id, chunk_size, clock.now())
        finally:
            savepoint.rollback()

    _run_chunks(summary, chunk, progress)
    return summary


def _run_chunks(
    summary: RunSummary, chunk: Callable[[int], _Chunk], progress: Progress | None
) -> None:
    after_id, done = 0, 0
    while True:
        outcome = chunk(after_id)
        if outcome.seen == 0:
            return
        summary.allocated += outcome.allocated
        summary.skipped += outcome.skipped
        summary.total_cents += outcome.total_cents
        summary.reclaimed_cents += outcome.reclaimed_cents
        summary.breakdown.merge(outcome.breakdown)
        after_id, done = outcome.last_id, done + outcome.seen
        if progress is not None:
            progress(min(done, summary.participants), summary.participants)


def _eligible(month: str) -> ColumnElement[bool]:
    return and_(
        Participant.status == ParticipantStatus.ACTIVE.value, Participant.enrolled_month <= month
    )


def _eligible_count(session: Session, month: str) -> int:
    return session.scalar(select(func.count()).where(_eligible(month))) or 0


def _count_left_out(session: Session, month: str, breakdown: RunBreakdown) -> None:
    suspended, closed, not_yet = session.execute(
        select(
            func.count().filter(Participant.status == ParticipantStatus.SUSPENDED.value),
            func.count().filter(Participant.status == ParticipantStatus.CLOSED.value),
            func.count().filter(
                Participant.status == ParticipantStatus.ACTIVE.value,
                Participant.enrolled_month > month,
            ),
        )
    ).one()
    breakdown.suspended, breakdown.closed, breakdown.not_yet_enrolled = suspended, closed, not_yet


def _allocate_chunk(
    session: Session,
    summary: RunSummary,
    actor: str,
    after_id: int,
    chunk_size: int,
    now: datetime,
) -> _Chunk:
    participants = session.execute(
        select(Participant.id, Participant.account_id, Participant.household_size)
        .where(_eligible(summary.month), Participant.id > after_id)
        .order_by(Participant.id)
        .limit(chunk_size)
    ).all()
    outcome = _Chunk(last_id=after_id)
    if not participants:
        return outcome
    outcome.last_id, outcome.seen = participants[-1].id, len(participants)
    policy = session.get(AllocationPolicy, summary.policy_id)
    assert policy is not None
    terms = terms_of(policy)
    topping_up = terms.mode == AllocationMode.TOP_UP_TO
    reserve = fund_account(session, FundAccount.RESERVE)
    # Lock before reading balances and existing allocations: a payment cannot slip between
    # the balance we read and the top-up we compute, and a concurrent run waits for us.
    wallets = lock_accounts(session, [p.account_id for p in participants] + [reserve.id])
    already = set(
        session.scalars(
            select(Allocation.participant_id).where(
                Allocation.month == summary.month,
                Allocation.participant_id.in_([p.id for p in participants]),
            )
        ).all()
    )
    reference = f"run:{summary.run_id}" if summary.run_id else "preview"
    requests: list[TransferRequest] = []
    rows: list[dict[str, object]] = []
    for participant in participants:
        if participant.id in already:
            outcome.skipped += 1
            outcome.breakdown.already_allocated += 1
            continue
        wallet = wallets[participant.account_id]
        share = allocation_for(
            terms, household_size=participant.household_size, available_cents=wallet.available
        )
        if share.reclaim_cents:
            requests.append(
                TransferRequest(
                    id=f"carry:{summary.month}:{wallet.id}",
                    debit_account_id=wallet.id,
                    credit_account_id=reserve.id,
                    amount=share.reclaim_cents,
                    kind="carry_over_cap",
                    actor=actor,
                    reference=reference,
                )
            )
        if share.allocate_cents:
            requests.append(
                TransferRequest(
                    id=f"alloc:{summary.month}:{wallet.id}",
                    debit_account_id=reserve.id,
                    credit_account_id=wallet.id,
                    amount=share.allocate_cents,
                    kind="allocation",
                    actor=actor,
                    reference=reference,
                )
            )
        rows.append(
            {
                "month": summary.month,
                "participant_id": participant.id,
                "run_id": summary.run_id,
                "amount_cents": share.allocate_cents,
                "reclaimed_cents": share.reclaim_cents,
                "created_at": now,
            }
        )
        outcome.allocated += 1
        outcome.total_cents += share.allocate_cents
        outcome.reclaimed_cents += share.reclaim_cents
        outcome.breakdown.count(share, topping_up=topping_up)
    if not summary.dry_run:
        results = create_transfers(session, requests, now=now, locked=wallets)
        refused = [r for r in results if not r.ok]
        if refused:
            # Amounts were computed under the wallets' locks, so a refusal is a bug: the
            # chunk must not be recorded as allocated.
            raise AllocationError("transfer_refused", errors=[str(r.error) for r in refused])
        if rows:
            insert_rows(session, Allocation.__table__, rows)  # type: ignore[arg-type]
        _record_progress(session, summary.run_id, outcome)
    return outcome


def _record_progress(session: Session, run_id: int | None, outcome: _Chunk) -> None:
    # In the chunk's own transaction, so the run row never counts a chunk that rolled back
    # and another process reading it sees whole chunks only.
    session.execute(
        update(AllocationRun)
        .where(AllocationRun.id == run_id)
        .values(
            allocated=AllocationRun.allocated + outcome.allocated,
            skipped=AllocationRun.skipped + outcome.skipped,
            total_cents=AllocationRun.total_cents + outcome.total_cents,
            reclaimed_cents=AllocationRun.reclaimed_cents + outcome.reclaimed_cents,
        )
    )


def _finish(
    session_factory: Callable[[], Session],
    summary: RunSummary,
    status: RunStatus,
    now: datetime | None,
) -> None:
    def finish(session: Session) -> None:
        finished_at = now or clock.now()
        run = session.get(AllocationRun, summary.run_id)
        if run is None:
            return
        run.status = status.value
        run.participants = summary.participants
        run.allocated = summary.allocated
        run.skipped = summary.skipped
        run.total_cents = summary.total_cents
        run.reclaimed_cents = summary.reclaimed_cents
        run.finished_at = finished_at
        if status == RunStatus.COMPLETED:
            # Wallets waiting to recover a double spend were just refilled: close those
            # conflicts in the same transaction that declares the month done.
            summary.conflicts_closed = close_recovered(session, now=finished_at)

    run_in_transaction(session_factory, finish)
