"""Shops: application, committee approval or suspension, directory data."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet_server import clock
from wallet_server.fund import shop_code
from wallet_server.ledger import create_account
from wallet_server.public_ids import new_public_id
from wallet_server.refusals import Refusal
from wallet_server.shops.models import SHOP_TRANSITIONS, Shop, ShopStatus
from wallet_server.whole_numbers import MAX_ID, whole_number


class ShopError(Refusal):
    STATUS: ClassVar[Mapping[str, int]] = {"shop_not_found": 404}


def add_shop(
    session: Session,
    *,
    name: str,
    address: str = "",
    opening_hours: str = "",
    categories: Sequence[str] = (),
    now: datetime | None = None,
) -> Shop:
    """Record a shop's application; it cannot redeem until the committee approves it.
    `now` (default: the clock) dates the application."""
    now = now or clock.now()
    if not name.strip():
        raise ShopError("invalid_name")
    public_id = new_public_id("S")
    while session.scalar(select(Shop.id).where(Shop.public_id == public_id)) is not None:
        public_id = new_public_id("S")
    account = create_account(session, shop_code(public_id), "shop", now=now)
    shop = Shop(
        public_id=public_id,
        name=name.strip(),
        address=address.strip(),
        opening_hours=opening_hours.strip(),
        categories=[c.strip() for c in categories if c.strip()],
        status=ShopStatus.APPLIED.value,
        account_id=account.id,
        created_at=now,
    )
    session.add(shop)
    session.flush()
    return shop


def change_shop_status(
    session: Session, shop: Shop, new_status: ShopStatus, *, now: datetime | None = None
) -> Shop:
    current = ShopStatus(shop.status)
    if new_status not in SHOP_TRANSITIONS[current]:
        raise ShopError("invalid_transition", current=current.value, requested=new_status.value)
    shop.status = new_status.value
    if new_status == ShopStatus.APPROVED:
        shop.approved_at = now or clock.now()
    session.flush()
    return shop


def find_shop(session: Session, reference: str) -> Shop:
    """A shop by public id (S-XXXX-XXXX) or numeric id."""
    try:
        condition = Shop.id == whole_number(reference, maximum=MAX_ID)
    except ValueError:
        condition = Shop.public_id == reference.upper()
    # what cannot be a public id is not looked up (PostgreSQL refuses NUL in a query's text)
    shop = session.scalar(select(Shop).where(condition)) if reference.isprintable() else None
    if shop is None:
        raise ShopError("shop_not_found", reference=reference)
    return shop


def list_shops(session: Session, *, status: str | None = None) -> list[Shop]:
    query = select(Shop).order_by(Shop.name)
    if status:
        query = query.where(Shop.status == status)
    return list(session.scalars(query).all())
