"""The demo's year on the fund's calendar: twelve months ending with the month of `now`, local
wall-clock times turned into the UTC instants the database stores.

Local times are built day by day (never "midnight + N hours"), so a day of 23 or 25 hours,
when summer time starts or ends, still has its shops opening at 9:00.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from wallet_server import clock
from wallet_server.months import first_day, next_month

MONTHS = 12


@dataclass(frozen=True)
class DemoYear:
    #: the instant of seeding: nothing in the demo is dated after it
    now: datetime
    zone: ZoneInfo
    #: 'YYYY-MM', the first eleven before the month of `now`, which is last
    months: tuple[str, ...]

    @property
    def first_month(self) -> str:
        return self.months[0]

    @property
    def this_month(self) -> str:
        return self.months[-1]

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        """The UTC instant of `hour:minute` on `day`, on the fund's wall clock."""
        local = datetime.combine(day, time(hour, minute), tzinfo=self.zone)
        return local.astimezone(UTC)

    def days(self, month: str) -> list[date]:
        """Every day of `month`."""
        day, end = first_day(month), first_day(next_month(month))
        return [day + timedelta(days=n) for n in range((end - day).days)]

    def weekdays(self, month: str, weekday: int) -> list[date]:
        """The days of `month` that fall on `weekday` (0 = Monday)."""
        return [day for day in self.days(month) if day.weekday() == weekday]

    def not_after_now(self, moment: datetime) -> datetime:
        """`moment`, or `now` if it is later: for what a month must have done on its first
        day however early that day the demo is seeded (its allocation, say)."""
        return min(moment, self.now)


def year_ending(now: datetime, zone: ZoneInfo | None = None) -> DemoYear:
    """The twelve months ending with the fund's month of `now`."""
    zone = zone or clock.fund_zone()
    last = clock.this_month(now, zone)
    months = [last]
    while len(months) < MONTHS:
        day = first_day(months[0]) - timedelta(days=1)
        months.insert(0, f"{day.year:04d}-{day.month:02d}")
    return DemoYear(now=now, zone=zone, months=tuple(months))
