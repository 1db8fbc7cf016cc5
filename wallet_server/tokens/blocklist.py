"""The blocklist: revoked pay codes and blocked wallets, served to paired tills only.

Each entry's id is the cursor tills sync from. The server remembers, per till, the highest
cursor it served it: an offline payment is judged by what its till knew (ARCHITECTURE §5). An entry
whose code has expired past the sync grace leaves the list tills get (no till can take that
code any more), but stays on the server, which still judges late syncs by it.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from paytoken import Blocklist, PaymentClaims
from wallet_server import clock
from wallet_server.config import TokenSettings
from wallet_server.ledger import run_in_transaction
from wallet_server.ledger.sweeper import sweep_all
from wallet_server.pos.models import PosDevice
from wallet_server.refusals import Refusal
from wallet_server.tokens.models import BlocklistEntry, IssuedToken

PAGE_SIZE = 1000


class BlocklistError(Refusal):
    pass


def revoke(
    session: Session,
    *,
    actor: str,
    token_id: str | None = None,
    wallet: str | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> BlocklistEntry:
    """Blocklist a token or a whole wallet from `now` (default: the clock): tills refuse
    it from their next sync, and the server refuses it online at once."""
    if (token_id is None) == (wallet is None):
        raise BlocklistError("invalid_request")
    expires_at = None
    if token_id is not None:
        expires_at = session.scalar(
            select(IssuedToken.expires_at).where(IssuedToken.token_id == token_id)
        )
    entry = BlocklistEntry(
        token_id=token_id,
        wallet=wallet,
        reason=reason[:200],
        created_by=actor,
        created_at=now or clock.now(),
        expires_at=expires_at,
    )
    session.add(entry)
    session.flush()
    return entry


def serve_blocklist(
    session: Session, device: PosDevice, since: int, limit: int = PAGE_SIZE
) -> list[BlocklistEntry]:
    """The entries after `since` a till still needs, and the record that it now knows them.

    The till knows at least what it says it has (`since`) and what it is sent: claiming a
    lower cursor only earns it more entries, claiming a higher one makes it answer for them.
    """
    entries = list(
        session.scalars(
            select(BlocklistEntry)
            .where(BlocklistEntry.id > since, BlocklistEntry.pruned_at.is_(None))
            .order_by(BlocklistEntry.id)
            .limit(limit)
        )
    )
    known = max([device.blocklist_cursor, since, *(entry.id for entry in entries)])
    if known != device.blocklist_cursor:
        device.blocklist_cursor = known
    return entries


def prune_blocklist(session: Session, settings: TokenSettings, now: datetime | None = None) -> int:
    """Take off the tills' list the codes no till can take any more (expired past the sync
    grace); return how many. Wallet entries stay: they block the wallet's future codes."""
    threshold = (now or clock.now()) - timedelta(seconds=settings.sync_grace_seconds)
    pruned = session.execute(
        update(BlocklistEntry)
        .where(
            BlocklistEntry.pruned_at.is_(None),
            BlocklistEntry.expires_at.is_not(None),
            BlocklistEntry.expires_at < threshold,
        )
        .values(pruned_at=now or clock.now())
        .execution_options(synchronize_session=False)
    )
    return int(pruned.rowcount or 0)  # type: ignore[attr-defined]


def blocklist_for(session: Session, claims: PaymentClaims) -> Blocklist:
    """Every entry revoking this token or its wallet, for a payment judged now (online):
    two indexed look-ups, however long the blocklist grows."""
    blocklist = Blocklist()
    for token_id, wallet in session.execute(
        select(BlocklistEntry.token_id, BlocklistEntry.wallet).where(
            or_(
                BlocklistEntry.token_id == claims.token_id.hex(),
                BlocklistEntry.wallet == claims.wallet,
            )
        )
    ):
        if token_id:
            blocklist.token_ids.add(bytes.fromhex(token_id))
        if wallet:
            blocklist.wallets.add(wallet)
    return blocklist


def sweep_expired(
    session_factory: Callable[[], Session], settings: TokenSettings
) -> tuple[int, int]:
    """Release expired holds, then prune the tills' blocklist: (holds released, entries
    pruned). What `caisse holds sweep` and the server's minute timer run."""
    released = sweep_all(session_factory)
    pruned = run_in_transaction(session_factory, lambda session: prune_blocklist(session, settings))
    return released, pruned
