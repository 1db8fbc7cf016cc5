"""The shared offline-rule vectors: a JSON file of inputs and the verdict every engine gives.

Format (`vectors.json`, UTF-8): an object with
- `keyset`: the till's cached keyset, as `GET /api/v1/keyset` returns its `keys`;
- `vectors`: a list, each with
  - `name`: what it shows;
  - `token` (text), `amount_cents`, `captured_at` and `received_at` (ISO 8601, UTC);
  - `limits`: the till's offline limits (`max_amount_cents`, `max_count`, `max_total_cents`,
    `max_hours_since_sync`, `clock_skew_seconds`);
  - `window`: `since` (ISO 8601), `count`, `total_cents`: the offline stretch so far;
  - `blocklist`: `token_ids` (hex) and `wallets` the till knew;
  - `taken_here`: whether this code was already taken here;
  - `expected`: `"accept"`, or the refusal code.

Two engines judge them:
- `python`: `judge_offline`, which the Python till and the server use;
- `browser`: the browser till's `offline_rules.js` (wallet_server/till_web/static/), in
  headless Chromium driven by Playwright. A local server on 127.0.0.1 serves that folder under
  the till's Content-Security-Policy (`script-src 'self'`) and the vector file; one load of
  `vector-runner.html` judges the whole file and writes one verdict per vector. Signatures
  are checked by WebCrypto's Ed25519, or, with `--no-webcrypto` (the page hides it, as a
  browser without it would), by the vendored @noble/ed25519.

    python -m offline_rules.vectors [FILE] [--json]
    python -m offline_rules.vectors [FILE] --engine browser [--no-webcrypto] [--chromium PATH]
    python -m offline_rules.vectors [FILE] --engine both [--no-webcrypto]

runs the engine(s) over FILE (default: the vectors shipped here) and prints each verdict,
`both` the two side by side; the exit status is 1 when any engine's verdict differs from the
expected one. `--json` prints one object per vector: `name`, `expected`, `got` (one engine) or
`python` and `browser` (both), `agrees`. The browser engine needs Playwright (a dev
dependency) and Chromium: `--chromium`, else $CAISSE_CHROMIUM, else /usr/bin/chromium.
"""

import argparse
import itertools
import json
import os
import sys
import threading
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright  # a dev dependency, only needed here

from offline_rules.judge import Capture, OfflineRefusal, OfflineWindow, judge_offline
from offline_rules.limits import OfflineLimits
from paytoken import Blocklist, Keyset

if TYPE_CHECKING:
    from playwright.sync_api import Browser

VECTORS = Path(__file__).with_name("vectors.json")
#: the browser till's static files: offline_rules.js, vector-runner.html, vendor/
TILL_STATIC = Path(__file__).resolve().parent.parent / "wallet_server" / "till_web" / "static"
RUNNER_PAGE = "vector-runner.html"
#: the till's policy: the runner page works under it, or the till would not
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'"
)
#: as tests/system_programs.py looks for it
CHROMIUM_VARIABLE = "CAISSE_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
ENGINES = ("python", "browser")


@dataclass(frozen=True)
class Verdict:
    name: str
    expected: str
    got: str

    @property
    def agrees(self) -> bool:
        return self.expected == self.got


def load(path: Path = VECTORS) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def python_verdict(vector: dict[str, Any], keyset: Keyset) -> str:
    """What the Python engine (`judge_offline`, used by the till and the server) says."""
    window = vector["window"]
    blocklist = Blocklist()
    blocklist.add(
        token_ids=[bytes.fromhex(t) for t in vector["blocklist"]["token_ids"]],
        wallets=vector["blocklist"]["wallets"],
    )
    try:
        judge_offline(
            Capture(
                vector["token"],
                vector["amount_cents"],
                datetime.fromisoformat(vector["captured_at"]),
            ),
            received_at=datetime.fromisoformat(vector["received_at"]),
            keyset=keyset,
            blocklist=blocklist,
            limits=OfflineLimits(**vector["limits"]),
            window=OfflineWindow(
                datetime.fromisoformat(window["since"]), window["count"], window["total_cents"]
            ),
            taken_here=vector["taken_here"],
        )
    except OfflineRefusal as refusal:
        return refusal.code
    return "accept"


def run(document: dict[str, Any]) -> list[Verdict]:
    keyset = Keyset.from_json(document["keyset"])
    return [
        Verdict(vector["name"], vector["expected"], python_verdict(vector, keyset))
        for vector in document["vectors"]
    ]


class BrowserEngineError(RuntimeError):
    """The runner page could not judge the vectors (not a verdict: a broken page or setup)."""


@dataclass(frozen=True)
class BrowserRun:
    """One load of the runner page: a verdict per vector, in the file's order."""

    verdicts: list[str]
    #: what checked the signatures: "webcrypto" or "noble"
    backends: list[str]


class _RunnerServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, static: Path) -> None:
        self.static = static
        #: vector files by URL path, each served to the one page load it was written for
        self.documents: dict[str, bytes] = {}
        self.page_loads = 0
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _RunnerHandler)


class _RunnerHandler(SimpleHTTPRequestHandler):
    """The till's static folder, read-only, under its CSP; and the vector files."""

    server: _RunnerServer
    extensions_map = {  # noqa: RUF012 (the base class's attribute)
        **SimpleHTTPRequestHandler.extensions_map,
        ".html": "text/html; charset=utf-8",
        ".js": "text/javascript; charset=utf-8",  # a module script needs a JavaScript type
        ".json": "application/json",
    }

    def __init__(self, request: Any, client_address: Any, server: _RunnerServer) -> None:
        super().__init__(request, client_address, server, directory=str(server.static))

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == f"/{RUNNER_PAGE}":
            with self.server.lock:
                self.server.page_loads += 1
        if path == "/favicon.ico":  # Chromium asks; a 404 would log a console error
            self.send_response(204)
            self.end_headers()
            return
        body = self.server.documents.get(path)
        if body is None:
            super().do_GET()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: a run prints verdicts, not requests


class BrowserEngine:
    """`offline_rules.js` in headless Chromium: a local server for the till's static files and
    a browser, started once (a context manager); each `judge` is one load of the runner page,
    in a fresh browser context, for a whole vector file."""

    def __init__(
        self, chromium: str | None = None, *, static: Path = TILL_STATIC, timeout_s: float = 120
    ) -> None:
        self.chromium = chromium or os.environ.get(CHROMIUM_VARIABLE) or DEFAULT_CHROMIUM
        self.static = static
        self.timeout_ms = timeout_s * 1000
        self._stack = ExitStack()
        self._names = itertools.count(1)
        self._server: _RunnerServer | None = None
        self._browser: Browser | None = None

    def __enter__(self) -> "BrowserEngine":
        if not (self.static / RUNNER_PAGE).is_file():
            raise BrowserEngineError(f"no {RUNNER_PAGE} in {self.static}")
        with ExitStack() as stack:
            server = _RunnerServer(self.static)
            stack.callback(server.server_close)
            thread = threading.Thread(target=server.serve_forever, daemon=True)
            thread.start()
            stack.callback(thread.join)
            stack.callback(server.shutdown)
            playwright = stack.enter_context(sync_playwright())
            browser = playwright.chromium.launch(
                executable_path=self.chromium,
                args=["--no-sandbox", "--disable-background-networking"],
            )
            stack.callback(browser.close)
            self._server, self._browser = server, browser
            self._stack = stack.pop_all()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stack.close()
        self._server = self._browser = None

    @property
    def page_loads(self) -> int:
        """How many times the runner page was loaded: one per `judge`."""
        assert self._server is not None, "use BrowserEngine as a context manager"
        return self._server.page_loads

    def judge(self, document: dict[str, Any], *, webcrypto: bool = True) -> BrowserRun:
        """Every vector of `document` judged by offline_rules.js, in one page load; with
        `webcrypto=False` the page hides WebCrypto's Ed25519, so @noble/ed25519 checks."""
        assert self._server is not None and self._browser is not None, "not started"
        server = self._server
        path = f"/vectors/{next(self._names)}.json"
        server.documents[path] = json.dumps(document).encode()
        origin = f"http://127.0.0.1:{server.server_address[1]}"
        query = f"vectors={path}" + ("" if webcrypto else "&webcrypto=0")
        problems: list[str] = []
        context = self._browser.new_context()
        try:
            page = context.new_page()
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.on(
                "request",
                lambda r: None if r.url.startswith(origin + "/") else problems.append(r.url),
            )
            page.goto(f"{origin}/{RUNNER_PAGE}?{query}")
            body = page.locator("body:not([data-state=running])")
            body.wait_for(timeout=self.timeout_ms)
            state = body.get_attribute("data-state")
            status = page.locator("#status").text_content()
            if state != "done" or problems:
                raise BrowserEngineError(f"runner page {state}: {status}; {problems}")
            result = json.loads(page.locator("#verdicts").text_content() or "null")
        finally:
            context.close()
            del server.documents[path]
        names = [v["name"] for v in result["verdicts"]]
        if names != [v["name"] for v in document["vectors"]]:
            raise BrowserEngineError("the runner page's verdicts are not the file's vectors")
        return BrowserRun([v["verdict"] for v in result["verdicts"]], result["backends"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m offline_rules.vectors")
    parser.add_argument("file", nargs="?", type=Path, default=VECTORS)
    parser.add_argument("--json", action="store_true", help="one JSON object per vector")
    parser.add_argument("--engine", choices=(*ENGINES, "both"), default="python")
    parser.add_argument(
        "--no-webcrypto",
        action="store_true",
        help="browser: hide WebCrypto's Ed25519, so that @noble/ed25519 checks signatures",
    )
    parser.add_argument(
        "--chromium", help=f"browser: Chromium (default ${CHROMIUM_VARIABLE}, {DEFAULT_CHROMIUM})"
    )
    options = parser.parse_args(argv)
    if options.engine == "python" and (options.no_webcrypto or options.chromium):
        parser.error("--no-webcrypto and --chromium are for --engine browser or both")
    document = load(options.file)
    engines = ENGINES if options.engine == "both" else (options.engine,)
    verdicts: dict[str, list[str]] = {}
    note = ""
    if "python" in engines:
        verdicts["python"] = [verdict.got for verdict in run(document)]
    if "browser" in engines:
        with BrowserEngine(options.chromium) as browser:
            browser_run = browser.judge(document, webcrypto=not options.no_webcrypto)
        verdicts["browser"] = browser_run.verdicts
        note = f" (browser: Ed25519 by {', '.join(browser_run.backends)})"
    differing = 0
    for index, vector in enumerate(document["vectors"]):
        got = {engine: verdicts[engine][index] for engine in engines}
        agrees = all(verdict == vector["expected"] for verdict in got.values())
        differing += not agrees
        if options.json:
            row = {"got": got[engines[0]]} if len(engines) == 1 else got
            fields = {"name": vector["name"], "expected": vector["expected"], **row}
            print(json.dumps({**fields, "agrees": agrees}))
        else:
            mark = "ok  " if agrees else "DIFF"
            said = ", ".join(f"{engine} {verdict}" for engine, verdict in got.items())
            print(f"{mark} {vector['name']}: expected {vector['expected']}, {said}")
    print(f"{len(document['vectors'])} vectors, {differing} differing{note}", file=sys.stderr)
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
