"""Conflicts: offline payments the fund honoured although the pay code was no longer good.

The shop was paid and the wallet charged, below zero if need be (pos.redemption). What the
wallet is short is the conflict's cost; a coordinator settles it one of three ways:

- write it off: the fund absorbs the loss, a transfer fund:conflicts → wallet brings the
  wallet back up by what this conflict left it short (never above zero);
- recover it from the next allocation: nothing moves now; the next month's credit refills the
  wallet, and `close_recovered` (called at the end of an allocation run) closes the conflict
  once the wallet is back at zero or above;
- mark it repaid: the participant handed the euros in. Euros from outside enter the reserve
  (fund:contributions → fund:reserve) and the reserve credits the wallet what it was short
  (fund:reserve → wallet): the reserve ends where it was, the wallet at zero.
"""

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wallet_server import clock
from wallet_server.config import TokenSettings
from wallet_server.fund import FundAccount, fund_account
from wallet_server.ledger import Account, Transfer, TransferRequest, create_transfers, lock_accounts
from wallet_server.participants.models import Participant
from wallet_server.pos.limits import worst_case_exposure_cents
from wallet_server.pos.models import Conflict, Redemption
from wallet_server.refusals import Refusal
from wallet_server.settlement import ConflictStep, conflict_reference, conflict_transfer_id
from wallet_server.shops.models import Shop


class ConflictError(Refusal):
    pass


class ConflictStatus(enum.StrEnum):
    OPEN = "open"
    RECOVERING = "recovering"
    RESOLVED = "resolved"


class Resolution(enum.StrEnum):
    WRITTEN_OFF = "written_off"
    RECOVERED = "recovered"
    REPAID = "repaid"


@dataclass(frozen=True)
class ConflictRow:
    id: int
    status: str
    reason: str
    amount_cents: int
    participant_public_id: str
    shop_public_id: str
    shop_name: str
    captured_at: datetime
    created_at: datetime
    #: the wallet's available balance now; below zero is what it owes
    wallet_available_cents: int
    resolution: str
    resolved_by: str | None
    resolved_at: datetime | None
    #: what the settling transfer moved, when one did
    settled_cents: int | None

    @property
    def owed_cents(self) -> int:
        """What settling this conflict now would move: its amount, at most what is owed."""
        return owed(self.amount_cents, self.wallet_available_cents)

    @property
    def recovered(self) -> bool:
        """Waiting for recovery, and the wallet is already back at zero or above: the end of
        the next allocation run closes it."""
        return self.status == ConflictStatus.RECOVERING and self.wallet_available_cents >= 0


def owed(amount_cents: int, wallet_available_cents: int) -> int:
    return min(amount_cents, max(0, -wallet_available_cents))


def conflict_queue(
    session: Session, *, status: ConflictStatus | None = None, limit: int = 500
) -> list[ConflictRow]:
    """Conflicts, the latest first, with whose wallet, which shop and the wallet's state."""
    query = (
        select(
            Conflict.id,
            Conflict.status,
            Conflict.reason,
            Conflict.amount_cents,
            Participant.public_id.label("participant_public_id"),
            Shop.public_id.label("shop_public_id"),
            Shop.name.label("shop_name"),
            Redemption.captured_at,
            Conflict.created_at,
            (Account.credits_posted - Account.debits_posted - Account.debits_pending).label(
                "wallet_available_cents"
            ),
            Conflict.resolution,
            Conflict.resolved_by,
            Conflict.resolved_at,
            Transfer.amount.label("settled_cents"),
        )
        .join(Redemption, Redemption.id == Conflict.redemption_id)
        .join(Shop, Shop.id == Redemption.shop_id)
        .join(Participant, Participant.id == Conflict.participant_id)
        .join(Account, Account.id == Participant.account_id)
        .outerjoin(Transfer, Transfer.id == Conflict.resolution_transfer_id)
        .order_by(Conflict.id.desc())
        .limit(limit)
    )
    if status is not None:
        query = query.where(Conflict.status == status.value)
    return [ConflictRow(**row._asdict()) for row in session.execute(query).all()]


@dataclass(frozen=True)
class ConflictFigures:
    open_count: int
    #: what the wallets with an open conflict are short, at most their conflicts' amounts:
    #: the most write-offs could still cost
    open_shortfall_cents: int
    recovering_count: int
    #: the most all active tills could still accept offline before their next sync
    worst_case_exposure_cents: int
    #: what write-offs have cost the fund so far: fund:conflicts' debit balance
    loss_cents: int


def conflict_figures(session: Session, settings: TokenSettings) -> ConflictFigures:
    counts: dict[str, int] = {
        status: count
        for status, count in session.execute(
            select(Conflict.status, func.count()).group_by(Conflict.status)
        )
    }
    per_wallet = session.execute(
        select(
            func.sum(Conflict.amount_cents),
            Account.credits_posted - Account.debits_posted - Account.debits_pending,
        )
        .join(Participant, Participant.id == Conflict.participant_id)
        .join(Account, Account.id == Participant.account_id)
        .where(Conflict.status == ConflictStatus.OPEN.value)
        .group_by(Account.id, Account.credits_posted, Account.debits_posted, Account.debits_pending)
    )
    losses = fund_account(session, FundAccount.CONFLICTS)
    return ConflictFigures(
        open_count=counts.get(ConflictStatus.OPEN.value, 0),
        open_shortfall_cents=sum(owed(int(total), available) for total, available in per_wallet),
        recovering_count=counts.get(ConflictStatus.RECOVERING.value, 0),
        worst_case_exposure_cents=worst_case_exposure_cents(session, settings),
        loss_cents=losses.debits_posted - losses.credits_posted,
    )


def find_conflict(session: Session, conflict_id: int) -> Conflict:
    conflict = session.get(Conflict, conflict_id)
    if conflict is None:
        raise ConflictError("conflict_not_found", conflict_id=conflict_id)
    return conflict


def conflict_record(conflict: Conflict) -> dict[str, object]:
    """The conflict as the audit log keeps it before and after a resolution."""
    return {
        "status": conflict.status,
        "resolution": conflict.resolution,
        "amount_cents": conflict.amount_cents,
        "resolution_transfer_id": conflict.resolution_transfer_id,
    }


def write_off(
    session: Session, conflict: Conflict, *, actor: str, now: datetime | None = None
) -> int:
    """The fund absorbs the loss; return the cents moved (0 when the wallet owes nothing)."""
    now = now or clock.now()
    losses = fund_account(session, FundAccount.CONFLICTS)
    wallet = _locked_unsettled(session, conflict, [losses.id])
    amount = owed(conflict.amount_cents, wallet.available)
    transfer_id = None
    if amount:
        request = _request(conflict, "write_off", losses.id, wallet.id, amount, actor)
        _record(session, [request], now)
        transfer_id = request.id
    _resolve(session, conflict, Resolution.WRITTEN_OFF, actor, now, transfer_id)
    return amount


def mark_repaid(
    session: Session, conflict: Conflict, *, actor: str, now: datetime | None = None
) -> int:
    """The participant paid back in euros what the wallet was short; return the cents."""
    now = now or clock.now()
    outside = fund_account(session, FundAccount.CONTRIBUTIONS)
    reserve = fund_account(session, FundAccount.RESERVE)
    wallet = _locked_unsettled(session, conflict, [outside.id, reserve.id])
    amount = owed(conflict.amount_cents, wallet.available)
    if not amount:
        raise ConflictError("conflict_nothing_owed", conflict_id=conflict.id)
    cash_in = _request(conflict, "repaid_cash", outside.id, reserve.id, amount, actor)
    refill = _request(conflict, "repaid", reserve.id, wallet.id, amount, actor)
    _record(session, [cash_in, refill], now)
    _resolve(session, conflict, Resolution.REPAID, actor, now, refill.id)
    return amount


def recover_from_next_allocation(session: Session, conflict: Conflict, *, actor: str) -> Conflict:
    """Let the next allocation refill the wallet; nothing moves now."""
    _locked_unsettled(session, conflict, [])
    if conflict.status != ConflictStatus.OPEN:
        raise ConflictError("conflict_not_open", conflict_id=conflict.id, status=conflict.status)
    conflict.status = ConflictStatus.RECOVERING.value
    # Who chose the recovery stays the one who resolved it when the allocation closes it.
    conflict.resolved_by = actor
    session.flush()
    return conflict


def close_recovered(session: Session, *, now: datetime | None = None) -> int:
    """Close every conflict waiting for recovery whose wallet is back at zero or above;
    return how many. Allocation runs call this once they have credited the wallets."""
    now = now or clock.now()
    available = Account.credits_posted - Account.debits_posted - Account.debits_pending
    recovered = session.scalars(
        select(Conflict)
        .join(Participant, Participant.id == Conflict.participant_id)
        .join(Account, Account.id == Participant.account_id)
        .where(Conflict.status == ConflictStatus.RECOVERING.value, available >= 0)
        .order_by(Conflict.id)
    ).all()
    for conflict in recovered:
        conflict.status = ConflictStatus.RESOLVED.value
        conflict.resolution = Resolution.RECOVERED.value
        conflict.resolved_at = now
    session.flush()
    return len(recovered)


def _locked_unsettled(session: Session, conflict: Conflict, account_ids: list[int]) -> Account:
    """Lock the wallet (and the other accounts) and re-read the conflict under the lock, so
    that two coordinators settling it at once settle it once."""
    participant = session.get(Participant, conflict.participant_id)
    assert participant is not None
    locked = lock_accounts(session, [participant.account_id, *account_ids])
    session.refresh(conflict)
    if conflict.status == ConflictStatus.RESOLVED:
        raise ConflictError("conflict_already_resolved", conflict_id=conflict.id)
    return locked[participant.account_id]


def _request(
    conflict: Conflict, step: ConflictStep, debit_id: int, credit_id: int, amount: int, actor: str
) -> TransferRequest:
    kind = "conflict_write_off" if step == "write_off" else "conflict_repayment"
    return TransferRequest(
        id=conflict_transfer_id(conflict.id, step),
        debit_account_id=debit_id,
        credit_account_id=credit_id,
        amount=amount,
        kind=kind,
        actor=actor,
        reference=conflict_reference(conflict.id),
    )


def _record(session: Session, requests: list[TransferRequest], now: datetime) -> None:
    for result in create_transfers(session, requests, now=now):
        if result.error is not None:
            raise result.error


def _resolve(
    session: Session,
    conflict: Conflict,
    resolution: Resolution,
    actor: str,
    now: datetime,
    transfer_id: str | None,
) -> None:
    conflict.status = ConflictStatus.RESOLVED.value
    conflict.resolution = resolution.value
    conflict.resolved_by = actor
    conflict.resolved_at = now
    conflict.resolution_transfer_id = transfer_id
    session.flush()
