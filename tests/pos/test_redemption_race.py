"""Sixteen real processes, each with its own connections, racing on one pay code."""

import multiprocessing
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.payments import account, new_wallet, payment_app
from wallet_server.ledger import verify
from wallet_server.pos.models import PosDevice, Redemption

RACERS = 16


def _post(db_url: str, instance: str, credential: str, body: dict, start_at: float):
    app = payment_app(db_url, Path(instance))
    client = app.test_client()
    time.sleep(max(0.0, start_at - time.time()))
    response = client.post(
        "/api/v1/pos/redemptions", json=body, headers={"Authorization": f"Bearer {credential}"}
    )
    app.extensions["caisse.engine"].dispose()
    return response.status_code, response.json


def _race(db_url, instance, credential, bodies):
    start_at = time.time() + 4  # every process has imported the app by then
    with multiprocessing.get_context("spawn").Pool(RACERS) as pool:
        return pool.starmap(
            _post, [(db_url, str(instance), credential, body, start_at) for body in bodies]
        )


def _body(token: str, redemption_id: str, captured_at: str) -> dict:
    return {
        "redemption_id": redemption_id,
        "token": token,
        "amount_cents": 2_000,
        "captured_at": captured_at,
        "mode": "online",
    }


@pytest.mark.slow
def test_sixteen_tills_redeeming_one_pay_code_at_once_succeed_once(
    db_url, tmp_path, client, sessions, wallet, till
):
    token = client.post("/api/v1/me/tokens", json={}, headers=wallet.headers()).json["token"]
    now = datetime.now(UTC).isoformat()
    outcomes = _race(
        db_url,
        tmp_path,
        till.credential,
        [_body(token, str(uuid.uuid4()), now) for _ in range(RACERS)],
    )
    statuses = sorted(status for status, _ in outcomes)
    assert statuses == [200] + [409] * (RACERS - 1)
    assert {body["code"] for status, body in outcomes if status == 409} == {"token_already_used"}
    assert account(sessions, till.shop_account_id).balance == 2_000
    assert account(sessions, wallet.account_id).balance == 8_000
    with sessions() as session:
        assert verify(session).ok


@pytest.mark.slow
def test_sixteen_retries_of_one_redemption_make_one_redemption(
    db_url, tmp_path, client, sessions, wallet, till
):
    token = client.post("/api/v1/me/tokens", json={}, headers=wallet.headers()).json["token"]
    body = _body(token, "same-redemption-id", datetime.now(UTC).isoformat())
    outcomes = _race(db_url, tmp_path, till.credential, [body] * RACERS)
    assert [status for status, _ in outcomes] == [200] * RACERS
    assert len({body["receipt_number"] for _, body in outcomes}) == 1
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Redemption)) == 1
        assert verify(session).ok
    assert account(sessions, till.shop_account_id).balance == 2_000


def _sync_batch(db_url: str, instance: str, credential: str, body: dict, start_at: float):
    app = payment_app(db_url, Path(instance))
    client = app.test_client()
    time.sleep(max(0.0, start_at - time.time()))
    response = client.post(
        "/api/v1/pos/redemptions/batch",
        json={"redemptions": [body]},
        headers={"Authorization": f"Bearer {credential}"},
    )
    app.extensions["caisse.engine"].dispose()
    return response.status_code, response.json["results"][0]


def _offline(token: str) -> dict:
    return {**_body(token, str(uuid.uuid4()), datetime.now(UTC).isoformat()), "mode": "offline"}


@pytest.mark.slow
def test_cloned_tills_syncing_at_once_fit_in_one_set_of_limits_and_one_payment_per_code(
    db_url, tmp_path, client, sessions, till
):
    """Copies of one till's credential upload offline captures in parallel processes: the
    till's window of 5 offline payments is never exceeded, and one code is paid once."""

    with sessions() as session:
        for device in session.scalars(select(PosDevice)):
            device.offline_max_count = device.contact_max_count = 5
        session.commit()
    codes = [
        client.post("/api/v1/me/tokens", json={"offline": True}, headers=w.headers()).json["token"]
        for w in [new_wallet(sessions) for _ in range(8)]
    ]
    start_at = time.time() + 4
    bodies = [_offline(code) for code in codes] + [_offline(codes[0]) for _ in range(4)]
    with multiprocessing.get_context("spawn").Pool(len(bodies)) as pool:
        outcomes = pool.starmap(
            _sync_batch,
            [(db_url, str(tmp_path), till.credential, body, start_at) for body in bodies],
        )
    assert all(status == 200 for status, _ in outcomes)
    accepted = [r for _, r in outcomes if r["status"] in ("accepted", "conflict")]
    refused = {r["code"] for _, r in outcomes if r["status"] == "rejected"}
    assert len(accepted) == 5
    assert refused <= {"offline_limit", "token_already_used"}
    with sessions() as session:
        paid = session.scalars(select(Redemption)).all()
        assert len(paid) == 5
        assert len({r.token_id for r in paid}) == 5  # no code paid twice at the shop
        assert verify(session).ok
    assert account(sessions, till.shop_account_id).balance == 5 * 2_000
