"""Apps with the production rate limits, and clients that come from chosen addresses.

Nothing here lowers a limit: each test reaches the real number with real requests.
"""

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.payments import new_signing_key, payment_app
from wallet_server.users.models import Role, User
from wallet_server.users.operations import create_user

PASSWORD = "long enough secret"
WRONG = "not the password"


@pytest.fixture
def make_app(db_url, tmp_path, sessions) -> Iterator[Callable[..., Flask]]:
    """make_app(**overrides): a fresh app (own limiter, own counters) on the test database."""
    made: list[Flask] = []
    new_signing_key(sessions, tmp_path)

    def make(**overrides: Any) -> Flask:
        app = payment_app(db_url, tmp_path, **overrides)
        app.testing = True
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["caisse.engine"].dispose()


@pytest.fixture
def app(make_app) -> Flask:
    return make_app()


def client_from(app: Flask, address: str) -> FlaskClient:
    """A test client whose connections come from `address` (no proxy in between)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def new_user(sessions, role: Role = Role.COORDINATOR) -> User:
    with sessions() as session:
        created = create_user(
            session, username=f"u{uuid.uuid4().hex[:8]}", password=PASSWORD, role=role
        )
        session.commit()
        session.expunge(created.user)
        return created.user


def totp(user: User) -> str:
    return pyotp.TOTP(user.totp_secret).now()


def api_login(client: FlaskClient, username: str, password: str, code: str = "000000"):
    return client.post(
        "/api/v1/auth/login", json={"username": username, "password": password, "totp": code}
    )
