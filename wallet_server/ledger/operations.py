"""Ledger operations. They take a Session, flush, and never commit: the caller owns the
transaction, so a service can combine several operations atomically.

Concurrency: every operation locks the accounts it touches in id order before reading their
counters (SELECT ... FOR UPDATE on PostgreSQL; on SQLite the engine opens every transaction
with BEGIN IMMEDIATE, see wallet_server.db). Ordered locking rules out deadlocks between
ledger operations; `wallet_server.ledger.retry` retries what the database still refuses.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from wallet_server import clock
from wallet_server.ledger.bulk import insert_rows, update_rows_by_id
from wallet_server.ledger.errors import LedgerError
from wallet_server.ledger.model import Account, OpenHold, Transfer, TransferPhase

_TRANSFER_ID = re.compile(r"[A-Za-z0-9:_.\-/]{1,64}")
#: a post or void may derive its id from its hold's, up to the column's width; "#" is ours
#: alone (client ids cannot hold it), so the sweep's ids never collide with a client's
_RESOLUTION_ID = re.compile(r"[A-Za-z0-9:_.\-/#]{1,80}")


def expiry_void_id(hold_id: str) -> str:
    """The id of the void that releases an expired hold, whoever releases it."""
    return f"{hold_id}#expired"


@dataclass(frozen=True)
class TransferRequest:
    """What a client asks the ledger to record. `id` makes retries safe."""

    id: str
    debit_account_id: int
    credit_account_id: int
    amount: int
    kind: str
    actor: str
    reference: str = ""
    phase: TransferPhase = TransferPhase.SINGLE
    expires_at: datetime | None = None
    overdraft: bool = False


@dataclass(frozen=True)
class TransferResult:
    """The outcome of one request: created now, already there (same body), or refused."""

    request: TransferRequest
    created: bool = False
    error: LedgerError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def create_account(
    session: Session,
    code: str,
    kind: str,
    *,
    debits_must_not_exceed_credits: bool = False,
    now: datetime | None = None,
) -> Account:
    """Open an account with zero counters. Codes are unique."""
    if session.scalar(select(Account.id).where(Account.code == code)) is not None:
        raise LedgerError("account_exists", account=code)
    account = Account(
        code=code,
        kind=kind,
        debits_must_not_exceed_credits=debits_must_not_exceed_credits,
        debits_posted=0,
        credits_posted=0,
        debits_pending=0,
        credits_pending=0,
        created_at=now or clock.now(),
    )
    session.add(account)
    session.flush()
    return account


def get_account(session: Session, code: str) -> Account:
    account = session.scalar(select(Account).where(Account.code == code))
    if account is None:
        raise LedgerError("account_not_found", account=code)
    return account


def create_transfers(
    session: Session,
    requests: Sequence[TransferRequest],
    *,
    now: datetime | None = None,
    locked: dict[int, Account] | None = None,
) -> list[TransferResult]:
    """Record single-phase transfers and holds in one batch, one result per request.

    A refused request does not stop the others (as in TigerBeetle's non-linked batches); the
    caller decides whether to commit. Requests are applied in order, so a later one sees the
    counters left by an earlier one. `locked` passes accounts the caller already locked in
    this transaction (with lock_accounts), so that they are not read twice.
    """
    now = now or clock.now()
    results: list[TransferResult | None] = [None] * len(requests)
    valid: list[tuple[int, TransferRequest]] = []
    for index, request in enumerate(requests):
        problem = _validate(request, now)
        if problem is not None:
            results[index] = TransferResult(request, error=problem)
        else:
            valid.append((index, request))

    account_ids = {r.debit_account_id for _, r in valid} | {r.credit_account_id for _, r in valid}
    accounts = dict(locked or {})
    if not account_ids <= accounts.keys():
        accounts = lock_accounts(session, account_ids)
    known = _existing_transfers(session, {r.id for _, r in valid})

    counters = {account_id: _Counters.of(account) for account_id, account in accounts.items()}
    rows: dict[str, dict[str, Any]] = {}
    holds: list[dict[str, Any]] = []
    for index, request in valid:
        results[index] = _apply(request, accounts, counters, known, rows, holds, now)

    session.flush()  # pending ORM changes first, so the bulk statements below see them
    _insert_new(session, list(rows.values()))
    if holds:
        session.execute(insert(OpenHold), holds)
    _write_counters(session, accounts, counters)
    return [result for result in results if result is not None]


@dataclass
class _Counters:
    """An account's counters while a batch is applied; written back once per batch."""

    debits_posted: int
    credits_posted: int
    debits_pending: int
    credits_pending: int
    changed: bool = False

    @classmethod
    def of(cls, account: Account) -> "_Counters":
        return cls(
            account.debits_posted,
            account.credits_posted,
            account.debits_pending,
            account.credits_pending,
        )

    @property
    def available(self) -> int:
        return self.credits_posted - self.debits_posted - self.debits_pending


_COUNTER_NAMES = ("debits_posted", "credits_posted", "debits_pending", "credits_pending")


def _write_counters(
    session: Session, accounts: dict[int, Account], counters: dict[int, _Counters]
) -> None:
    changed = {account_id: c for account_id, c in counters.items() if c.changed}
    if not changed:
        return
    # One executemany instead of an ORM flush per account; then tell the identity map the
    # new values are what the database holds, so nothing is written twice.
    update_rows_by_id(
        session,
        Account.__table__,  # type: ignore[arg-type]
        [
            {"id": account_id, **{name: getattr(c, name) for name in _COUNTER_NAMES}}
            for account_id, c in changed.items()
        ],
    )
    for account_id, c in changed.items():
        for name in _COUNTER_NAMES:
            set_committed_value(accounts[account_id], name, getattr(c, name))


def transfer(session: Session, request: TransferRequest, *, now: datetime | None = None) -> bool:
    """Record one transfer or hold; raise its LedgerError if refused.

    Returns True when created now, False when the same transfer already existed.
    """
    (result,) = create_transfers(session, [request], now=now)
    if result.error is not None:
        raise result.error
    return result.created


def hold(session: Session, request: TransferRequest, *, now: datetime | None = None) -> bool:
    """Reserve `request.amount` until `request.expires_at`: a pending transfer."""
    return transfer(session, replace(request, phase=TransferPhase.PENDING), now=now)


def post_hold(
    session: Session,
    hold_id: str,
    *,
    transfer_id: str,
    actor: str,
    amount: int | None = None,
    kind: str | None = None,
    reference: str = "",
    now: datetime | None = None,
) -> bool:
    """Settle a hold for `amount` (default: all of it) and release the rest, exactly once."""
    return _resolve_hold(
        session,
        hold_id,
        TransferPhase.POST,
        transfer_id,
        actor,
        amount,
        kind,
        reference,
        now or clock.now(),
    )


def void_hold(
    session: Session,
    hold_id: str,
    *,
    transfer_id: str,
    actor: str,
    kind: str | None = None,
    reference: str = "",
    now: datetime | None = None,
) -> bool:
    """Release a hold entirely, exactly once. Allowed after expiry: releasing is always safe."""
    return _resolve_hold(
        session,
        hold_id,
        TransferPhase.VOID,
        transfer_id,
        actor,
        None,
        kind,
        reference,
        now or clock.now(),
    )


def sweep_expired_holds(
    session: Session,
    *,
    actor: str = "system:sweep",
    now: datetime | None = None,
    limit: int = 1000,
) -> int:
    """Void up to `limit` holds whose expiry has passed; return how many were released."""
    now = now or clock.now()
    expired = session.scalars(
        select(OpenHold.transfer_id)
        .where(OpenHold.expires_at <= now)
        .order_by(OpenHold.expires_at, OpenHold.transfer_id)
        .limit(limit)
    ).all()
    released = 0
    for hold_id in expired:
        try:
            void_hold(
                session,
                hold_id,
                transfer_id=expiry_void_id(hold_id),
                actor=actor,
                kind="hold_expiry",
                now=now,
            )
            released += 1
        except LedgerError as error:
            if error.code != "hold_already_resolved":  # resolved meanwhile: nothing to do
                raise
    return released


def _validate(request: TransferRequest, now: datetime) -> LedgerError | None:
    if not _TRANSFER_ID.fullmatch(request.id):
        return LedgerError("invalid_request", field="id")
    if type(request.amount) is not int or request.amount <= 0:
        return LedgerError("invalid_amount", amount=request.amount)
    if request.debit_account_id == request.credit_account_id:
        return LedgerError("same_account", account_id=request.debit_account_id)
    if request.phase == TransferPhase.PENDING:
        if request.expires_at is None or request.expires_at <= now:
            return LedgerError("invalid_expiry", expires_at=request.expires_at)
    elif request.phase == TransferPhase.SINGLE:
        if request.expires_at is not None:
            return LedgerError("invalid_expiry", expires_at=request.expires_at)
    else:
        return LedgerError("invalid_request", field="phase")
    return None


def lock_accounts(session: Session, ids: Iterable[int]) -> dict[int, Account]:
    """Lock accounts in id order for the rest of the transaction; return them, refreshed.

    Accounts this transaction has already locked are not asked for again: their rows cannot
    have changed under our lock, and one service often passes through several ledger calls.
    """
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    held = _locked_in_this_transaction(session)
    missing = [account_id for account_id in wanted if account_id not in held]
    if missing:
        rows = session.scalars(
            select(Account)
            .where(Account.id.in_(missing))
            .order_by(Account.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).all()
        held.update((account.id, account) for account in rows)
    return {account_id: held[account_id] for account_id in wanted if account_id in held}


_LOCKED_KEY = "ledger.locked_accounts"


def _locked_in_this_transaction(session: Session) -> dict[int, Account]:
    # Keyed by the innermost transaction: rolling back a savepoint releases the row locks
    # taken inside it, so what a savepoint locked is forgotten with it.
    transaction = session.get_nested_transaction() or session.get_transaction()
    remembered = session.info.get(_LOCKED_KEY)
    if remembered is None or remembered[0] is not transaction:
        remembered = (transaction, {})
        session.info[_LOCKED_KEY] = remembered
    locked: dict[int, Account] = remembered[1]
    return locked


def _existing_transfers(session: Session, ids: set[str]) -> dict[str, Transfer]:
    if not ids:
        return {}
    rows = session.scalars(select(Transfer).where(Transfer.id.in_(sorted(ids)))).all()
    return {row.id: row for row in rows}


def _same_body(request: TransferRequest, existing: Transfer | dict[str, Any]) -> bool:
    def field(name: str) -> Any:
        return existing[name] if isinstance(existing, dict) else getattr(existing, name)

    return bool(
        field("phase") == request.phase
        and field("debit_account_id") == request.debit_account_id
        and field("credit_account_id") == request.credit_account_id
        and field("amount") == request.amount
        and field("kind") == request.kind
        and field("reference") == request.reference
        and bool(field("overdraft")) == request.overdraft
        and field("expires_at") == request.expires_at
    )


def _apply(
    request: TransferRequest,
    accounts: dict[int, Account],
    counters: dict[int, _Counters],
    known: dict[str, Transfer],
    rows: dict[str, dict[str, Any]],
    holds: list[dict[str, Any]],
    now: datetime,
) -> TransferResult:
    previous = known.get(request.id) or rows.get(request.id)
    if previous is not None:
        if _same_body(request, previous):
            return TransferResult(request, created=False)
        return TransferResult(request, error=LedgerError("idempotency_conflict", id=request.id))
    debit = accounts.get(request.debit_account_id)
    credit = accounts.get(request.credit_account_id)
    if debit is None or credit is None:
        missing = request.debit_account_id if debit is None else request.credit_account_id
        return TransferResult(request, error=LedgerError("account_not_found", account_id=missing))
    debit_counters, credit_counters = counters[debit.id], counters[credit.id]
    if debit.debits_must_not_exceed_credits and not request.overdraft:
        available = debit_counters.available
        if request.amount > available:
            return TransferResult(
                request,
                error=LedgerError(
                    "insufficient_funds",
                    account=debit.code,
                    available=available,
                    amount=request.amount,
                ),
            )
    debit_counters.changed = credit_counters.changed = True
    if request.phase == TransferPhase.PENDING:
        debit_counters.debits_pending += request.amount
        credit_counters.credits_pending += request.amount
        assert request.expires_at is not None
        holds.append(
            {
                "transfer_id": request.id,
                "debit_account_id": debit.id,
                "expires_at": request.expires_at,
            }
        )
    else:
        debit_counters.debits_posted += request.amount
        credit_counters.credits_posted += request.amount
    rows[request.id] = {
        "id": request.id,
        "phase": str(request.phase),
        "debit_account_id": debit.id,
        "credit_account_id": credit.id,
        "amount": request.amount,
        "pending_id": None,
        "expires_at": request.expires_at,
        "kind": request.kind,
        "reference": request.reference,
        "actor": request.actor,
        "overdraft": request.overdraft,
        "created_at": now,
    }
    return TransferResult(request, created=True)


def _insert_new(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert transfer rows; an id taken meanwhile by another transaction is a conflict.

    Our account locks serialize every transfer between the same accounts, so an id can only
    be taken meanwhile by a transfer between other accounts: by definition a different body.
    """
    if not rows:
        return
    inserted = insert_rows(
        session,
        Transfer.__table__,  # type: ignore[arg-type]
        rows,
        skip_existing_key="id",
    )
    if len(inserted) != len(rows):
        taken = sorted({row["id"] for row in rows} - inserted)
        raise LedgerError("idempotency_conflict", ids=taken)


def _resolve_hold(
    session: Session,
    hold_id: str,
    phase: TransferPhase,
    transfer_id: str,
    actor: str,
    amount: int | None,
    kind: str | None,
    reference: str,
    now: datetime,
) -> bool:
    if not _RESOLUTION_ID.fullmatch(transfer_id):
        raise LedgerError("invalid_request", field="transfer_id")
    pending = session.get(Transfer, hold_id)
    if pending is None or pending.phase != TransferPhase.PENDING:
        raise LedgerError("hold_not_found", hold_id=hold_id)
    accounts = lock_accounts(session, [pending.debit_account_id, pending.credit_account_id])
    posted = pending.amount if amount is None else amount
    if phase == TransferPhase.VOID:
        posted = pending.amount
    request = TransferRequest(
        id=transfer_id,
        debit_account_id=pending.debit_account_id,
        credit_account_id=pending.credit_account_id,
        amount=posted,
        kind=kind or pending.kind,
        actor=actor,
        reference=reference,
        phase=phase,
    )
    existing = session.get(Transfer, transfer_id, populate_existing=True)
    if existing is not None:
        if _same_body(request, existing) and existing.pending_id == hold_id:
            return False
        raise LedgerError("idempotency_conflict", id=transfer_id)
    if type(posted) is not int or posted <= 0:
        raise LedgerError("invalid_amount", amount=posted)
    if posted > pending.amount:
        raise LedgerError("post_exceeds_hold", amount=posted, held=pending.amount)
    still_open = session.get(OpenHold, hold_id, populate_existing=True)
    if still_open is None:
        raise LedgerError("hold_already_resolved", hold_id=hold_id)
    assert pending.expires_at is not None
    if phase == TransferPhase.POST and now >= pending.expires_at:
        raise LedgerError("hold_expired", hold_id=hold_id, expired_at=pending.expires_at)

    debit = accounts[pending.debit_account_id]
    credit = accounts[pending.credit_account_id]
    debit.debits_pending -= pending.amount
    credit.credits_pending -= pending.amount
    if phase == TransferPhase.POST:
        debit.debits_posted += posted
        credit.credits_posted += posted
    session.flush()
    session.add(
        Transfer(
            id=transfer_id,
            phase=str(phase),
            debit_account_id=debit.id,
            credit_account_id=credit.id,
            amount=posted,
            pending_id=hold_id,
            expires_at=None,
            kind=request.kind,
            reference=reference,
            actor=actor,
            overdraft=False,
            created_at=now,
        )
    )
    session.delete(still_open)
    session.flush()
    return True
