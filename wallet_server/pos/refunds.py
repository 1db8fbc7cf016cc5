"""Refunds: all or part of one of the shop's own redemptions, back to the wallet."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wallet_server import clock
from wallet_server.config import TokenSettings
from wallet_server.ledger import Account, TransferRequest, lock_accounts, transfer
from wallet_server.participants.models import Participant
from wallet_server.pos.models import PosDevice, Redemption, Refund
from wallet_server.pos.redemption import RedemptionError, approved_shop
from wallet_server.reimbursements.models import PayoutBatch, PayoutLine, PayoutStatus
from wallet_server.settlement import refund_transfer_id
from wallet_server.shops.models import Shop

#: how long after a payment its till may still refund it (CAISSE_TOKEN_REFUND_WINDOW_DAYS)
DEFAULT_REFUND_WINDOW_DAYS = TokenSettings().refund_window_days


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
    window_days: int = DEFAULT_REFUND_WINDOW_DAYS,
) -> RefundReceipt:
    """Give back all or part of one of the shop's own payments, within `window_days` of it
    and never from euros the fund has already paid the shop (a refund then goes through the
    coordinators); `now` (default: the clock) dates the transfer and the refund."""
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
    _refuse_beyond_bounds(session, shop, redemption, amount_cents, now, window_days)
    transfer(
        session,
        TransferRequest(
            id=refund_transfer_id(refund_id),
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


def _refuse_beyond_bounds(
    session: Session,
    shop: Shop,
    redemption: Redemption,
    amount_cents: int,
    now: datetime,
    window_days: int,
) -> None:
    """A till refunds only recent payments, from what the fund still owes its shop: a till
    (or a copy of its credential) cannot move money out of euros already paid out."""
    if now - redemption.created_at > timedelta(days=window_days):
        raise RedemptionError("refund_window_passed", days=window_days)
    paid_until = session.scalar(
        select(func.max(PayoutBatch.period_end))
        .join(PayoutLine, PayoutLine.batch_id == PayoutBatch.id)
        .where(PayoutLine.shop_id == shop.id, PayoutBatch.status == PayoutStatus.PAID.value)
    )
    if paid_until is not None and redemption.created_at < clock.end_of_day(paid_until):
        raise RedemptionError("refund_after_payout")
    # What a batch merely prepared still counts as unpaid: marking it paid is then refused
    # until a new batch is prepared for the smaller amount.
    account = session.get(Account, shop.account_id)
    assert account is not None
    if amount_cents > account.available:
        raise RedemptionError("refund_after_payout")


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
