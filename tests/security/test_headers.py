"""Security headers on every kind of response: API, participant app, console, cashier screen;
HSTS only over HTTPS; and no inline script in any HTML page."""

from html.parser import HTMLParser
from pathlib import Path

import pytest

from pos_client.pairing import pair
from pos_client.till import Till
from pos_client.tillfiles import TillFiles
from pos_client.web import create_cashier_app
from tests.pos_client.live import LiveServer
from wallet_server.console import CONTENT_SECURITY_POLICY as CONSOLE_POLICY
from wallet_server.pos.pairing import create_pairing_code
from wallet_server.pwa import CSP as PWA_POLICY
from wallet_server.shops.operations import add_shop

ROOT = Path(__file__).resolve().parents[2]
HSTS = "max-age=31536000; includeSubDomains"


class InlineCode(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, handlers, style attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name.lower() for name, _ in attrs}
        self.found += [f"{tag} {name}=" for name in sorted(names) if name.startswith("on")]
        if "style" in names:
            self.found.append(f"{tag} style=")
        # a JSON data block (<script type="application/json">) is read, never run
        kind = (dict(attrs).get("type") or "").lower()
        runs = tag == "script" and "src" not in names and not kind.endswith("json")
        if runs:
            self.found.append("inline <script>")
        self._in_inline_script = runs

    def handle_data(self, data: str) -> None:
        if self._in_inline_script and data.strip():
            self.found.append(f"script text: {data.strip()[:40]}")

    def handle_endtag(self, tag: str) -> None:
        self._in_inline_script = False


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def fetch(client, path: str, **kwargs):
    """The whole answer, its file closed (a file sent by Flask stays open until then)."""
    response = client.get(path, **kwargs)
    response.get_data()
    response.close()
    return response


def assert_floor(response, *, html: bool) -> str:
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in ("no-referrer", "same-origin")
    assert headers["X-Frame-Options"] == "DENY"
    policy = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "'unsafe-eval'" not in policy
    if html:
        assert "script-src 'self'" in policy and "object-src 'none'" in policy
    else:
        assert policy.startswith("default-src 'none'")
    return policy


@pytest.mark.parametrize("path", ["/healthz", "/api/v1/openapi.json", "/api/v1/auth/me"])
def test_api_answers_carry_the_headers(app, path):
    response = app.test_client().get(path)
    assert response.mimetype == "application/json"
    assert_floor(response, html=False)
    assert "Strict-Transport-Security" not in response.headers


def test_participant_app_keeps_its_own_policy_and_has_no_inline_code(app):
    client = app.test_client()
    page = fetch(client, "/app/")
    assert page.status_code == 200
    assert assert_floor(page, html=True) == PWA_POLICY
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert inline_code(page.get_data(as_text=True)) == []
    script = fetch(client, "/app/app.js")
    assert assert_floor(script, html=True) == PWA_POLICY
    redirect = fetch(client, "/app")
    assert redirect.status_code == 308
    assert_floor(redirect, html=True)


def test_every_html_file_of_the_participant_app_and_the_till_has_no_inline_code():
    pages = [
        *ROOT.glob("wallet_server/pwa/static/**/*.html"),
        *ROOT.glob("pos_client/static/*.html"),
    ]
    assert len(pages) >= 2
    for page in pages:
        assert inline_code(page.read_text()) == [], page


def test_console_keeps_its_stricter_policy(app):
    client = app.test_client()
    login = client.get("/console/login")
    assert login.status_code == 200
    assert assert_floor(login, html=True) == CONSOLE_POLICY
    assert login.headers["Referrer-Policy"] == "same-origin"
    assert inline_code(login.get_data(as_text=True)) == []
    sheet = fetch(client, "/console/static/console.css")
    assert sheet.status_code == 200
    assert sheet.headers["Content-Security-Policy"] == CONSOLE_POLICY


def test_console_templates_have_no_inline_code():
    templates = list(ROOT.glob("wallet_server/*/templates/**/*.html"))  # a slice's too
    assert len(templates) > 10
    for template in templates:
        assert inline_code(template.read_text()) == [], template


def test_hsts_only_over_https(app):
    plain = app.test_client()
    secure = app.test_client()
    for path in ("/healthz", "/app/", "/console/login"):
        assert "Strict-Transport-Security" not in fetch(plain, path).headers
        answer = fetch(secure, path, base_url="https://caisse.example.org")
        assert answer.headers["Strict-Transport-Security"] == HSTS


def test_hsts_behind_a_trusted_proxy_only(make_app):
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.4"}
    trusted = make_app(trusted_proxies=1).test_client().get("/healthz", headers=forwarded)
    assert trusted.headers["Strict-Transport-Security"] == HSTS
    # without CAISSE_TRUSTED_PROXIES anyone could claim HTTPS: the header is not believed
    untrusted = make_app().test_client().get("/healthz", headers=forwarded)
    assert "Strict-Transport-Security" not in untrusted.headers


def test_cashier_screen_carries_the_headers(app, sessions, tmp_path):
    with sessions() as session:
        shop = add_shop(session, name="La Cagette")
        code = create_pairing_code(session, shop, actor="test").code
        session.commit()
    server = LiveServer(app)
    try:
        folder = tmp_path / "till"
        pair(f"http://127.0.0.1:{server.port}", code, name="Caisse 1", folder=folder)
        till = Till(TillFiles(folder), online_timeout=2.0)
        screen = create_cashier_app(till).test_client()
        for path, html in (("/", True), ("/app.js", True), ("/api/status", False)):
            answer = fetch(screen, path)
            assert answer.status_code == 200, path
            headers = answer.headers
            assert headers["X-Content-Type-Options"] == "nosniff"
            assert headers["Referrer-Policy"] == "no-referrer"
            assert headers["X-Frame-Options"] == "DENY"
            policy = headers["Content-Security-Policy"]
            assert "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
            assert "script-src 'self' 'wasm-unsafe-eval'" in policy
            if html:
                assert inline_code(answer.get_data(as_text=True)) == []
        till.close()
    finally:
        server.stop()
