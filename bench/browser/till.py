"""The browser till (/till/): bytes on first load, offline acceptance, and the sync back.

gunicorn (2 workers) on a fresh SQLite fund (PostgreSQL with `--db postgresql`): an approved
shop with a pairing code, a signing key, and funded wallets holding one distinct offline pay
code per payment, asked beforehand through POST /api/v1/me/tokens with each wallet's phone
credential, at most the server's limit of open codes a phone. Debian's Chromium opens /till/
and pairs with the code: every response of that first visit, what its service worker caches
and the worker's own script, each body compressed with gzip (level 6, as nginx serves it),
is the first load.

Before that, the journal is given a till's year of history: H payments already synced, spread
over the past year (written straight into its IndexedDB), since a till never forgets its
journal and every query of a payment's path must stay fast however long it has lived.

Then the tablet goes offline (`context.set_offline`) and takes S payments of 1,00 €, each
with a distinct code, through `Till.pay` of the page's own engine modules, the very call
`Engine.call("POST /api/pay")` makes for the cashier screen (app.js keeps its engine to
itself, so the page builds a Till over the same IndexedDB journal and pairing). Each is timed
inside the page with performance.now(): parse, signature against the cached keyset, limits,
the journal read and the IndexedDB write (strict durability) included. If N > S, N − S more
payments are taken the same way, untimed. Then the line comes back: the time from going
online to the server holding every queued redemption (the page's own sync loop, its
"online" event; the database polled), in payments per second.

No baseline: the figures are the page's own, against the issue's fixed budget (bench/load/pos.py
measures the Python till's, with a bare durable insert beside it).
"""

import base64
import secrets
import statistics
import tempfile
import time
import traceback
import urllib.request
from pathlib import Path
from typing import Any

from playwright.sync_api import expect, sync_playwright
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bench.browser.chromium import CACHED_BODIES, CHROMIUM, CHROMIUM_ARGS, gzip_size
from bench.core import BenchReport, RunConfig, figure
from bench.databases import open_database
from bench.percentiles import rounded_rank
from bench.report import table
from bench.server import gunicorn
from testsupport.fund import add_signing_key, approved_shop, funded_participants, pairing_codes
from wallet_server import migrations
from wallet_server.config import TokenSettings
from wallet_server.db import make_engine, make_session_factory
from wallet_server.participants.devices import bind_device
from wallet_server.pos.models import PosDevice, Redemption
from wallet_server.web.app import create_app

NAME = "till"
SCHEMA = "bench_till"
ACTOR = "bench"
#: a phone may hold this many open pay codes (the server's default limit)
CODES_PER_WALLET = TokenSettings().max_outstanding
AMOUNT_CENTS = 100
QUICK_SCANS = 50
QUICK_QUEUED = 100
QUEUED = 1_000
QUICK_HISTORY = 2_000
#: about a year of a busy shop's till (55 payments a day)
HISTORY = 20_000
TARGET_FIRST_LOAD_KB = 150.0
TARGET_P99_MS = 50.0
TARGET_SYNC_PER_S = 300.0
SYNC_TIMEOUT_S = 60.0


def _seed(session: Session, key_dir: Path, count: int) -> tuple[str, list[str]]:
    """A shop with a pairing code, a signing key, and enough funded wallets, each bound to a
    phone, to hold `count` open pay codes: the phones' credentials."""
    wallets = -(-count // CODES_PER_WALLET)
    cents_each = CODES_PER_WALLET * TokenSettings().cap_cents
    people = funded_participants(session, wallets, cents_each, actor=ACTOR)
    [pairing] = pairing_codes(session, approved_shop(session, "La Cagette"), 1, actor=ACTOR)
    add_signing_key(session, key_dir)
    phones = [bind_device(session, person, label="phone").credential for person in people]
    return pairing, phones


def _issue_codes(url: str, instance: Path, phones: list[str], count: int) -> list[str]:
    """`count` offline pay codes asked through the API the participant app calls, each phone
    up to the server's limit of open codes (the app in-process: the timed parts use gunicorn)."""
    app = create_app(
        {
            "database_url": url,
            "instance_dir": instance,
            "secret_key": secrets.token_hex(16),
            "key_dir": instance / "keys",
        }
    )
    client = app.test_client()
    codes: list[str] = []
    try:
        for phone in phones:
            for _ in range(min(CODES_PER_WALLET, count - len(codes))):
                answer = client.post(
                    "/api/v1/me/tokens",
                    json={"offline": True},
                    headers={"Authorization": f"Bearer {phone}"},
                )
                body = answer.get_json()
                if answer.status_code != 201 or body is None:
                    raise RuntimeError(f"pay code refused: {answer.status_code} {body}")
                codes.append(body["token"])
    finally:
        app.extensions["caisse.engine"].dispose()
    return codes


#: S payments through the engine's Till over the page's IndexedDB journal; ms and answers
_PAY = """async ([codes, amount]) => {
    const { openStore } = await import("/till/engine/store.js");
    const { ServerClient } = await import("/till/engine/server.js");
    const { ONLINE_TIMEOUT_MS, Till } = await import("/till/engine/till.js");
    const store = await openStore();
    const pairing = await store.get("pairing");
    const server = new ServerClient(pairing.credential, ONLINE_TIMEOUT_MS);
    const till = new Till(store, pairing, server, { onRevoked: () => {}, onSyncWanted: () => {} });
    await till.load();
    const timings = [];
    const refusals = [];
    for (const code of codes) {
        const start = performance.now();
        const answer = await till.pay(code, amount);
        timings.push(performance.now() - start);
        if (answer.result !== "accepted" || answer.mode !== "offline") {
            refusals.push(answer.code ?? answer.result);
        }
    }
    return { timings, refusals };
}"""

#: `count` payments synced long ago, as a year of use leaves them in the journal
_HISTORY = """async (count) => {
    const { openStore } = await import("/till/engine/store.js");
    const store = await openStore();
    const yearAgo = Date.now() - 365 * 24 * 3600 * 1000;
    const hex = (n) => n.toString(16).padStart(32, "0");
    await store.transaction(["journal"], "readwrite", ({ journal }) => {
        for (let n = 0; n < count; n++) {
            journal.add({
                redemption_id: `history-rd-${n}`, kind: "redemption", token: "CC1:HISTORY",
                token_id: hex(n), refund_of: null, amount_cents: 1234, mode: "offline",
                captured_at: new Date(yearAgo + n * 1500 * 1000).toISOString(),
                state: "synced", acknowledged: true,
                server_answer: { status: "accepted", redemption_id: `history-rd-${n}` },
            });
        }
    });
    return (await store.entries()).length;
}"""

#: whether the page's last complete contact gave limits that fit `count` payments
_LIMITS_FIT = """async (count) => {
    const { openStore } = await import("/till/engine/store.js");
    const limits = await (await openStore()).get("contact_limits");
    return Boolean(limits) && limits.max_count >= count;
}"""


def _redemptions(sessions: Any) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(Redemption)) or 0


def _raise_limits(sessions: Any, count: int) -> None:
    """The console's per-till limits, set on the paired device's row (what the console's
    till page writes): room for `count` payments of AMOUNT_CENTS and no sync for a day."""
    with sessions() as session:
        session.execute(
            update(PosDevice).values(
                offline_max_count=count + 1,
                offline_max_total_cents=(count + 1) * AMOUNT_CENTS,
                offline_max_amount_cents=AMOUNT_CENTS,
            )
        )
        session.commit()


def _measure(
    base: str, pairing: str, codes: list[str], scans: int, history: int, sessions: Any
) -> dict[str, Any]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1024, "height": 768})
        page = context.new_page()
        responses: list[Any] = []

        def keep(response: Any) -> None:  # playwright wraps the handler: a real function
            responses.append(response)

        page.on("response", keep)
        page.goto(f"{base}/till/")
        page.fill("#pair-code", pairing)
        page.click("#pair-submit")
        expect(page.locator("#shop-name")).to_have_text("La Cagette", timeout=20_000)
        expect(page.locator("#net-status")).to_have_attribute("data-online", "true", timeout=20_000)
        page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=20_000)
        # what the service worker cached for offline use, and its own script: Chromium fetches
        # them on first visit too, outside the page's responses
        bodies = {url: base64.b64decode(body) for url, body in page.evaluate(CACHED_BODIES).items()}
        worker = page.evaluate("navigator.serviceWorker.controller.scriptURL")
        with urllib.request.urlopen(worker, timeout=10) as answer:  # nosec B310
            bodies[worker] = answer.read()
        sizes = {url: gzip_size(body) for url, body in bodies.items() if url.startswith(base)}
        for response in responses:
            if response.url.startswith(base) and response.url not in sizes:
                try:
                    sizes[response.url] = gzip_size(response.body())
                except Exception:  # a redirect or an opaque answer has no body to count
                    sizes[response.url] = 0
        page.remove_listener("response", keep)

        _raise_limits(sessions, len(codes))
        page.evaluate("window.dispatchEvent(new Event('online'))")  # a sync now fetches them
        deadline = time.perf_counter() + 30
        while not page.evaluate(_LIMITS_FIT, len(codes)):
            if time.perf_counter() > deadline:
                raise RuntimeError("the page never received the raised offline limits")
            time.sleep(0.2)

        in_journal = page.evaluate(_HISTORY, history) if history else 0
        context.set_offline(True)
        timed = page.evaluate(_PAY, [codes[:scans], AMOUNT_CENTS])
        rest = page.evaluate(_PAY, [codes[scans:], AMOUNT_CENTS]) if len(codes) > scans else None
        refusals = timed["refusals"] + (rest["refusals"] if rest else [])
        held_before = _redemptions(sessions)

        start = time.perf_counter()
        context.set_offline(False)  # the "online" event starts the page's sync
        held = held_before
        while held < len(codes) and time.perf_counter() - start < SYNC_TIMEOUT_S:
            time.sleep(0.05)
            held = _redemptions(sessions)
        sync_seconds = time.perf_counter() - start
        browser.close()
    return {
        "sizes": sizes,
        "timings": timed["timings"],
        "refusals": refusals,
        "timed_refusals": len(timed["refusals"]),
        "held_before_sync": held_before,
        "held": held,
        "sync_seconds": sync_seconds,
        "history": in_journal,
    }


def run(config: RunConfig) -> BenchReport:
    scans = config.size
    asked = config.options.get("queued", -1)
    if asked < 0:
        asked = QUICK_QUEUED if config.quick else QUEUED
    queued = max(scans, asked)  # the timed scans are queued too
    history = config.options.get("history", -1)
    if history < 0:
        history = QUICK_HISTORY if config.quick else HISTORY
    # SQLite unless PostgreSQL alone is asked (`--db postgresql`): a till's figures on one
    # database, the one a small association runs
    db = "postgresql" if config.databases == ("postgresql",) else "sqlite"
    try:
        with (
            tempfile.TemporaryDirectory(prefix="caisse-bench-till-") as folder,
            open_database(db, config.log, schema=SCHEMA) as url,
        ):
            instance = Path(folder)
            config.log(f"[{NAME}] setup: {queued} offline pay codes, a shop, a pairing code")
            migrations.upgrade(url)
            engine = make_engine(url)
            sessions = make_session_factory(engine)
            try:
                with sessions() as session:
                    pairing, phones = _seed(session, instance / "keys", queued)
                    session.commit()
                codes = _issue_codes(url, instance, phones, queued)
                with gunicorn(url, instance, workers=2, log=config.log) as server:
                    config.log(
                        f"[{NAME}] pairing, {history} payments of history, "
                        f"{scans} timed scans offline, sync of {queued}"
                    )
                    measured = _measure(
                        f"http://{server.host}:{server.port}",
                        pairing,
                        codes,
                        scans,
                        history,
                        sessions,
                    )
            finally:
                engine.dispose()
    except Exception as error:
        config.log(traceback.format_exc(limit=8)[-3000:])
        return BenchReport(name=NAME, summary={"bench": NAME, "error": repr(error)[:300]}, ok=False)
    return _report(measured, db, scans, queued)


def _report(measured: dict[str, Any], db: str, scans: int, queued: int) -> BenchReport:
    sizes, timings = measured["sizes"], measured["timings"]
    total = sum(sizes.values())
    p50, p99 = rounded_rank(timings, 50), rounded_rank(timings, 99)
    sync_per_s = queued / measured["sync_seconds"]
    problems = []
    if measured["refusals"]:
        problems.append(f"{len(measured['refusals'])} refused: {measured['refusals'][:3]}")
    if measured["held_before_sync"] != 0:
        problems.append(f"{measured['held_before_sync']} redemptions on the server before sync")
    if measured["held"] != queued:
        problems.append(f"server holds {measured['held']} redemptions, {queued} queued")
    summary = {
        "bench": NAME,
        "db": db,
        "first_load_bytes": total,
        "first_load_kb": figure(total / 1024),
        "files": sorted(url.split("/", 3)[-1] for url in sizes),
        "scans": scans,
        "accepted": scans - measured["timed_refusals"],
        "offline_accept_p50_ms": figure(p50),
        "offline_accept_p99_ms": figure(p99),
        "offline_accept_max_ms": figure(max(timings)),
        "offline_accept_mean_ms": figure(statistics.fmean(timings)),
        "journal_history": measured["history"],
        "queued": queued,
        "synced": measured["held"],
        "sync_seconds": figure(measured["sync_seconds"]),
        "sync_per_s": figure(sync_per_s),
        "problems": problems,
    }

    def verdict(met: bool) -> str:
        return "met" if met else "MISSED"

    lines = [
        f"{NAME}: browser till (/till/) in Chromium on {db}: first load (gzip), offline "
        f"acceptance over {scans} scans with {measured['history']:,} payments of history in "
        f"the journal, sync of {queued} queued payments",
        *table(
            ["url", "KB gzip"],
            [
                [url.split("/", 3)[-1], f"{size / 1024:.1f}"]
                for url, size in sorted(sizes.items(), key=lambda item: -item[1])
            ],
        ),
        *table(
            ["measure", "value", "target", ""],
            [
                [
                    "first load",
                    f"{total / 1024:.1f} KB ({total:,} B, {len(sizes)} files)",
                    f"≤ {TARGET_FIRST_LOAD_KB:.0f} KB",
                    verdict(total / 1024 <= TARGET_FIRST_LOAD_KB),
                ],
                [
                    "offline accept",
                    f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {max(timings):.1f} ms",
                    f"p99 ≤ {TARGET_P99_MS:.0f} ms",
                    verdict(p99 <= TARGET_P99_MS),
                ],
                [
                    "sync",
                    f"{measured['held']}/{queued} in {measured['sync_seconds']:.1f} s, "
                    f"{sync_per_s:,.0f}/s",
                    f"≥ {TARGET_SYNC_PER_S:.0f}/s",
                    verdict(sync_per_s >= TARGET_SYNC_PER_S),
                ],
            ],
            left=2,
        ),
        *[f"FAILED: {problem}" for problem in problems],
    ]
    return BenchReport(name=NAME, summary=summary, lines=lines, ok=not problems)
