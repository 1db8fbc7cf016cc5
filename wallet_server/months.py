"""Calendar months as 'YYYY-MM' text: they sort correctly and read well in every database."""

import re
from datetime import date

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse_month(text: str) -> str:
    """Return `text` if it is a valid 'YYYY-MM' month, else raise ValueError."""
    if not isinstance(text, str) or not _MONTH.match(text.strip()):
        raise ValueError(f"not a month (YYYY-MM): {text!r}")
    return text.strip()


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def first_day(month: str) -> date:
    """The first day of `month` ('YYYY-MM')."""
    year, number = (int(part) for part in parse_month(month).split("-"))
    return date(year, number, 1)


def next_month(month: str) -> str:
    year, number = (int(part) for part in parse_month(month).split("-"))
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


def months_between(first: str, last: str) -> list[str]:
    """Every month from `first` to `last`, both included (empty when first > last)."""
    months: list[str] = []
    current = parse_month(first)
    while current <= parse_month(last):
        months.append(current)
        current = next_month(current)
    return months
