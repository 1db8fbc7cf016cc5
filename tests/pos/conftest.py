"""A payment app with a signing key, a funded wallet and a paired till; the console's fixtures
for the tills' and conflicts' pages."""

import pytest

from tests.console_pages import console_app, console_login, console_overrides
from tests.payments import new_signing_key, new_till, new_wallet, payment_app

#: the console's fixtures, for test_pages_tills.py and test_pages_conflicts.py
__all__ = ["console_app", "console_login", "console_overrides"]


@pytest.fixture
def app(db_url, tmp_path, sessions):
    app = payment_app(db_url, tmp_path)
    new_signing_key(sessions, tmp_path)
    yield app
    app.extensions["caisse.engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def wallet(sessions):
    return new_wallet(sessions, balance=10_000)


@pytest.fixture
def till(sessions, client):
    return new_till(sessions, client)
