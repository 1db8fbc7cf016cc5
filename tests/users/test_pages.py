"""Staff accounts in the console (admin only): create with a second factor shown once, the
account rules, deactivation and TOTP reset, and who may manage them."""

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
