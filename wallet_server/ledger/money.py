"""Exact conversion between text amounts and integer cents; no float ever touches money."""

import re
from decimal import Decimal

from babel.numbers import format_currency

#: the largest amount a person may type: ten billion euros, beyond any fund's year. Above it
#: is a typo, and far enough from the database's 64-bit integers that no sum of them overflows.
MAX_AMOUNT_CENTS = 10**12
# digits are [0-9], not \d: int() would read "٣٤" as 34 (spaces stay Unicode: "12,40 €")
_AMOUNT = re.compile(
    r"^\s*(?P<sign>[-+])?\s*(?P<units>[0-9]{1,3}(?:[ \u00a0\u202f]?[0-9]{3})*|[0-9]+)"
    r"(?:[.,](?P<cents>[0-9]{1,2}))?\s*(?:€|EUR)?\s*$"
)


def parse_cents(text: str) -> int:
    """Parse "12,40", "12.40", "1 234,5 €" or "-3" into integer cents, exactly.

    Raises ValueError on anything else, including more than two decimals: an amount that
    cannot be represented in cents is refused rather than rounded, and one beyond
    MAX_AMOUNT_CENTS either way.
    """
    if isinstance(text, float):  # a float has already lost exactness
        raise TypeError("amounts must be given as text or int cents, never float")
    match = _AMOUNT.match(str(text))
    if match is None:
        raise ValueError(f"not an amount: {text!r:.40}")
    digits = re.sub(r"[ \u00a0\u202f]", "", match["units"]).lstrip("0")
    if len(digits) > len(str(MAX_AMOUNT_CENTS // 100)):  # before int(): no huge numbers
        raise ValueError(f"amount too large: {text!r:.40}")
    units = int(digits or "0")
    cents_text = match["cents"] or "0"
    cents = int(cents_text) * (10 if len(cents_text) == 1 else 1)
    total = units * 100 + cents
    if total > MAX_AMOUNT_CENTS:
        raise ValueError(f"amount too large: {text!r:.40}")
    return -total if match["sign"] == "-" else total


def format_cents(cents: int, *, lang: str = "fr", sign: bool = False) -> str:
    """Format cents for people by the locale's rules: 1240 -> "12,40 €" (fr) or "€12.40" (en)."""
    if not isinstance(cents, int) or isinstance(cents, bool):
        raise TypeError("cents must be an int")
    # CLDR's fr: narrow no-break spaces between thousands, a no-break space before €
    text = format_currency(Decimal(cents).scaleb(-2), "EUR", locale="en" if lang == "en" else "fr")
    return f"+{text}" if sign and cents > 0 else text
