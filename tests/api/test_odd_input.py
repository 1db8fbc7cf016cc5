"""Odd values the API refuses with its usual error shape, never a server error, never accepted:
timestamps in year 1 or 9999, amounts of 10²³ €, bodies over 1 MiB."""

import uuid

import pytest

from tests.payments import new_signing_key, new_till, new_wallet, payment_app
from tests.reimbursements.shopping import pay_through_api
from wallet_server.ledger import verify

YEAR_1 = "0001-01-01T00:00:00Z"
YEAR_9999 = "9999-12-31T23:59:59Z"
TEN_TO_THE_23_EUROS = 10**25  # cents
MIB = 1024 * 1024


@pytest.fixture
def app(db_url, tmp_path, sessions):
    app = payment_app(db_url, tmp_path)
    new_signing_key(sessions, tmp_path)
    yield app
    app.extensions["caisse.engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


def _refused_by_schema(response, field: str) -> None:
    assert response.status_code == 400, response.json
    assert response.json["code"] == "bad_request"
    assert set(response.json["messages"]) == {"fr", "en", "ar"}
    assert field in str(response.json["details"])


def _redemption(token: str, *, captured_at: str, mode: str, amount: int = 500) -> dict:
    return {
        "redemption_id": str(uuid.uuid4()),
        "token": token,
        "amount_cents": amount,
        "captured_at": captured_at,
        "mode": mode,
    }


def _offline_code(client, wallet) -> str:
    issued = client.post("/api/v1/me/tokens", json={"offline": True}, headers=wallet.headers())
    assert issued.status_code == 201, issued.json
    return issued.json["token"]


@pytest.mark.parametrize("captured_at", [YEAR_1, YEAR_9999, "0001-01-01T00:00:00+14:00"])
@pytest.mark.parametrize("mode", ["online", "offline"])
def test_a_payment_captured_in_year_1_or_9999_is_refused_and_pays_nothing(
    client, sessions, captured_at, mode
):
    wallet, till = new_wallet(sessions), new_till(sessions, client)
    token = _offline_code(client, wallet)
    paid = client.post(
        "/api/v1/pos/redemptions",
        json=_redemption(token, captured_at=captured_at, mode=mode),
        headers=till.headers(),
    )
    _refused_by_schema(paid, "captured_at")
    synced = client.post(
        "/api/v1/pos/redemptions/batch",
        json={"redemptions": [_redemption(token, captured_at=captured_at, mode=mode)]},
        headers=till.headers(),
    )
    _refused_by_schema(synced, "captured_at")
    # the same code with a sane clock still pays: nothing above was taken
    fine = client.post(
        "/api/v1/pos/redemptions",
        json=_redemption(token, captured_at="2026-11-23T10:00:00Z", mode="online"),
        headers=till.headers(),
    )
    assert fine.status_code == 200, fine.json
    with sessions() as session:
        assert verify(session).ok


def test_amounts_of_ten_to_the_23_euros_are_refused_by_the_schema(client, sessions):
    wallet, till = new_wallet(sessions), new_till(sessions, client)
    paid = pay_through_api(client, wallet, till, 500)
    token = _offline_code(client, wallet)
    huge = _redemption(token, captured_at="2026-11-23T10:00:00Z", mode="online")
    huge["amount_cents"] = TEN_TO_THE_23_EUROS
    _refused_by_schema(
        client.post("/api/v1/pos/redemptions", json=huge, headers=till.headers()),
        "amount_cents",
    )
    refund = {"refund_id": str(uuid.uuid4()), "redemption_id": paid}
    _refused_by_schema(
        client.post(
            "/api/v1/pos/refunds",
            json={**refund, "amount_cents": TEN_TO_THE_23_EUROS},
            headers=till.headers(),
        ),
        "amount_cents",
    )
    pin_payment = {
        "redemption_id": str(uuid.uuid4()),
        "participant_public_id": wallet.public_id,
        "pin": "1234",
        "amount_cents": TEN_TO_THE_23_EUROS,
    }
    _refused_by_schema(
        client.post("/api/v1/pos/pin-payments", json=pin_payment, headers=till.headers()),
        "amount_cents",
    )


def test_a_body_over_one_mebibyte_is_refused_with_the_apis_error_shape(client, sessions):
    till = new_till(sessions, client)
    body = b'{"unsynced_count": 0, "unsynced_cents": 0, "pad": "' + b"x" * MIB + b'"}'
    refused = client.post(
        "/api/v1/pos/heartbeat",
        data=body,
        headers={**till.headers(), "Content-Type": "application/json"},
    )
    assert refused.status_code == 413
    assert refused.json["code"] == "request_too_large"
    assert set(refused.json["messages"]) == {"fr", "en", "ar"}
    just_under = client.post(
        "/api/v1/pos/heartbeat",
        json={"unsynced_count": 0, "unsynced_cents": 0},
        headers=till.headers(),
    )
    assert just_under.status_code == 200
