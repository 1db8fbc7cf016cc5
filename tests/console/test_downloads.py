"""CSV cells a spreadsheet could run are made inert; numbers stay numbers."""

import pytest

from wallet_server.console.downloads import cents_for_csv, csv_text, inert_cell


@pytest.mark.parametrize(
    "dangerous",
    ["=1+2", "+33 6 12", "-2+3", "@SUM(A1)", "\tcmd", "\r=1", '=cmd|" /C calc"!A0'],
)
def test_text_that_would_start_a_formula_gets_an_apostrophe(dangerous):
    assert inert_cell(dangerous) == "'" + dangerous


@pytest.mark.parametrize("plain", ["12,40", "-12,40", "+3", "-7", "100", "0.5"])
def test_plain_numbers_are_left_as_numbers(plain):
    assert inert_cell(plain) == plain


def test_amounts_ints_and_empty_cells_pass_through_and_headers_are_inert_too():
    assert inert_cell(cents_for_csv(-1_240)) == "-12,40"
    assert inert_cell(5) == 5 and inert_cell(None) == ""
    text = csv_text(["=title"], [["La Cagette", "=A1"]])
    assert text == "\ufeff'=title\r\nLa Cagette;'=A1\r\n"
