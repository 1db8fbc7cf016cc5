"""Whether a till may accept a pay code while it cannot reach the server (DESIGN §5).

Checks, in order: the code itself (signature against the cached keyset, expiry with the
clock-skew allowance, the cached blocklist), that the code allows offline use, that this
till has not taken it already, then the offline limits the server set for this till.
Each refusal carries a stable code; the cashier screen words it.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from paytoken import Blocklist, Keyset, PaymentClaims, TokenError, verify_token
from pos_client.journal import Journal


@dataclass(frozen=True)
class OfflinePolicy:
    """Limits the server delivers per till; they bound what a double spend can cost."""

    max_amount_cents: int = 5_000
    max_count: int = 20
    max_total_cents: int = 50_000
    max_hours_since_sync: int = 48
    clock_skew_seconds: int = 300

    def worst_case_cents(self) -> int:
        """The most this till can accept offline between two syncs."""
        return min(self.max_total_cents, self.max_count * self.max_amount_cents)


class OfflineRefusal(Exception):
    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)


def accept_offline(
    token: str,
    amount_cents: int,
    *,
    keyset: Keyset,
    blocklist: Blocklist,
    journal: Journal,
    policy: OfflinePolicy,
    last_sync: datetime,
    now: datetime,
    attempt: str | None = None,
) -> PaymentClaims:
    """Return the pay code's claims if the till may take this payment offline, else raise
    OfflineRefusal (the caller journals the payment before showing success). `attempt` is
    the redemption id of this very payment when an unanswered online try journaled it."""
    if now - last_sync > timedelta(hours=policy.max_hours_since_sync):
        raise OfflineRefusal("offline_too_long")
    try:
        claims = verify_token(
            token, keyset, now=now, blocklist=blocklist, clock_skew=policy.clock_skew_seconds
        )
    except TokenError as error:
        raise OfflineRefusal(error.code) from None
    if not claims.offline_allowed:
        raise OfflineRefusal("token_online_only")
    if journal.token_used(claims.token_id.hex(), excluding=attempt):
        raise OfflineRefusal("token_already_used")
    if amount_cents <= 0 or amount_cents > claims.cap_cents:
        raise OfflineRefusal("amount_exceeds_cap")
    if amount_cents > policy.max_amount_cents:
        raise OfflineRefusal("offline_limit")
    count, total = journal.offline_since(last_sync)
    if count + 1 > policy.max_count or total + amount_cents > policy.max_total_cents:
        raise OfflineRefusal("offline_limit")
    return claims
