"""What the browser till's tests do on a tablet and check on the server."""

import contextlib
import os
import signal
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from sqlalchemy import func, select

from paytoken import unverified_claims
from tests.payments import account
from tests.pos_client.conftest import pairing_code
from tests.system_programs import require
from wallet_server.pos.models import Redemption

SCREEN = Path(__file__).parent.parent.parent / "pos_client" / "static"
#: a name for the live server that is not the loopback: not a secure context
INSECURE_HOST = "till.test"

#: every browser of these tests; the host rule gives the live server a name that is not secure
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    f"--host-resolver-rules=MAP {INSECURE_HOST} 127.0.0.1",
]


#: what only the page does, whatever the database: run once, on SQLite (CI's time budget)
PAGE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def till_url(server) -> str:
    return f"http://127.0.0.1:{server.port}/till/"


def pair(page, server, sessions, shop_name: str = "La Cagette") -> int:
    """Open /till/ on a new tablet and pair it with a real code; the shop's account id."""
    code, shop_account = pairing_code(sessions, shop_name)
    page.goto(till_url(server))
    page.fill("#pair-code", code)
    page.click("#pair-submit")
    expect(page.locator("#shop-name")).to_have_text(shop_name, timeout=15_000)
    expect(page.locator("#net-status")).to_have_attribute("data-online", "true", timeout=15_000)
    return shop_account


def pay(page, code: str, digits: str) -> None:
    for digit in digits:
        page.click(f'button[data-key="{digit}"]')
    page.fill("#scan", code)
    page.press("#scan", "Enter")


def credits(sessions, account_id: int) -> int:
    return account(sessions, account_id).credits_posted


def redemptions_of(sessions, token: str) -> int:
    with sessions() as session:
        token_id = unverified_claims(token).token_id.hex()
        return session.scalar(select(func.count()).where(Redemption.token_id == token_id)) or 0


def watched_page(context):
    """A new page of `context` whose console errors and requests are kept."""
    page = context.new_page()
    page.errors = []
    page.requested = []
    page.on("request", lambda request: page.requested.append(request.url))
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


class Tablet:
    """A tablet whose browser profile is a folder, so that it outlives its browser."""

    def __init__(self, playwright, folder: Path) -> None:
        self.playwright = playwright
        self.folder = folder
        self.context = None

    def start(self, *, offline: bool, args: tuple[str, ...] = ()):
        self.context = self.playwright.chromium.launch_persistent_context(
            self.folder,
            executable_path=require("chromium"),
            args=[*CHROMIUM_ARGS, *args],
            viewport={"width": 800, "height": 1280},
            offline=offline,
        )
        return watched_page(self.context)

    def kill(self, page, how: str) -> None:
        """The till goes away without warning: its tab closed, or the whole browser killed
        with SIGKILL (as Android does to a browser in the background when memory is short)."""
        if how == "close":
            page.close(run_before_unload=False)
            return
        os.killpg(os.getpgid(self.browser_pid()), signal.SIGKILL)
        with contextlib.suppress(PlaywrightError):
            self.context.close()  # already gone: only Playwright's side is left to drop
        self.context = None

    def browser_pid(self) -> int:
        flag = f"--user-data-dir={self.folder}".encode()
        for process in Path("/proc").iterdir():
            try:
                arguments = (process / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue  # not a process, or gone
            if flag in arguments and not any(a.startswith(b"--type=") for a in arguments):
                return int(process.name)
        raise AssertionError("the tablet's browser is not running")

    def close(self) -> None:
        if self.context is not None:
            self.context.close()
            self.context = None
