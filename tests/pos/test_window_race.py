"""A till's synced heartbeat that lands while its own batch is being judged must not give the
batch a window the batch is then not counted in.

A batch is dated (`now`, which its redemptions' `created_at` take) before it locks the till;
the window it is judged in is read from the till's last contact. On PostgreSQL (READ
COMMITTED) a heartbeat with `synced: true`, sent at the same moment with the same credential,
can commit in between. The batch is judged with the contact read when the request
authenticated the till (`lock_till_and_shop` locks the till's row without re-reading it), so
it falls in the old window, as its date says.
Were the batch judged with the new contact while dated before it, the new window would never
count it and the next batch would get the whole window again: this test fails then (tried by
refreshing the till after the lock: 6 payments where two windows allow 4). (SQLite's BEGIN
IMMEDIATE, taken when the request authenticates the till, serialises the two.)
"""

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from tests.payments import new_wallet
from wallet_server import clock
from wallet_server.pos import sync as batch_sync
from wallet_server.pos.limits import record_report
from wallet_server.pos.models import PosDevice, Redemption

MAX_COUNT = 2


def _code(client, wallet) -> str:
    issued = client.post("/api/v1/me/tokens", json={"offline": True}, headers=wallet.headers())
    assert issued.status_code == 201, issued.json
    return issued.json["token"]


def _capture(token: str) -> dict:
    return {
        "redemption_id": str(uuid.uuid4()),
        "token": token,
        "amount_cents": 100,
        "captured_at": datetime.now(UTC).isoformat(),
        "mode": "offline",
    }


def _sync(client, till, *captures) -> list[str]:
    answer = client.post(
        "/api/v1/pos/redemptions/batch",
        json={"redemptions": list(captures)},
        headers=till.headers(),
    )
    assert answer.status_code == 200, answer.json
    return [f"{r['status']}:{r['code']}" for r in answer.json["results"]]


def _heartbeat(client, till) -> None:
    beat = client.post(
        "/api/v1/pos/heartbeat",
        json={"unsynced_count": 0, "unsynced_cents": 0, "synced": True},
        headers=till.headers(),
    )
    assert beat.status_code == 200, beat.json


def test_a_heartbeat_racing_a_batch_never_lets_two_windows_pay_more_than_twice_their_count(
    client, sessions, engine, till, monkeypatch
):
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite serialises the heartbeat and the batch (BEGIN IMMEDIATE)")
    with sessions() as session:
        session.scalar(select(PosDevice)).offline_max_count = MAX_COUNT
        session.commit()
    _heartbeat(client, till)  # window 1, with the new count
    codes = [_code(client, new_wallet(sessions, balance=10_000)) for _ in range(6)]
    assert _sync(client, till, _capture(codes[0]), _capture(codes[1])) == ["accepted:None"] * 2

    locking = batch_sync.lock_till_and_shop

    def heartbeat_first(session, device, shop):
        """The same till's synced heartbeat, on another worker, commits right now: after
        this batch was dated, before it locks the till (window 2 opens)."""
        with sessions() as other:
            record_report(
                other.get(PosDevice, device.id),
                unsynced_count=0,
                unsynced_cents=0,
                synced=True,
                now=clock.now(),
            )
            other.commit()
        monkeypatch.setattr(batch_sync, "lock_till_and_shop", locking)
        locking(session, device, shop)

    monkeypatch.setattr(batch_sync, "lock_till_and_shop", heartbeat_first)
    racing = _sync(client, till, _capture(codes[2]), _capture(codes[3]))
    after = _sync(client, till, _capture(codes[4]), _capture(codes[5]))

    with sessions() as session:
        paid = session.scalar(select(func.count()).select_from(Redemption))
    # two windows (the one the racing batch was sent in, and the one the heartbeat opened):
    # at most 2 × MAX_COUNT offline payments, whichever window each is counted in
    assert paid <= 2 * MAX_COUNT, (racing, after)
