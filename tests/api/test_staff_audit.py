"""Every staff action through the JSON API is in the audit log, as in the console: each change
and each refusal (a role, something not found, a domain refusal, a malformed request, a refused
login) leaves exactly one entry, and no entry holds a PIN, a password, a credential or a code.

The endpoints are a table; a staff endpoint of /api/v1 missing from it fails the first test,
so a new one cannot be added without its audit."""

import json
import uuid
from dataclasses import dataclass
from typing import Any

import pyotp
import pytest
from sqlalchemy import func, select

from tests.payments import new_signing_key, new_till, new_wallet, payment_app
from wallet_server.api.audit import ATTRIBUTE
from wallet_server.api.staff import staff_auth
from wallet_server.audit.models import AuditEntry
from wallet_server.pos.models import PosDevice
from wallet_server.pos.pairing import create_pairing_code, pair_device
from wallet_server.shops.models import Shop
from wallet_server.users.models import Role
from wallet_server.users.operations import create_user, open_session

PASSWORD = "long enough secret"
PIN = "4821"

#: every staff endpoint of the API and the action it is audited as (None: it only reads)
STAFF_ENDPOINTS: dict[str, str | None] = {
    "auth.login": "login",
    "auth.logout": "logout",
    "auth.me": None,
    "coordination.pairing_code": "till.pairing_code",
    "coordination.revoke_till": "till.revoke",
    "coordination.participant_pin": "participant.pin_set",
    "coordination.participant_pin_unlock": "participant.pin_unlock",
    "coordination.participant_device": "participant.device_bind",
    "coordination.participant_devices_revoke": "participant.phones_revoke",
    "coordination.add_to_blocklist": "blocklist.add",
    "wallet.activation_code": "participant.activation_letter",
}


def _staff_endpoints(app) -> set[str]:
    found = {"auth.login"}  # the way in: no staff token yet, audited all the same
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if rule.rule.startswith("/api/v1") and getattr(view, "_spec", {}).get("auth") is staff_auth:
            found.add(rule.endpoint)
    return found


@pytest.fixture
def app(db_url, tmp_path, sessions):
    app = payment_app(db_url, tmp_path)
    new_signing_key(sessions, tmp_path)
    yield app
    app.extensions["caisse.engine"].dispose()


def test_every_staff_endpoint_is_in_the_table_and_audited_as_it_says(app):
    assert _staff_endpoints(app) == set(STAFF_ENDPOINTS)
    for endpoint, action in STAFF_ENDPOINTS.items():
        assert getattr(app.view_functions[endpoint], ATTRIBUTE, None) == action, endpoint


@dataclass
class Staff:
    username: str
    role: str
    secret: str
    headers: dict[str, str]


def _staff(sessions, role: Role, shop_id: int | None = None) -> Staff:
    with sessions() as session:
        user = create_user(
            session,
            username=f"{role.value[:5]}{uuid.uuid4().hex[:6]}",
            password=PASSWORD,
            role=role,
            shop_id=shop_id,
        ).user
        token = open_session(session, user, seconds=3600)
        session.commit()
        return Staff(
            user.username, user.role, user.totp_secret, {"Authorization": f"Bearer {token}"}
        )


def _entries(sessions, after_id: int = 0) -> list[AuditEntry]:
    with sessions() as session:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.id > after_id).order_by(AuditEntry.id)
        ).all()
        for row in rows:
            session.expunge(row)
        return list(rows)


def _last_id(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(func.coalesce(func.max(AuditEntry.id), 0)))


@dataclass
class Call:
    """One request and the entry it must leave: (actor, action, outcome), or none."""

    endpoint: str
    method: str
    path: str
    status: int
    entry: tuple[str, str, str] | None
    body: Any = None
    headers: dict[str, str] | None = None


def test_each_staff_change_and_refusal_leaves_exactly_one_entry(app, sessions):
    client = app.test_client()
    wallet = new_wallet(sessions)
    till = new_till(sessions, client)
    with sessions() as session:
        shop = session.scalar(select(Shop).where(Shop.public_id == till.shop_public_id))
        shop_id, shop_pid = shop.id, shop.public_id
        device_id = session.scalar(select(PosDevice.id).where(PosDevice.shop_id == shop_id))
        for n in range(2):  # the shop reaches its 3 tills: its manager is then refused
            pair_device(session, create_pairing_code(session, shop, actor="test").code, name=f"{n}")
        session.commit()
    admin = _staff(sessions, Role.ADMIN)
    committee = _staff(sessions, Role.COMMITTEE)
    manager = _staff(sessions, Role.SHOP_MANAGER, shop_id)
    leaving = _staff(sessions, Role.COORDINATOR)
    person = f"/api/v1/participants/{wallet.public_id}"
    nobody = "/api/v1/participants/P-0000-0000"
    totp = pyotp.TOTP(admin.secret).now()
    A, C, M = admin.headers, committee.headers, manager.headers
    a, c, m = admin.username, committee.username, manager.username
    calls = [
        Call("auth.login", "POST", "/api/v1/auth/login", 200, (a, "login", "done"),
             {"username": a, "password": PASSWORD, "totp": totp}),
        Call("auth.login", "POST", "/api/v1/auth/login", 401, (a, "login", "refused"),
             {"username": a, "password": "not the password", "totp": "123456"}),
        Call("auth.login", "POST", "/api/v1/auth/login", 401, ("?", "login", "refused"),
             {"username": "\x01ghost", "password": "x", "totp": "123456"}),
        Call("auth.login", "POST", "/api/v1/auth/login", 400, ("nobody", "login", "refused"),
             {"username": "nobody", "password": "x"}),
        Call("auth.me", "GET", "/api/v1/auth/me", 200, None, headers=A),
        Call("auth.logout", "POST", "/api/v1/auth/logout", 204,
             (leaving.username, "logout", "done"), headers=leaving.headers),
        Call("coordination.pairing_code", "POST", f"/api/v1/shops/{shop_pid}/pairing-codes",
             201, (a, "till.pairing_code", "done"), headers=A),
        Call("coordination.pairing_code", "POST", f"/api/v1/shops/{shop_pid}/pairing-codes",
             422, (m, "till.pairing_code", "refused"), headers=M),
        Call("coordination.pairing_code", "POST", f"/api/v1/shops/{shop_pid}/pairing-codes",
             403, (c, "denied:coordination.pairing_code", "refused"), headers=C),
        Call("coordination.pairing_code", "POST", "/api/v1/shops/S-0000-0000/pairing-codes",
             404, (a, "till.pairing_code", "refused"), headers=A),
        Call("coordination.revoke_till", "POST", "/api/v1/pos/devices/2147483647/revoke",
             404, (a, "till.revoke", "refused"), headers=A),
        Call("coordination.revoke_till", "POST", f"/api/v1/pos/devices/{device_id}/revoke",
             403, (c, "denied:coordination.revoke_till", "refused"), headers=C),
        Call("coordination.revoke_till", "POST", f"/api/v1/pos/devices/{device_id}/revoke",
             200, (m, "till.revoke", "done"), headers=M),
        Call("coordination.participant_pin", "POST", f"{person}/pin", 200,
             (a, "participant.pin_set", "done"), {"pin": PIN}, A),
        Call("coordination.participant_pin", "POST", f"{person}/pin", 400,
             (a, "participant.pin_set", "refused"), {"pin": "12"}, A),
        Call("coordination.participant_pin", "POST", f"{nobody}/pin", 404,
             (a, "participant.pin_set", "refused"), {"pin": PIN}, A),
        Call("coordination.participant_pin", "POST", f"{person}/pin", 403,
             (c, "denied:coordination.participant_pin", "refused"), {"pin": PIN}, C),
        Call("coordination.participant_pin_unlock", "POST", f"{person}/pin/unlock", 200,
             (a, "participant.pin_unlock", "done"), headers=A),
        Call("coordination.participant_pin_unlock", "POST", f"{nobody}/pin/unlock", 404,
             (a, "participant.pin_unlock", "refused"), headers=A),
        Call("coordination.participant_device", "POST", f"{person}/devices", 201,
             (a, "participant.device_bind", "done"), {"label": "tablette"}, A),
        Call("coordination.participant_device", "POST", f"{person}/devices", 403,
             (m, "denied:coordination.participant_device", "refused"), {"label": "x"}, M),
        Call("coordination.participant_devices_revoke", "POST", f"{person}/devices/revoke",
             200, (a, "participant.phones_revoke", "done"), headers=A),
        Call("coordination.participant_devices_revoke", "POST", f"{nobody}/devices/revoke",
             404, (a, "participant.phones_revoke", "refused"), headers=A),
        Call("coordination.add_to_blocklist", "POST", "/api/v1/blocklist", 201,
             (a, "blocklist.add", "done"), {"wallet": wallet.public_id, "reason": "perdu"}, A),
        Call("coordination.add_to_blocklist", "POST", "/api/v1/blocklist", 422,
             (a, "blocklist.add", "refused"),
             {"wallet": wallet.public_id, "token_id": "0" * 32}, A),
        Call("coordination.add_to_blocklist", "POST", "/api/v1/blocklist", 403,
             (c, "denied:coordination.add_to_blocklist", "refused"),
             {"wallet": wallet.public_id}, C),
        Call("wallet.activation_code", "POST", f"{person}/activation-codes", 201,
             (a, "participant.activation_letter", "done"), headers=A),
        Call("wallet.activation_code", "POST", f"{nobody}/activation-codes", 404,
             (a, "participant.activation_letter", "refused"), headers=A),
        Call("wallet.activation_code", "POST", f"{person}/activation-codes", 403,
             (c, "denied:wallet.activation_code", "refused"), headers=C),
    ]  # fmt: skip
    assert {call.endpoint for call in calls} == set(STAFF_ENDPOINTS)  # every endpoint driven
    secrets = {PIN, PASSWORD, till.credential, wallet.credential, totp}
    secrets |= {value.split()[-1] for value in (A["Authorization"], C["Authorization"])}
    start = _last_id(sessions)
    for call in calls:
        before = _last_id(sessions)
        answer = client.open(call.path, method=call.method, json=call.body, headers=call.headers)
        assert answer.status_code == call.status, (call.path, answer.get_json())
        if answer.status_code < 300:  # a code, credential or token it handed out
            handed = answer.get_json(silent=True) or {}
            secrets |= {
                str(handed[key]) for key in ("code", "credential", "token") if key in handed
            }
        new = [(e.actor, e.action, e.outcome) for e in _entries(sessions, before)]
        assert new == ([call.entry] if call.entry else []), call.path
    made = _entries(sessions, start)
    changes_and_refusals = [call for call in calls if call.entry is not None]
    assert len(made) == len(changes_and_refusals)
    for entry in made:
        written = json.dumps([entry.actor, entry.target, entry.before, entry.after])
        assert not [secret for secret in secrets if secret in written], entry.action


def test_a_refusal_keeps_nothing_but_its_trace(app, sessions):
    client = app.test_client()
    wallet = new_wallet(sessions)
    committee = _staff(sessions, Role.COMMITTEE)
    refused = client.post(
        f"/api/v1/participants/{wallet.public_id}/pin",
        json={"pin": PIN},
        headers=committee.headers,
    )
    assert refused.status_code == 403
    (entry,) = _entries(sessions)
    assert entry.outcome == "refused" and entry.role == "committee"
    assert entry.target == f"participant:{wallet.public_id}"
    assert entry.after == {
        "method": "POST",
        "path": f"/api/v1/participants/{wallet.public_id}/pin",
    }
