"""The session cookie's flags over plain HTTP and behind a TLS proxy, and whose address the
rate limits see with and without CAISSE_TRUSTED_PROXIES."""

from flask import Flask, Response

from tests.console_pages import log_in
from tests.security.conftest import WRONG, api_login, new_user
from wallet_server.web.security.cookies import hardened

NGINX = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "caisse.example.org"}


def _session_cookie(response) -> str:
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    return cookie


def _flags(cookie: str) -> set[str]:
    return {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}


def test_over_plain_http_the_demo_logs_in_without_the_secure_flag(app, sessions):
    ana = new_user(sessions)
    client = app.test_client()
    answer = log_in(client, ana.username, ana.totp_secret)
    assert answer.status_code == 302
    cookie = _session_cookie(answer)
    assert {"httponly", "samesite"} <= _flags(cookie) and "secure" not in _flags(cookie)
    assert "SameSite=Lax" in cookie
    # the browser sends it back over http: the console is open
    assert client.get("/console/participants").status_code == 200


def test_behind_a_trusted_tls_proxy_the_cookie_is_secure(make_app, sessions):
    app = make_app(trusted_proxies=1)
    ana = new_user(sessions)
    client = app.test_client()
    client.environ_base.update({"HTTP_X_FORWARDED_PROTO": "https"})
    answer = log_in(client, ana.username, ana.totp_secret)
    assert answer.status_code == 302
    assert {"httponly", "samesite", "secure"} <= _flags(_session_cookie(answer))


def test_an_untrusted_forwarded_proto_does_not_make_the_cookie_secure(app, sessions):
    ana = new_user(sessions)
    client = app.test_client()
    client.environ_base.update({"HTTP_X_FORWARDED_PROTO": "https"})
    answer = log_in(client, ana.username, ana.totp_secret)
    assert "secure" not in _flags(_session_cookie(answer))


def test_an_https_public_address_or_the_override_decides(make_app, sessions):
    ana, bea, cid = new_user(sessions), new_user(sessions), new_user(sessions)
    public = make_app(public_url="https://caisse.example.org").test_client()
    assert "secure" in _flags(_session_cookie(log_in(public, ana.username, ana.totp_secret)))
    forced_on = make_app(secure_cookies=True).test_client()
    assert "secure" in _flags(_session_cookie(log_in(forced_on, bea.username, bea.totp_secret)))
    forced_off = make_app(secure_cookies=False, trusted_proxies=1).test_client()
    forced_off.environ_base.update({"HTTP_X_FORWARDED_PROTO": "https"})
    answer = log_in(forced_off, cid.username, cid.totp_secret)
    assert answer.status_code == 302
    assert "secure" not in _flags(_session_cookie(answer))


def test_a_cookie_set_by_a_view_gets_the_same_flags(make_app):
    app: Flask = make_app(trusted_proxies=1)

    @app.get("/test-cookie")
    def set_one() -> Response:
        response = Response("ok")
        response.set_cookie("preference", "fr")
        return response

    plain = app.test_client().get("/test-cookie")
    [cookie] = plain.headers.getlist("Set-Cookie")
    assert {"httponly", "samesite"} <= _flags(cookie) and "secure" not in _flags(cookie)
    secure = app.test_client().get("/test-cookie", headers=NGINX)
    assert "secure" in _flags(secure.headers.getlist("Set-Cookie")[0])


def test_flags_a_cookie_states_itself_are_kept():
    assert hardened("a=1; SameSite=Strict", secure=True) == "a=1; SameSite=Strict; HttpOnly; Secure"
    assert hardened("a=1; HttpOnly; Secure", secure=False) == "a=1; HttpOnly; Secure; SameSite=Lax"


def test_behind_a_trusted_proxy_each_client_address_has_its_own_budget(make_app, sessions):
    app = make_app(trusted_proxies=1)
    ana = new_user(sessions)
    client = app.test_client()  # every request comes from nginx, 127.0.0.1

    def attempt(forwarded_for: str) -> int:
        return client.post(
            "/api/v1/auth/login",
            headers={"X-Forwarded-For": forwarded_for},
            json={"username": ana.username, "password": WRONG, "totp": "000000"},
        ).status_code

    assert [attempt("203.0.113.5") for _ in range(5)] == [401] * 5
    assert attempt("203.0.113.5") == 429
    assert attempt("198.51.100.8") == 401  # someone else behind the same nginx
    # a client cannot pick a fresh address: nginx appends the real one, and only the last
    # hop is believed
    assert attempt("10.9.8.7, 203.0.113.5") == 429


def test_without_trusted_proxies_forwarded_for_is_ignored(app, sessions):
    ana = new_user(sessions)
    client = app.test_client()
    for n in range(5):
        headers = {"X-Forwarded-For": f"192.0.2.{n}"}
        answer = client.post(
            "/api/v1/auth/login",
            headers=headers,
            json={"username": ana.username, "password": WRONG, "totp": "000000"},
        )
        assert answer.status_code == 401
    assert api_login(client, ana.username, WRONG).status_code == 429
