"""Double-entry ledger with two-phase transfers, free of Flask and HTTP.

Amounts are integer cents. Every movement is a balanced transfer between two accounts; each
account carries the four TigerBeetle counters, changed in the same database transaction as the
transfer row that explains them.
"""

from wallet_server.ledger.batch_posts import HoldPost, post_holds
from wallet_server.ledger.errors import LedgerError
from wallet_server.ledger.model import Account, OpenHold, Transfer, TransferPhase
from wallet_server.ledger.money import format_cents, parse_cents
from wallet_server.ledger.operations import (
    TransferRequest,
    TransferResult,
    create_account,
    create_transfers,
    expiry_void_id,
    get_account,
    hold,
    lock_accounts,
    post_hold,
    sweep_expired_holds,
    transfer,
    void_hold,
)
from wallet_server.ledger.retry import is_retryable, run_in_transaction
from wallet_server.ledger.verify import VerifyReport, verify

__all__ = [
    "Account",
    "HoldPost",
    "LedgerError",
    "OpenHold",
    "Transfer",
    "TransferPhase",
    "TransferRequest",
    "TransferResult",
    "VerifyReport",
    "create_account",
    "create_transfers",
    "expiry_void_id",
    "format_cents",
    "get_account",
    "hold",
    "is_retryable",
    "lock_accounts",
    "parse_cents",
    "post_hold",
    "post_holds",
    "run_in_transaction",
    "sweep_expired_holds",
    "transfer",
    "verify",
    "void_hold",
]
