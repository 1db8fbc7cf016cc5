"""Ledger refusals. Each carries a stable machine code; wording lives in wallet_server.messages.

The ledger imports nothing else of the application: `wallet_server.refusals` is the shared
kernel every refusal is built on.
"""

from collections.abc import Mapping
from typing import Any, ClassVar

from wallet_server.refusals import Refusal


class LedgerError(Refusal):
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
    STATUS: ClassVar[Mapping[str, int]] = {
        "account_not_found": 404,
        "hold_not_found": 404,
        "idempotency_conflict": 409,
        "hold_already_resolved": 409,
        "account_exists": 409,
    }

    def __init__(self, code: str, **details: Any) -> None:
        if code not in self.CODES:
            raise ValueError(f"unknown ledger error code {code!r}")
        super().__init__(code, **details)
