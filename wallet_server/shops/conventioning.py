"""The committee's decisions on a shop (with the criteria grid), its directory entry and the
bank details its reimbursements go to."""

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet_server import clock
from wallet_server.reimbursements.bank import checked_bank_details
from wallet_server.shops.models import (
    CRITERIA,
    MAX_SCORE,
    MIN_SCORE,
    SHOP_TRANSITIONS,
    Shop,
    ShopDecision,
    ShopStatus,
)
from wallet_server.shops.operations import ShopError, change_shop_status

#: a score at or below this must say why: a low mark with no reason cannot be answered
COMMENT_REQUIRED_AT_OR_BELOW = 2
#: the decisions a committee records; "applied" is where a shop starts, never a decision
DECISIONS = (ShopStatus.APPROVED, ShopStatus.SUSPENDED)
#: column widths of the shops table
NAME_LIMIT, ADDRESS_LIMIT, CONTACT_LIMIT = 200, 300, 200
CATEGORY_LIMIT, MAX_CATEGORIES = 40, 12

Scores = Mapping[str, tuple[int, str]]


def record_decision(
    session: Session,
    shop: Shop,
    *,
    decision: str,
    scores: Scores,
    decided_on: date,
    note: str,
    actor: str,
    now: datetime | None = None,
) -> ShopDecision:
    """Record a committee decision with its grid and move the shop to the status it decides.

    The whole decision is checked before anything is written, so a refusal changes nothing.
    `now` (default: the clock) dates the record and the shop's change of status.
    """
    now = now or clock.now()
    status = _decided_status(decision)
    current = ShopStatus(shop.status)
    if status not in SHOP_TRANSITIONS[current]:
        raise ShopError("invalid_transition", current=current.value, requested=status.value)
    grid = _checked_grid(scores)
    note = note.strip()
    if status == ShopStatus.SUSPENDED and not note:
        raise ShopError("suspension_reason_required")
    row = ShopDecision(
        shop_id=shop.id,
        decision=status.value,
        decided_on=decided_on,
        note=note,
        recorded_by=actor,
        created_at=now,
        **{f"{name}_score": grid[name][0] for name in CRITERIA},
        **{f"{name}_comment": grid[name][1] for name in CRITERIA},
    )
    session.add(row)
    change_shop_status(session, shop, status, now=now)
    return row


def _decided_status(decision: str) -> ShopStatus:
    for status in DECISIONS:
        if decision == status.value:
            return status
    raise ShopError("invalid_decision", decision=decision)


def _checked_grid(scores: Scores) -> dict[str, tuple[int, str]]:
    unknown = sorted(set(scores) - set(CRITERIA))
    if unknown:
        raise ShopError("criterion_unknown", criteria=unknown)
    grid: dict[str, tuple[int, str]] = {}
    for name in CRITERIA:
        if name not in scores:
            raise ShopError("criterion_missing", criterion=name)
        score, comment = scores[name]
        if type(score) is not int or not MIN_SCORE <= score <= MAX_SCORE:
            raise ShopError("score_out_of_range", criterion=name, score=score)
        comment = comment.strip()
        if score <= COMMENT_REQUIRED_AT_OR_BELOW and not comment:
            raise ShopError("low_score_needs_comment", criterion=name, score=score)
        grid[name] = (score, comment)
    return grid


def decision_history(session: Session, shop: Shop) -> list[ShopDecision]:
    """The shop's decisions, the latest first."""
    return list(
        session.scalars(
            select(ShopDecision)
            .where(ShopDecision.shop_id == shop.id)
            .order_by(ShopDecision.decided_on.desc(), ShopDecision.id.desc())
        )
    )


def directory_entry(shop: Shop) -> dict[str, object]:
    """What participants see of the shop; also what the audit log keeps before and after."""
    return {
        "name": shop.name,
        "address": shop.address,
        "opening_hours": shop.opening_hours,
        "categories": list(shop.categories),
        "contact": shop.contact,
    }


def update_directory(
    session: Session,
    shop: Shop,
    *,
    name: str,
    address: str,
    opening_hours: str,
    categories: Sequence[str],
    contact: str,
) -> Shop:
    name, address, contact = name.strip(), address.strip(), contact.strip()
    if not name:
        raise ShopError("invalid_name")
    for field, value, limit in (
        ("name", name, NAME_LIMIT),
        ("address", address, ADDRESS_LIMIT),
        ("contact", contact, CONTACT_LIMIT),
    ):
        if len(value) > limit:
            raise ShopError("field_too_long", field=field, limit=limit)
    checked_categories = _checked_categories(categories)
    shop.name, shop.address, shop.contact = name, address, contact
    shop.opening_hours = opening_hours.strip()
    shop.categories = checked_categories
    session.flush()
    return shop


def _checked_categories(categories: Sequence[str]) -> list[str]:
    # Kept in the order given, without repeats: the directory shows them as typed.
    kept = list(dict.fromkeys(c.strip() for c in categories if c.strip()))
    if len(kept) > MAX_CATEGORIES:
        raise ShopError("too_many_categories", limit=MAX_CATEGORIES)
    if any(len(category) > CATEGORY_LIMIT for category in kept):
        raise ShopError("field_too_long", field="categories", limit=CATEGORY_LIMIT)
    return kept


def update_bank_details(session: Session, shop: Shop, iban: str, bic: str, holder: str) -> Shop:
    """Where the shop's reimbursements go; refused, with the field at fault, unless valid."""
    details = checked_bank_details(iban, bic, holder)
    shop.iban, shop.bic, shop.account_holder = details.iban, details.bic, details.holder
    session.flush()
    return shop


def masked_iban(iban: str) -> str:
    """Enough to recognise the account, not enough to use it: all but the last 4 hidden."""
    if not iban:
        return ""
    return "•" * max(len(iban) - 4, 0) + iban[-4:]
