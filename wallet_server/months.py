"""Calendar months as 'YYYY-MM' text (they sort correctly and read well in every database), and
calendar days as people type them ('YYYY-MM-DD').

Both are read strictly: ASCII digits only, and a year between FIRST_YEAR and LAST_YEAR. The
bound keeps every sum on dates (the day after, the month after, a window of months) and the
database's own date types far from their ends: year 9999 plus one day is a server error.
"""

import re
from datetime import date

#: no fund's calendar goes back before this year...
FIRST_YEAR = 2000
#: ...nor beyond this one: a later year is a typo
LAST_YEAR = 2999

_MONTH = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")
_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def parse_month(text: str) -> str:
    """Return `text` if it is a valid 'YYYY-MM' month of the fund's years, else ValueError."""
    year, _number = _year_and_number(text)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"not a month of {FIRST_YEAR}-{LAST_YEAR}: {text!r:.40}")
    return text.strip()


def _year_and_number(month: str) -> tuple[int, int]:
    """A well-formed 'YYYY-MM', whatever its year: the arithmetic below may step past the
    fund's last year (the end of a window ending in December 2999 is January 3000)."""
    match = _MONTH.match(month.strip()) if isinstance(month, str) else None
    if match is None:
        raise ValueError(f"not a month (YYYY-MM): {month!r:.40}")
    return int(match[1]), int(match[2])


def parse_day(text: str) -> date:
    """A day typed as 'YYYY-MM-DD' in the fund's years, else ValueError.

    Stricter than `date.fromisoformat`, which also reads '20261231' and '2026-W53-1'.
    """
    if not isinstance(text, str) or not _DAY.match(text.strip()):
        raise ValueError(f"not a day (YYYY-MM-DD): {text!r:.40}")
    day = date.fromisoformat(text.strip())
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"not a day of {FIRST_YEAR}-{LAST_YEAR}: {text!r:.40}")
    return day


def in_fund_years(day: date) -> bool:
    """Whether a date (or a datetime's own calendar date) falls in the fund's years."""
    return FIRST_YEAR <= day.year <= LAST_YEAR


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def first_day(month: str) -> date:
    """The first day of `month` ('YYYY-MM')."""
    year, number = _year_and_number(month)
    return date(year, number, 1)


def next_month(month: str) -> str:
    year, number = _year_and_number(month)
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


def month_count(first: str, last: str) -> int:
    """How many months from `first` to `last`, both included (0 when first > last)."""
    (first_year, first_number), (last_year, last_number) = map(_year_and_number, (first, last))
    return max(0, (last_year - first_year) * 12 + last_number - first_number + 1)


def months_between(first: str, last: str) -> list[str]:
    """Every month from `first` to `last`, both included (empty when first > last)."""
    months: list[str] = []
    current, last = parse_month(first), parse_month(last)
    while current <= last:
        months.append(current)
        current = next_month(current)
    return months
