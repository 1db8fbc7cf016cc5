"""The preview's breakdown by rule, and a run's progress read from another session."""

import pytest
from sqlalchemy import func, select

from tests.factories import NOW, participant
from wallet_server.allocations.models import AllocationMode, AllocationRun
from wallet_server.allocations.operations import (
    AllocationError,
    RunSummary,
    carry_out_run,
    run_allocation,
    set_policy,
)
from wallet_server.allocations.policy import PolicyTerms, allocation_for
from wallet_server.fund import FundAccount, fund_account
from wallet_server.ledger import Transfer, TransferRequest, transfer
from wallet_server.participants.models import Participant, ParticipantStatus
from wallet_server.pos.models import Conflict, PosDevice, Redemption
from wallet_server.shops.operations import add_shop


def _policy(sessions, month: str = "2026-01", **terms) -> None:
    with sessions() as session:
        set_policy(session, effective_month=month, decided_by="committee", **terms)
        session.commit()


def _enroll(sessions, *sizes: int, month: str = "2026-11") -> list[int]:
    with sessions() as session:
        ids = [participant(session, household_size=size, month=month).id for size in sizes]
        session.commit()
    return ids


def _set_status(sessions, participant_id: int, status: ParticipantStatus) -> None:
    with sessions() as session:
        session.get(Participant, participant_id).status = status.value
        session.commit()


def _booked(sessions, run_id: int, kind: str) -> int:
    with sessions() as session:
        return (
            session.scalar(
                select(func.sum(Transfer.amount)).where(
                    Transfer.reference == f"run:{run_id}", Transfer.kind == kind
                )
            )
            or 0
        )


def _spend(sessions, participant_id: int, amount: int, *, overdraft: bool = False) -> None:
    with sessions() as session:
        wallet = session.get(Participant, participant_id).account_id
        transfer(
            session,
            TransferRequest(
                id=f"spend:{participant_id}",
                debit_account_id=wallet,
                credit_account_id=fund_account(session, FundAccount.PAYOUTS).id,
                amount=amount,
                kind="payment",
                actor="test",
                overdraft=overdraft,
            ),
        )
        session.commit()


def _conflict_waiting_for_recovery(sessions, participant_id: int, amount: int) -> int:
    """A double spend charged to the wallet, set to be recovered from the next allocation."""
    _spend(sessions, participant_id, amount, overdraft=True)
    with sessions() as session:
        shop = add_shop(session, name="Épicerie du coin")
        till = PosDevice(shop_id=shop.id, credential_hash="0" * 64)
        session.add(till)
        session.flush()
        redemption = Redemption(
            redemption_id="r-1",
            request_digest="0" * 64,
            device_id=till.id,
            shop_id=shop.id,
            participant_id=participant_id,
            amount_cents=amount,
            mode="offline",
            status="conflict",
            captured_at=NOW,
        )
        session.add(redemption)
        session.flush()
        conflict = Conflict(
            redemption_id=redemption.id,
            participant_id=participant_id,
            reason="double_spend",
            amount_cents=amount,
            status="recovering",
        )
        session.add(conflict)
        session.commit()
        return conflict.id


def _adds_up(preview: RunSummary) -> None:
    lines = preview.breakdown
    assert lines.allocated_cents == preview.total_cents
    assert lines.wallets == preview.allocated
    assert lines.reclaimed_cents == preview.reclaimed_cents
    assert lines.already_allocated == preview.skipped


def test_preview_breakdown_adds_up_and_equals_what_the_run_books(sessions):
    _policy(sessions, amount_cents=10_000, extra_member_cents=2_500, carry_over_cap_cents=4_000)
    single, _family, _trio = _enroll(sessions, 1, 4, 3)
    suspended, closed = _enroll(sessions, 1, 1)
    _enroll(sessions, 2, month="2027-03")
    _set_status(sessions, suspended, ParticipantStatus.SUSPENDED)
    _set_status(sessions, closed, ParticipantStatus.CLOSED)
    run_allocation(sessions, month="2026-11", actor="coord")
    _spend(sessions, single, 9_000)  # 10 € left, under the cap: nothing reclaimed

    preview = run_allocation(sessions, month="2026-12", actor="coord", dry_run=True)
    lines = preview.breakdown
    _adds_up(preview)
    assert (lines.wallets, lines.base_cents) == (3, 30_000)
    assert (lines.extra_members, lines.extra_cents) == (3 + 2, 5 * 2_500)
    assert (lines.counted_wallets, lines.top_ups) == (0, 0)  # `add` tops nothing up
    # family had 175 €, trio 150 €: each keeps the 40 € cap
    assert (lines.reclaimed_wallets, lines.reclaimed_cents) == (2, 13_500 + 11_000)
    assert (lines.suspended, lines.closed, lines.not_yet_enrolled) == (1, 1, 1)
    assert preview.total_cents == 42_500

    real = run_allocation(sessions, month="2026-12", actor="coord")
    assert (real.total_cents, real.reclaimed_cents) == (preview.total_cents, 24_500)
    assert _booked(sessions, real.run_id, "allocation") == preview.total_cents
    assert _booked(sessions, real.run_id, "carry_over_cap") == preview.reclaimed_cents
    assert real.breakdown == preview.breakdown


def test_top_up_preview_shows_what_wallets_already_hold(sessions):
    _policy(sessions, amount_cents=10_000, mode=AllocationMode.TOP_UP_TO)
    spender, _saver, _untouched = _enroll(sessions, 1, 1, 1)
    run_allocation(sessions, month="2026-11", actor="coord")
    _spend(sessions, spender, 7_000)
    _enroll(sessions, 1)  # arrives with an empty wallet

    preview = run_allocation(sessions, month="2026-12", actor="coord", dry_run=True)
    lines = preview.breakdown
    _adds_up(preview)
    assert (lines.wallets, lines.base_cents) == (4, 40_000)
    assert (lines.counted_wallets, lines.counted_cents) == (3, 3_000 + 10_000 + 10_000)
    assert (lines.top_ups, lines.top_up_cents) == (2, 7_000 + 10_000)
    assert lines.top_up_cents == preview.total_cents

    real = run_allocation(sessions, month="2026-12", actor="coord")
    assert _booked(sessions, real.run_id, "allocation") == preview.total_cents == 17_000


def test_a_wallet_below_zero_is_topped_up_from_its_debt():
    terms = PolicyTerms(amount_cents=10_000, mode=AllocationMode.TOP_UP_TO)
    share = allocation_for(terms, household_size=1, available_cents=-2_500)
    assert (share.allocate_cents, share.counted_cents, share.debt_covered_cents) == (
        12_500,
        0,
        2_500,
    )


def test_preview_of_a_month_already_allocated_counts_everyone_as_already_done(sessions):
    _policy(sessions, amount_cents=10_000)
    _enroll(sessions, 1, 2)
    run_allocation(sessions, month="2026-11", actor="coord")
    preview = run_allocation(sessions, month="2026-11", actor="coord", dry_run=True)
    _adds_up(preview)
    assert (preview.allocated, preview.total_cents, preview.breakdown.already_allocated) == (
        0,
        0,
        2,
    )


def test_progress_is_readable_from_another_session_while_the_run_is_in_flight(sessions):
    _policy(sessions, amount_cents=10_000)
    _enroll(sessions, *([1] * 5))
    seen: list[tuple[str, int, int, int, int]] = []

    def look(done: int, total: int) -> None:
        with sessions() as observer:
            run = observer.scalars(select(AllocationRun)).one()
            seen.append((run.status, run.participants, run.allocated, run.skipped, run.total_cents))

    run_allocation(sessions, month="2026-11", actor="coord", chunk_size=2, progress=look)
    assert seen == [
        ("running", 5, 2, 0, 20_000),
        ("running", 5, 4, 0, 40_000),
        ("running", 5, 5, 0, 50_000),
    ]
    with sessions() as session:
        run = session.scalars(select(AllocationRun)).one()
        assert (run.status, run.allocated, run.total_cents) == ("completed", 5, 50_000)


def test_a_second_run_counts_the_wallets_it_leaves_alone_as_it_goes(sessions):
    _policy(sessions, amount_cents=10_000)
    _enroll(sessions, 1, 1, 1)
    run_allocation(sessions, month="2026-11", actor="coord")
    seen: list[tuple[int, int]] = []

    def look(done: int, total: int) -> None:
        with sessions() as observer:
            run = observer.scalars(select(AllocationRun).order_by(AllocationRun.id.desc())).first()
            seen.append((run.allocated, run.skipped))

    run_allocation(sessions, month="2026-11", actor="coord", chunk_size=2, progress=look)
    assert seen == [(0, 2), (0, 3)]


def test_a_completed_run_closes_the_conflicts_its_credit_recovered(sessions):
    _policy(sessions, amount_cents=10_000)
    (person,) = _enroll(sessions, 1)
    conflict_id = _conflict_waiting_for_recovery(sessions, person, 3_000)

    run_allocation(sessions, month="2026-11", actor="coord", dry_run=True)
    with sessions() as session:
        assert session.get(Conflict, conflict_id).status == "recovering"

    summary = run_allocation(sessions, month="2026-11", actor="coord")
    assert summary.conflicts_closed == 1
    with sessions() as session:
        conflict = session.get(Conflict, conflict_id)
        assert (conflict.status, conflict.resolution) == ("resolved", "recovered")


def test_a_finished_run_cannot_be_carried_out_again(sessions):
    _policy(sessions, amount_cents=10_000)
    _enroll(sessions, 1)
    summary = run_allocation(sessions, month="2026-11", actor="coord")
    with pytest.raises(AllocationError) as refused:
        carry_out_run(sessions, summary.run_id)
    assert refused.value.code == "run_finished"
    with pytest.raises(AllocationError) as missing:
        carry_out_run(sessions, summary.run_id + 1)
    assert missing.value.code == "run_not_found"
