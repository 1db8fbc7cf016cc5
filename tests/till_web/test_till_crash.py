"""The browser till killed in the middle of a payment, and one pay code on two browser tills,
against a live server on both databases: nothing accepted is lost, nothing is paid twice,
and every shop is paid what it honestly accepted."""

import pytest
from playwright.sync_api import expect

from tests.payments import new_wallet
from tests.pos_client.conftest import pay_code
from tests.till_web.browser_till import (
    Tablet,
    credits,
    pair,
    pay,
    redemptions_of,
    till_url,
    watched_page,
)
from wallet_server.ledger import verify

#: how long after the scan the page is killed (ms): before, during and after the journal write
KILL_AFTER_MS = (0, 3, 8, 15, 30, 60, 150)

#: this till's journal: token id -> [state, amount] of each payment
JOURNAL = """async () => {
  const { openStore } = await import("/till/engine/store.js");
  const store = await openStore();
  const found = {};
  for (const e of await store.entries()) {
    if (e.kind !== "redemption") continue;
    (found[e.token_id] ??= []).push([e.state, e.amount_cents]);
  }
  return found;
}"""

TOKEN_ID = (
    """(code) => import("/till/offline_rules.js").then((rules) => rules.unverifiedTokenId(code))"""
)


@pytest.fixture
def persistent_tablet(playwright, tmp_path):
    tablet = Tablet(playwright, tmp_path / "profile")
    yield tablet
    tablet.close()


def reopen(tablet: Tablet, page, server):
    """The cashier opens the till again, offline: the service worker's copy."""
    if tablet.context is None:
        page = tablet.start(offline=True)
    else:
        tablet.context.set_offline(True)
        page = watched_page(tablet.context)
    page.goto(till_url(server))
    expect(page.locator("#shop-name")).not_to_be_empty(timeout=15_000)
    return page


def test_a_till_killed_mid_payment_loses_nothing_and_pays_nothing_twice(
    server, sessions, client, persistent_tablet
):
    tablet = persistent_tablet
    page = tablet.start(offline=False)
    shop_account = pair(page, server, sessions)
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15_000)
    codes = {}
    for index, delay in enumerate(KILL_AFTER_MS):
        code = pay_code(client, new_wallet(sessions, balance=10_000))
        codes[page.evaluate(TOKEN_ID, code)] = code
        # offline, or online and killed while the server is asked
        tablet.context.set_offline(index % 2 == 0)
        for digit in str(100 + index):
            page.click(f'button[data-key="{digit}"]')
        page.fill("#scan", code)
        page.press("#scan", "Enter", no_wait_after=True)
        page.wait_for_timeout(delay)
        tablet.kill(page, "kill" if index % 3 == 0 else "close")
        page = reopen(tablet, page, server)

    journal = page.evaluate(JOURNAL)
    for token_id, payments in journal.items():
        assert len(payments) == 1, (token_id, payments)  # one code, one payment at this till
    tablet.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#unsynced-count")).to_have_text("0", timeout=30_000)

    synced = page.evaluate(JOURNAL)
    owed = 0
    for token_id, code in codes.items():
        on_server = redemptions_of(sessions, code)
        payments = synced.get(token_id, [])
        # what the journal kept went up once; what it never wrote was never taken
        assert on_server == sum(1 for state, _ in payments if state == "synced"), token_id
        owed += sum(amount for state, amount in payments if state == "synced")
    assert credits(sessions, shop_account) == owed
    assert owed > 0  # the later instants at least got their payment through
    with sessions() as session:
        assert verify(session).ok


def test_one_code_on_two_browser_tills_offline_pays_both_shops_and_shows_one_conflict(
    server, sessions, client, browser
):
    tills = []
    for shop in ("La Cagette", "Le Fournil"):
        context = browser.new_context(viewport={"width": 800, "height": 1280})
        page = watched_page(context)
        shop_account = pair(page, server, sessions, shop)
        page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15_000)
        tills.append((context, page, shop_account))
    wallet = new_wallet(sessions, balance=10_000)
    code = pay_code(client, wallet)

    for (context, page, _), digits in zip(tills, ("600", "500"), strict=True):
        context.set_offline(True)
        pay(page, code, digits)
        expect(page.locator("#result")).to_have_attribute("data-mode", "offline", timeout=15_000)
    for context, page, _ in tills:
        context.set_offline(False)
        expect(page.locator("#unsynced-count")).to_have_text("0", timeout=30_000)

    # each shop accepted it honestly within its limits: both are paid (ARCHITECTURE §5)
    assert [credits(sessions, account) for _, _, account in tills] == [600, 500]
    assert redemptions_of(sessions, code) == 2
    shown = [page.locator("#problems") for _, page, _ in tills]
    expect(shown[1]).to_be_visible(timeout=20_000)  # the second to sync learns of the first
    expect(shown[0]).to_be_hidden()
    with sessions() as session:
        assert verify(session).ok
    for context, _, _ in tills:
        context.close()
