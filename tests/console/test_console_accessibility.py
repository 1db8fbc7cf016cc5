"""axe-core on the console's pages, in French and in English: no serious or critical
WCAG 2.2 AA problem on the pages coordinators use every day."""

import pyotp
import pytest
from playwright.sync_api import sync_playwright

from tests.accessibility import axe_findings
from tests.console_pages import PASSWORD, new_staff
from tests.payments import new_till, new_wallet
from tests.pos_client.live import LiveServer
from tests.system_programs import require
from wallet_server.users.models import Role


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_console_pages_have_no_serious_accessibility_problem(console_app, sessions, lang):
    chromium = require("chromium")
    admin, secret = new_staff(sessions, Role.ADMIN)
    wallet = new_wallet(sessions)
    till = new_till(sessions, console_app.test_client())
    live = LiveServer(console_app)
    server = f"http://127.0.0.1:{live.port}/console"
    pages = [
        "/participants",
        "/participants/new",
        "/participants/import",
        f"/participants/{wallet.public_id}",
        f"/participants/{wallet.public_id}/vouchers",
        "/allocations",
        "/contributions",
        "/contributions/behind",
        "/shops",
        f"/shops/{till.shop_public_id}",
        f"/shops/{till.shop_public_id}/decision",
        f"/shops/{till.shop_public_id}/tills",
        f"/shops/{till.shop_public_id}/bank",
        "/reimbursements",
        "/reimbursements/statements",
        "/conflicts",
        "/audit",
        "/users",
    ]
    problems: dict[str, list[str]] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium,
                args=["--no-sandbox", "--disable-background-networking"],
            )
            # axe is injected as a script: only this test's context lets it past the CSP
            context = browser.new_context(bypass_csp=True, locale=f"{lang}-FR")
            page = context.new_page()
            page.goto(f"{server}/login")
            problems["login"] = axe_findings(page)
            page.fill("#username", admin.username)
            page.fill("#password", PASSWORD)
            page.fill("#totp", pyotp.TOTP(secret).now())
            page.click("#login-submit")
            page.wait_for_selector("#who")
            for path in pages:
                page.goto(server + path)
                assert page.locator("html").get_attribute("lang") == lang
                problems[path] = axe_findings(page)
            page.goto(f"{server}/participants/{wallet.public_id}")
            page.click("#print-letter")
            problems["letter"] = axe_findings(page)
            context.close()
            browser.close()
    finally:
        live.stop()
    assert {path: found for path, found in problems.items() if found} == {}
