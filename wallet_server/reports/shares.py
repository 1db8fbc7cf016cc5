"""Ratios of cents as integer basis points (1 % = 100), rounded half up: never a float."""


def share_bp(part: int, whole: int) -> int | None:
    """`part / whole` in basis points, or None when there is no whole to divide by."""
    if whole <= 0:
        return None
    return (2 * part * 10_000 + whole) // (2 * whole)


def hundredths_text(hundredths: int, decimal_mark: str) -> str:
    """Cents as euros, or basis points as percent: 12345 → '123,45' or '123.45', exactly."""
    sign = "-" if hundredths < 0 else ""
    whole, rest = divmod(abs(hundredths), 100)
    return f"{sign}{whole}{decimal_mark}{rest:02d}"
