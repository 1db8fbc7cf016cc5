"""The console's frame: login with password + TOTP, CSRF, roles with audited refusals,
language, security headers, and every text in both languages."""

import re
from pathlib import Path

import pyotp
from sqlalchemy import select

from tests.console_pages import PASSWORD, log_in, new_staff
from wallet_server.audit.models import AuditEntry
from wallet_server.console.i18n import catalogue
from wallet_server.shops.operations import add_shop
from wallet_server.users.models import Role

PACKAGE = Path(__file__).parents[2] / "wallet_server"
#: the console's templates and every slice's own (`<slice>/templates/console/<section>/`)
TEMPLATES = sorted(PACKAGE.glob("*/templates/console/**/*.html"))
#: the console's modules and every slice's console pages (`<slice>/pages.py`)
VIEWS = sorted([*(PACKAGE / "console").rglob("*.py"), *PACKAGE.glob("*/pages.py")])


def audit_rows(sessions, **where):
    with sessions() as session:
        query = select(AuditEntry).order_by(AuditEntry.id)
        for key, value in where.items():
            query = query.where(getattr(AuditEntry, key) == value)
        return list(session.scalars(query))


def test_login_needs_password_and_a_fresh_totp_code(console_app, sessions):
    user, secret = new_staff(sessions, Role.COORDINATOR)
    client = console_app.test_client()
    assert client.get("/console/participants").status_code == 302  # to the login page
    wrong = log_in(client, user.username, secret, password="not the password")
    assert wrong.status_code == 401
    assert "Identifiant, mot de passe ou code" in wrong.get_data(as_text=True)
    # the code itself, not "the code of now": a replay computed later could fall in the next
    # 30-second window and be a fresh code (this test failed that way on a slow machine)
    code = pyotp.TOTP(secret).now()
    ok = log_in(client, user.username, secret, totp=code)
    assert ok.status_code == 302
    assert client.get("/console/participants").status_code == 200
    # the same code again, from another browser, is refused: a code seen over a shoulder is spent
    other = console_app.test_client()
    other.get("/console/login")
    with other.session_transaction() as session:
        token = session["csrf_token"]
    replay = other.post(
        "/console/login",
        data={
            "csrf_token": token,
            "username": user.username,
            "password": PASSWORD,
            "totp": code,
        },
    )
    assert replay.status_code == 401
    outcomes = [row.outcome for row in audit_rows(sessions, action="login")]
    assert outcomes == ["refused", "done", "refused"]


def test_logout_ends_the_session_on_the_server(console_login):
    coordinator = console_login(Role.COORDINATOR)
    with coordinator.client.session_transaction() as session:
        stolen_cookie_session = dict(session)
    assert coordinator.post("/console/logout").status_code == 302
    # the old cookie, replayed, no longer opens anything
    with coordinator.client.session_transaction() as session:
        session.update(stolen_cookie_session)
    assert coordinator.get("/console/participants").status_code == 302


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(console_login, sessions):
    coordinator = console_login(Role.COORDINATOR)
    form = {
        "name": "Sans Jeton",
        "household_size": "2",
        "enrolled_month": "2026-11",
    }
    refused = coordinator.client.post("/console/participants/new", data=form)
    assert refused.status_code == 400
    assert "Le formulaire a expiré" in refused.get_data(as_text=True)
    forged = coordinator.client.post("/console/participants/new", data=form | {"csrf_token": "x"})
    assert forged.status_code == 400
    assert (
        coordinator.get("/console/participants?q=Sans").get_data(as_text=True).count("Sans Jeton")
        == 0
    )
    assert coordinator.post("/console/participants/new", form).status_code == 302


def test_committee_reads_but_cannot_enroll_and_the_attempt_is_audited(console_login, sessions):
    committee = console_login(Role.COMMITTEE)
    assert committee.get("/console/participants").status_code == 200
    refused = committee.post(
        "/console/participants/new",
        {"name": "X", "household_size": "1", "enrolled_month": "2026-11"},
    )
    assert refused.status_code == 403
    assert "Votre rôle ne permet pas" in refused.get_data(as_text=True)
    (entry,) = audit_rows(sessions, outcome="refused")
    assert entry.actor == committee.user.username
    assert entry.role == "committee"
    assert entry.action == "denied:console.participant_create"


def test_a_shop_manager_cannot_open_fund_wide_pages(console_login, sessions):
    with sessions() as session:
        shop = add_shop(session, name="La Cagette")
        session.commit()
        session.expunge(shop)
    manager = console_login(Role.SHOP_MANAGER, shop)
    for path in ("/console/participants", "/console/participants/new"):
        assert manager.get(path).status_code == 403
    assert len(audit_rows(sessions, outcome="refused", actor=manager.user.username)) == 2


def test_language_switch_and_security_headers(console_login):
    coordinator = console_login(Role.COORDINATOR)
    french = coordinator.get("/console/participants")
    assert '<html lang="fr">' in french.get_data(as_text=True)
    policy = french.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert french.headers["X-Frame-Options"] == "DENY"
    assert french.headers["Cache-Control"] == "no-store"
    coordinator.post("/console/language", {"lang": "en", "next": "/console/participants"})
    english = coordinator.get("/console/participants").get_data(as_text=True)
    assert '<html lang="en">' in english
    assert "Enroll a participant" in english
    # a crafted "next" never sends a coordinator to another site
    away = coordinator.post("/console/language", {"lang": "fr", "next": "https://evil.example/"})
    assert away.headers["Location"].startswith("/console/")


def test_every_text_has_both_languages_and_every_key_used_exists():
    texts = catalogue()
    for key, (french, english) in texts.items():
        assert french.strip() and english.strip(), key
    used = set()
    pattern = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']\s*[,)]""")
    for path in [*TEMPLATES, *VIEWS]:
        used.update(pattern.findall(path.read_text()))
    missing = sorted(key for key in used if key not in texts)
    assert not missing, missing


def test_no_inline_script_or_style_in_console_templates():
    assert TEMPLATES
    for path in TEMPLATES:
        text = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", text), path
        assert " style=" not in text, path
        assert " onclick=" not in text and " onsubmit=" not in text, path


def test_a_nul_in_the_username_is_a_plain_refusal(console_app):
    client = console_app.test_client()
    client.get("/console/login")
    with client.session_transaction() as session:
        token = session["csrf_token"]
    refused = client.post(
        "/console/login",
        data={"csrf_token": token, "username": "a\u0000b", "password": "x", "totp": "123456"},
    )
    assert refused.status_code == 401
