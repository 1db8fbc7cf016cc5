"""A small fund ready to pay: a funded participant with a bound phone, an approved shop with a
paired till, a signing key. Built with the real services (testsupport.fund, which the
benchmarks seed with too) and the real API."""

import uuid
from dataclasses import dataclass
from pathlib import Path

import pyotp
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.factories import fund
from testsupport.fund import add_signing_key, approved_shop, pairing_codes
from wallet_server.ledger import Account
from wallet_server.participants.devices import bind_device
from wallet_server.participants.models import Participant
from wallet_server.participants.operations import Enrollment, enroll
from wallet_server.pos.models import PosDevice
from wallet_server.shops.models import Shop, ShopStatus
from wallet_server.users.models import Role
from wallet_server.users.operations import create_user
from wallet_server.web.app import create_app


def payment_app(db_url: str, instance: Path, **overrides):
    return create_app(
        {
            "database_url": db_url,
            "instance_dir": instance,
            "secret_key": "test",
            "key_dir": instance / "keys",
            **overrides,
        }
    )


@dataclass
class Wallet:
    public_id: str
    account_id: int
    credential: str

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.credential}"}


@dataclass
class Till:
    shop_public_id: str
    shop_account_id: int
    credential: str

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.credential}"}


def new_signing_key(sessions, instance: Path) -> None:
    with sessions() as session:
        add_signing_key(session, instance / "keys")
        session.commit()


def new_wallet(sessions, *, balance: int = 10_000) -> Wallet:
    with sessions() as session:
        person = enroll(session, Enrollment(enrolled_month="2026-11"), actor="test")
        account = session.get(Account, person.account_id)
        if balance:
            fund(session, account, balance, transfer_id=f"fund:{person.public_id}")
        credential = bind_device(session, person, label="phone").credential
        session.commit()
        return Wallet(person.public_id, person.account_id, credential)


def new_till(sessions, client: FlaskClient, *, name: str = "La Cagette") -> Till:
    with sessions() as session:
        shop = approved_shop(session, name)
        [code] = pairing_codes(session, shop, 1, actor="test")
        session.commit()
        public_id, account_id = shop.public_id, shop.account_id
    paired = client.post("/api/v1/pos/pair", json={"code": code, "name": "caisse 1"})
    assert paired.status_code == 201, paired.json
    return Till(public_id, account_id, paired.json["credential"])


def account(sessions, account_id: int) -> Account:
    with sessions() as session:
        found = session.get(Account, account_id)
        assert found is not None
        return found


def set_shop_status(sessions, public_id: str, status: ShopStatus) -> None:
    with sessions() as session:
        shop = session.scalar(select(Shop).where(Shop.public_id == public_id))
        shop.status = status.value
        session.commit()


def participant(sessions, public_id: str) -> Participant:
    with sessions() as session:
        return session.scalar(select(Participant).where(Participant.public_id == public_id))


def staff_headers(client: FlaskClient, sessions, role=None) -> dict[str, str]:
    """A logged-in staff member's bearer header (coordinator unless `role` says otherwise)."""

    with sessions() as session:
        created = create_user(
            session,
            username=f"u{uuid.uuid4().hex[:6]}",
            password="long enough secret",
            role=role or Role.COORDINATOR,
        )
        session.commit()
    response = client.post(
        "/api/v1/auth/login",
        json={
            "username": created.user.username,
            "password": "long enough secret",
            "totp": pyotp.TOTP(created.user.totp_secret).now(),
        },
    )
    return {"Authorization": f"Bearer {response.json['token']}"}


def tell_offline_limits(
    client: FlaskClient, sessions, till: Till, *, max_amount_cents: int, max_total_cents: int
) -> None:
    """The fund raises a till's offline limits and the till learns them at a complete sync:
    the server judges its next offline payments by these."""

    with sessions() as session:
        shop = session.scalar(select(Shop).where(Shop.public_id == till.shop_public_id))
        for device in session.scalars(select(PosDevice).where(PosDevice.shop_id == shop.id)):
            device.offline_max_amount_cents = max_amount_cents
            device.offline_max_total_cents = max_total_cents
        session.commit()
    answer = client.post(
        "/api/v1/pos/heartbeat",
        json={"unsynced_count": 0, "unsynced_cents": 0, "synced": True},
        headers=till.headers(),
    )
    assert answer.status_code == 200, answer.json
