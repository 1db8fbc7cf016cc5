"""Month runs against a real database: policies, idempotency, dry runs, recorded actor."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import NOW, participant
from wallet_server.allocations.models import Allocation, AllocationMode, AllocationRun
from wallet_server.allocations.operations import AllocationError, run_allocation, set_policy
from wallet_server.fund import FundAccount, fund_account
from wallet_server.ledger import Account, Transfer, TransferRequest, hold, transfer, verify
from wallet_server.participants.models import Participant, ParticipantStatus


def _available(sessions, participant_id: int) -> int:
    with sessions() as session:
        person = session.get(Participant, participant_id)
        return session.get(Account, person.account_id).available


def _enroll(sessions, *sizes: int, month: str = "2026-11") -> list[int]:
    with sessions() as session:
        ids = [participant(session, household_size=size, month=month).id for size in sizes]
        session.commit()
    return ids


def _policy(sessions, month: str = "2026-01", **terms) -> None:
    with sessions() as session:
        set_policy(
            session,
            effective_month=month,
            decided_by="committee",
            amount_cents=terms.pop("amount_cents", 10_000),
            **terms,
        )
        session.commit()


def test_add_policy_credits_every_active_wallet_from_the_reserve(sessions):
    _policy(sessions)
    ids = _enroll(sessions, 1, 1, 1)
    summary = run_allocation(sessions, month="2026-11", actor="coord:ana")
    assert (summary.participants, summary.allocated, summary.total_cents) == (3, 3, 30_000)
    assert [_available(sessions, i) for i in ids] == [10_000] * 3
    with sessions() as session:
        reserve = fund_account(session, FundAccount.RESERVE)
        assert reserve.balance == -30_000
        assert verify(session).ok


def test_second_run_for_the_same_month_allocates_nothing(sessions):
    _policy(sessions)
    ids = _enroll(sessions, 1, 2)
    run_allocation(sessions, month="2026-11", actor="coord")
    again = run_allocation(sessions, month="2026-11", actor="coord")
    assert (again.allocated, again.skipped, again.total_cents) == (0, 2, 0)
    assert [_available(sessions, i) for i in ids] == [10_000, 10_000]


def test_top_up_run_after_spending_does_not_top_up_twice_in_a_month(sessions):
    _policy(sessions, mode=AllocationMode.TOP_UP_TO)
    (person,) = _enroll(sessions, 1)
    run_allocation(sessions, month="2026-11", actor="coord")
    with sessions() as session:
        account_id = session.get(Participant, person).account_id
        shop = fund_account(session, FundAccount.PAYOUTS)  # any other account will do
        transfer(
            session,
            TransferRequest(
                id="spend",
                debit_account_id=account_id,
                credit_account_id=shop.id,
                amount=4_000,
                kind="payment",
                actor="test",
            ),
        )
        session.commit()
    assert run_allocation(sessions, month="2026-11", actor="coord").allocated == 0
    assert _available(sessions, person) == 6_000
    december = run_allocation(sessions, month="2026-12", actor="coord")
    assert december.total_cents == 4_000
    assert _available(sessions, person) == 10_000


def test_household_members_and_carry_over_cap_apply(sessions):
    _policy(sessions, extra_member_cents=3_000, carry_over_cap_cents=5_000)
    small, large = _enroll(sessions, 1, 3)
    run_allocation(sessions, month="2026-11", actor="coord")
    assert (_available(sessions, small), _available(sessions, large)) == (10_000, 16_000)
    december = run_allocation(sessions, month="2026-12", actor="coord")
    # each keeps 50 € into December and gets the month's amount on top
    assert (_available(sessions, small), _available(sessions, large)) == (15_000, 21_000)
    assert december.reclaimed_cents == 5_000 + 11_000
    with sessions() as session:
        assert verify(session).ok


def test_carry_over_cap_never_reclaims_money_held_by_a_pay_code(sessions):
    _policy(sessions, carry_over_cap_cents=0)
    (person,) = _enroll(sessions, 1)
    run_allocation(sessions, month="2026-11", actor="coord")
    with sessions() as session:
        account_id = session.get(Participant, person).account_id
        clearing = fund_account(session, FundAccount.CONFLICTS)
        hold(
            session,
            TransferRequest(
                id="pay-code",
                debit_account_id=account_id,
                credit_account_id=clearing.id,
                amount=3_000,
                kind="payment",
                actor="test",
                expires_at=NOW.replace(year=2100) + timedelta(minutes=5),
            ),
        )
        session.commit()
    december = run_allocation(sessions, month="2026-12", actor="coord")
    assert december.reclaimed_cents == 7_000
    with sessions() as session:
        account = session.get(Account, session.get(Participant, person).account_id)
        assert (account.debits_pending, account.available) == (3_000, 10_000)


def test_dry_run_reports_the_same_figures_and_writes_nothing(sessions):
    _policy(sessions, extra_member_cents=2_500)
    _enroll(sessions, 1, 2, 4)
    with sessions() as session:
        transfers_before = session.scalar(select(func.count()).select_from(Transfer))
    preview = run_allocation(sessions, month="2026-11", actor="coord", dry_run=True)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Transfer)) == transfers_before
        assert session.scalar(select(func.count()).select_from(Allocation)) == 0
        assert session.scalar(select(func.count()).select_from(AllocationRun)) == 0
    real = run_allocation(sessions, month="2026-11", actor="coord")
    assert (preview.allocated, preview.total_cents) == (real.allocated, real.total_cents)
    assert preview.total_cents == 10_000 + 12_500 + 17_500


def test_each_run_is_recorded_with_its_actor_and_totals(sessions):
    _policy(sessions)
    _enroll(sessions, 1, 1)
    summary = run_allocation(sessions, month="2026-11", actor="coord:ana")
    with sessions() as session:
        run = session.get(AllocationRun, summary.run_id)
        assert (run.actor, run.status, run.allocated, run.total_cents) == (
            "coord:ana",
            "completed",
            2,
            20_000,
        )
        actors = set(session.scalars(select(Transfer.actor).where(Transfer.kind == "allocation")))
        assert actors == {"coord:ana"}


def test_suspended_and_not_yet_enrolled_participants_are_not_allocated(sessions):
    _policy(sessions)
    active, suspended = _enroll(sessions, 1, 1)
    (future,) = _enroll(sessions, 1, month="2027-01")
    with sessions() as session:
        session.get(Participant, suspended).status = ParticipantStatus.SUSPENDED.value
        session.commit()
    summary = run_allocation(sessions, month="2026-11", actor="coord")
    assert summary.participants == 1
    assert [_available(sessions, i) for i in (active, suspended, future)] == [10_000, 0, 0]


def test_the_policy_in_force_is_the_latest_effective_one(sessions):
    _policy(sessions, month="2026-01", amount_cents=10_000)
    _policy(sessions, month="2026-12", amount_cents=12_000)
    (person,) = _enroll(sessions, 1)
    assert run_allocation(sessions, month="2026-11", actor="c").total_cents == 10_000
    assert run_allocation(sessions, month="2026-12", actor="c").total_cents == 12_000
    assert _available(sessions, person) == 22_000


def test_a_month_without_policy_is_refused(sessions):
    _enroll(sessions, 1)
    with pytest.raises(AllocationError) as refused:
        run_allocation(sessions, month="2026-11", actor="coord")
    assert refused.value.code == "no_policy"


def test_runs_in_several_chunks_allocate_everyone_once(sessions):
    _policy(sessions)
    _enroll(sessions, *([1] * 7))
    progress: list[tuple[int, int]] = []
    summary = run_allocation(
        sessions,
        month="2026-11",
        actor="c",
        chunk_size=3,
        progress=lambda done, total: progress.append((done, total)),
    )
    assert summary.allocated == 7
    assert progress == [(3, 7), (6, 7), (7, 7)]
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Allocation)) == 7


def test_a_run_told_now_dates_the_run_its_transfers_allocations_and_closed_conflicts(sessions):
    """A fund seeding its past (the demo) runs a month at an earlier instant: nothing the
    run writes may carry the real clock instead."""
    _policy(sessions)
    _enroll(sessions, 1, 3)
    then = NOW - timedelta(days=200)
    summary = run_allocation(sessions, month="2026-11", actor="coord", now=then)
    with sessions() as session:
        run = session.get(AllocationRun, summary.run_id)
        assert (run.started_at, run.finished_at) == (then, then)
        assert set(session.scalars(select(Allocation.created_at))) == {then}
        assert set(session.scalars(select(Transfer.created_at))) == {then}
