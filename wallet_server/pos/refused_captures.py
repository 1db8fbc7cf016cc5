"""Offline payments the server refused because their till could not honestly have taken
them (pos.offline_check): the coordinators' queue, next to the conflicts.

A refused capture moved no money. It stays open until a coordinator has looked into the till
(a wrong clock, a cloned credential, a cashier taking one code twice) and closes it with a
note; while it is open, its amount is held back from the shop's payouts.
"""

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet_server import clock
from wallet_server.pos.models import PosDevice, RefusedCapture
from wallet_server.refusals import Refusal
from wallet_server.shops.models import Shop


class RefusedCaptureError(Refusal):
    pass


class RefusedCaptureStatus(enum.StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


@dataclass(frozen=True)
class RefusedCaptureRow:
    id: int
    status: str
    #: the refusal code the till was answered (offline_limit, captured_before_contact, …)
    code: str
    amount_cents: int
    shop_public_id: str
    shop_name: str
    device_id: int
    device_name: str
    captured_at: datetime
    created_at: datetime
    resolution: str
    resolved_by: str | None
    resolved_at: datetime | None


def refused_capture_queue(
    session: Session, *, status: RefusedCaptureStatus | None = None, limit: int = 500
) -> list[RefusedCaptureRow]:
    """Refused captures, the latest first, with their shop and till."""
    query = (
        select(
            RefusedCapture.id,
            RefusedCapture.status,
            RefusedCapture.code,
            RefusedCapture.amount_cents,
            Shop.public_id.label("shop_public_id"),
            Shop.name.label("shop_name"),
            PosDevice.id.label("device_id"),
            PosDevice.name.label("device_name"),
            RefusedCapture.captured_at,
            RefusedCapture.created_at,
            RefusedCapture.resolution,
            RefusedCapture.resolved_by,
            RefusedCapture.resolved_at,
        )
        .join(Shop, Shop.id == RefusedCapture.shop_id)
        .join(PosDevice, PosDevice.id == RefusedCapture.device_id)
        .order_by(RefusedCapture.id.desc())
        .limit(limit)
    )
    if status is not None:
        query = query.where(RefusedCapture.status == status.value)
    return [RefusedCaptureRow(**row._asdict()) for row in session.execute(query).all()]


def find_refused_capture(session: Session, refused_id: int) -> RefusedCapture:
    found = session.get(RefusedCapture, refused_id)
    if found is None:
        raise RefusedCaptureError("refused_capture_not_found")
    return found


def close_refused_capture(
    session: Session,
    refused: RefusedCapture,
    *,
    actor: str,
    note: str,
    now: datetime | None = None,
) -> RefusedCapture:
    """A coordinator has looked into it: the shop's payouts are no longer held back for it.
    The payment stays unpaid; a note says what was found."""
    if refused.status != RefusedCaptureStatus.OPEN:
        raise RefusedCaptureError("refused_capture_closed")
    note = note.strip()
    if not note:
        raise RefusedCaptureError("refused_capture_note_needed")
    refused.status = RefusedCaptureStatus.RESOLVED.value
    refused.resolution = note[:200]
    refused.resolved_by = actor
    refused.resolved_at = now or clock.now()
    session.flush()
    return refused
