"""The demo fund: twelve months of a fund's life, seeded through the real services.

Two demos per database, each seeded once for the module: one at an instant in the middle of
last month, fixed by the test (every month of its year, the last included, has had time to
live: the strictest checks), and one at the real instant of the run (which may be the first
seconds of a month: its last month may hold nothing but its allocation). Neither depends on
the date the suite runs; `tests/test_cli.py` seeds through `caisse demo` itself.
"""

import shutil
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from uuid import uuid4

import pytest
from sqlalchemy import Date, Engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import BACKENDS, POSTGRES_URL
from wallet_server import clock, migrations
from wallet_server.allocations.models import Allocation, AllocationRun
from wallet_server.contributions.models import ContributionPayment, Subsidy
from wallet_server.contributions.operations import who_is_behind
from wallet_server.db import make_engine, make_session_factory
from wallet_server.demo import SeededDemo, first_participant, seed_demo
from wallet_server.demo.calendar import DemoYear, year_ending
from wallet_server.demo.events import Allocation as AllocationEvent
from wallet_server.demo.events import Launch, OfflinePayment, OnlinePayment, Payout, TillsOn
from wallet_server.demo.plan import plan_year
from wallet_server.fund import ensure_fund_accounts
from wallet_server.ledger import Account, verify
from wallet_server.models import Base
from wallet_server.months import first_day
from wallet_server.orm import UTCDateTime
from wallet_server.participants.devices import participant_for_credential
from wallet_server.participants.history import movements
from wallet_server.participants.models import ParticipantDevice
from wallet_server.participants.operations import Enrollment, enroll
from wallet_server.pos.models import Conflict, Redemption, Refund
from wallet_server.refusals import Refusal
from wallet_server.reimbursements.models import PayoutBatch
from wallet_server.reimbursements.statements import Period, shop_statement
from wallet_server.reports.evaluation import TOTAL, evaluation
from wallet_server.reports.fund_position import fund_position
from wallet_server.reports.participation import participation
from wallet_server.reports.spending import allocation_use, shop_spending
from wallet_server.reports.window import default_window
from wallet_server.shops.models import Shop
from wallet_server.tokens.keystore import KeyStore
from wallet_server.vouchers.models import VoucherSheet

PAST, NOW = "past", "now"


@dataclass
class DemoFund:
    url: str
    sessions: sessionmaker[Session]
    seeded: SeededDemo
    year: DemoYear
    moment: str

    @property
    def now(self) -> datetime:
        return self.year.now

    @property
    def lived_months(self) -> tuple[str, ...]:
        """Months that had time to live: all of a demo seeded mid-month, all but the last of
        one seeded now (it may be the first seconds of the month)."""
        return self.year.months if self.moment == PAST else self.year.months[:-1]


def middle_of_last_month() -> datetime:
    """18:30 on the 20th of last month, in the fund's zone: in the past whenever the suite
    runs, and late enough in its month for the shops, the payouts and the market to have
    happened."""
    this_month = first_day(clock.this_month())
    day = (this_month - timedelta(days=1)).replace(day=20)
    return year_ending(clock.now()).at(day, 18, 30)


@pytest.fixture(scope="module")
def fresh_database(sqlite_template: Path, tmp_path_factory) -> Iterator[Callable[[str], str]]:
    """A migrated database with the fund's accounts, new at each call, on either backend."""
    schemas: list[str] = []

    def make(backend: str) -> str:
        if backend == "sqlite":
            path = tmp_path_factory.mktemp("demo") / "caisse.sqlite3"
            shutil.copy(sqlite_template, path)
            url = f"sqlite:///{path}"
        else:
            assert POSTGRES_URL is not None
            schema = f"demo_{uuid4().hex[:12]}"
            _postgres(f"CREATE SCHEMA {schema}")
            schemas.append(schema)
            options = {"options": f"-csearch_path={schema}"}
            url = make_url(POSTGRES_URL).update_query_dict(options).render_as_string(False)
            migrations.upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session:
            ensure_fund_accounts(session)
            session.commit()
        engine.dispose()
        return url

    yield make
    for schema in schemas:
        _postgres(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def _postgres(statement: str) -> None:
    assert POSTGRES_URL is not None
    engine = make_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text(statement))
    engine.dispose()


@pytest.fixture(scope="module")
def seed(fresh_database, tmp_path_factory) -> Iterator[Callable[..., DemoFund]]:
    """seed(backend, PAST or NOW): the demo, seeded once per module on a fresh database;
    `again=1` seeds another one."""
    funds: dict[tuple[str, str, int], DemoFund] = {}
    engines: list[Engine] = []
    past = middle_of_last_month()

    def seeded(backend: str, moment: str, again: int = 0) -> DemoFund:
        if (backend, moment, again) not in funds:
            url = fresh_database(backend)
            engines.append(engine := make_engine(url))
            sessions = make_session_factory(engine)
            keys = KeyStore(tmp_path_factory.mktemp("keys"))
            now = past if moment == PAST else clock.now()
            demo = seed_demo(sessions, password="a long demo password", keystore=keys, now=now)
            funds[backend, moment, again] = DemoFund(url, sessions, demo, year_ending(now), moment)
        return funds[backend, moment, again]

    yield seeded
    for engine in engines:
        engine.dispose()


@pytest.fixture(params=[(backend, moment) for backend in BACKENDS for moment in (PAST, NOW)])
def fund(request, seed) -> DemoFund:
    return seed(*request.param)


@pytest.fixture(params=BACKENDS)
def past_fund(request, seed) -> DemoFund:
    return seed(request.param, PAST)


def local_month(fund: DemoFund, moment: datetime) -> str:
    return clock.this_month(moment, fund.year.zone)


# what the year holds


def test_twelve_allocation_runs_one_a_month_the_last_this_month_under_two_policies(fund):
    with fund.sessions() as session:
        runs = session.scalars(select(AllocationRun).order_by(AllocationRun.month)).all()
        assert tuple(run.month for run in runs) == fund.year.months
        assert fund.year.months[-1] == clock.this_month(fund.now)
        assert {run.status for run in runs} == {"completed"}
        assert len({run.policy_id for run in runs}) == 2
        assert all(run.allocated == run.participants > 0 for run in runs)
        assert session.scalar(select(func.count()).select_from(Allocation)) == sum(
            run.allocated for run in runs
        )


def test_contributions_by_means_most_months_with_a_few_households_behind(fund):
    with fund.sessions() as session:
        paid_on = session.scalars(select(ContributionPayment.paid_on)).all()
        months = Counter(day.strftime("%Y-%m") for day in paid_on)
        assert all(months[month] >= 20 for month in fund.lived_months)
        behind = who_is_behind(session, as_of_month=fund.year.months[-2])
        assert 0 < len(behind) < fund.seeded.participants // 2
        funders = set(session.scalars(select(Subsidy.funder)))
    assert len(funders) == 2


def test_every_shop_is_paid_every_month_online_and_offline_with_a_few_refunds(fund):
    with fund.sessions() as session:
        payments = session.execute(
            select(Redemption.captured_at, Shop.name, Redemption.mode).join(
                Shop, Shop.id == Redemption.shop_id
            )
        ).all()
        refunds = session.scalar(select(func.count()).select_from(Refund))
    shops = defaultdict(set)
    modes = defaultdict(set)
    per_month: Counter[str] = Counter()
    for captured_at, shop, mode in payments:
        month = local_month(fund, captured_at)
        shops[month].add(shop)
        modes[month].add(mode)
        per_month[month] += 1
    for month in fund.lived_months:
        assert len(shops[month]) == 3, month
        assert modes[month] >= {"online", "offline"}, month
        assert 40 <= per_month[month] <= 250, month
    assert refunds >= len(fund.lived_months)


def test_one_double_spend_is_resolved_and_one_is_open(fund):
    with fund.sessions() as session:
        conflicts = session.scalars(select(Conflict).order_by(Conflict.id)).all()
    assert [(c.reason, c.status, c.resolution) for c in conflicts] == [
        ("double_spend", "resolved", "recovered"),
        ("double_spend", "open", ""),
    ]


def test_shops_are_paid_out_every_month_save_perhaps_the_last(fund):
    with fund.sessions() as session:
        batches = session.scalars(select(PayoutBatch)).all()
    assert {batch.status for batch in batches} == {"paid"}
    paid_in = {local_month(fund, batch.paid_at) for batch in batches if batch.paid_at}
    assert paid_in >= set(fund.lived_months)


def test_a_voucher_sheet_and_a_lost_phone_taken_out_of_use_not_the_first_participants(fund):
    with fund.sessions() as session:
        assert session.scalar(select(func.count()).select_from(VoucherSheet)) == 1
        revoked = session.scalars(
            select(ParticipantDevice).where(ParticipantDevice.revoked_at.is_not(None))
        ).all()
        first = first_participant(session)
        assert len(revoked) == 1 and revoked[0].participant_id != first.id
        phone = participant_for_credential(session, fund.seeded.participant_credential)
        assert phone.id == first.id


def test_the_books_balance(fund):
    with fund.sessions() as session:
        report = verify(session)
    assert report.ok, report.as_dict()


def test_nothing_is_dated_after_the_seeding_instant(fund):
    """Every timestamp and day of every table, but expiries (and the fund's own accounts,
    opened with the database before the demo was seeded)."""
    today = clock.today(fund.now)
    with fund.sessions() as session:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if column.name.endswith("expires_at") or not isinstance(
                    column.type, UTCDateTime | Date
                ):
                    continue
                query = select(func.max(column))
                if table.name == "accounts":
                    query = query.where(table.c.kind != "fund")
                latest = session.scalar(query)
                if latest is None:
                    continue
                limit = fund.now if isinstance(column.type, UTCDateTime) else today
                assert latest <= limit, f"{table.name}.{column.name}: {latest} > {limit}"


# what the year shows


def test_the_dashboards_series_live_every_month(fund):
    window = default_window(clock.today(fund.now))
    lived = fund.lived_months
    with fund.sessions() as session:
        positions = {p.month: p for p in fund_position(session, window)}
        spending = shop_spending(session, window)
        use = {u.month: u for u in allocation_use(session, window)}
        reach = {p.month: p for p in participation(session, window)}
    assert window.months == list(fund.year.months)
    assert all(positions[month].allocations_cents > 0 for month in window.months)
    for month in lived:
        assert positions[month].contributions_cents > 0, month
        assert use[month].spent_cents > 0 and use[month].allocated_cents > 0, month
        assert reach[month].enrolled >= reach[month].allocated >= reach[month].active > 0
    assert len(spending) == 3
    assert all(shop.by_month[month] > 0 for shop in spending for month in lived)
    assert all(positions[month].payouts_cents > 0 for month in lived)
    assert sum(p.subsidies_cents for p in positions.values()) > 0
    assert min(p.reserve_end_cents for p in positions.values()) > 0


def test_the_evaluation_export_has_every_month(fund):
    window = default_window(clock.today(fund.now))
    with fund.sessions() as session:
        rows = evaluation(session, window)
    totals = {row.month: row.figures for row in rows if row.group == TOTAL}
    for month in fund.lived_months:
        figures = totals[month]
        assert figures is not None and figures.payments > 0 and figures.spent_cents > 0


def test_a_shops_statement_over_the_year_lists_payments_refunds_and_payouts(fund):
    period = Period(first_day(fund.year.first_month), clock.today(fund.now))
    with fund.sessions() as session:
        shop = session.scalars(select(Shop).where(Shop.name == "La Cagette")).one()
        statement = shop_statement(session, shop, period)
    summary = statement.summary
    assert summary.opening_cents == 0
    assert summary.payments.count > 100 and summary.payouts.count >= 11
    assert summary.refunds.count > 0
    months = {local_month(fund, movement.at) for movement in statement.movements}
    assert months >= set(fund.lived_months)
    with fund.sessions() as session:
        owed = session.get(Account, shop.account_id)
        assert owed is not None and summary.closing_cents == owed.balance


def test_the_first_participants_history_spans_the_year(fund):
    with fund.sessions() as session:
        person = first_participant(session)
        history, _ = movements(session, person, limit=1_000)
    kinds = Counter(movement.kind for movement in history)
    months = {local_month(fund, movement.at) for movement in history}
    assert kinds["allocation"] == 12 and kinds["payment"] >= 20
    assert months == set(fund.year.months)


# the same year every time


def _figures(fund: DemoFund) -> dict[str, object]:
    """Month by month: what was paid where and how, allocated, contributed, paid out."""
    with fund.sessions() as session:
        payments: Counter[tuple[str, str, str]] = Counter()
        for captured_at, shop, mode, cents in session.execute(
            select(
                Redemption.captured_at, Shop.name, Redemption.mode, Redemption.amount_cents
            ).join(Shop, Shop.id == Redemption.shop_id)
        ):
            payments[local_month(fund, captured_at), shop, mode] += cents
        return {
            "payments": payments,
            "allocations": dict(
                session.execute(
                    select(Allocation.month, func.sum(Allocation.amount_cents)).group_by(
                        Allocation.month
                    )
                ).all()
            ),
            "contributions": sorted(
                session.execute(
                    select(ContributionPayment.paid_on, ContributionPayment.amount_cents)
                ).all()
            ),
            "refunds": sorted(session.scalars(select(Refund.amount_cents))),
            "conflicts": sorted(session.scalars(select(Conflict.amount_cents))),
            "payouts": sorted(
                session.execute(select(PayoutBatch.period_end, PayoutBatch.total_cents)).all()
            ),
        }


def test_seeding_twice_gives_the_same_year(seed):
    """On the two databases when both are tested (the same year on SQLite and PostgreSQL),
    else on two fresh SQLite files."""
    first = seed(BACKENDS[0], PAST)
    second = seed(BACKENDS[1], PAST) if len(BACKENDS) > 1 else seed(BACKENDS[0], PAST, again=1)
    assert second.now == first.now and second.url != first.url
    assert _figures(second) == _figures(first)


# refusals


def test_the_demo_needs_an_empty_fund(sessions, tmp_path):
    with sessions() as session:
        enroll(session, Enrollment(enrolled_month="2026-01"), actor="test")
        session.commit()
    with pytest.raises(Refusal) as refused:
        seed_demo(sessions, password="a long demo password", keystore=KeyStore(tmp_path))
    assert refused.value.code == "demo_needs_an_empty_fund"
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Shop)) == 0


# the plan at awkward instants, without a database


@pytest.mark.parametrize(
    "instant",
    [
        "2027-01-31T22:59:40+00:00",  # 23:59:40 on 31 January in Paris
        "2027-01-31T23:00:05+00:00",  # five seconds into February in Paris, January in UTC
        "2028-02-29T22:59:40+00:00",  # a leap day's last seconds
        "2027-03-28T01:30:00+00:00",  # the night summer time starts
        "2027-10-31T00:59:40+00:00",  # the night summer time ends
        "2028-12-31T22:59:50+00:00",  # the year's last seconds
        "2027-06-15T12:00:00+00:00",
    ],
)
def test_the_plan_ends_at_the_seeding_instant_whatever_it_is(instant):
    now = datetime.fromisoformat(instant)
    year = year_ending(now)
    plan = plan_year(year)
    assert all(event.done_by <= now for event in plan.events)
    assert [e.at for e in plan.events] == sorted(e.at for e in plan.events)
    # the fund opens first: no till syncs before it is paired (a market day's 6:45 sync
    # on a 1 January that is a Saturday, as in 2028)
    assert isinstance(plan.events[0], Launch)
    runs = [event for event in plan.events if isinstance(event, AllocationEvent)]
    assert tuple(run.month for run in runs) == year.months
    assert year.months[-1] == clock.this_month(now)
    for event in plan.events:
        local = event.at.astimezone(year.zone)
        if isinstance(event, OnlinePayment | OfflinePayment):
            assert 6 <= local.hour < 20, event  # shops' hours, on the wall clock
        if isinstance(event, Payout):
            assert event.period_end < local.date()


def test_the_plan_is_the_same_for_the_same_instant_and_grows_with_it():
    now = datetime.fromisoformat("2027-06-15T12:00:00+00:00")
    earlier = plan_year(year_ending(now))
    assert plan_year(year_ending(now)) == earlier
    later = plan_year(year_ending(now + timedelta(hours=6)))
    # only the tills' greeting, at the seeding instant, moves with it
    before, after = (
        {event for event in plan.events if not isinstance(event, TillsOn)}
        for plan in (earlier, later)
    )
    assert before < after
