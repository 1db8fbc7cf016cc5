"""Whether this till may accept a pay code while it cannot reach the server (ARCHITECTURE §5).

The rules are `offline_rules`', the very function the server applies when the payment is
synced; this module feeds it what the till knows: its cached keyset and blocklist, its
journal, the limits the server gave it and when it last synced.
"""

from datetime import datetime

from offline_rules import Capture, OfflineLimits, OfflineRefusal, OfflineWindow, judge_offline
from paytoken import Blocklist, Keyset, PaymentClaims, TokenError, unverified_claims
from pos_client.journal import Journal

__all__ = ["OfflineLimits", "OfflineRefusal", "accept_offline"]


def accept_offline(
    token: str,
    amount_cents: int,
    *,
    keyset: Keyset,
    blocklist: Blocklist,
    journal: Journal,
    policy: OfflineLimits,
    last_sync: datetime,
    now: datetime,
    attempt: str | None = None,
) -> PaymentClaims:
    """Return the pay code's claims if the till may take this payment offline, else raise
    OfflineRefusal (the caller journals the payment before showing success). `attempt` is
    the redemption id of this very payment when an unanswered online try journaled it."""
    count, total = journal.offline_since(last_sync)
    return judge_offline(
        Capture(token, amount_cents, captured_at=now),
        received_at=now,
        keyset=keyset,
        blocklist=blocklist,
        limits=policy,
        window=OfflineWindow(since=last_sync, count=count, total_cents=total),
        taken_here=_taken_here(journal, token, attempt),
    )


def _taken_here(journal: Journal, token: str, attempt: str | None) -> bool:
    # The token id only indexes the journal here; `judge_offline` verifies the code itself
    # and refuses a malformed one with its own code.
    try:
        token_id = unverified_claims(token).token_id.hex()
    except TokenError:
        return False
    return journal.token_used(token_id, excluding=attempt)
