"""The console's till pairing keeps a shop manager to the shop's maximum of active tills (3):
beyond it the page refuses, says who can pair more, and the refusal is in the audit log."""

import re

from sqlalchemy import func, select

from tests.console.test_core import audit_rows
from wallet_server.pos.models import PairingCode
from wallet_server.pos.pairing import create_pairing_code, pair_device
from wallet_server.shops.models import Shop
from wallet_server.shops.operations import add_shop
from wallet_server.users.models import Role

CODE = re.compile(r'id="pairing-code-value">([^<]+)<')
MAX_TILLS = 3


def _shop_with_tills(sessions, tills: int) -> Shop:
    with sessions() as session:
        shop = add_shop(session, name="La Cagette")
        for n in range(tills):
            pair_device(session, create_pairing_code(session, shop, actor="test").code, name=f"{n}")
        session.commit()
        session.expunge(shop)
        return shop


def _codes(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(func.count(PairingCode.id)))


def test_a_manager_at_the_maximum_is_refused_and_the_coordinator_pairs_one_more(
    console_app, console_login, sessions
):
    shop = _shop_with_tills(sessions, MAX_TILLS)
    manager = console_login(Role.SHOP_MANAGER, shop)
    tills_page = manager.get(f"/console/shops/{shop.public_id}/tills").get_data(as_text=True)
    assert "3 caisses actives" in tills_page
    before = _codes(sessions)
    refused = manager.post(f"/console/shops/{shop.public_id}/tills/pairing-code")
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "nombre maximal de caisses actives" in page
    assert CODE.search(page) is None
    assert _codes(sessions) == before
    (trace,) = audit_rows(sessions, actor=manager.user.username, action="till.pairing_code")
    assert trace.outcome == "refused" and trace.target == f"shop:{shop.public_id}"
    assert trace.after == {"code": "till_limit_reached"}

    coordinator = console_login(Role.COORDINATOR)
    made = coordinator.post(f"/console/shops/{shop.public_id}/tills/pairing-code")
    assert made.status_code == 200
    code = CODE.search(made.get_data(as_text=True)).group(1)
    paired = console_app.test_client().post("/api/v1/pos/pair", json={"code": code})
    assert paired.status_code == 201


def test_a_managers_console_code_pairs_only_while_the_shop_has_room(
    console_app, console_login, sessions
):
    shop = _shop_with_tills(sessions, MAX_TILLS - 1)
    manager = console_login(Role.SHOP_MANAGER, shop)
    made = manager.post(f"/console/shops/{shop.public_id}/tills/pairing-code")
    code = CODE.search(made.get_data(as_text=True)).group(1)
    with sessions() as session:  # meanwhile the coordination pairs the third till
        full = session.get(Shop, shop.id)
        pair_device(session, create_pairing_code(session, full, actor="test").code)
        session.commit()
    refused = console_app.test_client().post("/api/v1/pos/pair", json={"code": code})
    assert (refused.status_code, refused.json["code"]) == (422, "till_limit_reached")
