"""The participant app's budget: bytes on first load, and time to a pay code offline.

gunicorn (1 worker) on a fresh SQLite fund with one funded participant, a signing key, an
approved shop, and a one-time activation code. Debian's Chromium at 360×640 opens the
activation link, the participant chooses a PIN, and the home screen appears: that is the
first load. Its size is every URL the page fetched plus every URL its service worker cached,
each body compressed with gzip (level 6, as nginx serves the app in production).

Then the phone goes offline and the app is opened again on the pay screen, N times: the
time from navigation to a visible QR, the PIN typed at once (the PBKDF2 unlock included).
No baseline: the figures are the app's own, against the issue's fixed budget.
"""

import base64
import statistics
import tempfile
import time
import traceback
import urllib.request
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from bench.browser.chromium import CACHED_BODIES, CHROMIUM, CHROMIUM_ARGS, gzip_size
from bench.core import BenchReport, RunConfig, figure
from bench.report import table
from bench.server import gunicorn
from testsupport.fund import add_signing_key, approved_shop, funded_participants
from wallet_server import migrations
from wallet_server.db import make_engine, make_session_factory
from wallet_server.participants.activation import create_activation_code

NAME = "pwa"
ACTOR = "bench"
PIN = "2580"
TARGET_FIRST_LOAD_KB = 150.0
TARGET_OFFLINE_QR_MS = 1000.0


def _seed(url: str, key_dir: Path) -> str:
    migrations.upgrade(url)
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            [person] = funded_participants(session, 1, 10_000, actor=ACTOR)
            approved_shop(session, "La Cagette", address="1 rue de la Gare, Montpellier")
            add_signing_key(session, key_dir)
            code = create_activation_code(session, person, actor=ACTOR).code
            session.commit()
    finally:
        engine.dispose()
    return f"/app/#/activate/{code}"


def _measure(base: str, activation: str, runs: int) -> dict[str, Any]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 360, "height": 640}, has_touch=True)
        page = context.new_page()
        responses: list[Any] = []

        def keep(response: Any) -> None:  # playwright wraps the handler: a real function
            responses.append(response)

        page.on("response", keep)
        page.goto(base + activation)
        page.fill("#pin-new", PIN)
        page.fill("#pin-confirm", PIN)
        page.click("#activate-submit")
        page.wait_for_selector("#balance")
        page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=20_000)
        bodies = {url: base64.b64decode(body) for url, body in page.evaluate(CACHED_BODIES).items()}
        for response in responses:
            try:
                bodies.setdefault(response.url, response.body())
            except Exception:  # a redirect or an opaque answer has no body to count
                bodies.setdefault(response.url, b"")
        # the pay screen once online, so that the offline-capable code is stored
        page.click('a[href="#/pay"]')
        page.wait_for_selector("#pay-qr svg", timeout=20_000)
        worker = page.evaluate("navigator.serviceWorker.controller.scriptURL")
        with urllib.request.urlopen(worker, timeout=10) as response:  # nosec B310
            bodies.setdefault(worker, response.read())  # the worker's own script
        sizes = {url: gzip_size(body) for url, body in bodies.items() if url.startswith(base)}
        context.set_offline(True)
        timings = []
        for _ in range(runs):
            page.close()
            page = context.new_page()  # the app opened afresh, as from the home screen
            start = time.perf_counter()
            page.goto(f"{base}/app/#/pay")
            page.fill("#pin-input", PIN)
            page.click("#pin-submit")
            page.wait_for_selector("#pay-qr svg", state="visible", timeout=10_000)
            timings.append((time.perf_counter() - start) * 1000)
        browser.close()
    return {"sizes": sizes, "timings": timings}


def run(config: RunConfig) -> BenchReport:
    runs = 3 if config.quick else config.size
    try:
        with tempfile.TemporaryDirectory(prefix="caisse-bench-pwa-") as folder:
            instance = Path(folder)
            url = f"sqlite:///{instance / 'pwa.sqlite3'}"
            activation = _seed(url, instance / "keys")
            with gunicorn(url, instance, workers=1, log=config.log) as server:
                measured = _measure(f"http://{server.host}:{server.port}", activation, runs)
    except Exception as error:
        config.log(traceback.format_exc(limit=8)[-3000:])
        return BenchReport(name=NAME, summary={"bench": NAME, "error": repr(error)[:300]}, ok=False)
    total_kb = sum(measured["sizes"].values()) / 1024
    timings = measured["timings"]
    summary = {
        "bench": NAME,
        "first_load_kb": figure(total_kb),
        "offline_qr_ms": figure(statistics.median(timings)),
        "offline_qr_max_ms": figure(max(timings)),
        "files": len(measured["sizes"]),
        "runs": len(timings),
    }
    rows = [
        [url.split("/", 3)[-1], f"{size / 1024:.1f}"]
        for url, size in sorted(measured["sizes"].items(), key=lambda item: -item[1])
    ]
    lines = [
        f"{NAME}: participant app, first load (gzip) and offline time to a visible pay code "
        f"(targets: ≤ {TARGET_FIRST_LOAD_KB:.0f} KB, ≤ {TARGET_OFFLINE_QR_MS:.0f} ms)",
        *table(["url", "KB gzip"], rows),
        f"first load: {total_kb:.1f} KB in {len(rows)} files "
        f"({'met' if total_kb <= TARGET_FIRST_LOAD_KB else 'MISSED'})",
        f"offline to QR over {len(timings)} openings: median {statistics.median(timings):.0f} ms,"
        f" max {max(timings):.0f} ms "
        f"({'met' if statistics.median(timings) <= TARGET_OFFLINE_QR_MS else 'MISSED'})",
    ]
    return BenchReport(name=NAME, summary=summary, lines=lines)
