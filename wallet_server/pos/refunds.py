"""Refunds: all or part of one of the shop's own redemptions, back to the wallet."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wallet_server import clock
from wallet_server.ledger import TransferRequest, lock_accounts, transfer
from wallet_server.participants.models import Participant
from wallet_server.pos.models import PosDevice, Redemption, Refund
from wallet_server.pos.redemption import RedemptionError, approved_shop


@dataclass(frozen=True)
class RefundReceipt:
    refund_id: str
    redemption_id: str
    amount_cents: int
    refunded_total_cents: int


def refund(
    session: Session,
    device: PosDevice,
    *,
    refund_id: str,
    redemption_id: str,
    amount_cents: int,
    now: datetime | None = None,
) -> RefundReceipt:
    """Give back all or part of one of the shop's own payments; `now` (default: the clock)
    dates the transfer and the refund."""
    now = now or clock.now()
    shop = approved_shop(session, device)
    redemption = session.scalar(select(Redemption).where(Redemption.redemption_id == redemption_id))
    if redemption is None or redemption.shop_id != shop.id:
        raise RedemptionError("redemption_not_found")  # another shop's payment is not ours
    participant = session.get(Participant, redemption.participant_id)
    assert participant is not None
    lock_accounts(session, [shop.account_id, participant.account_id])
    previous = session.scalar(select(Refund).where(Refund.refund_id == refund_id))
    if previous is not None:
        if previous.redemption_id != redemption.id or previous.amount_cents != amount_cents:
            raise RedemptionError("idempotency_conflict")
        return _receipt(session, previous, redemption)
    already = (
        session.scalar(
            select(func.coalesce(func.sum(Refund.amount_cents), 0)).where(
                Refund.redemption_id == redemption.id
            )
        )
        or 0
    )
    if amount_cents <= 0 or already + amount_cents > redemption.amount_cents:
        raise RedemptionError("refund_exceeds_payment")
    transfer(
        session,
        TransferRequest(
            id=f"refund:{refund_id}",
            debit_account_id=shop.account_id,
            credit_account_id=participant.account_id,
            amount=amount_cents,
            kind="refund",
            actor=f"pos:{device.id}",
            reference=redemption_id,
        ),
        now=now,
    )
    row = Refund(
        refund_id=refund_id,
        redemption_id=redemption.id,
        device_id=device.id,
        amount_cents=amount_cents,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return _receipt(session, row, redemption)


def _receipt(session: Session, row: Refund, redemption: Redemption) -> RefundReceipt:
    total = (
        session.scalar(
            select(func.sum(Refund.amount_cents)).where(Refund.redemption_id == redemption.id)
        )
        or 0
    )
    return RefundReceipt(
        refund_id=row.refund_id,
        redemption_id=redemption.redemption_id,
        amount_cents=row.amount_cents,
        refunded_total_cents=int(total),
    )
