"""Payout batches: what goes in, what is left out and why, and paying exactly once."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.reimbursements.shopping import OTHER_IBAN, days_ago
from wallet_server import clock
from wallet_server.ledger import Transfer, verify
from wallet_server.reimbursements.batches import (
    NothingDue,
    PayoutError,
    batch_lines,
    cancel_batch,
    mark_paid,
    prepare_batch,
    still_excluded,
)
from wallet_server.reimbursements.models import PayoutBatch, PayoutLine, PayoutStatus

SEPA_ID = re.compile(r"[A-Za-z0-9/\-?:().,'+ ]{1,35}")


def _prepare(session, *, period_end=None, execution_date=None):
    return prepare_batch(
        session,
        period_end=period_end or clock.today(),
        execution_date=execution_date or clock.today() + timedelta(days=1),
        actor="coordinator",
    )


def _payouts(session) -> int:
    return session.scalar(
        select(func.count()).select_from(Transfer).where(Transfer.kind == "payout")
    )


def test_a_batch_pays_each_shop_what_it_was_owed_at_the_end_of_the_period(session, market):
    cagette = market.shop("La Cagette", iban=OTHER_IBAN, bic="COBADEFFXXX", holder="SCOP Cagette")
    fournil = market.shop("Le Fournil")
    market.pay(cagette, 2_500, at=days_ago(9))
    market.pay(cagette, 1_000, at=days_ago(8))
    market.pay(fournil, 4_000, at=days_ago(8))
    market.pay(fournil, 600, at=days_ago(2))  # after the period: waits for the next batch

    prepared = _prepare(session, period_end=days_ago(5).date())

    batch = prepared.batch
    assert prepared.excluded == []
    assert batch.status == PayoutStatus.PREPARED.value
    assert (batch.period_start, batch.period_end) == (days_ago(9).date(), days_ago(5).date())
    lines = {entry.shop.name: entry.line for entry in batch_lines(session, batch)}
    assert {name: line.amount_cents for name, line in lines.items()} == {
        "La Cagette": 3_500,
        "Le Fournil": 4_000,
    }
    assert batch.total_cents == 7_500
    assert (lines["La Cagette"].iban, lines["La Cagette"].bic) == (
        "DE89370400440532013000",
        "COBADEFFXXX",
    )
    assert lines["La Cagette"].account_holder == "SCOP Cagette"
    assert lines["Le Fournil"].bic == "AGRIFRPPXXX"  # known from the IBAN
    for identifier in (batch.message_id, *(line.end_to_end_id for line in lines.values())):
        assert SEPA_ID.fullmatch(identifier), identifier
    assert len({line.end_to_end_id for line in lines.values()}) == 2


def test_message_ids_differ_from_batch_to_batch(session, market):
    shop = market.shop("Épicerie Solidaire")
    market.pay(shop, 1_000, at=days_ago(3))
    first = _prepare(session, period_end=days_ago(3).date()).batch
    market.pay(shop, 1_000, at=days_ago(1))
    second = _prepare(session, period_end=days_ago(1).date()).batch
    assert first.message_id != second.message_id
    assert second.period_start == days_ago(2).date()


def test_shops_without_valid_bank_details_are_excluded_with_the_reason(session, market):
    good = market.shop("Bonne Banque")
    typo = market.shop("Faute de Frappe", iban="FR76 3000 6000 0112 3456 7890 180")
    blank = market.shop("Sans RIB", iban="", holder="")
    nameless = market.shop("Sans Titulaire", holder="  ")
    for shop in (good, typo, blank, nameless):
        market.pay(shop, 1_000, at=days_ago(2))

    prepared = _prepare(session)

    assert [entry.shop.name for entry in batch_lines(session, prepared.batch)] == ["Bonne Banque"]
    reasons = {shop.shop_name: (shop.reason, shop.amount_cents) for shop in prepared.excluded}
    assert reasons == {
        "Faute de Frappe": ("iban_invalid", 1_000),
        "Sans RIB": ("bank_details_missing", 1_000),
        "Sans Titulaire": ("bank_holder_missing", 1_000),
    }
    assert {shop.shop_name for shop in still_excluded(session, prepared.batch)} == set(reasons)


def test_a_batch_with_nobody_to_pay_is_refused_and_nothing_is_written(session, market):
    typo = market.shop("Faute de Frappe", iban="FR00 0000")
    market.pay(typo, 1_000, at=days_ago(2))
    with pytest.raises(NothingDue) as refused:
        _prepare(session)
    assert refused.value.code == "payout_nothing_due"
    assert [(s.shop_name, s.reason) for s in refused.value.excluded] == [
        ("Faute de Frappe", "iban_invalid")
    ]
    assert session.scalar(select(func.count()).select_from(PayoutBatch)) == 0


def test_what_a_prepared_batch_promises_is_not_promised_again(session, market):
    shop = market.shop("La Cagette")
    market.pay(shop, 1_000, at=days_ago(2))
    _prepare(session)
    with pytest.raises(NothingDue):
        _prepare(session)
    market.pay(shop, 300)
    assert [line.amount_cents for line in _prepare(session).lines] == [300]


def test_mark_paid_posts_each_transfer_once_and_empties_the_shops(session, market):
    a, b = market.shop("Alimentation"), market.shop("Boulangerie")
    market.pay(a, 1_250, at=days_ago(4))
    market.pay(b, 3_333, at=days_ago(4))
    batch = _prepare(session, period_end=days_ago(1).date()).batch

    mark_paid(session, batch, actor="treasurer")

    assert (batch.status, batch.paid_by) == (PayoutStatus.PAID.value, "treasurer")
    assert batch.paid_at is not None
    assert market.balance(a) == market.balance(b) == 0
    assert _payouts(session) == 2
    lines = session.scalars(select(PayoutLine).order_by(PayoutLine.id)).all()
    for line in lines:
        posted = session.get(Transfer, line.transfer_id)
        assert posted is not None
        assert (posted.amount, posted.kind, posted.reference) == (
            line.amount_cents,
            "payout",
            line.end_to_end_id,
        )
    assert verify(session).ok

    with pytest.raises(PayoutError) as twice:
        mark_paid(session, batch, actor="treasurer")
    assert twice.value.code == "payout_already_paid"
    assert _payouts(session) == 2
    with pytest.raises(NothingDue):  # the same period is not paid again
        _prepare(session, period_end=days_ago(1).date())


def test_a_refund_after_preparation_blocks_payment_until_a_new_batch(session, market):
    shop = market.shop("La Cagette")
    paid = market.pay(shop, 2_000, at=days_ago(3))
    batch = _prepare(session, period_end=days_ago(1).date()).batch
    market.refund(shop, paid, 500)

    with pytest.raises(PayoutError) as refused:  # refused before writing anything
        mark_paid(session, batch, actor="treasurer")
    assert refused.value.code == "payout_exceeds_balance"
    assert refused.value.details == {"shop": shop.public_id, "available": 1_500, "amount": 2_000}

    cancel_batch(session, batch)
    again = _prepare(session, period_end=days_ago(1).date())
    assert [line.amount_cents for line in again.lines] == [1_500]
    mark_paid(session, again.batch, actor="treasurer")
    assert market.balance(shop) == 0
    assert verify(session).ok


def test_a_cancelled_batch_can_be_neither_paid_nor_cancelled_again(session, market):
    shop = market.shop("La Cagette")
    market.pay(shop, 800, at=days_ago(2))
    batch = _prepare(session).batch
    cancel_batch(session, batch)
    for action in (
        lambda: mark_paid(session, batch, actor="treasurer"),
        lambda: cancel_batch(session, batch),
    ):
        with pytest.raises(PayoutError) as refused:
            action()
        assert refused.value.code == "payout_batch_cancelled"
    assert _payouts(session) == 0
    assert market.balance(shop) == 800


def test_a_paid_batch_cannot_be_cancelled(session, market):
    shop = market.shop("La Cagette")
    market.pay(shop, 800, at=days_ago(2))
    batch = _prepare(session).batch
    mark_paid(session, batch, actor="treasurer")
    with pytest.raises(PayoutError) as refused:
        cancel_batch(session, batch)
    assert refused.value.code == "payout_already_paid"


def test_dates_are_checked(session, market):
    shop = market.shop("La Cagette")
    market.pay(shop, 800, at=days_ago(2))
    tomorrow = clock.today() + timedelta(days=1)
    with pytest.raises(PayoutError) as future:
        _prepare(session, period_end=tomorrow)
    assert future.value.code == "payout_period_in_future"
    with pytest.raises(PayoutError) as past:
        _prepare(session, execution_date=days_ago(1).date())
    assert past.value.code == "payout_execution_date_past"
