"""A console app on each database and logged-in test clients for each role: the fixtures of
every test of console pages, the console's own (tests/console) and a slice's (tests/vouchers),
whose conftest imports them."""

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.payments import new_signing_key, payment_app
from wallet_server.shops.models import Shop
from wallet_server.users.models import Role, User
from wallet_server.users.operations import create_user

PASSWORD = "long enough secret"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class ConsoleClient:
    client: FlaskClient
    user: User

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> TestResponse:
        fields = dict(data or {})
        fields.setdefault("csrf_token", self.csrf_token())
        return self.client.post(path, data=fields, **kwargs)

    def csrf_token(self) -> str:
        with self.client.session_transaction() as session:
            token = session.get("csrf_token")
        if token is None:  # no page rendered since login yet: any page makes one
            page = self.client.get("/console/login").get_data(as_text=True)
            found = CSRF_INPUT.search(page)
            assert found, "no CSRF token on the page"
            token = found.group(1)
        return str(token)


def log_in(
    client: FlaskClient,
    username: str,
    secret: str,
    *,
    password: str = PASSWORD,
    totp: str | None = None,
) -> TestResponse:
    client.get("/console/login")
    with client.session_transaction() as session:
        token = session["csrf_token"]
    return client.post(
        "/console/login",
        data={
            "csrf_token": token,
            "username": username,
            "password": password,
            "totp": totp or pyotp.TOTP(secret).now(),
        },
    )


@pytest.fixture
def console_overrides() -> dict[str, Any]:
    """Settings overrides for `console_app`; a test module redefines this fixture to add some."""
    return {}


@pytest.fixture
def console_app(db_url, tmp_path, sessions, console_overrides) -> Iterator[Flask]:
    app = payment_app(db_url, tmp_path, **console_overrides)
    app.testing = True
    new_signing_key(sessions, tmp_path)
    yield app
    app.extensions["caisse.engine"].dispose()


def new_staff(sessions, role: Role, shop: Shop | None = None) -> tuple[User, str]:
    with sessions() as session:
        created = create_user(
            session,
            username=f"{role.value[:5]}{uuid.uuid4().hex[:6]}",
            password=PASSWORD,
            role=role,
            display_name=f"Test {role.value}",
            shop_id=shop.id if shop is not None else None,
        )
        session.commit()
        session.expunge(created.user)
        return created.user, created.user.totp_secret


@pytest.fixture
def console_login(console_app, sessions) -> Callable[..., ConsoleClient]:
    def login(role: Role | str, shop: Shop | None = None) -> ConsoleClient:
        user, secret = new_staff(sessions, Role(role), shop)
        client = console_app.test_client()
        response = log_in(client, user.username, secret)
        assert response.status_code == 302, response.get_data(as_text=True)
        return ConsoleClient(client, user)

    return login
