import pytest

from tests.payments import new_signing_key, new_till, new_wallet, payment_app


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
