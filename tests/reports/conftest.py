import pytest

from tests.reports.fund import SmallFund, ThreeMonths


@pytest.fixture
def small_fund(sessions, tmp_path) -> SmallFund:
    return SmallFund(sessions, tmp_path / "keys")


@pytest.fixture
def three_months(small_fund) -> ThreeMonths:
    return ThreeMonths(small_fund)
