"""The browser till (/till/) in Debian's Chromium against a live wallet server, on both
databases: pairing with a real code, payments online and offline, a reload right after an
offline payment, the sync, the refusal outside a secure context, and its headers."""

import json
import re
from datetime import UTC, datetime

from playwright.sync_api import expect
from sqlalchemy import select

from pos_client.messages import MESSAGES
from pos_client.till import OFFLINE_HOLD_DOWN
from tests.payments import new_till, new_wallet
from tests.pos_client.conftest import pay_code
from tests.till_web.browser_till import (
    INSECURE_HOST,
    PAGE_ONLY,
    SCREEN,
    credits,
    pair,
    pay,
    redemptions_of,
    till_url,
)
from wallet_server.pos.models import PosDevice
from wallet_server.pos.pairing import revoke_device


def test_a_paired_tablet_pays_online_and_the_shop_is_credited(server, sessions, client, tablet):
    context, page = tablet
    shop_account = pair(page, server, sessions)
    wallet = new_wallet(sessions, balance=10_000)

    pay(page, pay_code(client, wallet), "1240")

    result = page.locator("#result")
    expect(result).to_have_attribute("data-result", "accepted", timeout=15_000)
    expect(result).to_have_attribute("data-mode", "online")
    assert credits(sessions, shop_account) == 1240
    # the credential lives in IndexedDB only: no cookie, nothing in the address
    assert context.cookies() == []
    assert "?" not in page.url and "#" not in page.url
    # no request anywhere but the wallet server
    origin = f"http://127.0.0.1:{server.port}/"
    assert [url for url in page.requested if not url.startswith(origin)] == []
    assert page.errors == []


def test_an_offline_payment_survives_a_reload_and_is_synced_once(server, sessions, client, tablet):
    context, page = tablet
    shop_account = pair(page, server, sessions)
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15_000)
    wallet = new_wallet(sessions, balance=10_000)
    code = pay_code(client, wallet)

    context.set_offline(True)
    pay(page, code, "730")
    result = page.locator("#result")
    expect(result).to_have_attribute("data-result", "accepted", timeout=15_000)
    expect(result).to_have_attribute("data-mode", "offline")
    expect(page.locator("#unsynced-count")).to_have_text("1")

    page.reload()  # offline: the service worker's copy; the journal is in IndexedDB
    expect(page.locator("#unsynced-count")).to_have_text("1", timeout=15_000)
    page.click("#nav-recent")
    expect(page.locator("#recent-list")).to_contain_text(re.compile(r"7,30\s€"))
    assert redemptions_of(sessions, code) == 0

    context.set_offline(False)  # the "online" event starts a sync
    expect(page.locator("#unsynced-count")).to_have_text("0", timeout=20_000)
    expect(page.locator("#net-status")).to_have_attribute("data-online", "true")
    assert redemptions_of(sessions, code) == 1
    assert credits(sessions, shop_account) == 730
    # the same code again: this till holds it, offline or not
    page.click("#nav-pay")
    pay(page, code, "100")
    expect(result).to_have_attribute("data-code", "token_already_used", timeout=15_000)
    # while offline, Chromium logs each request it could not send; nothing else went wrong
    assert [e for e in page.errors if "net::ERR_INTERNET_DISCONNECTED" not in e] == []


def test_a_payment_whose_answer_was_lost_is_taken_offline_and_paid_once(
    server, sessions, client, tablet
):
    _, page = tablet
    shop_account = pair(page, server, sessions)
    code = pay_code(client, new_wallet(sessions, balance=10_000))

    def answer_lost(route):
        route.fetch()  # the server takes the payment; its answer never reaches the till
        route.abort("timedout")

    page.route("**/api/v1/pos/redemptions", answer_lost)
    pay(page, code, "990")
    result = page.locator("#result")
    expect(result).to_have_attribute("data-mode", "offline", timeout=15_000)
    assert redemptions_of(sessions, code) == 1  # the lost attempt

    page.unroute("**/api/v1/pos/redemptions")
    page.evaluate("window.dispatchEvent(new Event('online'))")  # sync now, not in 15 s
    expect(page.locator("#unsynced-count")).to_have_text("0", timeout=20_000)
    assert redemptions_of(sessions, code) == 1  # the same redemption_id: the same payment
    assert credits(sessions, shop_account) == 990


@PAGE_ONLY
def test_a_conflict_found_at_the_sync_is_shown_until_seen(server, sessions, client, tablet):
    context, page = tablet
    shop_account = pair(page, server, sessions)
    code = pay_code(client, new_wallet(sessions, balance=10_000))
    context.set_offline(True)
    pay(page, code, "600")
    expect(page.locator("#result")).to_have_attribute("data-mode", "offline", timeout=15_000)
    page.click("#new-payment")
    # meanwhile the participant pays with the same code at another shop, online
    other = new_till(sessions, client, name="Le Fournil")
    spent = client.post(
        "/api/v1/pos/redemptions",
        json={
            "redemption_id": "other-till-rd-1",
            "token": code,
            "amount_cents": 400,
            "captured_at": datetime.now(UTC).isoformat(),
            "mode": "online",
        },
        headers=other.headers(),
    )
    assert spent.status_code == 200, spent.json

    context.set_offline(False)

    problems = page.locator("#problems")
    expect(problems).to_be_visible(timeout=20_000)
    expect(problems).to_contain_text(MESSAGES["conflict_paid"].fr)
    assert credits(sessions, shop_account) == 600  # paid all the same (ARCHITECTURE §5)
    page.click(".problem-seen")
    expect(problems).to_be_hidden()  # the screen reads it back from the journal: seen for good


JOURNAL_AND_TILL = """async () => {
  const db = await new Promise((resolve, reject) => {
    const opening = indexedDB.open("caisse-commune-till");
    opening.onsuccess = () => resolve(opening.result);
    opening.onerror = () => reject(opening.error);
  });
  const all = (name, call) => new Promise((resolve) => {
    const request = call(db.transaction(name).objectStore(name));
    request.onsuccess = () => resolve(request.result);
  });
  const journal = await all("journal", (store) => store.getAll());
  const keys = await all("till", (store) => store.getAllKeys());
  db.close();
  return { states: journal.map((e) => e.state), keys };
}"""


def test_a_revoked_till_forgets_its_credential_and_keeps_its_unsynced_payments(
    server, sessions, client, tablet
):
    context, page = tablet
    pair(page, server, sessions)
    code = pay_code(client, new_wallet(sessions, balance=10_000))
    context.set_offline(True)
    pay(page, code, "500")
    expect(page.locator("#result")).to_have_attribute("data-mode", "offline", timeout=15_000)
    with sessions() as session:
        for device in session.scalars(select(PosDevice)):
            revoke_device(session, device)
        session.commit()

    context.set_offline(False)  # the next sync hears the server no longer knows the till

    expect(page.locator("#pair-revoked")).to_be_visible(timeout=20_000)
    stored = page.evaluate(JOURNAL_AND_TILL)
    assert stored["states"] == ["pending_sync"]
    assert stored["keys"] == ["revoked"]  # no credential, keyset, blocklist or limits
    assert redemptions_of(sessions, code) == 0


ENGINE_UNITS = """async () => {
  const { openStore } = await import("/till/engine/store.js");
  const { OFFLINE_HOLD_DOWN_MS, ONLINE_TIMEOUT_MS, Till } = await import("/till/engine/till.js");
  const { SyncLoop } = await import("/till/engine/sync.js");
  const store = await openStore();
  const payment = (id) => ({
    redemption_id: id, kind: "redemption", token: "CC1:X", token_id: "ab", amount_cents: 100,
    captured_at: new Date().toISOString(), mode: "offline",
  });
  const refusal = async (entry) => {
    try { await store.record(entry); return null; } catch (error) { return error.name; }
  };
  await store.record(payment("1-rd-first"));
  const sameId = await refusal({ ...payment("1-rd-first"), token_id: "cd" });
  const sameCode = await refusal(payment("1-rd-second"));
  await store.update({ "1-rd-first": { state: "rejected" } });
  const afterRejection = await refusal(payment("1-rd-third"));  // a refused try holds nothing
  const loop = new SyncLoop(null);
  const waits = [1, 2, 3, 20].map((failures) => {
    loop.failures = failures;
    return loop.backoff();
  });
  // the limits of the last complete contact, which newer ones may tighten, never loosen
  const limits = (amount, count) => ({
    max_amount_cents: amount, max_count: count, max_total_cents: 50000,
    max_hours_since_sync: 48, clock_skew_seconds: 300,
  });
  await store.put({ contact_limits: limits(5000, 20), limits: limits(9000, 5) });
  const applied = await new Till(store, { device_id: 1 }, null, {}).limits();
  return {
    sameId, sameCode, afterRejection, applied,
    states: (await store.entries()).map((e) => e.state),
    OFFLINE_HOLD_DOWN_MS, ONLINE_TIMEOUT_MS, waits,
  };
}"""


@PAGE_ONLY
def test_the_engine_keeps_the_python_tills_journal_rules_and_timings(server, tablet):
    _, page = tablet
    page.goto(till_url(server))
    expect(page.locator("#pair-form")).to_be_visible()
    found = page.evaluate(ENGINE_UNITS)
    assert found["sameId"] == "ConstraintError"  # one redemption id, one entry
    assert found["sameCode"] == "TokenHeldHere"  # one pay code, one payment at this till
    assert found["afterRejection"] is None
    assert found["states"] == ["rejected", "pending_sync"]
    assert found["applied"]["max_amount_cents"] == 5000  # raised since: not paid by the server
    assert found["applied"]["max_count"] == 5  # lowered since: applied at once
    assert found["OFFLINE_HOLD_DOWN_MS"] == OFFLINE_HOLD_DOWN.total_seconds() * 1000
    assert found["ONLINE_TIMEOUT_MS"] == 3000  # caisse-pos run --online-timeout's default
    first, second, third, many = found["waits"]
    assert 1000 <= first <= 2000 and 2000 <= second <= 4000 and 4000 <= third <= 8000
    assert 150_000 <= many <= 300_000  # capped, with jitter


@PAGE_ONLY
def test_outside_a_secure_context_the_till_says_so_and_does_not_start(server, tablet):
    _, page = tablet
    page.goto(f"http://{INSECURE_HOST}:{server.port}/till/")
    expect(page.locator("#insecure-title")).to_have_text("Caisse impossible ici")
    assert page.evaluate("window.isSecureContext") is False
    expect(page.locator("#pair-form")).to_have_count(0)
    assert page.errors == []


@PAGE_ONLY
def test_the_till_is_served_with_a_strict_policy(client):
    def get(path: str) -> tuple[int, dict[str, str], bytes]:
        with client.get(path) as response:
            return response.status_code, dict(response.headers), response.get_data()

    status, headers, body = get("/till/")
    assert status == 200
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'self';" in policy
    assert "unsafe-inline" not in policy and "http" not in policy
    assert headers["Cache-Control"] == "no-store"
    # another site can neither frame the till nor call the API with its credential: the
    # credential is in this origin's IndexedDB, and the API allows no other origin
    assert "frame-ancestors 'none'" in policy and headers["X-Frame-Options"] == "DENY"
    for method in ("OPTIONS", "POST"):
        answer = client.open(
            "/api/v1/pos/redemptions",
            method=method,
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
        assert "Access-Control-Allow-Origin" not in answer.headers, method
    # one screen for both tills: the very files of pos_client/static
    assert body == (SCREEN / "index.html").read_bytes()
    assert get("/till/app.js")[2] == (SCREEN / "app.js").read_bytes()
    for path in (
        "sw.js",
        "manifest.webmanifest",
        "icon.svg",
        "offline_rules.js",
        "engine/index.js",
    ):
        assert get(f"/till/{path}")[0] == 200, path
    assert get("/till/sw.js")[1]["Service-Worker-Allowed"] == "/till/"
    manifest = json.loads(get("/till/manifest.webmanifest")[2])
    assert manifest["start_url"] == "./" and manifest["icons"][0]["src"] == "icon.svg"
    assert get("/till/vector-runner.html")[0] == 404
    assert get("/till/../pos_client/web.py")[0] == 404


def test_the_browser_till_says_what_the_python_till_says():
    words = "".join(path.read_text() for path in sorted((SCREEN / "i18n").glob("*.json")))
    for code, message in MESSAGES.items():
        for text in message:
            assert json.dumps(text, ensure_ascii=False) in words, (code, text)
