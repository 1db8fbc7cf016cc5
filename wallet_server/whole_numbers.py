"""Whole numbers as people, forms and URLs carry them, read strictly and bounded.

Python's own checks accept far more than 0-9: `"²".isdigit()` is True although `int("²")`
fails, and `int("٣٤")` is 34. Database integers end at 2³¹ - 1 (ids) or 2⁶³ - 1 (amounts): a
longer number that reaches a query is a server error, on SQLite and PostgreSQL alike. So text
becomes a number here only: ASCII digits, a known maximum, checked before `int()`.
"""

import re

#: the largest id of a database row (a 32-bit signed integer column)
MAX_ID = 2**31 - 1

_ASCII_DIGITS = re.compile(r"[0-9]+")


def whole_number(text: str, *, maximum: int, minimum: int = 0) -> int:
    """`text` as an int when it is ASCII digits between `minimum` and `maximum`, else ValueError.

    The length is checked before `int()`, so a megabyte of digits costs nothing.
    """
    if not isinstance(text, str) or not _ASCII_DIGITS.fullmatch(text):
        raise ValueError(f"not a whole number: {text!r:.40}")
    if len(text.lstrip("0")) > len(str(maximum)):
        raise ValueError(f"too large: {text:.40}")
    value = int(text)
    if not minimum <= value <= maximum:
        raise ValueError(f"out of range [{minimum}, {maximum}]: {value}")
    return value
