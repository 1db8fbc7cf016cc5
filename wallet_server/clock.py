"""The fund's clock: one "now", one "today", one "this month", in the fund's time zone.

Timestamps are stored in UTC. Calendar decisions are taken in the fund's own zone
(`CAISSE_TIMEZONE`, default Europe/Paris): which month an allocation is for, which day a
payment counts in a statement, the last day a voucher is valid, the month a contribution is
due. At 00:30 on the 1st in Montpellier it is already the new month for everybody, although
UTC still says the previous one, so no calendar decision may be taken on a UTC date.

Every such decision goes through this module. It is pure (no Flask, no database): the zone
comes from `config.timezone_name()`, the environment every process of a fund shares (server,
CLI, timers).
"""

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from wallet_server.config import timezone_name, zone_named
from wallet_server.months import first_day, month_of


def now() -> datetime:
    """The current instant, timezone-aware, in UTC (what the database stores)."""
    return datetime.now(UTC)


def fund_zone() -> ZoneInfo:
    """The fund's time zone, from CAISSE_TIMEZONE (default Europe/Paris)."""
    return zone_named(timezone_name())


@lru_cache(maxsize=8)
def local(moment: datetime | None = None, zone: ZoneInfo | None = None) -> datetime:
    """`moment` (default: now) as the fund's wall clock shows it."""
    moment = now() if moment is None else moment
    if moment.tzinfo is None:
        raise ValueError("naive datetime refused: use timezone-aware times")
    return moment.astimezone(zone or fund_zone())


def today(moment: datetime | None = None, zone: ZoneInfo | None = None) -> date:
    """The fund's calendar day at `moment` (default: now)."""
    return local(moment, zone).date()


def this_month(moment: datetime | None = None, zone: ZoneInfo | None = None) -> str:
    """The fund's calendar month ('YYYY-MM') at `moment` (default: now)."""
    return month_of(today(moment, zone))


def start_of_day(day: date, zone: ZoneInfo | None = None) -> datetime:
    """The UTC instant at which the fund's day `day` begins (local midnight).

    Days are 23 or 25 hours long on the two DST switches; computing each bound this way,
    never as `start + 24 h`, keeps them right.
    """
    return datetime.combine(day, time.min, tzinfo=zone or fund_zone()).astimezone(UTC)


def end_of_day(day: date, zone: ZoneInfo | None = None) -> datetime:
    """The first UTC instant after the fund's day `day` (the next local midnight)."""
    return start_of_day(day + timedelta(days=1), zone)


def start_of_month(month: str, zone: ZoneInfo | None = None) -> datetime:
    """The UTC instant at which the fund's month `month` ('YYYY-MM') begins."""
    return start_of_day(first_day(month), zone)
