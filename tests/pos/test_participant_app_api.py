"""The participant app's API: activation, movements in plain terms, pay codes, shop directory."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from tests.payments import account, new_till, new_wallet, staff_headers
from wallet_server.allocations.operations import run_allocation, set_policy
from wallet_server.ledger import verify
from wallet_server.participants.activation import activate
from wallet_server.participants.models import ActivationCode
from wallet_server.shops.models import ShopStatus
from wallet_server.shops.operations import add_shop, change_shop_status
from wallet_server.users.models import Role


def _activation_code(client, sessions, public_id):
    answer = client.post(
        f"/api/v1/participants/{public_id}/activation-codes",
        headers=staff_headers(client, sessions),
    )
    assert answer.status_code == 201, answer.json
    return answer.json


def test_an_activation_code_binds_one_phone_once(client, sessions, wallet):
    created = _activation_code(client, sessions, wallet.public_id)
    assert created["activation_path"] == f"/app/#/activate/{created['code']}"
    typed = created["code"].lower().replace("-", " ")  # as a person may type it
    activated = client.post("/api/v1/activate", json={"code": typed, "label": "Téléphone"})
    assert activated.status_code == 201, activated.json
    assert activated.json["public_id"] == wallet.public_id
    phone = {"Authorization": f"Bearer {activated.json['credential']}"}
    me = client.get("/api/v1/me", headers=phone)
    assert me.json["available_cents"] == 10_000 and me.json["outstanding_codes"] == 0
    again = client.post("/api/v1/activate", json={"code": created["code"]})
    assert (again.status_code, again.json["code"]) == (422, "invalid_activation_code")
    assert again.json["messages"]["en"].startswith("Activation code unknown")


def test_an_activation_code_expires_after_seven_days(client, sessions, wallet):
    created = _activation_code(client, sessions, wallet.public_id)
    with sessions() as session:
        row = session.scalar(select(ActivationCode))
        assert row.expires_at - row.created_at == timedelta(days=7)
        later = row.created_at + timedelta(days=7)
        try:
            activate(session, created["code"], now=later)
            raise AssertionError("an expired code was accepted")
        except Exception as error:
            assert getattr(error, "code", None) == "invalid_activation_code"


def test_a_participant_or_a_shop_manager_cannot_issue_activation_codes(client, sessions, wallet):
    refused = client.post(
        f"/api/v1/participants/{wallet.public_id}/activation-codes",
        headers=staff_headers(client, sessions, Role.COMMITTEE),
    )
    assert refused.status_code == 403
    phone = client.post(
        f"/api/v1/participants/{wallet.public_id}/activation-codes", headers=wallet.headers()
    )
    assert phone.status_code == 401


def _pay(client, wallet, till, amount):
    token = client.post("/api/v1/me/tokens", json={"offline": True}, headers=wallet.headers())
    redemption_id = str(uuid.uuid4())
    paid = client.post(
        "/api/v1/pos/redemptions",
        json={
            "redemption_id": redemption_id,
            "token": token.json["token"],
            "amount_cents": amount,
            "captured_at": datetime.now(UTC).isoformat(),
            "mode": "online",
        },
        headers=till.headers(),
    )
    assert paid.status_code == 200, paid.json
    return redemption_id


def test_history_names_shops_and_pages_newest_first(client, sessions, wallet, till):
    first = _pay(client, wallet, till, 1_240)
    client.post(
        "/api/v1/pos/refunds",
        json={"refund_id": str(uuid.uuid4()), "redemption_id": first, "amount_cents": 240},
        headers=till.headers(),
    )
    _pay(client, wallet, till, 500)
    page = client.get("/api/v1/me/history?limit=2", headers=wallet.headers()).json
    assert [(m["kind"], m["amount_cents"], m["shop_name"]) for m in page["movements"]] == [
        ("payment", -500, "La Cagette"),
        ("refund", 240, "La Cagette"),
    ]
    rest = client.get(
        "/api/v1/me/history", query_string={"before": page["next_cursor"]}, headers=wallet.headers()
    ).json
    assert [(m["kind"], m["amount_cents"]) for m in rest["movements"]][:1] == [("payment", -1_240)]
    assert rest["next_cursor"] is None
    total = sum(m["amount_cents"] for m in page["movements"] + rest["movements"])
    assert total == account(sessions, wallet.account_id).balance


def test_history_words_an_allocation_with_its_month(client, sessions, wallet):
    with sessions() as session:
        set_policy(session, effective_month="2026-01", amount_cents=10_000, decided_by="test")
        session.commit()
    run_allocation(sessions, month="2026-12", actor="test")
    [newest, *_] = client.get("/api/v1/me/history", headers=wallet.headers()).json["movements"]
    assert (newest["kind"], newest["month"], newest["amount_cents"]) == (
        "allocation",
        "2026-12",
        10_000,
    )


def test_an_unused_code_can_be_cancelled_once_and_its_money_comes_back(
    client, sessions, wallet, till
):
    issued = client.post("/api/v1/me/tokens", json={"offline": True}, headers=wallet.headers())
    token_id = issued.json["token_id"]
    listed = client.get("/api/v1/me/tokens", headers=wallet.headers()).json["tokens"]
    assert [t["token_id"] for t in listed] == [token_id]
    assert client.get("/api/v1/me", headers=wallet.headers()).json["held_cents"] == 10_000
    cancelled = client.post(f"/api/v1/me/tokens/{token_id}/cancel", headers=wallet.headers())
    assert cancelled.status_code == 200
    me = client.get("/api/v1/me", headers=wallet.headers()).json
    assert (me["available_cents"], me["held_cents"], me["outstanding_codes"]) == (10_000, 0, 0)
    again = client.post(f"/api/v1/me/tokens/{token_id}/cancel", headers=wallet.headers())
    assert (again.status_code, again.json["code"]) == (409, "token_not_outstanding")
    other = new_till(sessions, client, name="Marché")
    blocklist = client.get("/api/v1/blocklist", headers=other.headers()).json["entries"]
    assert [e["token_id"] for e in blocklist] == [token_id]  # tills refuse it from now on
    refused = client.post(
        "/api/v1/pos/redemptions",
        json={
            "redemption_id": str(uuid.uuid4()),
            "token": issued.json["token"],
            "amount_cents": 100,
            "captured_at": datetime.now(UTC).isoformat(),
            "mode": "online",
        },
        headers=other.headers(),
    )
    assert refused.json["code"] == "token_revoked"
    with sessions() as session:
        assert verify(session).ok


def test_someone_elses_code_cannot_be_cancelled(client, sessions, wallet):
    other = new_wallet(sessions, balance=5_000)
    token_id = client.post(
        "/api/v1/me/tokens", json={"offline": True}, headers=other.headers()
    ).json["token_id"]
    refused = client.post(f"/api/v1/me/tokens/{token_id}/cancel", headers=wallet.headers())
    assert (refused.status_code, refused.json["code"]) == (404, "token_not_found")


def test_the_directory_lists_approved_shops_only(client, sessions):
    with sessions() as session:
        open_shop = add_shop(session, name="Épicerie solidaire", address="3 rue Haute, Montpellier")
        change_shop_status(session, open_shop, ShopStatus.APPROVED)
        add_shop(session, name="Pas encore conventionné")
        session.commit()
    shops = client.get("/api/v1/shops/directory").json["shops"]
    assert [(s["name"], s["address"]) for s in shops] == [
        ("Épicerie solidaire", "3 rue Haute, Montpellier")
    ]
