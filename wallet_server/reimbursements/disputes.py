"""What is held back from a shop's payouts while coordinators look into it.

Two things are disputed: an open conflict (the shop was paid for an offline payment of a
code already used elsewhere: which till was honest is not known yet) and an open refused
capture (one of the shop's tills synced a payment it could not honestly have taken). Both
are left out of payout batches until a coordinator resolves them, and statements say so.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet_server.pos.models import Conflict, Redemption, RefusedCapture

CONFLICT, REFUSED_CAPTURE = "conflict", "refused_capture"


@dataclass(frozen=True)
class Disputed:
    kind: str
    #: the conflict's reason (double_spend, hold_released) or the capture's refusal code
    reason: str
    amount_cents: int
    #: the till's id for the payment
    redemption_id: str
    captured_at: datetime


def disputed_by_shop(session: Session) -> dict[int, list[Disputed]]:
    """Every open dispute, by shop id."""
    disputes: dict[int, list[Disputed]] = defaultdict(list)
    conflicts = session.execute(
        select(
            Redemption.shop_id,
            Conflict.reason,
            Conflict.amount_cents,
            Redemption.redemption_id,
            Redemption.captured_at,
        )
        .join(Redemption, Redemption.id == Conflict.redemption_id)
        .where(Conflict.status == "open")
    )
    for shop_id, reason, amount, redemption_id, captured_at in conflicts:
        disputes[shop_id].append(
            Disputed(CONFLICT, reason, int(amount), redemption_id, captured_at)
        )
    refused = session.execute(
        select(
            RefusedCapture.shop_id,
            RefusedCapture.code,
            RefusedCapture.amount_cents,
            RefusedCapture.redemption_id,
            RefusedCapture.captured_at,
        ).where(RefusedCapture.status == "open")
    )
    for shop_id, code, amount, redemption_id, captured_at in refused:
        disputes[shop_id].append(
            Disputed(REFUSED_CAPTURE, code, int(amount), redemption_id, captured_at)
        )
    return dict(disputes)


def held_cents(disputes: list[Disputed]) -> int:
    return sum(dispute.amount_cents for dispute in disputes)
