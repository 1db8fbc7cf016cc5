"""Shops that are owed money, made through the real payment path at chosen times.

Each payment enrolls a participant, funds the wallet, issues a pay code and redeems it at the
shop's paired till with `redeem`, all with the services the API uses; only the clock is ours.
`redeem` judges the code at the `now` it is given but stamps the transfers with the real
clock, so a payment made "on a past day" has its two transfers backdated to that day: the one
place these tests rewrite history, to give statements and batches several days to tell apart.
"""

import uuid
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tests.factories import fund
from tests.factories import participant as new_participant
from wallet_server import clock
from wallet_server.config import TokenSettings
from wallet_server.ledger import Account, Transfer
from wallet_server.pos.models import PosDevice
from wallet_server.pos.pairing import create_pairing_code, pair_device
from wallet_server.pos.redemption import RedemptionRequest, redeem
from wallet_server.pos.refunds import refund
from wallet_server.shops.models import Shop, ShopStatus
from wallet_server.shops.operations import add_shop, change_shop_status
from wallet_server.tokens.keystore import KeyStore
from wallet_server.tokens.operations import (
    current_signing_key,
    issue_pay_code,
    rotate_signing_key,
)

SETTINGS = TokenSettings()
GOOD_IBAN = "FR76 3000 6000 0112 3456 7890 189"
OTHER_IBAN = "DE89 3704 0044 0532 0130 00"


def days_ago(days: int) -> datetime:
    """Noon on the fund's calendar, `days` days before its today: well inside that day, and
    the same day whether read in UTC or in the fund's zone."""
    day = clock.today() - timedelta(days=days)
    return datetime.combine(day, time(12), tzinfo=clock.fund_zone()).astimezone(UTC)


class Market:
    """Shops, tills and participants on one database session."""

    def __init__(self, session: Session, key_dir: Path) -> None:
        self.session = session
        self.keystore = KeyStore(key_dir)
        rotate_signing_key(session, self.keystore, now=days_ago(400))
        self.devices: dict[int, PosDevice] = {}

    def shop(
        self, name: str, *, iban: str = GOOD_IBAN, bic: str = "", holder: str | None = None
    ) -> Shop:
        shop = add_shop(self.session, name=name)
        change_shop_status(self.session, shop, ShopStatus.APPROVED)
        shop.iban, shop.bic = iban, bic
        shop.account_holder = name if holder is None else holder
        code = create_pairing_code(self.session, shop, actor="test", now=days_ago(400))
        self.devices[shop.id] = pair_device(self.session, code.code, now=days_ago(400)).device
        self.session.flush()
        return shop

    def pay(self, shop: Shop, amount: int, *, at: datetime | None = None) -> str:
        """A participant pays `amount` cents at the shop's till; returns the redemption id."""
        person = new_participant(self.session)
        wallet = self.session.get(Account, person.account_id)
        assert wallet is not None
        fund(self.session, wallet, amount, transfer_id=f"fund:{person.public_id}")
        code = issue_pay_code(
            self.session,
            person,
            signer=current_signing_key(self.session, self.keystore),
            settings=SETTINGS,
            now=at or clock.now(),
        )
        redemption_id = str(uuid.uuid4())
        redeem(
            self.session,
            self.devices[shop.id],
            RedemptionRequest(redemption_id, code.text, amount, at or clock.now(), "online"),
            settings=SETTINGS,
            now=at,
        )
        if at is not None:
            self.session.execute(
                update(Transfer)
                .where(Transfer.id.in_([f"redeem:{redemption_id}", f"pay:{redemption_id}"]))
                .values(created_at=at)
            )
        return redemption_id

    def refund(self, shop: Shop, redemption_id: str, amount: int) -> None:
        refund(
            self.session,
            self.devices[shop.id],
            refund_id=str(uuid.uuid4()),
            redemption_id=redemption_id,
            amount_cents=amount,
        )

    def balance(self, shop: Shop) -> int:
        account = self.session.get(Account, shop.account_id, populate_existing=True)
        assert account is not None
        return account.balance


def pay_through_api(client, wallet, till, amount: int) -> str:
    """The participant's phone asks for a pay code and the till redeems it: the API path."""
    token = client.post("/api/v1/me/tokens", json={}, headers=wallet.headers()).json["token"]
    redemption_id = str(uuid.uuid4())
    receipt = client.post(
        "/api/v1/pos/redemptions",
        headers=till.headers(),
        json={
            "redemption_id": redemption_id,
            "token": token,
            "amount_cents": amount,
            "captured_at": clock.now().isoformat(),
            "mode": "online",
        },
    )
    assert receipt.status_code == 200, receipt.json
    return redemption_id


def set_bank_details(sessions, shop_public_id: str, *, iban: str, bic: str = "", holder: str):
    with sessions() as session:
        shop = session.scalar(select(Shop).where(Shop.public_id == shop_public_id))
        shop.iban, shop.bic, shop.account_holder = iban, bic, holder
        session.commit()
        session.expunge(shop)
        return shop
