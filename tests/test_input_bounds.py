"""Text becomes a number, a day, a month or an amount strictly: ASCII digits, within bounds."""

from datetime import date

import pytest

from wallet_server.ledger.money import MAX_AMOUNT_CENTS, parse_cents
from wallet_server.months import month_count, next_month, parse_day, parse_month
from wallet_server.whole_numbers import MAX_ID, whole_number


@pytest.mark.parametrize(
    "text", ["²", "٣٤", "１２", "-1", "+1", " 1", "1.0", "", "9" * 25, "0" * 5000 + "1x"]
)
def test_a_whole_number_is_ascii_digits_only(text):
    with pytest.raises(ValueError):
        whole_number(text, maximum=MAX_ID)


def test_a_whole_number_is_bounded_before_int_reads_it():
    assert whole_number("2147483647", maximum=MAX_ID) == MAX_ID
    assert whole_number("007", maximum=10) == 7
    for text in ("2147483648", "1" + "0" * 4000):
        with pytest.raises(ValueError):
            whole_number(text, maximum=MAX_ID)
    with pytest.raises(ValueError):
        whole_number("0", minimum=1, maximum=10)


@pytest.mark.parametrize("text", ["0001-01", "1999-12", "3000-01", "9999-12", "٢٠٢٦-01"])
def test_a_month_outside_the_funds_years_is_refused(text):
    with pytest.raises(ValueError):
        parse_month(text)


@pytest.mark.parametrize(
    "text", ["0001-01-01", "9999-12-31", "1999-12-31", "20261231", "2026-W53-1", "2026-02-30"]
)
def test_a_day_outside_the_funds_years_or_not_typed_yyyy_mm_dd_is_refused(text):
    with pytest.raises(ValueError):
        parse_day(text)


def test_the_funds_years_are_2000_to_2999_and_their_last_month_still_has_a_next():
    assert parse_day("2000-01-01") == date(2000, 1, 1)
    assert parse_month("2999-12") == "2999-12"
    assert next_month("2999-12") == "3000-01"  # the end of a window ending then
    assert month_count("2000-01", "2999-12") == 12_000
    assert month_count("2026-12", "2026-01") == 0


@pytest.mark.parametrize("text", ["100000000000000000000000", "10000000001", "٣٤", "12,3٤"])
def test_an_amount_beyond_ten_billion_euros_or_in_other_digits_is_refused(text):
    with pytest.raises(ValueError):
        parse_cents(text)


def test_amounts_up_to_ten_billion_euros_still_read_exactly():
    assert parse_cents("10 000 000 000") == MAX_AMOUNT_CENTS
    assert parse_cents("-10000000000,00") == -MAX_AMOUNT_CENTS
    assert parse_cents("12,40\u00a0€") == 1240
