"""Shops in the console: application, committee decision with the grid, directory, bank
details, tills (pairing a real till, limits, revoking), and a shop manager kept to their shop."""

import io
import re

import resvg_py
import zxingcpp
from PIL import Image
from sqlalchemy import select

from tests.console.test_core import audit_rows
from tests.console_pages import ConsoleClient, log_in, new_staff
from tests.payments import new_signing_key, payment_app
from wallet_server.pos.models import PosDevice
from wallet_server.shops.models import Shop, ShopDecision
from wallet_server.shops.operations import add_shop
from wallet_server.users.models import Role

APPLICATION = {
    "name": "La Cagette",
    "address": "12 rue du Marché, Montpellier",
    "opening_hours": "mar.–sam. 9h–19h",
    "categories": "épicerie, bio",
    "contact": "04 67 00 00 00",
}
GRID = {
    "decision": "approved",
    "decided_on": "2026-11-20",
    "score_quality": "4",
    "score_locality": "5",
    "score_accessibility": "2",
    "comment_accessibility": "une marche à l'entrée, rampe promise",
    "note": "séance du 20 novembre",
}
GOOD_IBAN = "FR76 3000 6000 0112 3456 7890 189"
CODE = re.compile(r'id="pairing-code-value">([^<]+)<')


def _shop(sessions, name="La Cagette") -> Shop:
    with sessions() as session:
        shop = session.scalar(select(Shop).where(Shop.name == name))
        assert shop is not None
        session.expunge(shop)
        return shop


def _new_shop(sessions, name: str) -> Shop:
    with sessions() as session:
        shop = add_shop(session, name=name)
        session.commit()
        session.expunge(shop)
        return shop


def test_an_application_then_the_committees_grid_approves_the_shop(console_login, sessions):
    coordinator = console_login(Role.COORDINATOR)
    assert coordinator.post("/console/shops/new", APPLICATION).status_code == 302
    shop = _shop(sessions)
    assert (shop.status, shop.categories, shop.contact) == (
        "applied",
        ["épicerie", "bio"],
        "04 67 00 00 00",
    )
    assert shop.public_id in coordinator.get("/console/shops?status=applied").get_data(True)

    committee = console_login(Role.COMMITTEE)
    form = committee.get(f"/console/shops/{shop.public_id}/decision").get_data(as_text=True)
    assert 'name="score_accessibility"' in form and 'value="approved"' in form
    assert committee.post(f"/console/shops/{shop.public_id}/decision", GRID).status_code == 302
    assert _shop(sessions).status == "approved"
    page = committee.get(f"/console/shops/{shop.public_id}").get_data(as_text=True)
    assert "une marche à l&#39;entrée" in page and "2/5" in page
    (applied,) = audit_rows(sessions, action="shop.apply")
    assert applied.actor == coordinator.user.username and applied.after["name"] == "La Cagette"
    (decided,) = audit_rows(sessions, action="shop.decision")
    assert (decided.actor, decided.before, decided.after["status"]) == (
        committee.user.username,
        {"status": "applied"},
        "approved",
    )
    assert decided.after["accessibility_score"] == 2


def test_a_suspension_without_its_reason_is_refused_and_changes_nothing(console_login, sessions):
    coordinator = console_login(Role.COORDINATOR)
    coordinator.post("/console/shops/new", APPLICATION)
    shop = _shop(sessions)
    coordinator.post(f"/console/shops/{shop.public_id}/decision", GRID)
    suspend = GRID | {"decision": "suspended", "note": " "}
    refused = coordinator.post(f"/console/shops/{shop.public_id}/decision", suspend)
    assert refused.status_code == 422
    assert "Une suspension doit être motivée" in refused.get_data(as_text=True)
    low = GRID | {"decision": "suspended", "note": "plaintes", "score_quality": "1"}
    unexplained = coordinator.post(f"/console/shops/{shop.public_id}/decision", low)
    assert unexplained.status_code == 422
    assert "doit être expliquée" in unexplained.get_data(as_text=True)
    assert _shop(sessions).status == "approved"
    with sessions() as session:
        assert len(session.scalars(select(ShopDecision)).all()) == 1
    reasoned = GRID | {"decision": "suspended", "note": "refus répétés des codes"}
    assert (
        coordinator.post(f"/console/shops/{shop.public_id}/decision", reasoned).status_code == 302
    )
    assert _shop(sessions).status == "suspended"


def test_bank_details_are_checked_and_masked_for_those_who_do_not_pay(console_login, sessions):
    coordinator = console_login(Role.COORDINATOR)
    shop = _new_shop(sessions, "La Cagette")
    path = f"/console/shops/{shop.public_id}/bank"
    bad = coordinator.post(path, {"iban": "FR76 3000 6000 0112 3456 7890 188", "holder": "SAS"})
    assert bad.status_code == 422
    assert "IBAN invalide : vérifiez chaque caractère" in bad.get_data(as_text=True)
    assert _shop(sessions, "La Cagette").iban == ""
    assert coordinator.post(path, {"iban": GOOD_IBAN, "holder": "SAS Cagette"}).status_code == 302
    assert _shop(sessions, "La Cagette").iban == "FR7630006000011234567890189"
    full = coordinator.get(f"/console/shops/{shop.public_id}").get_data(as_text=True)
    assert "FR7630006000011234567890189" in full
    committee = console_login(Role.COMMITTEE)
    masked = committee.get(f"/console/shops/{shop.public_id}").get_data(as_text=True)
    assert "FR7630006000011234567890189" not in masked and "0189" in masked
    assert committee.post(path, {"iban": GOOD_IBAN, "holder": "X"}).status_code == 403
    (changed,) = audit_rows(sessions, action="shop.bank_details")
    assert changed.after["iban"].endswith("0189") and "FR76" not in changed.after["iban"]


def test_a_pairing_code_from_the_console_pairs_a_real_till_then_limits_and_revocation(
    console_app, console_login, sessions
):
    shop = _new_shop(sessions, "La Cagette")
    manager = console_login(Role.SHOP_MANAGER, shop)
    made = manager.post(f"/console/shops/{shop.public_id}/tills/pairing-code")
    assert made.status_code == 200
    page = made.get_data(as_text=True)
    code = CODE.search(page).group(1)
    assert f"caisse-pos pair --server http://localhost --code {code}" in page
    api = console_app.test_client()
    paired = api.post("/api/v1/pos/pair", json={"code": code, "name": "Caisse 1"})
    assert paired.status_code == 201, paired.json
    till = {"Authorization": f"Bearer {paired.json['credential']}"}
    device_id = paired.json["device_id"]
    tills = manager.get(f"/console/shops/{shop.public_id}/tills").get_data(as_text=True)
    assert "Caisse 1" in tills and f'id="revoke-{device_id}"' in tills
    assert 'id="limits-' not in tills  # limits are the fund's to set

    coordinator = console_login(Role.COORDINATOR)
    limits_path = f"/console/shops/{shop.public_id}/tills/{device_id}/limits"
    limits = {"max_amount": "30", "max_count": "10", "max_total": "200,00", "max_hours": "24"}
    assert manager.post(limits_path, limits).status_code == 403
    too_much = coordinator.post(limits_path, limits | {"max_amount": "250"})
    assert too_much.status_code == 422
    assert "ne peut dépasser le plafond" in too_much.get_data(as_text=True)
    assert coordinator.post(limits_path, limits).status_code == 302
    beat = api.post(
        "/api/v1/pos/heartbeat",
        json={"unsynced_count": 0, "unsynced_cents": 0, "synced": True},
        headers=till,
    )
    assert beat.json["offline_limits"]["max_amount_cents"] == 3_000
    assert beat.json["offline_limits"]["max_total_cents"] == 20_000
    assert beat.json["offline_limits"]["max_hours_since_sync"] == 24
    (changed,) = audit_rows(sessions, action="till.limits")
    assert (changed.before["max_amount_cents"], changed.after["max_amount_cents"]) == (
        5_000,
        3_000,
    )

    revoke_path = f"/console/shops/{shop.public_id}/tills/{device_id}/revoke"
    assert "revoke-confirm" in manager.get(revoke_path).get_data(as_text=True)
    assert manager.post(revoke_path).status_code == 302
    refused = api.post(
        "/api/v1/pos/heartbeat", json={"unsynced_count": 0, "unsynced_cents": 0}, headers=till
    )
    assert refused.status_code == 401
    assert len(audit_rows(sessions, action="till.pairing_code")) == 1
    (revoked,) = audit_rows(sessions, action="till.revoke")
    assert (revoked.actor, revoked.before["revoked"], revoked.after["revoked"]) == (
        manager.user.username,
        False,
        True,
    )


def test_a_shop_manager_is_kept_to_their_own_shop_and_every_refusal_is_audited(
    console_app, console_login, sessions
):
    mine, theirs = _new_shop(sessions, "La Cagette"), _new_shop(sessions, "Marché")
    coordinator = console_login(Role.COORDINATOR)
    coordinator.post(f"/console/shops/{theirs.public_id}/tills/pairing-code")
    code = CODE.search(
        coordinator.post(f"/console/shops/{theirs.public_id}/tills/pairing-code").get_data(True)
    ).group(1)
    console_app.test_client().post("/api/v1/pos/pair", json={"code": code, "name": "Leur caisse"})
    with sessions() as session:
        their_till = session.scalar(select(PosDevice.id).where(PosDevice.shop_id == theirs.id))

    manager = console_login(Role.SHOP_MANAGER, mine)
    assert (
        manager.get("/console/shops")
        .headers["Location"]
        .endswith(f"/console/shops/{mine.public_id}")
    )
    assert manager.get(f"/console/shops/{mine.public_id}").status_code == 200
    edited = manager.post(
        f"/console/shops/{mine.public_id}/directory", APPLICATION | {"opening_hours": "lun. 8h"}
    )
    assert edited.status_code == 302
    (entry,) = audit_rows(sessions, action="shop.directory")
    assert (entry.before["opening_hours"], entry.after["opening_hours"]) == ("", "lun. 8h")

    other = f"/console/shops/{theirs.public_id}"
    attempts = [
        ("get", other),
        ("get", f"{other}/tills"),
        ("get", f"{other}/directory"),
        ("post", f"{other}/directory"),
        ("post", f"{other}/tills/pairing-code"),
        ("get", f"{other}/tills/{their_till}/revoke"),
        ("post", f"{other}/tills/{their_till}/revoke"),
        ("get", f"/console/shops/{mine.public_id}/bank"),
        ("get", f"/console/shops/{mine.public_id}/decision"),
        ("get", "/console/shops/new"),
        ("get", "/console/conflicts"),
    ]
    for method, path in attempts:
        answer = manager.post(path, APPLICATION) if method == "post" else manager.get(path)
        assert answer.status_code == 403, (method, path)
    refused = audit_rows(sessions, outcome="refused", actor=manager.user.username)
    assert len(refused) == len(attempts)
    assert refused[0].target == f"shop:{theirs.public_id}"
    assert _shop(sessions, "Marché").address == ""
    with sessions() as session:
        assert session.get(PosDevice, their_till).revoked_at is None


def test_every_shop_and_till_page_reads_in_english(console_app, console_login, sessions):
    shop = _new_shop(sessions, "La Cagette")
    coordinator = console_login(Role.COORDINATOR)
    coordinator.post("/console/language", {"lang": "en", "next": "/console/shops"})
    base = f"/console/shops/{shop.public_id}"
    made = coordinator.post(f"{base}/tills/pairing-code").get_data(as_text=True)
    assert "This code will not be shown again" in made
    code = CODE.search(made).group(1)
    device_id = (
        console_app.test_client()
        .post("/api/v1/pos/pair", json={"code": code, "name": "Caisse 1"})
        .json["device_id"]
    )
    expected = {
        "/console/shops": "Record an application",
        "/console/shops/new": "can take payments only after",
        base: "Committee decisions",
        f"{base}/directory": "Edit the entry",
        f"{base}/bank": "Change the bank details",
        f"{base}/decision": "Criteria grid",
        f"{base}/tills": "Offline limits",
        f"{base}/tills/{device_id}/revoke": "Yes, revoke this till",
    }
    for path, words in expected.items():
        page = coordinator.get(path)
        assert page.status_code == 200, path
        assert words in page.get_data(as_text=True), path


def test_the_pairing_command_names_the_funds_public_address(db_url, tmp_path, sessions):
    """Behind a proxy the browser's address may be an internal one: CAISSE_PUBLIC_URL wins."""
    app = payment_app(db_url, tmp_path, public_url="https://caisse.example.org")
    app.testing = True
    new_signing_key(sessions, tmp_path)
    shop = _new_shop(sessions, "Le Marché")
    user, secret = new_staff(sessions, Role.SHOP_MANAGER, shop)
    manager = ConsoleClient(app.test_client(), user)
    assert log_in(manager.client, user.username, secret).status_code == 302
    page = manager.post(f"/console/shops/{shop.public_id}/tills/pairing-code")
    text = page.get_data(as_text=True)
    assert "caisse-pos pair --server https://caisse.example.org --code" in text
    # the browser till's address, and the code as a QR the till's camera reads
    assert 'id="pairing-till-url">https://caisse.example.org/till/<' in text
    svg = re.search(r'id="pairing-qr"[^>]*>(.*?)</div>', text, re.S).group(1)
    png = bytes(resvg_py.svg_to_bytes(svg_string=svg, width=400, height=400))
    (decoded,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert decoded.text == CODE.search(text).group(1)
    app.extensions["caisse.engine"].dispose()
