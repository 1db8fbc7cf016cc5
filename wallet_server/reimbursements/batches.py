"""Payout batches: prepared from what shops are owed, then paid exactly once, or cancelled.

Every operation here first locks the fund's payouts account: it is the one row all of them
share, so two coordinators preparing at once cannot promise a shop the same euros twice,
and marking paid races neither a cancel nor itself.
"""

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wallet_server import clock
from wallet_server.fund import FundAccount, fund_account
from wallet_server.ledger import Transfer, TransferRequest, create_transfers, lock_accounts
from wallet_server.refusals import Refusal
from wallet_server.reimbursements.dues import (
    ExcludedShop,
    PayableDue,
    amounts_due,
    split_payable,
)
from wallet_server.reimbursements.models import PayoutBatch, PayoutLine, PayoutStatus
from wallet_server.reimbursements.statements import PAYOUT, POSTED_PHASES
from wallet_server.shops.models import Shop

#: SEPA identifiers (MsgId, EndToEndId) are at most 35 characters
SEPA_ID_LENGTH = 35


class PayoutError(Refusal):
    pass


class NothingDue(PayoutError):
    """No shop can be paid: the shops owed money but unreachable travel with the refusal."""

    def __init__(self, excluded: list[ExcludedShop]) -> None:
        super().__init__("payout_nothing_due", excluded=len(excluded))
        self.excluded = excluded


@dataclass(frozen=True)
class PreparedBatch:
    batch: PayoutBatch
    lines: list[PayoutLine]
    excluded: list[ExcludedShop]


@dataclass(frozen=True)
class BatchLine:
    line: PayoutLine
    shop: Shop


def prepare_batch(
    session: Session,
    *,
    period_end: date,
    execution_date: date,
    actor: str,
    now: datetime | None = None,
) -> PreparedBatch:
    """One line per shop owed money up to the end of `period_end` (a day of the fund's
    calendar) and reachable by SEPA; the others come back as `excluded`, with the reason.
    Refuses an empty batch."""
    now = now or clock.now()
    today = clock.today(now)
    if period_end > today:
        raise PayoutError("payout_period_in_future", period_end=period_end.isoformat())
    if execution_date < today:
        raise PayoutError("payout_execution_date_past", execution_date=execution_date.isoformat())
    _lock_payouts(session)
    payable, excluded = split_payable(amounts_due(session, period_end))
    if not payable:
        raise NothingDue(excluded)
    batch = PayoutBatch(
        period_start=_period_start(session, period_end, payable),
        period_end=period_end,
        status=PayoutStatus.PREPARED.value,
        total_cents=sum(due.amount_cents for due in payable),
        message_id=new_message_id(now),
        execution_date=execution_date,
        created_by=actor,
        created_at=now,
    )
    session.add(batch)
    session.flush()
    lines = [
        PayoutLine(
            batch_id=batch.id,
            shop_id=due.shop.id,
            amount_cents=due.amount_cents,
            iban=due.bank.iban,
            bic=due.bank.bic,
            account_holder=due.bank.holder,
            end_to_end_id=end_to_end_id(batch.id, due.shop.public_id),
        )
        for due in payable
    ]
    session.add_all(lines)
    session.flush()
    return PreparedBatch(batch, lines, excluded)


def mark_paid(
    session: Session, batch: PayoutBatch, *, actor: str, now: datetime | None = None
) -> PayoutBatch:
    """The bank executed the file: post every line's shop → payouts transfer, all or none."""
    now = now or clock.now()
    payouts_id = _lock_payouts(session)
    _refuse_unless_prepared(session, batch)
    lines = batch_lines(session, batch)
    accounts = lock_accounts(session, [payouts_id, *(entry.shop.account_id for entry in lines)])
    for entry in lines:
        available = accounts[entry.shop.account_id].available
        if entry.line.amount_cents > available:
            raise PayoutError(
                "payout_exceeds_balance",
                shop=entry.shop.public_id,
                available=available,
                amount=entry.line.amount_cents,
            )
    requests = [
        TransferRequest(
            id=payout_transfer_id(batch.id, entry.shop.public_id),
            debit_account_id=entry.shop.account_id,
            credit_account_id=payouts_id,
            amount=entry.line.amount_cents,
            kind=PAYOUT,
            actor=actor,
            reference=entry.line.end_to_end_id,
        )
        for entry in lines
    ]
    for result in create_transfers(session, requests, now=now, locked=accounts):
        if result.error is not None:  # the caller rolls back: no line is paid without the rest
            raise PayoutError(
                "payout_transfer_refused", transfer=result.request.id, reason=result.error.code
            )
    for entry, request in zip(lines, requests, strict=True):
        entry.line.transfer_id = request.id
    batch.status = PayoutStatus.PAID.value
    batch.paid_by = actor
    batch.paid_at = now
    session.flush()
    return batch


def cancel_batch(session: Session, batch: PayoutBatch) -> PayoutBatch:
    """Abandon a prepared batch: its shops' dues are free for a new batch."""
    _lock_payouts(session)
    _refuse_unless_prepared(session, batch)
    batch.status = PayoutStatus.CANCELLED.value
    session.flush()
    return batch


def get_batch(session: Session, batch_id: int) -> PayoutBatch:
    batch = session.get(PayoutBatch, batch_id)
    if batch is None:
        raise PayoutError("payout_batch_not_found", batch=batch_id)
    return batch


def list_batches(session: Session, *, limit: int = 200) -> list[PayoutBatch]:
    return list(
        session.scalars(select(PayoutBatch).order_by(PayoutBatch.id.desc()).limit(limit)).all()
    )


def batch_lines(session: Session, batch: PayoutBatch) -> list[BatchLine]:
    rows = session.execute(
        select(PayoutLine, Shop)
        .join(Shop, Shop.id == PayoutLine.shop_id)
        .where(PayoutLine.batch_id == batch.id)
        .order_by(Shop.name, Shop.id)
    ).all()
    return [BatchLine(line, shop) for line, shop in rows]


def still_excluded(session: Session, batch: PayoutBatch) -> list[ExcludedShop]:
    """For a prepared batch: shops owed money up to its period end that it could not include."""
    if batch.status != PayoutStatus.PREPARED.value:
        return []
    return split_payable(amounts_due(session, batch.period_end))[1]


def new_message_id(now: datetime) -> str:
    """A MsgId no bank has seen from us: the time to the second and 40 random bits."""
    return f"CC{now:%Y%m%d%H%M%S}-{secrets.token_hex(5).upper()}"


def end_to_end_id(batch_id: int, shop_public_id: str) -> str:
    """What the shop reads on its bank statement; unique because a batch pays a shop once."""
    return f"CC-{batch_id}-{shop_public_id}"


def payout_transfer_id(batch_id: int, shop_public_id: str) -> str:
    return f"payout:{batch_id}:{shop_public_id}"


def _lock_payouts(session: Session) -> int:
    payouts = fund_account(session, FundAccount.PAYOUTS)
    lock_accounts(session, [payouts.id])
    return payouts.id


def _refuse_unless_prepared(session: Session, batch: PayoutBatch) -> None:
    # Read again under the lock: another request may have paid or cancelled it meanwhile.
    session.refresh(batch)
    if batch.status == PayoutStatus.PAID.value:
        raise PayoutError("payout_already_paid", batch=batch.id)
    if batch.status == PayoutStatus.CANCELLED.value:
        raise PayoutError("payout_batch_cancelled", batch=batch.id)


def _period_start(session: Session, period_end: date, payable: list[PayableDue]) -> date:
    """The day after the last batch this one follows, or else the shops' first payment."""
    previous_end = session.scalar(
        select(func.max(PayoutBatch.period_end)).where(
            PayoutBatch.status != PayoutStatus.CANCELLED.value,
            PayoutBatch.period_end < period_end,
        )
    )
    if previous_end is not None:
        return previous_end + timedelta(days=1)
    first = session.scalar(
        select(func.min(Transfer.created_at)).where(
            Transfer.credit_account_id.in_([due.shop.account_id for due in payable]),
            Transfer.phase.in_(POSTED_PHASES),
        )
    )
    return min(clock.today(first), period_end) if first is not None else period_end
