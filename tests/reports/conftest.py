import pytest

from tests.console_pages import console_app, console_login, console_overrides
from tests.reports.fund import SmallFund, ThreeMonths

#: the console's fixtures, for test_pages.py
__all__ = ["console_app", "console_login", "console_overrides"]


@pytest.fixture
def small_fund(sessions, tmp_path) -> SmallFund:
    return SmallFund(sessions, tmp_path / "keys")


@pytest.fixture
def three_months(small_fund) -> ThreeMonths:
    return ThreeMonths(small_fund)
