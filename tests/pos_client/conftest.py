"""Tills against a live wallet server over a network the test controls."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from pos_client.pairing import pair
from pos_client.sync import Sync
from pos_client.till import Till
from pos_client.tillfiles import TillFiles
from tests.payments import new_signing_key, new_wallet, payment_app
from tests.pos_client.live import LiveServer, Network
from testsupport.fund import approved_shop, pairing_codes
from wallet_server.pos.models import PosDevice


class Clock:
    """The till's clock: real time plus an offset the test moves."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


@pytest.fixture
def app(db_url, tmp_path, sessions):
    # codes of 50 € at most, so a 100 € wallet can hold two
    app = payment_app(db_url, tmp_path / "server", token_cap_cents=5_000)
    new_signing_key(sessions, tmp_path / "server")
    yield app
    app.extensions["caisse.engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def network(app):
    server = LiveServer(app)
    network = Network(server.port)
    yield network
    network.close()
    server.stop()


@pytest.fixture
def wallet(sessions):
    return new_wallet(sessions, balance=10_000)


def pairing_code(sessions, shop_name: str, **limits: int) -> tuple[str, int]:
    """A new approved shop and a pairing code for it; `limits` become its tills' limits."""
    with sessions() as session:
        shop = approved_shop(session, shop_name)
        [code] = pairing_codes(session, shop, 1, actor="test")
        session.commit()
        return code, shop.account_id


def set_limits(sessions, device_id: int, **limits: int) -> None:
    with sessions() as session:
        device = session.scalar(select(PosDevice).where(PosDevice.id == device_id))
        for name, value in limits.items():
            assert hasattr(PosDevice, f"offline_{name}"), name  # a typo must not pass silently
            setattr(device, f"offline_{name}", value)
        session.commit()


@pytest.fixture
def open_till(sessions, network, tmp_path):
    """open_till(name, **limits) -> (Till, Sync, shop account id), paired for real."""
    opened: list[Till] = []

    def open_one(name: str = "La Cagette", **limits: int):
        code, shop_account = pairing_code(sessions, name)
        folder = tmp_path / f"till-{len(opened)}"
        pairing = pair(network.url, code, name=f"{name} caisse", folder=folder)
        if limits:
            set_limits(sessions, pairing.device_id, **limits)
        till = Till(TillFiles(folder), online_timeout=2.0, clock=Clock())
        sync = Sync(till)
        if limits:
            assert sync.once().online  # fetch the limits just set
        opened.append(till)
        return till, sync, shop_account

    yield open_one
    for till in opened:
        till.close()


def pay_code(client, wallet, *, offline: bool = True) -> str:
    response = client.post("/api/v1/me/tokens", json={"offline": offline}, headers=wallet.headers())
    assert response.status_code == 201, response.json
    return response.json["token"]
