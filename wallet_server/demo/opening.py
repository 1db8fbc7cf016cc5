"""The fund's opening day in the demo: the shops the committee conventions, their bank details
and tills, the staff accounts and the signing key, all through the services."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from paytoken import SigningKey
from wallet_server.config import TokenSettings
from wallet_server.demo.cast import (
    COMMITTEE,
    COORDINATOR,
    DEMO_ADMIN,
    DEMO_SHOPS,
    DEMO_STAFF,
    MARKET,
)
from wallet_server.demo.events import Till
from wallet_server.pos.devices import NewOfflineLimits, set_offline_limits
from wallet_server.pos.pairing import create_pairing_code, pair_device
from wallet_server.shops.conventioning import record_decision, update_bank_details
from wallet_server.shops.models import CRITERIA, Shop
from wallet_server.shops.operations import add_shop
from wallet_server.tokens.keystore import KeyStore
from wallet_server.tokens.operations import current_signing_key, rotate_signing_key
from wallet_server.users.models import Role
from wallet_server.users.operations import NewUser, create_user

#: the market stall is offline every market day: its limits are raised to a morning's takings
MARKET_LIMITS = NewOfflineLimits(
    max_amount_cents=8_000, max_count=40, max_total_cents=150_000, max_hours_since_sync=72
)


@dataclass(frozen=True)
class OpenedFund:
    admin: NewUser
    staff: tuple[NewUser, ...]
    #: the one key that signs the year's pay codes, valid from the opening
    signer: SigningKey
    #: each till's device id and credential
    tills: dict[Till, tuple[int, str]]


def open_fund(
    session: Session,
    at: datetime,
    day: date,
    *,
    password: str,
    keystore: KeyStore,
    settings: TokenSettings,
) -> OpenedFund:
    """Everything the fund has at `at`, on its first `day`, before its first households."""
    shops: list[Shop] = []
    tills: dict[Till, tuple[int, str]] = {}
    for demo_shop in DEMO_SHOPS:
        shop = add_shop(
            session,
            name=demo_shop.name,
            address=demo_shop.address,
            opening_hours=demo_shop.hours_text,
            categories=demo_shop.categories,
            now=at,
        )
        record_decision(
            session,
            shop,
            decision="approved",
            scores=dict(zip(CRITERIA, demo_shop.scores, strict=True)),
            decided_on=day,
            note="Conventionné à l'ouverture / conventioned at the opening",
            actor=COMMITTEE,
            now=at,
        )
        update_bank_details(session, shop, demo_shop.iban, "", demo_shop.name)
        shops.append(shop)
        for number, name in enumerate(demo_shop.tills):
            code = create_pairing_code(session, shop, actor=COORDINATOR, now=at).code
            paired = pair_device(session, code, name=name, now=at)
            tills[Till(demo_shop.key, number)] = (paired.device.id, paired.credential)
            if demo_shop.key == MARKET:
                set_offline_limits(session, paired.device, MARKET_LIMITS, settings)
    admin = create_user(
        session,
        username=DEMO_ADMIN,
        password=password,
        role=Role.ADMIN,
        display_name="Admin (démo)",
        now=at,
    )
    staff = tuple(
        create_user(
            session,
            username=username,
            password=password,
            role=role,
            display_name=display,
            shop_id=shops[0].id if role == Role.SHOP_MANAGER else None,
            now=at,
        )
        for username, role, display in DEMO_STAFF
    )
    rotate_signing_key(session, keystore, now=at)
    return OpenedFund(admin, staff, current_signing_key(session, keystore), tills)
