"""The cashier's other tasks on the browser till, against a live server on both databases: a
refund, a payment by participant number and PIN (online only), the day report, and the
journal's storage state."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from tests.payments import account, new_wallet
from tests.pos_client.conftest import pay_code
from tests.till_web.browser_till import credits, pair, pay
from wallet_server.participants.models import Participant
from wallet_server.pos.pin import set_pin

PIN = "4821"

#: the local days of the journal's entries, as the page reads them
JOURNAL_DAYS = """async () => {
  const { openStore } = await import("/till/engine/store.js");
  const pad = (n) => String(n).padStart(2, "0");
  const days = (await (await openStore()).entries()).map((e) => {
    const at = new Date(e.captured_at);
    return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
  });
  return [...new Set(days)];
}"""


def key_in(page, digits: str) -> None:
    for digit in digits:
        page.click(f'button[data-key="{digit}"]')


def test_refund_pin_payment_and_day_report(server, sessions, client, tablet):
    _, page = tablet
    shop_account = pair(page, server, sessions)
    wallet = new_wallet(sessions, balance=10_000)
    with sessions() as session:
        person = session.scalar(
            select(Participant).where(Participant.public_id == wallet.public_id)
        )
        set_pin(person, PIN)
        session.commit()
    result = page.locator("#result")

    pay(page, pay_code(client, wallet), "2000")
    expect(result).to_have_attribute("data-mode", "online", timeout=15_000)
    page.click("#new-payment")

    # a participant without a phone: number and PIN, online
    key_in(page, "700")
    page.click("#pin-open")
    page.fill("#pin-participant", wallet.public_id.lower().replace("-", " "))
    page.fill("#pin-code", "0000")
    page.click("#pin-submit")
    expect(result).to_have_attribute("data-code", "wrong_pin", timeout=15_000)
    page.click("#new-payment")
    key_in(page, "700")
    page.click("#pin-open")
    page.fill("#pin-participant", wallet.public_id)
    page.fill("#pin-code", PIN)
    page.click("#pin-submit")
    expect(result).to_have_attribute("data-result", "accepted", timeout=15_000)
    expect(result).to_have_attribute("data-mode", "online")
    assert credits(sessions, shop_account) == 2_700
    page.click("#new-payment")

    # 10 € back on the 20 € payment, then more than what is left is refused on the screen
    page.click("#nav-recent")
    first = page.locator(".refund-button").last  # the list is newest first
    expect(first).to_be_enabled(timeout=15_000)
    first.click()
    page.keyboard.press("Delete")
    page.keyboard.type("1000")
    page.click("#refund-next")
    page.click("#refund-confirm")
    expect(page.locator("#refund-result")).to_have_attribute(
        "data-result", "accepted", timeout=15_000
    )
    page.click("#refund-close")
    assert account(sessions, shop_account).balance == 1_700
    assert account(sessions, wallet.account_id).balance == 10_000 - 2_700 + 1_000
    expect(page.locator("#recent-list")).to_contain_text(re.compile(r"10,00\s€"))
    page.locator(".refund-button").last.click()
    page.keyboard.press("Delete")
    page.keyboard.type("1001")
    page.click("#refund-next")
    expect(page.locator("#refund-error")).not_to_be_empty()
    page.click("#refund-cancel")

    # the day report: what this till took and gave back, read from its journal
    page.click("#nav-report")
    totals = {"payments": 0, "refunds": 0}
    for day in page.evaluate(JOURNAL_DAYS):  # one day, unless the test ran across midnight
        page.fill("#report-day", day)
        page.dispatch_event("#report-day", "change")
        expect(page.locator("#report-heading")).not_to_be_empty()
        rows = page.locator("#report-body tr")
        expect(rows.first).to_be_visible()
        texts = rows.all_inner_texts()
        totals["payments"] += int(re.search(r"\d+", texts[0]).group())
        totals["refunds"] += int(re.search(r"\d+", texts[3]).group())
    assert totals == {"payments": 2, "refunds": 1}

    # the journal's storage: persistent or not, the cashier is told which
    state = page.locator("#storage-state")
    expect(state).to_be_visible()
    assert state.get_attribute("data-storage") in {"persistent", "best_effort"}
    # Chromium logs the wrong PIN's 403 as a resource it could not load; nothing else went wrong
    assert [e for e in page.errors if "status of 403" not in e] == []
