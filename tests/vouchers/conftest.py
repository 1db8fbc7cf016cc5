"""A funded participant and a signing key, built with the real services; the console's
fixtures for the vouchers' pages."""

import uuid
from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from paytoken import SigningKey
from tests.console_pages import console_app, console_login, console_overrides
from tests.factories import fund
from tests.factories import participant as new_participant
from wallet_server import clock
from wallet_server.config import TokenSettings
from wallet_server.ledger import Account
from wallet_server.participants.models import Participant
from wallet_server.pos.models import PosDevice
from wallet_server.pos.pairing import create_pairing_code, pair_device
from wallet_server.pos.redemption import Mode, Receipt, RedemptionRequest, redeem
from wallet_server.shops.models import ShopStatus
from wallet_server.shops.operations import add_shop, change_shop_status
from wallet_server.tokens.keystore import KeyStore
from wallet_server.tokens.operations import current_signing_key, rotate_signing_key
from wallet_server.vouchers.models import Voucher

SETTINGS = TokenSettings()
#: the console's fixtures, for test_pages.py
__all__ = ["console_app", "console_login", "console_overrides"]


@pytest.fixture
def signer(session: Session, tmp_path) -> SigningKey:
    keystore = KeyStore(tmp_path / "keys")
    rotate_signing_key(session, keystore)
    return current_signing_key(session, keystore)


@pytest.fixture
def person(session: Session) -> Participant:
    """A participant whose wallet holds 100 €."""
    found = new_participant(session)
    fund(session, wallet_of(session, found), 10_000, transfer_id=f"fund:{found.public_id}")
    return found


def wallet_of(session: Session, participant: Participant) -> Account:
    account = session.get(Account, participant.account_id, populate_existing=True)
    assert account is not None
    return account


def new_device(session: Session, name: str = "La Cagette") -> PosDevice:
    shop = add_shop(session, name=name)
    change_shop_status(session, shop, ShopStatus.APPROVED)
    return pair_device(session, create_pairing_code(session, shop, actor="test").code).device


def redeem_voucher(
    session: Session,
    device: PosDevice,
    voucher: Voucher,
    amount: int,
    *,
    mode: Mode = "offline",
    captured_at: datetime | None = None,
) -> Receipt:
    request = RedemptionRequest(
        redemption_id=str(uuid.uuid4()),
        token=voucher.token_text,
        amount_cents=amount,
        captured_at=captured_at or clock.now(),
        mode=mode,
    )
    return redeem(session, device, request, settings=SETTINGS)
