"""The server's half of the offline guarantee (ARCHITECTURE §5).

A shop is paid for an offline payment that was valid when its till accepted it and within
its limits. "Valid" and "within its limits" are judged here, by `offline_rules` (the very
function the till applies), from the server's own records of that till: its last complete
contact and the limits it was given then, the blocklist entries served to it, and the
offline payments it has synced since. Nothing the till asserts widens that: a till that
back-dates a payment, replays a code or exceeds its limits gets a refusal, recorded as a
`RefusedCapture` for coordinators, and no money.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from offline_rules import Capture, OfflineLimits, OfflineWindow, judge_offline
from paytoken import Blocklist, PaymentClaims, TokenError, unverified_claims
from wallet_server.config import TokenSettings
from wallet_server.pos.models import PosDevice, Redemption, RefusedCapture
from wallet_server.refusals import Refusal
from wallet_server.shops.models import Shop
from wallet_server.tokens.models import BlocklistEntry
from wallet_server.tokens.operations import all_keys


class CaptureRefused(Refusal):
    """An offline payment refused and recorded for coordinators: the caller commits the
    record (the refusal is the answer, not a failure) and answers the till with `code`."""

    STATUS: ClassVar[Mapping[str, int]] = {"token_already_used": 409}


@dataclass
class TillStretch:
    """What the server told one till at its last complete contact, and what the till has
    synced since: the inputs the offline rules judge its next offline payment by."""

    limits: OfflineLimits
    window: OfflineWindow
    blocklist_cursor: int
    #: pay codes already paid at this till's shop, read as the batch goes
    taken_at_shop: set[str] = field(default_factory=set)

    def counted(self, amount_cents: int, token_id: str) -> None:
        """An offline payment just honoured: the next one of the batch counts it."""
        self.window = OfflineWindow(
            self.window.since, self.window.count + 1, self.window.total_cents + amount_cents
        )
        self.taken_at_shop.add(token_id)


def lock_till_and_shop(session: Session, device: PosDevice, shop: Shop) -> None:
    """Serialise the judging of one till's window and of one shop's codes: two cloned tills
    syncing at once must not both fit in the same limits or both be paid for one code.
    (SQLite's BEGIN IMMEDIATE already serialises every writer.)

    FOR NO KEY UPDATE, not FOR UPDATE: a payment being inserted meanwhile takes a key-share
    lock on its shop and till rows (the foreign keys); FOR UPDATE would wait on it while that
    payment waits on wallets this transaction holds, and PostgreSQL would kill one of the two
    as a deadlock (seen as 503s under load)."""
    session.execute(select(Shop.id).where(Shop.id == shop.id).with_for_update(key_share=True))
    # The till's row is locked, not re-read: the captures are judged with the till as it was
    # read when the request authenticated it, the window their date (taken before this lock)
    # belongs to. A synced heartbeat from a copy of the till committing in between opens a
    # new window; judging these captures in it, though they are dated before it, would leave
    # that window whole for the next batch (tests/pos/test_window_race.py).
    session.execute(
        select(PosDevice.id).where(PosDevice.id == device.id).with_for_update(key_share=True)
    )


def till_stretch(session: Session, device: PosDevice, settings: TokenSettings) -> TillStretch:
    since = device.contact_at or device.created_at
    count, total = session.execute(
        select(func.count(), func.coalesce(func.sum(Redemption.amount_cents), 0)).where(
            Redemption.device_id == device.id,
            Redemption.mode == "offline",
            Redemption.created_at > since,
        )
    ).one()
    return TillStretch(
        limits=OfflineLimits(
            max_amount_cents=device.contact_max_amount_cents,
            max_count=device.contact_max_count,
            max_total_cents=device.contact_max_total_cents,
            max_hours_since_sync=device.contact_max_hours,
            clock_skew_seconds=settings.clock_skew_seconds,
        ),
        window=OfflineWindow(since, int(count), int(total)),
        blocklist_cursor=device.blocklist_cursor,
    )


def judge_capture(
    session: Session,
    shop: Shop,
    stretch: TillStretch,
    *,
    token: str,
    amount_cents: int,
    captured_at: datetime,
    now: datetime,
) -> PaymentClaims:
    """The claims of an offline capture this till could honestly have accepted, else
    `OfflineRefusal` with the rules' code."""
    token_id, wallet = _index(token)
    return judge_offline(
        Capture(token, amount_cents, captured_at),
        received_at=now,
        keyset=all_keys(session),
        blocklist=_known_blocklist(session, stretch.blocklist_cursor, token_id, wallet),
        limits=stretch.limits,
        window=stretch.window,
        taken_here=token_id is not None
        and (token_id in stretch.taken_at_shop or _paid_at_shop(session, shop, token_id)),
    )


def record_refusal(
    session: Session,
    device: PosDevice,
    *,
    redemption_id: str,
    digest: str,
    token: str,
    amount_cents: int,
    captured_at: datetime,
    code: str,
    now: datetime,
) -> RefusedCapture:
    refusal = RefusedCapture(
        redemption_id=redemption_id,
        request_digest=digest,
        device_id=device.id,
        shop_id=device.shop_id,
        token_id=_index(token)[0],
        amount_cents=amount_cents,
        captured_at=captured_at,
        code=code,
        created_at=now,
    )
    session.add(refusal)
    session.flush()
    return refusal


def refused_before(session: Session, redemption_id: str) -> RefusedCapture | None:
    return session.scalar(
        select(RefusedCapture).where(RefusedCapture.redemption_id == redemption_id)
    )


def _index(token: str) -> tuple[str | None, str | None]:
    """The code's id and wallet, only to look up what the server knows of it; the rules
    verify the code itself."""
    try:
        claims = unverified_claims(token)
    except TokenError:
        return None, None
    return claims.token_id.hex(), claims.wallet


def _known_blocklist(
    session: Session, cursor: int, token_id: str | None, wallet: str | None
) -> Blocklist:
    """The entries about this code that the till had been served: revocation is judged by
    what it knew, never by a time it reports."""
    blocklist = Blocklist()
    if token_id is None or cursor <= 0:
        return blocklist
    for entry_token, entry_wallet in session.execute(
        select(BlocklistEntry.token_id, BlocklistEntry.wallet).where(
            BlocklistEntry.id <= cursor,
            or_(BlocklistEntry.token_id == token_id, BlocklistEntry.wallet == wallet),
        )
    ):
        if entry_token:
            blocklist.token_ids.add(bytes.fromhex(entry_token))
        if entry_wallet:
            blocklist.wallets.add(entry_wallet)
    return blocklist


def _paid_at_shop(session: Session, shop: Shop, token_id: str) -> bool:
    return (
        session.scalar(
            select(Redemption.id)
            .where(Redemption.shop_id == shop.id, Redemption.token_id == token_id)
            .limit(1)
        )
        is not None
    )
