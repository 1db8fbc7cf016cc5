"""Role isolation across the whole console, checked on every route rather than a sample:
every view declares who may open it; the committee moves no money; a shop manager reaches
nothing of another shop; each refusal is answered 403 and written to the audit log."""

import re

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.payments import new_till, new_wallet
from wallet_server.audit.models import AuditEntry
from wallet_server.console import PUBLIC_ENDPOINTS
from wallet_server.pos.models import PosDevice
from wallet_server.shops.models import Shop
from wallet_server.users.models import Role

#: reachable by anyone logged in (or not): the login itself, the language, logging out
OPEN_TO_ALL = PUBLIC_ENDPOINTS | {"console.logout", "console.home"}
#: the committee's decisions: the only console forms a committee member may send
COMMITTEE_DECISIONS = {
    "console.allocation_policy_record",
    "console.contribution_scale_record",
    "console.shop_decision_save",
}


def console_rules(app: Flask):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("console.") and rule.endpoint not in OPEN_TO_ALL:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


def test_every_console_view_declares_who_may_open_it(console_app):
    undeclared = [
        rule.endpoint
        for rule, _method in console_rules(console_app)
        if not getattr(console_app.view_functions[rule.endpoint], "allowed_roles", None)
    ]
    assert undeclared == []


def test_the_committee_may_send_only_its_decisions(console_app):
    committee_posts = {
        rule.endpoint
        for rule, method in console_rules(console_app)
        if method == "POST"
        and "committee" in console_app.view_functions[rule.endpoint].allowed_roles
    }
    assert committee_posts == COMMITTEE_DECISIONS


def _path(rule, values: dict[str, object]) -> str:
    path = rule.rule
    for name in rule.arguments:
        path = re.sub(rf"<(?:[^:>]+:)?{name}>|<[^>]*:{name}>", str(values[name]), path)
    return path


def _refusals(sessions, actor: str) -> int:
    with sessions() as session:
        return session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.actor == actor, AuditEntry.outcome == "refused")
        )


@pytest.fixture
def two_shops(console_app, sessions):
    client = console_app.test_client()
    mine = new_till(sessions, client, name="Boutique du gérant")
    theirs = new_till(sessions, client, name="Épicerie Voisine")
    wallet = new_wallet(sessions)
    with sessions() as session:
        shops = {shop.public_id: shop for shop in session.scalars(select(Shop))}
        for shop in shops.values():
            session.expunge(shop)

    with sessions() as session:
        other_device = session.scalar(
            select(PosDevice.id).where(PosDevice.shop_id == shops[theirs.shop_public_id].id)
        )
    return shops[mine.shop_public_id], shops[theirs.shop_public_id], wallet, other_device


def test_a_shop_manager_reaches_nothing_of_another_shop(
    console_login, console_app, sessions, two_shops
):
    mine, theirs, wallet, other_device = two_shops
    manager = console_login(Role.SHOP_MANAGER, mine)
    values = {
        "shop_public_id": theirs.public_id,
        "public_id": theirs.public_id,
        "device_id": other_device,
        "conflict_id": 1,
        "refused_id": 1,
        "run_id": 1,
        "batch_id": 1,
        "sheet_id": 1,
        "number": 1,
        "user_id": manager.user.id,
        "series": "fund",
    }
    refused = 0
    for rule, method in console_rules(console_app):
        if rule.endpoint == "console.static":
            continue
        allowed = console_app.view_functions[rule.endpoint].allowed_roles
        arguments = dict(values)
        if rule.endpoint.startswith("console.participant") or rule.endpoint.startswith(
            "console.contribution_history"
        ):
            arguments["public_id"] = wallet.public_id
        path = _path(rule, arguments)
        response = manager.get(path) if method == "GET" else manager.post(path, {})
        body = response.get_data(as_text=True)
        if "shop_manager" not in allowed or rule.arguments & {"shop_public_id", "public_id"}:
            assert response.status_code in (403, 404), (method, path, response.status_code)
            refused += response.status_code == 403
        else:
            assert response.status_code in (200, 302), (method, path, response.status_code)
        assert "Épicerie Voisine" not in body, (method, path)
        assert theirs.public_id not in body or response.status_code == 403, (method, path)
    assert refused > 40
    assert _refusals(sessions, manager.user.username) == refused


def test_the_committee_is_refused_every_money_movement(
    console_login, console_app, sessions, two_shops
):
    mine, _theirs, wallet, device = two_shops
    committee = console_login(Role.COMMITTEE)
    values = {
        "shop_public_id": mine.public_id,
        "public_id": wallet.public_id,
        "device_id": device,
        "conflict_id": 1,
        "refused_id": 1,
        "run_id": 1,
        "batch_id": 1,
        "sheet_id": 1,
        "number": 1,
        "user_id": committee.user.id,
    }
    posts = [
        rule
        for rule, method in console_rules(console_app)
        if method == "POST" and rule.endpoint not in COMMITTEE_DECISIONS
    ]
    for rule in posts:
        response = committee.post(_path(rule, values), {})
        assert response.status_code == 403, (rule.rule, response.status_code)
    assert _refusals(sessions, committee.user.username) == len(posts)
