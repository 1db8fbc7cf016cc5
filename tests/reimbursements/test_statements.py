"""Shop statements read from the ledger: opening, payments, refunds, payouts, closing."""

from datetime import timedelta

import pytest

from tests.reimbursements.shopping import days_ago
from wallet_server import clock
from wallet_server.fund import FundAccount, fund_account
from wallet_server.ledger import TransferRequest, hold
from wallet_server.reimbursements.batches import mark_paid, prepare_batch
from wallet_server.reimbursements.statements import (
    Period,
    StatementError,
    fund_statements,
    shop_statement,
)


def test_a_statement_splits_the_period_and_closes_on_the_ledger_balance(session, market):
    cagette = market.shop("La Cagette")
    first = market.pay(cagette, 2_000, at=days_ago(12))
    market.pay(cagette, 1_500, at=days_ago(10))
    market.pay(cagette, 700, at=days_ago(3))
    market.refund(cagette, first, 500)  # today
    batch = prepare_batch(
        session,
        period_end=days_ago(10).date(),
        execution_date=clock.today(),
        actor="coordinator",
    ).batch
    mark_paid(session, batch, actor="coordinator")

    early = shop_statement(session, cagette, Period(days_ago(12).date(), days_ago(10).date()))
    assert early.summary.opening_cents == 0
    assert (early.summary.payments.count, early.summary.payments.total_cents) == (2, 3_500)
    assert early.summary.refunds.count == early.summary.payouts.count == 0
    assert early.summary.closing_cents == 3_500
    assert [m.amount_cents for m in early.movements] == [2_000, 1_500]
    assert {m.kind for m in early.movements} == {"payment"}

    late = shop_statement(session, cagette, Period(days_ago(9).date(), clock.today()))
    summary = late.summary
    assert summary.opening_cents == 3_500
    assert (summary.payments.count, summary.payments.total_cents) == (1, 700)
    assert (summary.refunds.count, summary.refunds.total_cents) == (1, 500)
    assert (summary.payouts.count, summary.payouts.total_cents) == (1, 3_500)
    assert summary.other.count == 0
    assert summary.closing_cents == market.balance(cagette) == 200
    assert [m.amount_cents for m in late.movements] == [700, -500, -3_500]
    assert [m.kind for m in late.movements] == ["payment", "refund", "payout"]
    assert late.movements[-1].reference == f"CC-{batch.id}-{cagette.public_id}"


def test_a_period_before_any_payment_is_empty_and_one_after_carries_the_balance(session, market):
    shop = market.shop("Au Bon Pain")
    market.pay(shop, 900, at=days_ago(5))
    before = shop_statement(session, shop, Period(days_ago(30).date(), days_ago(6).date()))
    assert (before.summary.opening_cents, before.summary.closing_cents) == (0, 0)
    assert before.movements == [] and not before.summary.moved
    after = shop_statement(session, shop, Period(days_ago(4).date(), days_ago(1).date()))
    assert (after.summary.opening_cents, after.summary.closing_cents) == (900, 900)
    assert after.movements == []


def test_a_pending_transfer_on_a_shop_account_is_not_in_its_statement(session, market):
    shop = market.shop("Le Fournil")
    market.pay(shop, 1_000, at=days_ago(2))
    hold(
        session,
        TransferRequest(
            id="test-hold-on-shop",
            debit_account_id=shop.account_id,
            credit_account_id=fund_account(session, FundAccount.PAYOUTS).id,
            amount=400,
            kind="payout",
            actor="test",
            expires_at=clock.now() + timedelta(hours=1),
        ),
    )
    statement = shop_statement(session, shop, Period(days_ago(2).date(), clock.today()))
    assert statement.summary.payouts.count == 0
    assert statement.summary.closing_cents == 1_000
    assert [m.amount_cents for m in statement.movements] == [1_000]


def test_the_fund_wide_list_has_every_shop_and_their_sum(session, market):
    a = market.shop("Alimentation Bio")
    b = market.shop("Boucherie Centrale")
    market.shop("Crèmerie sans ventes")
    market.pay(a, 1_200, at=days_ago(6))
    paid_b = market.pay(b, 3_000, at=days_ago(2))
    market.refund(b, paid_b, 1_000)
    statements = fund_statements(session, Period(days_ago(7).date(), clock.today()))
    names = [s.shop_name for s in statements.shops]
    assert names == ["Alimentation Bio", "Boucherie Centrale", "Crèmerie sans ventes"]
    assert [s.closing_cents for s in statements.shops] == [1_200, 2_000, 0]
    totals = statements.totals
    assert (totals.payments.count, totals.payments.total_cents) == (2, 4_200)
    assert (totals.refunds.count, totals.refunds.total_cents) == (1, 1_000)
    assert totals.closing_cents == 3_200


def test_a_period_ending_before_it_starts_is_refused():
    with pytest.raises(StatementError) as refused:
        Period(days_ago(1).date(), days_ago(3).date())
    assert refused.value.code == "period_invalid"
