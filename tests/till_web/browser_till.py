"""What the browser till's tests do on a tablet and check on the server."""

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from paytoken import unverified_claims
from tests.pos_client.conftest import pairing_code
from wallet_server.ledger import Account
from wallet_server.pos.models import Redemption

SCREEN = Path(__file__).parent.parent.parent / "pos_client" / "static"
#: a name for the live server that is not the loopback: not a secure context
INSECURE_HOST = "till.test"

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
    with sessions() as session:
        account = session.get(Account, account_id)
        assert account is not None
        return account.credits_posted


def redemptions_of(sessions, token: str) -> int:
    with sessions() as session:
        token_id = unverified_claims(token).token_id.hex()
        return session.scalar(select(func.count()).where(Redemption.token_id == token_id)) or 0
