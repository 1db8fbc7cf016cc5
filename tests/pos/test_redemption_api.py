"""Pay codes end to end through the JSON API: issue, redeem, replay, refuse, refund."""

import base64
import io
import uuid
from datetime import UTC, datetime, timedelta

import resvg_py
import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from paytoken import read_token
from paytoken.claims import PaymentClaims
from paytoken.cose import parse_sign1
from tests.payments import account, new_till, new_wallet, set_shop_status, tell_offline_limits
from wallet_server.config import TokenSettings
from wallet_server.ledger import sweep_expired_holds, verify
from wallet_server.participants.models import Participant
from wallet_server.pos.models import Conflict, PosDevice
from wallet_server.shops.models import ShopStatus
from wallet_server.tokens.blocklist import revoke
from wallet_server.tokens.keystore import KeyStore
from wallet_server.tokens.models import SigningKeyRecord
from wallet_server.tokens.operations import current_signing_key, issue_pay_code


def _token(client, wallet, *, offline=False):
    response = client.post("/api/v1/me/tokens", json={"offline": offline}, headers=wallet.headers())
    assert response.status_code == 201, response.json
    return response.json


def _redeem(client, till, token, amount, *, mode="online", redemption_id=None, captured_at=None):
    body = {
        "redemption_id": redemption_id or str(uuid.uuid4()),
        "token": token,
        "amount_cents": amount,
        "captured_at": (captured_at or datetime.now(UTC)).isoformat(),
        "mode": mode,
    }
    return client.post("/api/v1/pos/redemptions", json=body, headers=till.headers())


def _books_balance(sessions):
    with sessions() as session:
        report = verify(session)
        assert report.ok, report.as_dict()


def test_issuing_a_pay_code_holds_its_cap_and_the_qr_images_decode_to_it(client, sessions, wallet):
    issued = _token(client, wallet)
    assert issued["cap_cents"] == 10_000 and len(issued["token"]) <= 300
    png = Image.open(io.BytesIO(base64.b64decode(issued["qr_png_base64"])))
    assert [r.text for r in zxingcpp.read_barcodes(png)] == [issued["token"]]
    svg_png = resvg_py.svg_to_bytes(svg_string=issued["qr_svg"], background="white", zoom=8)
    rasterised = Image.open(io.BytesIO(bytes(svg_png)))
    assert [r.text for r in zxingcpp.read_barcodes(rasterised)] == [issued["token"]]
    held = account(sessions, wallet.account_id)
    assert (held.available, held.debits_pending) == (0, 10_000)


def test_partial_redemption_pays_the_shop_and_releases_the_rest(client, sessions, wallet, till):
    receipt = _redeem(client, till, _token(client, wallet)["token"], 1_240)
    assert receipt.status_code == 200, receipt.json
    assert receipt.json["status"] == "accepted"
    assert receipt.json["receipt_number"].startswith(till.shop_public_id)
    paid = account(sessions, wallet.account_id)
    assert (paid.available, paid.debits_pending, paid.balance) == (8_760, 0, 8_760)
    assert account(sessions, till.shop_account_id).balance == 1_240
    me = client.get("/api/v1/me", headers=wallet.headers()).json
    assert me["available_cents"] == 8_760
    _books_balance(sessions)


def test_the_same_redemption_retried_gets_the_same_receipt(client, sessions, wallet, till):
    token = _token(client, wallet)["token"]
    captured = datetime.now(UTC)
    first = _redeem(client, till, token, 500, redemption_id="retry-0001", captured_at=captured)
    again = _redeem(client, till, token, 500, redemption_id="retry-0001", captured_at=captured)
    assert again.status_code == 200 and again.json == first.json
    other = _redeem(client, till, token, 600, redemption_id="retry-0001", captured_at=captured)
    assert (other.status_code, other.json["code"]) == (409, "idempotency_conflict")
    assert account(sessions, till.shop_account_id).balance == 500


def test_second_use_of_a_pay_code_online_is_refused(client, wallet, till):
    token = _token(client, wallet)["token"]
    assert _redeem(client, till, token, 500).status_code == 200
    second = _redeem(client, till, token, 500)
    assert (second.status_code, second.json["code"]) == (409, "token_already_used")
    assert second.json["messages"]["fr"] and second.json["messages"]["en"]


def test_amount_above_the_cap_is_refused(client, wallet, till):
    refused = _redeem(client, till, _token(client, wallet)["token"], 10_001)
    assert (refused.status_code, refused.json["code"]) == (422, "amount_exceeds_cap")


def test_a_suspended_shop_cannot_redeem(client, sessions, wallet, till):
    set_shop_status(sessions, till.shop_public_id, ShopStatus.SUSPENDED)
    refused = _redeem(client, till, _token(client, wallet)["token"], 100)
    assert (refused.status_code, refused.json["code"]) == (403, "shop_not_approved")


def test_tampered_and_unknown_tokens_are_refused_with_their_code(client, wallet, till):
    token = _token(client, wallet)["token"]
    tampered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    assert _redeem(client, till, tampered, 100).json["code"] in {"bad_signature", "malformed"}
    assert _redeem(client, till, "CC1:XYZ", 100).json["code"] == "malformed"
    assert _redeem(client, till, "HC1:" + token[4:], 100).json["code"] == "bad_prefix"


def test_an_unpaired_or_revoked_till_is_not_recognised(client, wallet, till, sessions):
    token = _token(client, wallet)["token"]
    forged = type(till)(till.shop_public_id, till.shop_account_id, "forged-credential")
    assert _redeem(client, forged, token, 100).status_code == 401

    with sessions() as session:
        device = session.scalar(select(PosDevice))
        device.revoked_at = datetime.now(UTC)
        session.commit()
    assert _redeem(client, till, token, 100).json["code"] == "device_not_recognized"


def test_expired_online_token_is_refused_whatever_the_till_claims(client, sessions, wallet, till):
    twenty_minutes_ago = datetime.now(UTC) - timedelta(minutes=20)
    with sessions() as session:
        for key in session.scalars(select(SigningKeyRecord)):  # the key predates the token
            key.valid_from = twenty_minutes_ago - timedelta(days=1)
        signer = current_signing_key(
            session, KeyStore(client.application.extensions["caisse.settings"].key_dir)
        )
        person = session.scalar(
            select(Participant).where(Participant.public_id == wallet.public_id)
        )
        issued = issue_pay_code(
            session, person, signer=signer, settings=TokenSettings(), now=twenty_minutes_ago
        )
        session.commit()
    # online, the server's clock decides: a till claiming an early capture changes nothing
    refused = _redeem(client, till, issued.text, 100, captured_at=twenty_minutes_ago)
    assert (refused.status_code, refused.json["code"]) == (422, "token_expired")


def test_offline_double_spend_pays_both_shops_and_opens_a_conflict(client, sessions, wallet):
    first_till = new_till(sessions, client, name="La Cagette")
    second_till = new_till(sessions, client, name="Marché des Arceaux")
    for till in (first_till, second_till):  # this fund allows 100 € offline, not 50 €
        tell_offline_limits(client, sessions, till, max_amount_cents=10_000, max_total_cents=50_000)
    token = _token(client, wallet, offline=True)["token"]
    captured = datetime.now(UTC)
    one = _redeem(client, first_till, token, 7_000, mode="offline", captured_at=captured)
    two = _redeem(client, second_till, token, 6_000, mode="offline", captured_at=captured)
    assert (one.json["status"], two.json["status"]) == ("accepted", "conflict")
    assert account(sessions, first_till.shop_account_id).balance == 7_000
    assert account(sessions, second_till.shop_account_id).balance == 6_000
    charged = account(sessions, wallet.account_id)
    assert charged.balance == 10_000 - 13_000  # below zero: only through this path
    with sessions() as session:
        conflicts = session.scalars(select(Conflict)).all()
        assert [(c.reason, c.amount_cents, c.status) for c in conflicts] == [
            ("double_spend", 6_000, "open")
        ]
    _books_balance(sessions)


def test_offline_payment_synced_after_the_hold_lapsed_is_still_paid(client, sessions, wallet, till):
    token = _token(client, wallet, offline=True)["token"]
    captured = datetime.now(UTC)
    with sessions() as session:  # the sweep ran while the till was offline for days
        assert sweep_expired_holds(session, now=captured + timedelta(days=30)) == 1
        session.commit()
    synced = _redeem(client, till, token, 2_500, mode="offline", captured_at=captured)
    assert synced.status_code == 200 and synced.json["status"] == "accepted"
    assert account(sessions, wallet.account_id).balance == 7_500
    assert account(sessions, till.shop_account_id).balance == 2_500
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Conflict)) == 0
    _books_balance(sessions)


def test_offline_redemption_of_an_online_only_token_is_refused(client, wallet, till):
    token = _token(client, wallet)["token"]
    refused = _redeem(client, till, token, 100, mode="offline")
    assert refused.json["code"] == "token_online_only"


def test_offline_redemption_captured_after_expiry_is_refused(client, wallet, till):
    token = _token(client, wallet, offline=True)["token"]
    refused = _redeem(
        client,
        till,
        token,
        100,
        mode="offline",
        captured_at=datetime.now(UTC) + timedelta(hours=25),
    )
    assert refused.json["code"] in {"token_expired", "captured_in_future"}


def test_no_more_than_three_outstanding_pay_codes(client, sessions):
    wallet = new_wallet(sessions, balance=50_000)
    for _ in range(3):
        _token(client, wallet)
    fourth = client.post("/api/v1/me/tokens", json={}, headers=wallet.headers())
    assert (fourth.status_code, fourth.json["code"]) == (409, "too_many_tokens")


def test_expired_holds_are_released_by_the_sweep(client, sessions, wallet):
    _token(client, wallet)
    with sessions() as session:
        assert sweep_expired_holds(session, now=datetime.now(UTC) + timedelta(hours=1)) == 0
        assert sweep_expired_holds(session, now=datetime.now(UTC) + timedelta(days=4)) == 1
        session.commit()
    released = account(sessions, wallet.account_id)
    assert (released.available, released.debits_pending) == (10_000, 0)
    _books_balance(sessions)


def test_an_empty_wallet_gets_no_pay_code(client, sessions):
    empty = new_wallet(sessions, balance=0)
    refused = client.post("/api/v1/me/tokens", json={}, headers=empty.headers())
    assert (refused.status_code, refused.json["code"]) == (422, "insufficient_funds")


def test_blocklisted_token_and_wallet_are_refused(client, sessions, till):
    wallet = new_wallet(sessions, balance=50_000)
    first, second = _token(client, wallet), _token(client, wallet)

    _, message = read_token(first["token"])
    token_id = PaymentClaims.from_cbor(parse_sign1(message)[3]).token_id.hex()
    with sessions() as session:
        revoke(session, actor="test", token_id=token_id, reason="screenshot shared")
        session.commit()
    assert _redeem(client, till, first["token"], 100).json["code"] == "token_revoked"
    with sessions() as session:
        revoke(session, actor="test", wallet=wallet.public_id, reason="lost phone")
        session.commit()
    assert _redeem(client, till, second["token"], 100).json["code"] == "wallet_blocked"
    assert client.get("/api/v1/blocklist?since=0").status_code == 401  # for paired tills only
    entries = client.get("/api/v1/blocklist?since=0", headers=till.headers()).json
    assert [(e["token_id"], e["wallet"]) for e in entries["entries"]] == [
        (token_id, None),
        (None, wallet.public_id),
    ]
    after = client.get(f"/api/v1/blocklist?since={entries['next_cursor']}", headers=till.headers())
    assert after.json["entries"] == []


def test_keyset_lists_the_current_key_with_a_pinnable_digest(client):
    keyset = client.get("/api/v1/keyset").json
    assert len(keyset["keys"]) == 1 and len(keyset["digest"]) == 64
    assert keyset["keys"][0]["valid_until"] is None
