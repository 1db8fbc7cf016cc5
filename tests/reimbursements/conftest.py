import pytest

from tests.reimbursements.shopping import Market


@pytest.fixture
def market(session, tmp_path):
    return Market(session, tmp_path / "keys")
