"""Staff login, API and console: refused attempts are limited per address and username
(5 in 15 minutes) and per address (30 in 15 minutes), with the production numbers."""

import re

from tests.console_pages import log_in
from tests.security.conftest import PASSWORD, WRONG, api_login, client_from, new_user, totp
from wallet_server.config import RateLimitSettings

ATTACKER = "203.0.113.66"
ELSEWHERE = "198.51.100.20"
PER_USER = 5
PER_ADDRESS = 30


def test_the_numbers_tested_here_are_the_production_defaults():
    defaults = RateLimitSettings()
    assert defaults.login_per_user_ip.startswith(f"{PER_USER} per 15 minutes")
    assert defaults.login_per_ip.startswith(f"{PER_ADDRESS} per 15 minutes")


def test_sixth_wrong_password_is_429_with_retry_after_and_both_languages(app, sessions):
    ana = new_user(sessions)
    attacker = client_from(app, ATTACKER)
    refused = [api_login(attacker, ana.username, WRONG).status_code for _ in range(PER_USER)]
    assert refused == [401] * PER_USER
    limited = attacker.post(
        "/api/v1/auth/login",
        headers={"Accept-Language": "en"},
        json={"username": ana.username, "password": PASSWORD, "totp": totp(ana)},
    )
    assert limited.status_code == 429
    assert 0 < int(limited.headers["Retry-After"]) <= 15 * 60
    assert limited.json["code"] == "rate_limited"
    assert limited.json["message"] == "Too many refused attempts: wait before trying again."
    assert limited.json["messages"]["fr"].startswith("Trop de tentatives refusées")
    assert limited.json["details"]["retry_after_seconds"] == int(limited.headers["Retry-After"])


def test_the_same_account_from_elsewhere_and_another_account_here_still_log_in(app, sessions):
    ana, bea = new_user(sessions), new_user(sessions)
    attacker = client_from(app, ATTACKER)
    for _ in range(PER_USER + 3):
        api_login(attacker, ana.username, WRONG)
    assert api_login(attacker, ana.username, WRONG).status_code == 429
    # ana at her own desk is not locked out by someone else's guesses
    at_desk = api_login(client_from(app, ELSEWHERE), ana.username, PASSWORD, totp(ana))
    assert at_desk.status_code == 200, at_desk.json
    # and a colleague behind the attacker's address is not either
    colleague = api_login(attacker, bea.username, PASSWORD, totp(bea))
    assert colleague.status_code == 200, colleague.json


def test_a_successful_login_does_not_count(app, sessions):
    ana = new_user(sessions)
    client = client_from(app, ATTACKER)
    assert [api_login(client, ana.username, WRONG).status_code for _ in range(4)] == [401] * 4
    assert api_login(client, ana.username, PASSWORD, totp(ana)).status_code == 200
    assert api_login(client, ana.username, WRONG).status_code == 401  # the fifth refusal
    assert api_login(client, ana.username, WRONG).status_code == 429


def test_many_usernames_from_one_address_hit_the_per_address_limit(app, sessions):
    attacker = client_from(app, ATTACKER)
    answers = [api_login(attacker, f"guess{n}", WRONG).status_code for n in range(PER_ADDRESS)]
    assert answers == [401] * PER_ADDRESS
    assert api_login(attacker, "guess-next", WRONG).status_code == 429
    ana = new_user(sessions)
    assert api_login(attacker, ana.username, PASSWORD, totp(ana)).status_code == 429
    elsewhere = api_login(client_from(app, ELSEWHERE), ana.username, PASSWORD, totp(ana))
    assert elsewhere.status_code == 200


def test_console_login_is_limited_with_a_page_in_the_persons_language(app, sessions):
    ana = new_user(sessions)
    attacker = client_from(app, ATTACKER)
    for _ in range(PER_USER):
        assert log_in(attacker, ana.username, ana.totp_secret, password=WRONG).status_code == 401
    attacker.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = log_in(attacker, ana.username, ana.totp_secret)
    assert page.status_code == 429
    seconds = int(page.headers["Retry-After"])
    minutes = re.search(r"try again in (\d+) min\.", page.get_data(as_text=True))
    assert minutes and int(minutes.group(1)) == -(-seconds // 60)
    assert 'id="login-form"' in page.get_data(as_text=True)  # the form, to try again later
    attacker.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    french = log_in(attacker, ana.username, ana.totp_secret).get_data(as_text=True)
    assert "Trop de tentatives refusées : réessayez dans" in french
    # ana herself, from her own address, is let in
    at_desk = log_in(client_from(app, ELSEWHERE), ana.username, ana.totp_secret)
    assert at_desk.status_code == 302


def test_api_and_console_share_one_budget(app, sessions):
    ana = new_user(sessions)
    attacker = client_from(app, ATTACKER)
    for _ in range(3):
        assert api_login(attacker, ana.username, WRONG).status_code == 401
    for _ in range(PER_USER - 3):
        assert log_in(attacker, ana.username, ana.totp_secret, password=WRONG).status_code == 401
    assert log_in(attacker, ana.username, ana.totp_secret).status_code == 429
    assert api_login(attacker, ana.username, PASSWORD, totp(ana)).status_code == 429


def test_limits_can_be_switched_off(make_app, sessions):
    app = make_app(ratelimit_enabled=False)
    ana = new_user(sessions)
    attacker = client_from(app, ATTACKER)
    answers = {api_login(attacker, ana.username, WRONG).status_code for _ in range(PER_USER + 2)}
    assert answers == {401}
