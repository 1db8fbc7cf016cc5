"""The participant app as a participant uses it, in Debian's Chromium at phone size."""

import io
import re
import uuid
from datetime import UTC, datetime

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from tests.accessibility import axe_findings
from tests.payments import staff_headers
from tests.pwa.conftest import PIN, activate, activation_path

SCREENS = ["home", "history", "pay", "shops", "settings"]


def _open_with_pin(page, server: str, route: str = "home") -> None:
    page.goto("about:blank")  # a new document: the app opens afresh, locked
    page.goto(f"{server}/app/#/{route}")
    page.fill("#pin-input", PIN)
    page.click("#pin-submit")


def _decode_qr(page) -> str:
    png = page.locator("#pay-qr svg").screenshot()
    [barcode] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return barcode.text


def test_activation_then_pin_then_home_shows_the_wallet_balance(
    phone, server, client, sessions, wallet
):
    page = phone.new_page()
    activate(page, server, activation_path(client, sessions, wallet.public_id))
    expect(page.locator("#balance")).to_have_text(re.compile(r"100,00\s€"))
    page.reload()  # the app opens on the PIN screen: the PIN unlocks it
    page.fill("#pin-input", "0000")
    page.click("#pin-submit")
    expect(page.locator("#pin-error")).to_be_visible()
    page.fill("#pin-input", PIN)
    page.click("#pin-submit")
    expect(page.locator("#balance")).to_have_text(re.compile(r"100,00\s€"))


def test_the_pay_code_on_screen_is_redeemed_by_a_till_and_appears_in_history(
    phone, server, client, sessions, wallet, till
):
    page = phone.new_page()
    activate(page, server, activation_path(client, sessions, wallet.public_id))
    page.click('a[href="#/pay"]')
    expect(page.locator("#pay-qr svg")).to_be_visible(timeout=15_000)
    token = _decode_qr(page)  # read by a decoder we did not write, from the pixels
    assert token.startswith("CC1:")
    paid = client.post(
        "/api/v1/pos/redemptions",
        json={
            "redemption_id": str(uuid.uuid4()),
            "token": token,
            "amount_cents": 1_240,
            "captured_at": datetime.now(UTC).isoformat(),
            "mode": "online",
        },
        headers=till.headers(),
    )
    assert paid.status_code == 200, paid.json
    page.click('a[href="#/history"]')
    expect(page.locator("#history-list")).to_contain_text("La Cagette", timeout=20_000)
    expect(page.locator("#history-list")).to_contain_text(re.compile(r"12,40\s€"))


def test_offline_after_first_use_the_app_shows_the_last_balance_and_a_pay_code(
    phone, server, client, sessions, wallet, till
):
    page = phone.new_page()
    activate(page, server, activation_path(client, sessions, wallet.public_id))
    page.click('a[href="#/pay"]')
    expect(page.locator("#pay-qr svg")).to_be_visible(timeout=15_000)
    online_code = _decode_qr(page)
    page.click('a[href="#/shops"]')
    expect(page.locator("#shops-list")).to_contain_text("La Cagette", timeout=10_000)
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15_000)

    phone.set_offline(True)  # airplane mode
    _open_with_pin(page, server)
    expect(page.locator("#offline-banner")).to_be_visible()
    expect(page.locator("#balance")).to_contain_text("€")
    page.click('a[href="#/pay"]')
    expect(page.locator("#pay-offline")).to_be_visible()
    assert _decode_qr(page) == online_code  # the offline-capable code fetched earlier
    page.click('a[href="#/shops"]')
    expect(page.locator("#shops-list")).to_contain_text("La Cagette")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_serious_accessibility_violation_on_any_screen(
    browser, server, client, sessions, wallet, till, lang
):
    # axe is injected as a script: only this test's context lets it past the app's CSP
    context = browser.new_context(viewport={"width": 360, "height": 640}, bypass_csp=True)
    page = context.new_page()
    path = activation_path(client, sessions, wallet.public_id)
    page.goto(server + path)
    if lang == "en":
        page.evaluate("localStorage.setItem('caisse-commune.app.lang', 'en')")  # as settings do
        page.reload()
    problems = {"activation": axe_findings(page)}
    page.fill("#pin-new", PIN)
    page.fill("#pin-confirm", PIN)
    page.click("#activate-submit")
    page.wait_for_url("**/app/#/home")
    page.reload()
    expect(page.locator("#pin-input")).to_be_visible()
    problems["pin"] = axe_findings(page)
    page.fill("#pin-input", PIN)
    page.click("#pin-submit")
    expect(page.locator("#balance")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", lang)
    for screen in SCREENS:
        page.click(f'a[href="#/{screen}"]')
        page.wait_for_timeout(500)
        problems[screen] = axe_findings(page)
    context.close()
    assert {screen: found for screen, found in problems.items() if found} == {}


def test_five_wrong_pins_wipe_the_phone_until_a_new_activation(
    phone, server, client, sessions, wallet
):
    page = phone.new_page()
    activate(page, server, activation_path(client, sessions, wallet.public_id))
    page.goto("about:blank")
    page.goto(f"{server}/app/#/home")
    for _ in range(5):
        page.fill("#pin-input", "9999")
        page.click("#pin-submit")
        expect(page.locator("#pin-error")).to_be_visible()
    page.goto("about:blank")
    page.goto(f"{server}/app/#/home")
    expect(page.locator("#pin-input")).to_have_count(0)  # nothing left to unlock
    assert page.evaluate("Object.keys(localStorage).filter(k => k.includes('vault'))") == []
    activate(page, server, activation_path(client, sessions, wallet.public_id))
    expect(page.locator("#balance")).to_have_text(re.compile(r"100,00\s€"))


def test_a_revoked_phone_is_told_in_plain_words_and_wiped(phone, server, client, sessions, wallet):
    page = phone.new_page()
    activate(page, server, activation_path(client, sessions, wallet.public_id))
    revoked = client.post(
        f"/api/v1/participants/{wallet.public_id}/devices/revoke",
        headers=staff_headers(client, sessions),
    )
    assert revoked.status_code == 200
    # the app's next request (its refresh runs every 15 s) meets the revocation
    expect(page.locator("body")).to_contain_text("plus relié", timeout=30_000)


def test_every_screen_fits_a_small_phone_without_sideways_scrolling(
    phone, server, client, sessions, wallet, till
):
    page = phone.new_page()
    activate(page, server, activation_path(client, sessions, wallet.public_id))
    for screen in SCREENS:
        page.click(f'a[href="#/{screen}"]')
        page.wait_for_timeout(300)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, (screen, width)
    page.evaluate("document.documentElement.style.fontSize = '200%'")  # large text setting
    for screen in SCREENS:
        page.click(f'a[href="#/{screen}"]')
        page.wait_for_timeout(300)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, (screen, "200 %", width)
