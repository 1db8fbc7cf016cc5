"""Report windows and exact ratios: the arithmetic under every figure."""

from datetime import UTC, date, datetime

import pytest

from wallet_server.reports.shares import hundredths_text, share_bp
from wallet_server.reports.window import ReportError, ReportWindow, default_window, report_window


def test_default_window_is_the_twelve_months_ending_this_month():
    assert default_window(date(2026, 11, 23)) == ReportWindow("2025-12", "2026-11")
    assert default_window(date(2027, 1, 1)) == ReportWindow("2026-02", "2027-01")
    assert len(default_window(date(2027, 1, 1)).months) == 12


def test_window_bounds_are_the_funds_local_month_starts_as_utc_instants():
    window = report_window("2026-10", "2026-12")
    assert window.months == ["2026-10", "2026-11", "2026-12"]
    # midnight in Paris: summer time (UTC+2) on 1 October, winter time (UTC+1) on 1 January
    assert (window.start, window.end) == (
        datetime(2026, 9, 30, 22, tzinfo=UTC),
        datetime(2026, 12, 31, 23, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("first", "last", "code"),
    [
        ("2026-13", "2027-01", "invalid_month"),
        ("2026-1", "2026-02", "invalid_month"),
        ("2026-11junk", "2026-12", "invalid_month"),
        ("2026-12", "2026-11", "report_months_reversed"),
        ("2021-01", "2026-01", "report_window_too_long"),
    ],
)
def test_bad_windows_are_refused_with_a_worded_code(first, last, code):
    with pytest.raises(ReportError) as refused:
        report_window(first, last)
    assert refused.value.code == code


def test_sixty_months_is_the_longest_window():
    assert len(report_window("2021-02", "2026-01").months) == 60


def test_shares_round_half_up_in_integer_basis_points():
    assert share_bp(1, 3) == 3_333
    assert share_bp(2, 3) == 6_667
    assert share_bp(1, 8) == 1_250
    assert share_bp(1, 20_000) == 1  # 0.5 basis point rounds up
    assert share_bp(5, 0) is None
    assert share_bp(45_000, 30_000) == 15_000  # more than 100 %: spending what was kept


def test_hundredths_are_written_exactly():
    assert hundredths_text(123_456, ",") == "1234,56"
    assert hundredths_text(5, ".") == "0.05"
    assert hundredths_text(-5, ",") == "-0,05"
