from datetime import date

import pytest
from sqlalchemy import select

from tests.factories import participant
from wallet_server.contributions.models import PaymentMethod
from wallet_server.contributions.operations import (
    ContributionError,
    record_payment,
    record_subsidy,
    scale_for,
    set_scale,
    who_is_behind,
)
from wallet_server.fund import FundAccount, fund_account
from wallet_server.ledger import LedgerError, Transfer, verify


def test_default_scale_is_the_committee_default(session):
    assert scale_for(session, "2026-11") == {
        1: 100,
        2: 500,
        3: 1000,
        4: 2000,
        5: 4000,
        6: 6000,
        7: 8000,
        8: 10000,
        9: 15000,
    }


def test_new_scale_applies_from_its_month_only(session):
    set_scale(session, effective_month="2027-01", tiers_cents=[200, 700], decided_by="committee")
    assert scale_for(session, "2026-12")[1] == 100
    assert scale_for(session, "2027-01") == {1: 200, 2: 700}
    assert scale_for(session, "2027-06") == {1: 200, 2: 700}


def test_scale_with_a_zero_or_float_amount_is_refused(session):
    for tiers in ([100, 0], [100, 2.5], []):
        with pytest.raises(ContributionError):
            set_scale(session, effective_month="2027-01", tiers_cents=tiers, decided_by="c")


def test_contribution_is_a_transfer_into_the_reserve(session):
    person = participant(session, level=2)
    payment = record_payment(
        session,
        person,
        amount_cents=500,
        method=PaymentMethod.CASH,
        paid_on=date(2026, 11, 5),
        actor="coord",
    )
    moved = session.get(Transfer, payment.transfer_id)
    assert (moved.kind, moved.amount, moved.reference) == ("contribution", 500, person.public_id)
    assert fund_account(session, FundAccount.RESERVE).balance == 500
    assert fund_account(session, FundAccount.CONTRIBUTIONS).balance == -500
    assert verify(session).ok


def test_recording_the_same_payment_twice_records_it_once(session):
    person = participant(session, level=2)
    for _ in range(2):
        record_payment(
            session,
            person,
            amount_cents=500,
            method=PaymentMethod.BANK_TRANSFER,
            paid_on=date(2026, 11, 5),
            actor="coord",
            payment_id="VIR-123",
        )
    assert fund_account(session, FundAccount.RESERVE).balance == 500
    with pytest.raises(LedgerError) as refused:
        record_payment(
            session,
            person,
            amount_cents=900,
            method=PaymentMethod.BANK_TRANSFER,
            paid_on=date(2026, 11, 5),
            actor="coord",
            payment_id="VIR-123",
        )
    assert refused.value.code == "idempotency_conflict"


def test_subsidy_credits_the_reserve_with_its_funder(session):
    record_subsidy(
        session,
        funder="Métropole",
        amount_cents=1_000_000,
        received_on=date(2026, 11, 1),
        actor="coord",
    )
    assert fund_account(session, FundAccount.RESERVE).balance == 1_000_000
    assert (
        session.scalar(select(Transfer.reference).where(Transfer.kind == "subsidy")) == "Métropole"
    )


def test_who_is_behind_compares_payments_with_each_month_owed(session):
    set_scale(session, effective_month="2026-12", tiers_cents=[200, 1_000], decided_by="committee")
    paid_up = participant(session, month="2026-11", level=1)
    late = participant(session, month="2026-11", level=2)
    participant(session, month="2026-11")  # no level: nothing owed
    record_payment(
        session,
        paid_up,
        amount_cents=300,
        method=PaymentMethod.CASH,
        paid_on=date(2026, 12, 2),
        actor="c",
    )
    record_payment(
        session,
        late,
        amount_cents=500,
        method=PaymentMethod.CASH,
        paid_on=date(2026, 11, 2),
        actor="c",
    )
    behind = who_is_behind(session, as_of_month="2026-12")
    # November at the default scale (1 €, 5 €), December at the new one (2 €, 10 €)
    assert [(b.public_id, b.expected_cents, b.paid_cents, b.owed_cents) for b in behind] == [
        (late.public_id, 1_500, 500, 1_000)
    ]
