"""Sixteen real processes, each with its own connections, racing on one pay code."""

import multiprocessing
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.payments import account, payment_app
from wallet_server.ledger import verify
from wallet_server.pos.models import Redemption

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
