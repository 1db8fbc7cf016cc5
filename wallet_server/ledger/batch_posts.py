"""Posting many holds in one batch: a till's sync settles a hundred pay codes at once.

The same rules as `post_hold`, applied set-wise: a fixed number of statements per batch
instead of several per hold. Each post is judged on its own; a refused one changes nothing
and the caller decides what to do with it (the per-hold path explains it in detail).
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from wallet_server import clock
from wallet_server.ledger.errors import LedgerError
from wallet_server.ledger.model import Account, OpenHold, Transfer, TransferPhase
from wallet_server.ledger.operations import (
    _RESOLUTION_ID,
    _Counters,
    _insert_new,
    _write_counters,
    lock_accounts,
)


@dataclass(frozen=True)
class HoldPost:
    hold_id: str
    transfer_id: str
    amount: int
    actor: str
    reference: str = ""


def post_holds(
    session: Session,
    posts: list[HoldPost],
    *,
    now: datetime | None = None,
    locked: dict[int, Account] | None = None,
) -> list[LedgerError | None]:
    """Settle each hold for its amount and release the rest; one result per post, None when
    posted. A transfer id that exists already is refused here (no replay in bulk)."""
    now = now or clock.now()
    hold_ids = sorted({post.hold_id for post in posts})
    pendings = {t.id: t for t in session.scalars(select(Transfer).where(Transfer.id.in_(hold_ids)))}
    account_ids = {t.debit_account_id for t in pendings.values()} | {
        t.credit_account_id for t in pendings.values()
    }
    accounts = dict(locked or {})
    if not account_ids <= accounts.keys():
        accounts.update(lock_accounts(session, account_ids))
    still_open = set(
        session.scalars(select(OpenHold.transfer_id).where(OpenHold.transfer_id.in_(hold_ids)))
    )
    taken = set(
        session.scalars(
            select(Transfer.id).where(Transfer.id.in_(sorted({p.transfer_id for p in posts})))
        )
    )
    counters = {account_id: _Counters.of(account) for account_id, account in accounts.items()}
    rows: list[dict[str, object]] = []
    posted_holds: list[str] = []
    results: list[LedgerError | None] = []
    for post in posts:
        pending = pendings.get(post.hold_id)
        error = _refusal(post, pending, still_open, taken, now)
        results.append(error)
        if error is not None or pending is None:
            continue
        still_open.discard(post.hold_id)  # a second post of it in this batch is refused
        taken.add(post.transfer_id)
        debit, credit = counters[pending.debit_account_id], counters[pending.credit_account_id]
        debit.debits_pending -= pending.amount
        credit.credits_pending -= pending.amount
        debit.debits_posted += post.amount
        credit.credits_posted += post.amount
        debit.changed = credit.changed = True
        posted_holds.append(post.hold_id)
        rows.append(
            {
                "id": post.transfer_id,
                "phase": str(TransferPhase.POST),
                "debit_account_id": pending.debit_account_id,
                "credit_account_id": pending.credit_account_id,
                "amount": post.amount,
                "pending_id": post.hold_id,
                "expires_at": None,
                "kind": pending.kind,
                "reference": post.reference,
                "actor": post.actor,
                "overdraft": False,
                "created_at": now,
            }
        )
    session.flush()
    _insert_new(session, rows)
    if posted_holds:
        # ORM-enabled, so that OpenHold objects already in the session are marked deleted
        session.execute(
            delete(OpenHold).where(OpenHold.transfer_id.in_(posted_holds)),
            execution_options={"synchronize_session": "evaluate"},
        )
    _write_counters(session, accounts, counters)
    return results


def _refusal(
    post: HoldPost,
    pending: Transfer | None,
    still_open: set[str],
    taken: set[str],
    now: datetime,
) -> LedgerError | None:
    if not _RESOLUTION_ID.fullmatch(post.transfer_id):
        return LedgerError("invalid_request", field="transfer_id")
    if pending is None or pending.phase != TransferPhase.PENDING:
        return LedgerError("hold_not_found", hold_id=post.hold_id)
    if post.transfer_id in taken:
        return LedgerError("idempotency_conflict", id=post.transfer_id)
    if type(post.amount) is not int or post.amount <= 0:
        return LedgerError("invalid_amount", amount=post.amount)
    if post.amount > pending.amount:
        return LedgerError("post_exceeds_hold", amount=post.amount, held=pending.amount)
    if post.hold_id not in still_open:
        return LedgerError("hold_already_resolved", hold_id=post.hold_id)
    assert pending.expires_at is not None
    if now >= pending.expires_at:
        return LedgerError("hold_expired", hold_id=post.hold_id, expired_at=pending.expires_at)
    return None
