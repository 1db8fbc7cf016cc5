"""Refunds, PIN payments, pairing and key rotation through the API."""

import uuid
from datetime import UTC, datetime, timedelta

import pyotp
from sqlalchemy import select

from tests.payments import account, new_till, new_wallet, staff_headers
from wallet_server.ledger import verify
from wallet_server.pos.models import PairingCode
from wallet_server.shops.models import ShopStatus
from wallet_server.shops.operations import add_shop, change_shop_status
from wallet_server.tokens.keystore import KeyStore
from wallet_server.tokens.operations import rotate_signing_key
from wallet_server.users.models import Role
from wallet_server.users.operations import create_user


def _pay(client, wallet, till, amount):
    token = client.post("/api/v1/me/tokens", json={}, headers=wallet.headers()).json["token"]
    redemption_id = str(uuid.uuid4())
    receipt = client.post(
        "/api/v1/pos/redemptions",
        headers=till.headers(),
        json={
            "redemption_id": redemption_id,
            "token": token,
            "amount_cents": amount,
            "captured_at": datetime.now(UTC).isoformat(),
            "mode": "online",
        },
    )
    assert receipt.status_code == 200, receipt.json
    return redemption_id


def _refund(client, till, redemption_id, amount, refund_id=None):
    return client.post(
        "/api/v1/pos/refunds",
        headers=till.headers(),
        json={
            "refund_id": refund_id or str(uuid.uuid4()),
            "redemption_id": redemption_id,
            "amount_cents": amount,
        },
    )


def test_partial_refunds_never_exceed_the_payment(client, sessions, wallet, till):
    paid = _pay(client, wallet, till, 3_000)
    assert _refund(client, till, paid, 1_000).json["refunded_total_cents"] == 1_000
    assert _refund(client, till, paid, 2_000).json["refunded_total_cents"] == 3_000
    over = _refund(client, till, paid, 1)
    assert (over.status_code, over.json["code"]) == (422, "refund_exceeds_payment")
    assert account(sessions, wallet.account_id).available == 10_000
    assert account(sessions, till.shop_account_id).balance == 0
    with sessions() as session:
        assert verify(session).ok


def test_a_refund_retried_is_recorded_once(client, sessions, wallet, till):
    paid = _pay(client, wallet, till, 3_000)
    for _ in range(3):
        assert _refund(client, till, paid, 500, refund_id="refund-0001").status_code == 200
    assert account(sessions, till.shop_account_id).balance == 2_500
    assert (
        _refund(client, till, paid, 700, refund_id="refund-0001").json["code"]
        == "idempotency_conflict"
    )


def test_a_shop_cannot_refund_another_shops_payment(client, sessions, wallet, till):
    paid = _pay(client, wallet, till, 3_000)
    other = new_till(sessions, client, name="Épicerie du coin")
    refused = _refund(client, other, paid, 100)
    assert (refused.status_code, refused.json["code"]) == (404, "redemption_not_found")


def test_pin_payment_then_lock_after_five_wrong_pins_then_unlock(client, sessions, wallet, till):
    staff = staff_headers(client, sessions)
    assert (
        client.post(
            f"/api/v1/participants/{wallet.public_id}/pin", json={"pin": "4821"}, headers=staff
        ).status_code
        == 200
    )

    def pay(pin, amount=1_000):
        return client.post(
            "/api/v1/pos/pin-payments",
            headers=till.headers(),
            json={
                "redemption_id": str(uuid.uuid4()),
                "participant_public_id": wallet.public_id.lower(),
                "pin": pin,
                "amount_cents": amount,
            },
        )

    assert pay("4821").json["status"] == "accepted"
    attempts = [pay("0000") for _ in range(5)]
    assert [a.json["code"] for a in attempts] == ["wrong_pin"] * 4 + ["pin_locked"]
    assert attempts[0].json["details"]["attempts_left"] == 4
    locked = pay("4821")
    assert (locked.status_code, locked.json["code"]) == (423, "pin_locked")
    client.post(f"/api/v1/participants/{wallet.public_id}/pin/unlock", headers=staff)
    assert pay("4821").json["status"] == "accepted"
    assert account(sessions, wallet.account_id).available == 8_000
    # more than the wallet holds, within the cap of one PIN payment (100 €)
    broke = pay("4821", amount=9_000)
    assert (broke.status_code, broke.json["code"]) == (422, "insufficient_funds")


def test_committee_and_shop_managers_cannot_set_pins(client, sessions, wallet):
    committee = staff_headers(client, sessions, role=Role.COMMITTEE)
    refused = client.post(
        f"/api/v1/participants/{wallet.public_id}/pin", json={"pin": "1234"}, headers=committee
    )
    assert (refused.status_code, refused.json["code"]) == (403, "forbidden")


def test_pairing_code_works_once_and_not_after_fifteen_minutes(client, sessions):
    with sessions() as session:
        shop = add_shop(session, name="Ferme")
        change_shop_status(session, shop, ShopStatus.APPROVED)
        session.commit()
        public_id = shop.public_id
    staff = staff_headers(client, sessions)
    code = client.post(f"/api/v1/shops/{public_id}/pairing-codes", headers=staff).json["code"]
    assert client.post("/api/v1/pos/pair", json={"code": code.lower()}).status_code == 201
    again = client.post("/api/v1/pos/pair", json={"code": code})
    assert (again.status_code, again.json["code"]) == (422, "invalid_pairing_code")
    late = client.post(f"/api/v1/shops/{public_id}/pairing-codes", headers=staff).json["code"]
    with sessions() as session:
        for row in session.scalars(select(PairingCode)):
            row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        session.commit()
    assert (
        client.post("/api/v1/pos/pair", json={"code": late}).json["code"] == "invalid_pairing_code"
    )


def test_a_shop_manager_pairs_tills_for_their_own_shop_only(client, sessions):
    with sessions() as session:
        mine, theirs = add_shop(session, name="Mine"), add_shop(session, name="Theirs")
        manager = create_user(
            session,
            username="manager",
            password="long enough secret",
            role=Role.SHOP_MANAGER,
            shop_id=mine.id,
        )
        session.commit()
        mine_id, theirs_id = mine.public_id, theirs.public_id
    token = client.post(
        "/api/v1/auth/login",
        json={
            "username": "manager",
            "password": "long enough secret",
            "totp": pyotp.TOTP(manager.user.totp_secret).now(),
        },
    ).json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post(f"/api/v1/shops/{mine_id}/pairing-codes", headers=headers).status_code == 201
    assert (
        client.post(f"/api/v1/shops/{theirs_id}/pairing-codes", headers=headers).status_code == 403
    )


def test_after_key_rotation_old_pay_codes_still_redeem(client, sessions, wallet, till, tmp_path):
    old = client.post("/api/v1/me/tokens", json={}, headers=wallet.headers()).json["token"]
    with sessions() as session:
        rotate_signing_key(session, KeyStore(tmp_path / "keys"))
        session.commit()
    keys = client.get("/api/v1/keyset").json["keys"]
    assert len(keys) == 2 and [k["valid_until"] is None for k in keys] == [False, True]
    receipt = client.post(
        "/api/v1/pos/redemptions",
        headers=till.headers(),
        json={
            "redemption_id": str(uuid.uuid4()),
            "token": old,
            "amount_cents": 100,
            "captured_at": datetime.now(UTC).isoformat(),
            "mode": "online",
        },
    )
    assert receipt.json["status"] == "accepted"
    fresh = new_wallet(sessions)
    new_code = client.post("/api/v1/me/tokens", json={}, headers=fresh.headers()).json["token"]
    assert new_code[:20] != old[:20]  # signed under the new kid


def test_private_keys_readable_by_others_are_refused(client, sessions, wallet, tmp_path):
    for key_file in (tmp_path / "keys").iterdir():
        key_file.chmod(0o644)
    refused = client.post("/api/v1/me/tokens", json={}, headers=wallet.headers())
    assert refused.json["code"] == "signing_key_exposed"
