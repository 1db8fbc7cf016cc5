"""The months a report covers: a contiguous range, bounded so a page never scans decades."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from wallet_server.errors import DomainError
from wallet_server.months import month_of, months_between, next_month, parse_month

#: five years of months: enough to compare a scheme's years, small enough for one page
MAX_MONTHS = 60
DEFAULT_MONTHS = 12


class ReportError(DomainError):
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
        return datetime.combine(self.start_day, datetime.min.time(), tzinfo=UTC)

    @property
    def end(self) -> datetime:
        """The first instant after the window."""
        return datetime.combine(self.end_day, datetime.min.time(), tzinfo=UTC)


def first_day(month: str) -> date:
    year, number = (int(part) for part in parse_month(month).split("-"))
    return date(year, number, 1)


def report_window(first: str, last: str) -> ReportWindow:
    """Check and build a window; refused when a month is malformed, reversed or too long."""
    try:
        first, last = parse_month(first), parse_month(last)
    except ValueError:
        raise ReportError("invalid_month") from None
    if first > last:
        raise ReportError("report_months_reversed", first=first, last=last)
    if len(months_between(first, last)) > MAX_MONTHS:
        raise ReportError("report_window_too_long", limit=MAX_MONTHS)
    return ReportWindow(first, last)


def default_window(today: date, months: int = DEFAULT_MONTHS) -> ReportWindow:
    """The `months` months ending with the month of `today`."""
    last = month_of(today)
    year, number = today.year, today.month - (months - 1)
    while number < 1:
        year, number = year - 1, number + 12
    return ReportWindow(f"{year:04d}-{number:02d}", last)
