"""The months a report covers: a contiguous range, bounded so a page never scans decades."""

from dataclasses import dataclass
from datetime import date, datetime

from wallet_server import clock
from wallet_server.months import (
    first_day,
    month_count,
    month_of,
    months_between,
    next_month,
    parse_month,
)
from wallet_server.refusals import Refusal

#: five years of months: enough to compare a scheme's years, small enough for one page
MAX_MONTHS = 60
DEFAULT_MONTHS = 12


class ReportError(Refusal):
    pass


@dataclass(frozen=True)
class ReportWindow:
    first: str
    last: str

    @property
    def months(self) -> list[str]:
        return months_between(self.first, self.last)

    @property
    def start_day(self) -> date:
        return first_day(self.first)

    @property
    def end_day(self) -> date:
        """The first day after the window."""
        return first_day(next_month(self.last))

    @property
    def start(self) -> datetime:
        """The instant the window's first month begins in the fund's time zone."""
        return clock.start_of_day(self.start_day)

    @property
    def end(self) -> datetime:
        """The first instant after the window, in the fund's time zone."""
        return clock.start_of_day(self.end_day)


def report_window(first: str, last: str) -> ReportWindow:
    """Check and build a window; refused when a month is malformed, reversed or too long."""
    try:
        first, last = parse_month(first), parse_month(last)
    except ValueError:
        raise ReportError("invalid_month") from None
    if first > last:
        raise ReportError("report_months_reversed", first=first, last=last)
    if month_count(first, last) > MAX_MONTHS:  # counted, not listed: 2000-01..2999-12 is long
        raise ReportError("report_window_too_long", limit=MAX_MONTHS)
    return ReportWindow(first, last)


def default_window(today: date, months: int = DEFAULT_MONTHS) -> ReportWindow:
    """The `months` months ending with the month of `today`."""
    last = month_of(today)
    year, number = today.year, today.month - (months - 1)
    while number < 1:
        year, number = year - 1, number + 12
    return ReportWindow(f"{year:04d}-{number:02d}", last)
