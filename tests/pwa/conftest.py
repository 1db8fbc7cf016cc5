"""The participant app in Debian's Chromium against a live server with a funded wallet."""

import pytest
from playwright.sync_api import sync_playwright

from tests.payments import new_signing_key, new_till, new_wallet, payment_app, staff_headers
from tests.pos_client.live import LiveServer
from tests.system_programs import require

PIN = "2580"


@pytest.fixture
def app(db_url, tmp_path, sessions):
    app = payment_app(db_url, tmp_path / "server")
    new_signing_key(sessions, tmp_path / "server")
    yield app
    app.extensions["caisse.engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def server(app):
    live = LiveServer(app)
    yield f"http://127.0.0.1:{live.port}"
    live.stop()


@pytest.fixture
def wallet(sessions):
    return new_wallet(sessions, balance=10_000)


@pytest.fixture
def till(sessions, client):
    return new_till(sessions, client)


@pytest.fixture
def browser():
    chromium = require("chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-background-networking"]
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A small phone: 360×640, touch."""
    context = browser.new_context(viewport={"width": 360, "height": 640}, has_touch=True)
    yield context
    context.close()


def activation_path(client, sessions, public_id: str) -> str:
    answer = client.post(
        f"/api/v1/participants/{public_id}/activation-codes",
        headers=staff_headers(client, sessions),
    )
    assert answer.status_code == 201, answer.json
    return answer.json["activation_path"]


def activate(page, server: str, path: str, pin: str = PIN) -> None:
    """What a participant does with the activation letter: open the link, choose a PIN."""
    page.goto(server + path)
    page.fill("#pin-new", pin)
    page.fill("#pin-confirm", pin)
    page.click("#activate-submit")
    page.wait_for_url("**/app/#/home", timeout=15_000)
