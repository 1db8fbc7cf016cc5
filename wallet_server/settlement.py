"""How a payment maps onto the ledger: the id of each transfer and hold it writes, and
how long a pay code's hold lasts. Pure: no Flask, no database.

A pay code (a phone's code or a paper voucher) is guarded from issuance by a hold
`token:<token id>` (hex) that reserves its cap on the participant's wallet, towards the
fund's clearing account. The hold outlives the code by the sync grace, so that a payment a
till accepted offline just before the code expired can still sync and be paid from it. A
voucher's hold names its participant in its reference, `voucher:<public id>`.

Redeemed while its hold is open and unexpired, the hold is posted for the amount paid
(`redeem:<redemption id>`), which releases the rest to the wallet, and `pay:<redemption
id>` moves that amount from clearing to the shop. Once the hold is gone (the code used
elsewhere, cancelled, or past its grace, in which case the hold is voided first, as the
sweep would), an online redemption is refused, while an offline payment that syncs is paid
by `pay:<redemption id>` straight from the wallet to the shop, below zero if it must; a
conflict opens if the code was used twice or the wallet went short. A PIN payment has no
code and no hold: `pay:<redemption id>` from the wallet to the shop. The redemption id is
the one the till sends; the post, the payment and its refunds carry it as reference (the
participant's history reads it back to name the shop).

Cancelling an unused code or voucher voids its hold with `cancel:<token id>`; a hold nobody
resolved is voided at its expiry by the ledger's sweep, with `<hold id>#expired`
(`wallet_server.ledger.expiry_void_id`, the same for every hold). A till's refund is
`refund:<refund id>` from the shop to the wallet. Coordinators settle a conflict with
`conflict:<conflict id>:<step>`, referenced `conflict:<conflict id>`: `write_off` (the
fund's conflicts account refills the wallet), or `repaid_cash` (euros paid back, into the
reserve) and `repaid` (the reserve refills the wallet).

Each id is the transfer's idempotency key: a retry builds the same id and the ledger records
the transfer once. Ids are stored in every fund's database: their format never changes.
"""

from datetime import datetime, timedelta
from typing import Literal

from wallet_server.config import TokenSettings

#: the transfers a coordinator's settlement of a conflict writes
ConflictStep = Literal["write_off", "repaid_cash", "repaid"]


def token_hold_id(token_id: bytes) -> str:
    """The hold that guards a pay code or voucher from issuance."""
    return f"token:{token_id.hex()}"


def voucher_hold_reference(participant_public_id: str) -> str:
    """The reference of a paper voucher's hold: whose sheet it is."""
    return f"voucher:{participant_public_id}"


def hold_expiry(token_expires: datetime, settings: TokenSettings) -> datetime:
    """When a pay code's hold expires: the sync grace after the code itself."""
    return token_expires + timedelta(seconds=settings.sync_grace_seconds)


def redemption_transfer_id(redemption_id: str) -> str:
    """The post of a pay code's hold for the amount a till redeemed."""
    return f"redeem:{redemption_id}"


def payment_transfer_id(redemption_id: str) -> str:
    """The transfer that pays the shop: from clearing, or straight from the wallet."""
    return f"pay:{redemption_id}"


def cancel_transfer_id(token_id: str) -> str:
    """The void that cancels an unused pay code or voucher, its id in hex as stored:
    whoever cancelled it, it happened once."""
    return f"cancel:{token_id}"


def refund_transfer_id(refund_id: str) -> str:
    """A till's refund of all or part of a payment, back to the wallet."""
    return f"refund:{refund_id}"


def conflict_transfer_id(conflict_id: int, step: ConflictStep) -> str:
    """One transfer of a coordinator's settlement of a conflict."""
    return f"conflict:{conflict_id}:{step}"


def conflict_reference(conflict_id: int) -> str:
    """The reference every transfer settling a conflict carries."""
    return f"conflict:{conflict_id}"
