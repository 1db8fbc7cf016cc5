"""Inflows by month (contributions and subsidies by funder) and one household's history."""

from datetime import date

from tests.factories import participant
from wallet_server.contributions.models import PaymentMethod
from wallet_server.contributions.operations import (
    record_payment,
    record_subsidy,
    scale_decisions,
    set_scale,
)
from wallet_server.contributions.reports import contribution_history, inflows_by_month


def _pay(session, person, cents: int, day: date) -> None:
    record_payment(
        session, person, amount_cents=cents, method=PaymentMethod.CASH, paid_on=day, actor="c"
    )


def _subsidy(session, funder: str, cents: int, day: date) -> None:
    record_subsidy(session, funder=funder, amount_cents=cents, received_on=day, actor="c")


def test_inflows_are_grouped_by_month_with_each_funder_newest_month_first(session):
    ana, bea = participant(session, level=2), participant(session, level=3)
    _pay(session, ana, 500, date(2026, 10, 31))
    _pay(session, ana, 500, date(2026, 11, 1))
    _pay(session, bea, 1_000, date(2026, 11, 30))
    _subsidy(session, "Ville de Lyon", 500_000, date(2026, 11, 2))
    _subsidy(session, "Ville de Lyon", 100_000, date(2026, 11, 20))
    _subsidy(session, "Fondation Abbé", 250_000, date(2026, 11, 20))
    _subsidy(session, "Département", 300_000, date(2026, 12, 1))

    december, november, october = inflows_by_month(session)
    assert (december.month, november.month, october.month) == ("2026-12", "2026-11", "2026-10")
    assert (november.contributions_count, november.contributions_cents) == (2, 1_500)
    assert november.subsidies == {"Ville de Lyon": 600_000, "Fondation Abbé": 250_000}
    assert november.total_cents == 1_500 + 850_000
    assert (october.contributions_cents, october.subsidies) == (500, {})
    assert (december.contributions_count, december.subsidies_cents) == (0, 300_000)


def test_inflows_can_be_limited_to_a_range_of_months(session):
    person = participant(session, level=1)
    for day in (date(2026, 9, 30), date(2026, 10, 1), date(2026, 11, 30), date(2026, 12, 1)):
        _pay(session, person, 100, day)
    months = inflows_by_month(session, first_month="2026-10", last_month="2026-11")
    assert [m.month for m in months] == ["2026-11", "2026-10"]


def test_history_lists_payments_newest_first_against_what_the_level_asked(session):
    set_scale(session, effective_month="2027-01", tiers_cents=[200, 700], decided_by="committee")
    person = participant(session, month="2026-11", level=2)
    other = participant(session, level=2)
    _pay(session, person, 500, date(2026, 11, 3))
    _pay(session, person, 700, date(2027, 1, 4))
    _pay(session, other, 9_999, date(2027, 1, 4))

    history = contribution_history(session, person, as_of_month="2027-02")
    assert [p.amount_cents for p in history.payments] == [700, 500]
    # 5 € in November and December (default scale), then 7 € in January and February
    assert (history.level, history.expected_cents) == (2, 500 + 500 + 700 + 700)
    assert (history.paid_cents, history.owed_cents) == (1_200, 1_200)


def test_history_of_a_household_without_a_level_asks_nothing(session):
    person = participant(session)
    _pay(session, person, 300, date(2026, 11, 3))
    history = contribution_history(session, person, as_of_month="2026-12")
    assert (history.expected_cents, history.paid_cents, history.owed_cents) == (0, 300, 0)


def test_scale_decisions_are_listed_latest_month_first_with_their_tiers(session):
    set_scale(session, effective_month="2027-01", tiers_cents=[200, 700], decided_by="a")
    set_scale(session, effective_month="2027-06", tiers_cents=[300], decided_by="b")
    decisions = scale_decisions(session)
    assert [(scale.effective_month, tiers) for scale, tiers in decisions] == [
        ("2027-06", {1: 300}),
        ("2027-01", {1: 200, 2: 700}),
    ]
