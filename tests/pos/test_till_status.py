"""What a till learns about itself and reports: its offline limits, the server's time, its
unsynced payments; the fund's worst-case offline exposure; a till looks up its own payments."""

import uuid
from datetime import UTC, datetime

from sqlalchemy import select

from tests.payments import new_till
from wallet_server.config import TokenSettings
from wallet_server.pos.limits import worst_case_exposure_cents
from wallet_server.pos.models import PosDevice


def test_pairing_and_heartbeat_deliver_the_limits_and_record_the_report(client, sessions, till):
    answer = client.post(
        "/api/v1/pos/heartbeat",
        json={"unsynced_count": 3, "unsynced_cents": 4_500, "synced": False},
        headers=till.headers(),
    )
    assert answer.status_code == 200, answer.json
    assert answer.json["offline_limits"] == {
        "max_amount_cents": 5_000,
        "max_count": 20,
        "max_total_cents": 50_000,
        "max_hours_since_sync": 48,
        "clock_skew_seconds": 300,
    }
    assert answer.json["shop_name"] == "La Cagette"
    with sessions() as session:
        device = session.scalar(select(PosDevice))
        assert (device.unsynced_count, device.unsynced_cents, device.last_sync_at) == (
            3,
            4_500,
            None,
        )
    client.post(
        "/api/v1/pos/heartbeat",
        json={"unsynced_count": 0, "unsynced_cents": 0, "synced": True},
        headers=till.headers(),
    )
    with sessions() as session:
        assert session.scalar(select(PosDevice)).last_sync_at is not None


def test_a_heartbeat_with_a_negative_count_is_bad_input(client, till):
    answer = client.post(
        "/api/v1/pos/heartbeat",
        json={"unsynced_count": -1, "unsynced_cents": 0},
        headers=till.headers(),
    )
    assert answer.status_code == 400 and answer.json["code"]


def test_worst_case_exposure_sums_active_tills(client, sessions, till):
    second = new_till(sessions, client, name="Marché")
    with sessions() as session:
        devices = session.scalars(select(PosDevice).order_by(PosDevice.id)).all()
        devices[1].offline_max_count = 2  # 2 × 50 € = 100 € < its 500 € total
        session.commit()
        assert worst_case_exposure_cents(session, TokenSettings()) == 50_000 + 10_000
        devices[1].revoked_at = datetime.now(UTC)
        session.commit()
        assert worst_case_exposure_cents(session, TokenSettings()) == 50_000
    assert second.credential


def test_a_till_finds_its_shops_payment_and_not_anothers(client, sessions, wallet, till):
    token = client.post("/api/v1/me/tokens", json={"offline": True}, headers=wallet.headers()).json[
        "token"
    ]
    redemption_id = str(uuid.uuid4())
    paid = client.post(
        "/api/v1/pos/redemptions",
        json={
            "redemption_id": redemption_id,
            "token": token,
            "amount_cents": 1_000,
            "captured_at": datetime.now(UTC).isoformat(),
            "mode": "online",
        },
        headers=till.headers(),
    )
    assert paid.status_code == 200
    found = client.get(f"/api/v1/pos/redemptions/{redemption_id}", headers=till.headers())
    assert found.json["receipt_number"] == paid.json["receipt_number"]
    other = new_till(sessions, client, name="Marché")
    hidden = client.get(f"/api/v1/pos/redemptions/{redemption_id}", headers=other.headers())
    assert hidden.status_code == 404 and hidden.json["code"] == "redemption_not_found"
