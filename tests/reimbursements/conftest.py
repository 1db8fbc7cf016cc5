"""Shops that are owed money, made through the real payment path (shopping.py); the console's
fixtures for the reimbursements' pages."""

import pytest

from tests.console_pages import console_app, console_login, console_overrides
from tests.reimbursements.shopping import Market

#: the console's fixtures, for test_pages.py
__all__ = ["console_app", "console_login", "console_overrides"]


@pytest.fixture
def market(session, tmp_path):
    return Market(session, tmp_path / "keys")
