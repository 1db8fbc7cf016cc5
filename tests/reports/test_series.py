"""Dashboard series on a fund built with the real services, against figures worked by hand
(see ThreeMonths in conftest.py)."""

from datetime import date

from sqlalchemy import text

from tests.reports.fund import at
from wallet_server.fund import FundAccount, fund_account
from wallet_server.reimbursements.statements import Period, shop_statement
from wallet_server.reports.fund_position import Position, fund_position
from wallet_server.reports.participation import Participation, participation
from wallet_server.reports.spending import AllocationUse, allocation_use, shop_spending
from wallet_server.reports.window import report_window
from wallet_server.shops.models import Shop

WINDOW = report_window("2026-09", "2026-11")


def _session(sessions):
    session = sessions()
    if session.get_bind().dialect.name == "postgresql":
        # Months are the fund's (Europe/Paris) whatever zone the connection reads in.
        session.execute(text("SET TIME ZONE 'America/New_York'"))
    return session


def test_fund_position_dates_flows_by_their_domain_month_and_anchors_the_reserve(
    sessions, three_months
):
    assert three_months.payout_cents == 7_500
    with _session(sessions) as session:
        positions = fund_position(session, WINDOW)
        reserve_today = fund_account(session, FundAccount.RESERVE).balance
    # in: 100 000 + 500 + 4 000 + 4 000 + 500 (December); out: 4 runs (2, 3, 3, 4 wallets)
    assert reserve_today == 109_000 - 120_000
    assert positions == [
        Position("2026-09", 4_500, 100_000, 20_000, 0, 0, 0, 84_500),
        Position("2026-10", 4_000, 0, 30_000, 0, 0, 7_500, 58_500),
        # December's contribution and allocation take today's balance back to November's end
        Position("2026-11", 0, 0, 30_000, 0, 0, 0, -11_000 - 500 + 40_000),
    ]
    assert [p.reserve_change_cents for p in positions] == [84_500, -26_000, -30_000]


def test_spending_per_shop_is_net_of_refunds_in_the_payment_month(sessions, three_months):
    with _session(sessions) as session:
        shops = shop_spending(session, WINDOW)
    assert [(s.shop_name, s.by_month, s.total_cents) for s in shops] == [
        ("La Cagette", {"2026-09": 4_000, "2026-10": 5_000, "2026-11": 2_000}, 11_000),
        ("Épicerie du Port", {"2026-09": 3_500, "2026-10": 3_000, "2026-11": 0}, 6_500),
    ]


def test_share_of_allocations_spent_is_integer_basis_points(sessions, three_months):
    with _session(sessions) as session:
        use = allocation_use(session, WINDOW)
    assert use == [
        AllocationUse("2026-09", 20_000, 7_500),
        AllocationUse("2026-10", 30_000, 8_000),
        AllocationUse("2026-11", 30_000, 2_000),
    ]
    # 7 500 / 20 000; 8 000 / 30 000 = 26.666…%; 2 000 / 30 000 = 6.666…%
    assert [u.share_bp for u in use] == [3_750, 2_667, 667]


def test_active_participants_paid_in_the_month_and_enrolled_counts_to_date(sessions, three_months):
    with _session(sessions) as session:
        months = participation(session, WINDOW)
    assert months == [
        Participation("2026-09", enrolled=2, allocated=2, active=2),
        Participation("2026-10", enrolled=3, allocated=3, active=2),
        Participation("2026-11", enrolled=3, allocated=3, active=1),
    ]


def test_an_empty_fund_has_zero_months(sessions):
    with sessions() as session:
        window = report_window("2026-10", "2026-11")
        assert [p.reserve_end_cents for p in fund_position(session, window)] == [0, 0]
        assert shop_spending(session, window) == []
        assert [u.share_bp for u in allocation_use(session, window)] == [None, None]
        assert [p.active for p in participation(session, window)] == [0, 0]


def test_a_payment_at_half_past_midnight_in_paris_counts_in_the_new_month(sessions, small_fund):
    """22:30 UTC on 30 September is 00:30 on 1 October in Paris: October's, on the dashboard
    and in the shop's statements alike."""

    (person,) = small_fund.enroll((1, 2, "2026-09"), pin=True)
    till = small_fund.till("La Cagette")
    small_fund.subsidy(100_000, date(2026, 9, 1))
    small_fund.allocate("2026-09")
    small_fund.pay_by_pin(person, till, 1_200, at(date(2026, 9, 30), 22, 30))
    with _session(sessions) as session:
        (spending,) = shop_spending(session, report_window("2026-09", "2026-10"))
        shop = session.get(Shop, till.shop_id)
        september = shop_statement(session, shop, Period(date(2026, 9, 30), date(2026, 9, 30)))
        october = shop_statement(session, shop, Period(date(2026, 10, 1), date(2026, 10, 1)))
    assert spending.by_month == {"2026-09": 0, "2026-10": 1_200}
    assert september.summary.payments.count == 0
    assert october.summary.payments.total_cents == 1_200
