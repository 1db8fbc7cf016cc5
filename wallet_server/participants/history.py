"""A participant's movements in plain terms: what came in, what was spent where.

Read from the ledger: every settled transfer into or out of the wallet. Holds and their
releases are not movements (they show as "reserved" on the balance); a settled hold is the
payment. Payments and refunds name their shop through the till's redemption.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from wallet_server.ledger import Transfer, TransferPhase
from wallet_server.participants.models import Participant
from wallet_server.pos.models import Redemption
from wallet_server.refusals import Refusal
from wallet_server.shops.models import Shop

_KINDS = {
    "allocation": "allocation",
    "payment": "payment",
    "refund": "refund",
    "contribution": "contribution",
}


@dataclass(frozen=True)
class Movement:
    id: str
    at: datetime
    #: signed: negative when the wallet spent
    amount_cents: int
    kind: str
    shop_name: str | None
    month: str | None


def movements(
    session: Session, participant: Participant, *, limit: int = 20, before: str | None = None
) -> tuple[list[Movement], str | None]:
    """Newest first; `before` is the cursor a previous page returned."""
    wallet = participant.account_id
    query = (
        select(Transfer)
        .where(
            or_(Transfer.debit_account_id == wallet, Transfer.credit_account_id == wallet),
            Transfer.phase.in_([TransferPhase.SINGLE.value, TransferPhase.POST.value]),
        )
        .order_by(Transfer.created_at.desc(), Transfer.id.desc())
        .limit(limit + 1)
    )
    if before:
        moment, _, transfer_id = before.partition("|")
        try:
            at = datetime.fromisoformat(moment)
        except ValueError:
            at = None
        if at is None or at.tzinfo is None:
            raise Refusal("invalid_request", field="before")
        query = query.where(
            or_(
                Transfer.created_at < at,
                and_(Transfer.created_at == at, Transfer.id < transfer_id),
            )
        )
    rows = list(session.scalars(query))
    page, more = rows[:limit], len(rows) > limit
    shops = _shop_names(session, [t.reference for t in page if t.reference])
    result = [
        Movement(
            id=t.id,
            at=t.created_at,
            amount_cents=t.amount if t.credit_account_id == wallet else -t.amount,
            kind=_KINDS.get(t.kind, "adjustment"),
            shop_name=shops.get(t.reference),
            month=_month(t.id),
        )
        for t in page
    ]
    cursor = f"{page[-1].created_at.isoformat()}|{page[-1].id}" if more and page else None
    return result, cursor


def _shop_names(session: Session, references: list[str]) -> dict[str, str]:
    if not references:
        return {}
    return {
        redemption_id: name
        for redemption_id, name in session.execute(
            select(Redemption.redemption_id, Shop.name)
            .join(Shop, Shop.id == Redemption.shop_id)
            .where(Redemption.redemption_id.in_(references))
        )
    }


def _month(transfer_id: str) -> str | None:
    """Allocation and carry-over ids carry their month: alloc:2026-12:<wallet>."""
    prefix, _, rest = transfer_id.partition(":")
    if prefix in ("alloc", "carry"):
        return rest.partition(":")[0]
    return None


def next_allocation_on(today: date) -> date:
    """Allocations are monthly, run at the start of the month."""
    return date(today.year + today.month // 12, today.month % 12 + 1, 1)
