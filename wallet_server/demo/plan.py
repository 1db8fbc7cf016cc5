"""The demo's year, drawn from a fixed seed: every event from the fund's launch on the first
day of the first month up to the seeding instant, in time order.

Week by week: La Cagette is busiest on Friday evenings and Saturdays and takes pay codes
online, except on a Saturday afternoon every third month when its line is down; the market
stall, on Tuesday and Saturday mornings, is offline and syncs after the market; the grocery's
tablet is offline too and syncs at closing. Shops are paid out twice a month.
Everything is drawn before the seeding instant is looked at, so two demos seeded at the same
instant are the same, and one seeded later only has more of the same year.
"""

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from wallet_server.contributions.models import DEFAULT_TIERS_CENTS
from wallet_server.demo.calendar import DemoYear
from wallet_server.demo.cast import (
    CAGETTE,
    DEMO_SHOPS,
    GROCERY,
    JOINERS_BY_MONTH,
    MARKET,
    SUBSIDIES,
    DemoShop,
    Opening,
)
from wallet_server.demo.events import (
    Allocation,
    CodeFetched,
    Contribution,
    DoubleSpend,
    Enrolment,
    Event,
    Launch,
    OfflinePayment,
    OnlinePayment,
    Payout,
    PhoneLost,
    PolicyDecision,
    Recovery,
    Refund,
    Subsidy,
    Sync,
    Till,
    TillsOn,
)
from wallet_server.demo.households import (
    DOUBLE_SPENDERS,
    LOST_PHONE,
    SHOP_KEYS,
    STOPS_PAYING_IN,
    Habit,
    Household,
    draw_households,
)

SEED = 2026
#: (amount, extra per household member, carry-over cap), from the first month, then from
#: POLICY_CHANGES_IN on; the committee decides the change the month before
FOUNDING_POLICY = (10_000, 0, None)
NEW_POLICY = (8_000, 2_500, 15_000)
POLICY_CHANGES_IN = 6
#: months (of the year, 0 = the first) with a Saturday afternoon outage at La Cagette, and
#: with a double spend across two offline tills on that day
OUTAGE_EVERY = 3
DOUBLE_SPEND_MONTHS = (4, 10)
LOST_PHONE_MONTH = 10
VOUCHER_CENTS, VOUCHERS = 1_000, 10
SHOPS = {shop.key: shop for shop in DEMO_SHOPS}


@dataclass(frozen=True)
class Plan:
    year: DemoYear
    households: tuple[Household, ...]
    #: in time order, none done after the seeding instant
    events: tuple[Event, ...]


def plan_year(year: DemoYear, seed: int = SEED) -> Plan:
    rng = random.Random(seed)  # the same demo every time, apart from ids and secrets
    households = draw_households(rng)
    drawing = _Drawing(year, rng, households)
    drawing.launch()
    for index in range(len(year.months)):
        drawing.month(index)
    drawing.events.append(TillsOn(year.now))
    # ties keep the order of drawing: a month's allocation comes before its first payment
    ordered = sorted(enumerate(drawing.events), key=lambda pair: (pair[1].at, pair[0]))
    kept = tuple(event for _, event in ordered if event.done_by <= year.now)
    return Plan(year, tuple(households), kept)


def entitlement_cents(month_index: int, household_size: int) -> int:
    """What a household of `household_size` receives in that month of the year (`add`)."""
    amount, extra, _ = NEW_POLICY if month_index >= POLICY_CHANGES_IN else FOUNDING_POLICY
    return amount + extra * (household_size - 1)


class _Drawing:
    def __init__(self, year: DemoYear, rng: random.Random, households: list[Household]):
        self.year, self.rng, self.households = year, rng, households
        self.events: list[Event] = []
        self.payment_keys = itertools.count(1)
        #: the fund opens at 8:00 on the year's first day; its tills are paired then
        self.launched_at = self.at(year.days(year.first_month)[0], 8)

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return self.year.at(day, hour, minute)

    def launch(self) -> None:
        day = self.year.days(self.year.first_month)[0]
        amount, extra, cap = FOUNDING_POLICY
        self.events += [
            Launch(self.launched_at),
            PolicyDecision(
                self.at(day, 8, 10),
                self.year.first_month,
                amount,
                extra,
                cap,
                "100 € par foyer et par mois / 100 € per household a month",
            ),
            Enrolment(
                self.at(day, 9),
                tuple(h.index for h in self.households if h.joins == 0),
                self.year.first_month,
            ),
        ]

    def month(self, index: int) -> None:
        month = self.year.months[index]
        days = self.year.days(month)
        if index == 0:
            self.events.append(Allocation(self.at(days[0], 10), month))
        else:
            # the 1st at 6:00, or as soon as the demo is seeded that morning
            run_at = self.year.not_after_now(self.at(days[0], 6))
            self.events.append(Allocation(run_at, month))
            previous_end = days[0] - timedelta(days=1)
            self.events.append(Payout(self.at(days[2], 10), previous_end))
        self.events.append(Payout(self.at(days[17], 10), days[14]))
        self._subsidies(index, days)
        self._meetings(index, days)
        self._contributions(index, days)
        self._syncs(index, month)
        payments = list(self._payments(index, month))
        self.events += payments
        self._refunds([p for p in payments if isinstance(p, OnlinePayment) and not p.voucher])
        if index in DOUBLE_SPEND_MONTHS:
            self._double_spend(index, month)
        if index == LOST_PHONE_MONTH:
            self._lost_phone(month)

    def _subsidies(self, index: int, days: list[date]) -> None:
        for order, (funder, month_index, cents) in enumerate(SUBSIDIES):
            if month_index == index:
                when = self.at(days[0], 9, 30 + order) if index == 0 else self.at(days[9], 11)
                self.events.append(Subsidy(when, funder, cents))

    def _meetings(self, index: int, days: list[date]) -> None:
        """The month's welcome meeting for next month's newcomers, and the committee's
        meeting that changes the policy."""
        third_wednesday = [day for day in days if day.weekday() == 2][2]
        if index + 1 < len(self.year.months) and JOINERS_BY_MONTH[index + 1]:
            newcomers = tuple(h.index for h in self.households if h.joins == index + 1)
            self.events.append(
                Enrolment(self.at(third_wednesday, 14), newcomers, self.year.months[index + 1])
            )
        if index + 1 == POLICY_CHANGES_IN:
            amount, extra, cap = NEW_POLICY
            third_thursday = [day for day in days if day.weekday() == 3][2]
            self.events.append(
                PolicyDecision(
                    self.at(third_thursday, 18, 30),
                    self.year.months[index + 1],
                    amount,
                    extra,
                    cap,
                    "80 € par foyer, 25 € par personne en plus, report plafonné à 150 € / "
                    "80 € per household, 25 € per extra member, carry-over capped at 150 €",
                )
            )

    def _contributions(self, index: int, days: list[date]) -> None:
        fifth = days[4]
        while fifth.weekday() >= 5:  # banks credit on working days
            fifth += timedelta(days=1)
        grocery_days = [day for day in days if _opening(SHOPS[GROCERY], day)]
        for household in self.households:
            if household.joins > index:
                continue
            tier = DEFAULT_TIERS_CENTS[household.level - 1]
            cash_at = self.at(
                self.rng.choice(grocery_days), self.rng.randint(10, 17), self.rng.randrange(60)
            )
            transfer_at = self.at(fifth, 9, 15)
            habit = household.habit
            if habit == Habit.BANK_TRANSFER or (habit == Habit.STOPPED and index < STOPS_PAYING_IN):
                self.events.append(Contribution(transfer_at, household.index, tier, True))
            elif habit == Habit.CASH or (habit == Habit.LATE and self.rng.random() >= 0.4):
                self.events.append(Contribution(cash_at, household.index, tier, False))
            elif habit == Habit.QUARTERLY and (index - household.joins) % 3 == 0:
                self.events.append(Contribution(cash_at, household.index, 3 * tier, False))

    def _syncs(self, index: int, month: str) -> None:
        for day in self.year.days(month):
            for shop in DEMO_SHOPS:
                if _opening(shop, day) is not None:
                    for hour, minute in shop.syncs:
                        moment = self.at(day, hour, minute)
                        if moment > self.launched_at:  # no till is paired before the launch
                            self.events.append(Sync(moment, Till(shop.key)))
        outage = self._outage_day(index, month)
        if outage is not None:
            for number in range(len(SHOPS[CAGETTE].tills)):
                # online tills sync all day long: the morning's last one opens the outage's
                # offline stretch, the one after the line comes back sends its journal
                self.events.append(Sync(self.at(outage, 9, 0), Till(CAGETTE, number)))
                self.events.append(Sync(self.at(outage, 17, 15), Till(CAGETTE, number)))

    def _outage_day(self, index: int, month: str) -> date | None:
        if index % OUTAGE_EVERY != 1:
            return None
        return self.year.weekdays(month, 5)[1]  # the second Saturday

    def _payments(self, index: int, month: str) -> Iterator[Event]:
        outage = self._outage_day(index, month)
        for household in self.households:
            if household.joins > index:
                continue
            excluded = self._days_off(household, index, month)
            budget = entitlement_cents(index, household.size) * household.spends_percent // 100
            visits = self._visits(household, month, excluded)
            weights = [self.rng.randint(6, 14) for _ in visits]
            for (shop, moment), weight in zip(visits, weights, strict=True):
                cents = max(200, budget * weight // sum(weights) // 10 * 10)
                yield self._payment(household, shop, moment, cents, outage)

    def _days_off(self, household: Household, index: int, month: str) -> set[date]:
        """Days a household's ordinary shopping is not drawn on: the launch day, and the
        days its part in the story takes."""
        days = self.year.days(month)
        off = {days[0]} if index == 0 else set()
        if household.index in DOUBLE_SPENDERS and index in DOUBLE_SPEND_MONTHS:
            # the month's money is still in the wallet on the day of the double spend
            outage = self._outage_day(index, month)
            assert outage is not None
            off |= {day for day in days if day <= outage}
        if household.index == LOST_PHONE and index >= LOST_PHONE_MONTH:
            lost = _lost_on(self.year, self.year.months[LOST_PHONE_MONTH])
            off |= {day for day in days if day >= lost}
        return off

    def _visits(
        self, household: Household, month: str, excluded: set[date]
    ) -> list[tuple[DemoShop, datetime]]:
        visits: list[tuple[DemoShop, datetime]] = []
        taken = set(excluded)
        for _ in range(household.visits):
            shop = SHOPS[self.rng.choices(SHOP_KEYS, weights=household.tastes)[0]]
            open_days = [
                (day, opening)
                for day in self.year.days(month)
                if day not in taken and (opening := _opening(shop, day)) is not None
            ]
            if not open_days:
                continue
            day, opening = self.rng.choices(open_days, weights=[o.busy for _, o in open_days])[0]
            taken.add(day)
            hour = self.rng.randint(opening.opens, opening.closes - 1)
            if shop.key == CAGETTE and self.rng.random() < 0.5:
                hour = self.rng.randint(17, opening.closes - 1)  # after work
            visits.append((shop, self.at(day, hour, self.rng.randrange(60))))
        return sorted(visits, key=lambda visit: visit[1])

    def _payment(
        self,
        household: Household,
        shop: DemoShop,
        moment: datetime,
        cents: int,
        outage: date | None,
    ) -> Event:
        local = moment.astimezone(self.year.zone)
        lead = timedelta(minutes=self.rng.randint(10, 60))
        if shop.syncs:
            # the offline till sends it at its first sync after the payment
            hour, minute = next(t for t in shop.syncs if t > (local.hour, local.minute))
            synced = self.at(local.date(), hour, minute)
            cents = min(cents, shop.offline_max_cents)
            return OfflinePayment(
                moment - lead, household.index, Till(shop.key), cents, moment, synced
            )
        number = 0
        if local.weekday() == 5 and local.hour >= 14:
            number = self.rng.randint(0, 1)  # the second till opens on Saturday afternoons
        till = Till(shop.key, number)
        if local.date() == outage and 14 <= local.hour < 17:
            synced = self.at(local.date(), 17, 15)
            cents = min(cents, shop.offline_max_cents)
            return OfflinePayment(moment - lead, household.index, till, cents, moment, synced)
        return OnlinePayment(moment, household.index, till, cents, next(self.payment_keys))

    def _refunds(self, payments: list[OnlinePayment]) -> None:
        chosen = self.rng.sample(payments, k=min(len(payments), self.rng.randint(2, 4)))
        for payment in sorted(chosen, key=lambda p: p.key):
            later = timedelta(minutes=self.rng.randint(10, 120))
            percent = self.rng.choice((100, 50, 30))
            self.events.append(Refund(payment.at + later, payment.key, percent))

    def _double_spend(self, index: int, month: str) -> None:
        day = self._outage_day(index, month)
        assert day is not None
        household = DOUBLE_SPENDERS[DOUBLE_SPEND_MONTHS.index(index)]
        key = next(self.payment_keys)
        self.events.append(
            DoubleSpend(
                self.at(day, 8, 30),
                household,
                (Till(MARKET), Till(CAGETTE, 1)),
                (self.at(day, 10, 15), self.at(day, 15, 40)),
                self.at(day, 17, 15),
                key,
            )
        )
        if index == DOUBLE_SPEND_MONTHS[0]:  # the first is settled, the last stays open
            self.events.append(Recovery(self.at(day + timedelta(days=2), 10), key))

    def _lost_phone(self, month: str) -> None:
        lost = _lost_on(self.year, month)
        self.events += [
            CodeFetched(self.at(lost, 8), LOST_PHONE),
            PhoneLost(self.at(lost, 15), LOST_PHONE, VOUCHER_CENTS, VOUCHERS),
        ]
        # then paper vouchers, about once a week, at the grocery (Friday) or the market
        # (Tuesday): both offline tills, which sync the same day
        days = [
            day
            for month_after in self.year.months[LOST_PHONE_MONTH:]
            for day in self.year.days(month_after)
            if day > lost and day.weekday() in (1, 4)
        ][::3]
        for day in days[: VOUCHERS - 2]:
            cents = self.rng.randint(650, VOUCHER_CENTS)
            shop = SHOPS[GROCERY if day.weekday() == 4 else MARKET]
            moment = self.at(day, 11)
            synced = self.at(day, *next(t for t in shop.syncs if t > (11, 0)))
            self.events.append(
                OfflinePayment(
                    moment, LOST_PHONE, Till(shop.key), cents, moment, synced, voucher=True
                )
            )


def _opening(shop: DemoShop, day: date) -> Opening | None:
    return next((o for o in shop.openings if o.weekday == day.weekday()), None)


def _lost_on(year: DemoYear, month: str) -> date:
    """The first Monday from the 6th: the day the phone is lost."""
    return next(day for day in year.days(month)[5:] if day.weekday() == 0)
