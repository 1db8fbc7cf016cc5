"""Reading a page's query string (page numbers, days, months) strictly and within bounds.

Every console view reads these parameters through here: a value that is not a page number, a
day or a month of the fund's years is a FormError (the console's 422 page naming the
parameter), never a number too large for the database or a date that overflows.
"""

from datetime import date
from typing import overload

from flask import request

from wallet_server.console.forms import FormError
from wallet_server.months import parse_day, parse_month
from wallet_server.whole_numbers import whole_number

#: far beyond any list the console shows, small enough that its offset is a plain integer
MAX_PAGE = 100_000


def page_number(name: str = "page") -> int:
    """The page asked for, from 1; no parameter is the first page."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return 1
    try:
        return whole_number(raw, minimum=1, maximum=MAX_PAGE)
    except ValueError:
        raise FormError(name, "form.bad_number") from None


@overload
def query_day(name: str) -> date | None: ...
@overload
def query_day(name: str, default: date) -> date: ...
def query_day(name: str, default: date | None = None) -> date | None:
    """A day 'YYYY-MM-DD' of the fund's years, or `default` when the parameter is empty."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    try:
        return parse_day(raw)
    except ValueError:
        raise FormError(name, "form.bad_date") from None


def query_month(name: str, default: str) -> str:
    """A month 'YYYY-MM' of the fund's years, or `default` when the parameter is empty."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    try:
        return parse_month(raw)
    except ValueError:
        raise FormError(name, "form.bad_month") from None
