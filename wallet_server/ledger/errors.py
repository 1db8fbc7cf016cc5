"""Ledger refusals. Each carries a stable machine code; wording lives in wallet_server.messages."""

from typing import Any


class LedgerError(Exception):
    """A refused ledger operation. `code` is stable and documented; `details` help the caller."""

    CODES = frozenset(
        {
            "insufficient_funds",
            "hold_expired",
            "hold_already_resolved",
            "hold_not_found",
            "idempotency_conflict",
            "account_not_found",
            "same_account",
            "invalid_amount",
            "post_exceeds_hold",
            "invalid_expiry",
            "account_exists",
            "invalid_request",
        }
    )

    def __init__(self, code: str, **details: Any) -> None:
        if code not in self.CODES:
            raise ValueError(f"unknown ledger error code {code!r}")
        self.code = code
        self.details = details
        super().__init__(f"{code}: {details}" if details else code)
