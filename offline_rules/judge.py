"""Whether an offline capture is one the till could honestly have accepted."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from offline_rules.limits import OfflineLimits
from paytoken import Blocklist, Keyset, PaymentClaims, TokenError, verify_token


class OfflineRefusal(Exception):
    """An offline payment the till must not take (or the server must not pay): `code` is the
    stable refusal code the cashier screen and the API word."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)


@dataclass(frozen=True)
class Capture:
    """One payment a till accepts offline: the code, the amount, and when it says it took it
    (the till's own clock; on the server, whatever the till sent)."""

    token: str
    amount_cents: int
    captured_at: datetime


@dataclass(frozen=True)
class OfflineWindow:
    """The till's offline stretch the capture belongs to.

    `since` is its last complete contact with the server (the till: its last full sync; the
    server: the last synced heartbeat or the pairing it recorded), and `count` and
    `total_cents` what it has already taken offline since then, this capture excluded.
    """

    since: datetime
    count: int = 0
    total_cents: int = 0


def judge_offline(
    capture: Capture,
    *,
    received_at: datetime,
    keyset: Keyset,
    blocklist: Blocklist,
    limits: OfflineLimits,
    window: OfflineWindow,
    taken_here: bool,
) -> PaymentClaims:
    """The pay code's claims if the capture is acceptable offline, else `OfflineRefusal`.

    Checks, in this order: the capture's time against the clocks (not after `received_at`,
    not before the window opened, not past the hours a till may stay offline), the code
    itself at the moment of capture (structure, key, signature, validity with the clock-skew
    allowance, the blocklist the till had), that it allows offline use, that it was not taken
    here before (`taken_here`: on this till for the till, at this shop for the server), its
    cap, then the till's limits: per payment, and count and total within the window.
    `received_at` is the till's now when it accepts, the server's now when it is synced.
    """
    skew = timedelta(seconds=limits.clock_skew_seconds)
    if capture.captured_at > received_at + skew:
        raise OfflineRefusal("captured_in_future")
    if capture.captured_at < window.since - skew:
        raise OfflineRefusal("captured_before_contact")
    if capture.captured_at - window.since > timedelta(hours=limits.max_hours_since_sync):
        raise OfflineRefusal("offline_too_long")
    try:
        claims = verify_token(
            capture.token,
            keyset,
            now=capture.captured_at,
            blocklist=blocklist,
            clock_skew=limits.clock_skew_seconds,
        )
    except TokenError as error:
        raise OfflineRefusal(error.code) from None
    if not claims.offline_allowed:
        raise OfflineRefusal("token_online_only")
    if taken_here:
        raise OfflineRefusal("token_already_used")
    amount = capture.amount_cents
    if amount <= 0 or amount > claims.cap_cents:
        raise OfflineRefusal("amount_exceeds_cap")
    if amount > limits.max_amount_cents:
        raise OfflineRefusal("offline_limit")
    if window.count + 1 > limits.max_count or window.total_cents + amount > limits.max_total_cents:
        raise OfflineRefusal("offline_limit")
    return claims
