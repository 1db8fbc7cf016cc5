"""A till syncing its journal: each redemption accepted, in conflict or rejected on its own."""

import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select

from paytoken import unverified_claims
from tests.payments import account, new_till, new_wallet, set_shop_status
from wallet_server.ledger import verify
from wallet_server.pos.models import Conflict, Redemption, RefusedCapture
from wallet_server.shops.models import ShopStatus
from wallet_server.tokens.blocklist import revoke


def _code(client, wallet):
    response = client.post("/api/v1/me/tokens", json={"offline": True}, headers=wallet.headers())
    assert response.status_code == 201, response.json
    return response.json["token"]


def _item(token, amount, redemption_id=None):
    return {
        "redemption_id": redemption_id or str(uuid.uuid4()),
        "token": token,
        "amount_cents": amount,
        "captured_at": datetime.now(UTC).isoformat(),
        "mode": "offline",
    }


def _sync(client, till, items):
    return client.post(
        "/api/v1/pos/redemptions/batch", json={"redemptions": items}, headers=till.headers()
    )


def test_a_batch_is_judged_item_by_item_and_retrying_it_changes_nothing(
    client, sessions, wallet, till
):
    other = new_wallet(sessions, balance=10_000)
    spent_elsewhere = _code(client, other)
    elsewhere_till = new_till(sessions, client, name="Marché")
    assert _sync(client, elsewhere_till, [_item(spent_elsewhere, 4_000)]).status_code == 200

    good = _item(_code(client, wallet), 1_500)
    double = _item(spent_elsewhere, 2_000)
    forged = _item("CC1:NOT-A-TOKEN", 100)
    items = [good, double, forged]
    first = _sync(client, till, items)
    assert first.status_code == 200, first.json
    results = first.json["results"]
    assert [(r["redemption_id"], r["status"]) for r in results] == [
        (good["redemption_id"], "accepted"),
        (double["redemption_id"], "conflict"),
        (forged["redemption_id"], "rejected"),
    ]
    assert results[2]["code"] == "malformed" and results[2]["message"]
    assert results[0]["receipt"]["amount_cents"] == 1_500

    again = _sync(client, till, items)
    assert again.json == first.json
    assert account(sessions, till.shop_account_id).balance == 3_500
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Redemption)) == 3
        assert session.scalar(select(func.count()).select_from(Conflict)) == 1
        assert verify(session).ok


def test_a_suspended_shops_batch_is_refused_whole_and_kept_for_later(
    client, sessions, wallet, till
):
    item = _item(_code(client, wallet), 500)
    set_shop_status(sessions, till.shop_public_id, ShopStatus.SUSPENDED)
    refused = _sync(client, till, [item])
    assert (refused.status_code, refused.json["code"]) == (403, "shop_not_approved")
    set_shop_status(sessions, till.shop_public_id, ShopStatus.APPROVED)
    assert _sync(client, till, [item]).json["results"][0]["status"] == "accepted"


def test_an_empty_or_oversized_batch_is_bad_input(client, till):
    assert _sync(client, till, []).status_code == 400
    assert _sync(client, till, [_item("CC1:X", 1)] * 101).status_code == 400


def test_one_code_twice_in_a_batch_pays_once_and_refuses_the_second(client, sessions, wallet, till):
    """An honest till's journal never takes one code twice: the second is refused, unpaid,
    and kept for coordinators (it used to be paid as a conflict)."""
    token = _code(client, wallet)
    results = _sync(client, till, [_item(token, 1_000), _item(token, 500)]).json["results"]
    assert [(r["status"], r["code"]) for r in results] == [
        ("accepted", None),
        ("rejected", "token_already_used"),
    ]
    assert account(sessions, till.shop_account_id).balance == 1_000
    with sessions() as session:
        assert verify(session).ok
        assert session.scalar(select(func.count()).select_from(Conflict)) == 0
        (refused,) = session.scalars(select(RefusedCapture)).all()
        assert (refused.code, refused.amount_cents, refused.status) == (
            "token_already_used",
            500,
            "open",
        )


def test_a_code_the_till_knew_was_revoked_is_rejected_in_a_batch(client, sessions, wallet, till):
    token = _code(client, wallet)
    with sessions() as session:
        revoke(session, actor="test", token_id=unverified_claims(token).token_id.hex())
        session.commit()
    fetched = client.get("/api/v1/blocklist?since=0", headers=till.headers())
    assert [e["token_id"] for e in fetched.json["entries"]] == [
        unverified_claims(token).token_id.hex()
    ]
    good = _item(_code(client, new_wallet_for(sessions)), 700)
    results = _sync(client, till, [_item(token, 1_000), good]).json["results"]
    assert [(r["status"], r["code"]) for r in results] == [
        ("rejected", "token_revoked"),
        ("accepted", None),
    ]
    assert account(sessions, till.shop_account_id).balance == 700


def new_wallet_for(sessions):
    return new_wallet(sessions, balance=10_000)
