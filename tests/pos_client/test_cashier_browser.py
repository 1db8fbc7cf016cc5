"""The cashier's screen in a real browser (Debian's Chromium driven by Playwright), on a real
till process, against a live server: online, then with the line cut, then back."""

import re
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect, sync_playwright
from sqlalchemy import func, select

from pos_client.pairing import pair
from tests.payments import account
from tests.pos_client.conftest import pairing_code, pay_code
from tests.pos_client.live import Network, TillProcess, free_port
from tests.system_programs import require
from wallet_server.pos.models import Redemption


@pytest.fixture
def browser_page():
    chromium = require("chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-background-networking"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        yield page
        browser.close()


@pytest.fixture
def till_process(sessions, network, tmp_path):
    code, shop_account = pairing_code(sessions, "La Cagette")
    pair(network.url, code, name="Caisse 1", folder=tmp_path / "till")
    till = TillProcess(tmp_path / "till", free_port())
    till.start()
    yield till, shop_account
    till.stop()


def _type_amount(page, digits: str) -> None:
    for digit in digits:
        page.click(f'button[data-key="{digit}"]')


def test_cashier_takes_a_payment_online_then_offline_then_it_syncs(
    browser_page, till_process, network, client, wallet, sessions
):
    till, shop_account = till_process
    page = browser_page
    page.goto(f"http://127.0.0.1:{till.port}/")
    expect(page.locator("#net-status")).to_have_attribute("data-online", "true", timeout=15_000)

    _type_amount(page, "1240")
    expect(page.locator("#amount")).to_have_text(re.compile(r"12,40\s€"))
    page.fill("#scan", pay_code(client, wallet))
    page.press("#scan", "Enter")  # what a USB scanner types after the code
    result = page.locator("#result")
    expect(result).to_have_attribute("data-result", "accepted")
    expect(result).to_have_attribute("data-mode", "online")
    expect(result).to_contain_text("Paiement accepté")
    expect(result).to_contain_text(re.compile(r"12,40\s€"))
    assert account(sessions, shop_account).balance == 1_240

    page.click("#new-payment")
    second_code = pay_code(client, wallet)
    network.state = Network.DOWN  # the shop's line is cut
    _type_amount(page, "500")
    page.fill("#scan", second_code)
    page.press("#scan", "Enter")
    expect(result).to_have_attribute("data-result", "accepted", timeout=10_000)
    expect(result).to_have_attribute("data-mode", "offline")
    expect(result).to_contain_text("Accepté hors ligne")
    expect(page.locator("#unsynced-count")).to_have_text("1", timeout=10_000)
    expect(page.locator("#net-status")).to_have_attribute("data-online", "false")
    assert account(sessions, shop_account).balance == 1_240

    network.state = Network.UP  # it comes back: the sync worker sends the payment
    expect(page.locator("#unsynced-count")).to_have_text("0", timeout=30_000)
    expect(page.locator("#net-status")).to_have_attribute("data-online", "true")
    assert account(sessions, shop_account).balance == 1_740
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Redemption)) == 2


def test_the_screen_speaks_english_and_refuses_without_an_amount(browser_page, till_process):
    till, _ = till_process
    page = browser_page
    page.goto(f"http://127.0.0.1:{till.port}/")
    page.select_option("#lang", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.fill("#scan", "CC1:ANYTHING")
    page.press("#scan", "Enter")
    expect(page.locator("#result")).to_have_attribute("data-result", "refused")
    expect(page.locator("#result-message")).not_to_be_empty()


def test_another_site_cannot_post_to_the_till(till_process):
    till, _ = till_process
    request = urllib.request.Request(
        f"http://127.0.0.1:{till.port}/api/pay",
        data=b'{"token": "CC1:X", "amount_cents": 100}',
        headers={"Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    refused.value.close()
    assert refused.value.code == 403
