"""Reading console forms into exact values; a bad field names itself in the reader's language."""

from datetime import date

from flask import request

from wallet_server.ledger.money import parse_cents
from wallet_server.months import parse_day, parse_month
from wallet_server.whole_numbers import whole_number


class FormError(Exception):
    """A field the person must correct; `text_key` is a console text, `field` the input name."""

    def __init__(self, field: str, text_key: str) -> None:
        super().__init__(f"{field}: {text_key}")
        self.field = field
        self.text_key = text_key


def form_text(name: str, *, required: bool = True, max_length: int = 200) -> str:
    value = " ".join(request.form.get(name, "").split())
    if required and not value:
        raise FormError(name, "form.required")
    if not value.isprintable():  # a control character pasted from elsewhere: never stored
        raise FormError(name, "form.bad_characters")
    if len(value) > max_length:
        raise FormError(name, "form.too_long")
    return value


def form_cents(name: str, *, allow_zero: bool = False) -> int:
    raw = request.form.get(name, "").strip()
    if not raw:
        raise FormError(name, "form.required")
    try:
        cents = parse_cents(raw)
    except ValueError:
        raise FormError(name, "form.bad_amount") from None
    if cents < 0 or (cents == 0 and not allow_zero):
        raise FormError(name, "form.bad_amount")
    return cents


def form_int(name: str, *, minimum: int, maximum: int, required: bool = True) -> int | None:
    raw = request.form.get(name, "").strip()
    if not raw and not required:
        return None
    try:
        return whole_number(raw, minimum=minimum, maximum=maximum)
    except ValueError:
        raise FormError(name, "form.bad_number") from None


def form_date(name: str) -> date:
    raw = request.form.get(name, "").strip()
    try:
        return parse_day(raw)
    except ValueError:
        raise FormError(name, "form.bad_date") from None


def form_month(name: str) -> str:
    raw = request.form.get(name, "").strip()
    try:
        return parse_month(raw)
    except ValueError:
        raise FormError(name, "form.bad_month") from None
