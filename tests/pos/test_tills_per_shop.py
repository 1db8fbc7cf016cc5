"""A shop manager cannot raise the shop's exposure: beyond 3 active tills, only the fund's staff
pairs one more. Each till adds its offline limits to what a double spend can cost the fund."""

import uuid

import pytest
from sqlalchemy import func, select

from tests.payments import new_signing_key, payment_app
from wallet_server.config import TillSettings
from wallet_server.pos.models import PosDevice
from wallet_server.shops.models import ShopStatus
from wallet_server.shops.operations import add_shop, change_shop_status
from wallet_server.users.models import Role
from wallet_server.users.operations import create_user, open_session

MAX_TILLS = 3


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
def shop(sessions) -> tuple[int, str]:
    with sessions() as session:
        made = add_shop(session, name="La Cagette")
        change_shop_status(session, made, ShopStatus.APPROVED)
        session.commit()
        return made.id, made.public_id


def _bearer(sessions, role: Role, shop_id: int | None = None) -> dict[str, str]:
    with sessions() as session:
        user = create_user(
            session,
            username=f"u{uuid.uuid4().hex[:8]}",
            password="long enough secret",
            role=role,
            shop_id=shop_id,
        ).user
        token = open_session(session, user, seconds=3600)
        session.commit()
    return {"Authorization": f"Bearer {token}"}


def _code(client, shop_public_id: str, headers):
    return client.post(f"/api/v1/shops/{shop_public_id}/pairing-codes", headers=headers)


def _pair(client, code: str):
    return client.post("/api/v1/pos/pair", json={"code": code, "name": "caisse"})


def _active_tills(sessions, shop_id: int) -> int:
    with sessions() as session:
        return session.scalar(
            select(func.count(PosDevice.id)).where(
                PosDevice.shop_id == shop_id, PosDevice.revoked_at.is_(None)
            )
        )


def test_the_default_maximum_is_three_active_tills_per_shop(monkeypatch):
    assert TillSettings().max_per_shop == MAX_TILLS
    monkeypatch.setenv("CAISSE_MAX_TILLS_PER_SHOP", "5")
    assert TillSettings.from_env({}).max_per_shop == 5


def test_a_manager_pairs_three_tills_and_only_fund_staff_pairs_a_fourth(client, sessions, shop):
    shop_id, public_id = shop
    manager = _bearer(sessions, Role.SHOP_MANAGER, shop_id)
    for _ in range(MAX_TILLS):
        made = _code(client, public_id, manager)
        assert made.status_code == 201
        assert _pair(client, made.json["code"]).status_code == 201
    refused = _code(client, public_id, manager)
    assert refused.status_code == 422
    assert refused.json["code"] == "till_limit_reached"
    assert refused.json["messages"]["fr"].startswith("Ce commerce a déjà le nombre maximal")
    assert refused.json["messages"]["en"].startswith("This shop already has the most")
    for role in (Role.COORDINATOR, Role.ADMIN):
        staff_code = _code(client, public_id, _bearer(sessions, role))
        assert staff_code.status_code == 201
        assert _pair(client, staff_code.json["code"]).status_code == 201
    assert _active_tills(sessions, shop_id) == MAX_TILLS + 2


def test_a_managers_code_cannot_pair_beyond_the_maximum_reached_meanwhile(client, sessions, shop):
    shop_id, public_id = shop
    manager = _bearer(sessions, Role.SHOP_MANAGER, shop_id)
    coordinator = _bearer(sessions, Role.COORDINATOR)
    for _ in range(MAX_TILLS - 1):
        assert _pair(client, _code(client, public_id, manager).json["code"]).status_code == 201
    kept = _code(client, public_id, manager).json["code"]  # allowed: 2 tills so far
    assert _pair(client, _code(client, public_id, coordinator).json["code"]).status_code == 201
    refused = _pair(client, kept)
    assert (refused.status_code, refused.json["code"]) == (422, "till_limit_reached")
    assert _active_tills(sessions, shop_id) == MAX_TILLS
    # a revoked till leaves room: the same code, not spent by its refusal, now pairs
    with sessions() as session:
        device_id = session.scalar(select(PosDevice.id).where(PosDevice.shop_id == shop_id))
    revoked = client.post(f"/api/v1/pos/devices/{device_id}/revoke", headers=manager)
    assert revoked.status_code == 200
    assert _pair(client, kept).status_code == 201
    assert _active_tills(sessions, shop_id) == MAX_TILLS


def test_a_fund_staff_code_pairs_even_when_the_shop_is_full(client, sessions, shop):
    shop_id, public_id = shop
    coordinator = _bearer(sessions, Role.COORDINATOR)
    codes = [_code(client, public_id, coordinator).json["code"] for _ in range(MAX_TILLS + 2)]
    assert [_pair(client, code).status_code for code in codes] == [201] * (MAX_TILLS + 2)
    assert _active_tills(sessions, shop_id) == MAX_TILLS + 2


def test_the_maximum_comes_from_the_settings(db_url, tmp_path, sessions, shop):
    app = payment_app(db_url, tmp_path, till_max_per_shop=1)
    client = app.test_client()
    shop_id, public_id = shop
    manager = _bearer(sessions, Role.SHOP_MANAGER, shop_id)
    assert _pair(client, _code(client, public_id, manager).json["code"]).status_code == 201
    assert _code(client, public_id, manager).json["code"] == "till_limit_reached"
    app.extensions["caisse.engine"].dispose()
