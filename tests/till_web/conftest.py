"""The browser till's tests: a live wallet server with a signing key, and Debian's Chromium."""

import pytest
from playwright.sync_api import sync_playwright

from tests.payments import new_signing_key, payment_app
from tests.pos_client.live import LiveServer
from tests.system_programs import require
from tests.till_web.browser_till import CHROMIUM_ARGS, watched_page


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
    yield live
    live.stop()


@pytest.fixture(scope="module")
def playwright():
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=require("chromium"), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def tablet(browser):
    """A fresh tablet (its own IndexedDB and service worker), its console errors kept."""
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    yield context, watched_page(context)
    context.close()
