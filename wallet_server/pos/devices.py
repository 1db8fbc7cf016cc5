"""A shop's tills as the console shows them, and the offline limits a coordinator sets.

The limits are read from the till's row at every heartbeat and pairing (pos.routes), so a change
reaches the till at its next sync without anything else to do.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from offline_rules import OfflineLimits
from wallet_server import clock
from wallet_server.config import TokenSettings
from wallet_server.pos.limits import offline_limits
from wallet_server.pos.models import PosDevice
from wallet_server.pos.pairing import PairingError
from wallet_server.shops.models import Shop

#: the count column is a 32-bit integer; far beyond any real till anyway
MAX_OFFLINE_COUNT = 10_000
#: per till between two syncs: 10 000 €, far above any real shop's offline day
MAX_OFFLINE_TOTAL_CENTS = 1_000_000
#: a till offline for less than an hour is not "offline": a limit of 0 would make every
#: till silent at once; set the amount or the count to 0 to forbid offline payments
MIN_OFFLINE_HOURS = 1


@dataclass(frozen=True)
class TillStatus:
    id: int
    name: str
    active: bool
    paired_at: datetime
    revoked_at: datetime | None
    last_seen_at: datetime | None
    last_sync_at: datetime | None
    unsynced_count: int
    unsynced_cents: int
    limits: OfflineLimits
    #: active, and not synced for longer than it may stay offline: its payments are at risk
    silent: bool


def shop_tills(
    session: Session, shop: Shop, settings: TokenSettings, *, now: datetime | None = None
) -> list[TillStatus]:
    """The shop's tills, active ones first, each with what it last reported."""
    now = now or clock.now()
    devices = session.scalars(
        select(PosDevice).where(PosDevice.shop_id == shop.id).order_by(PosDevice.id)
    ).all()
    tills = [_status(device, settings, now) for device in devices]
    return sorted(tills, key=lambda till: not till.active)


def _status(device: PosDevice, settings: TokenSettings, now: datetime) -> TillStatus:
    # Pairing hands the till its limits and keyset: it counts as the first sync.
    synced_at = device.last_sync_at or device.created_at
    active = device.revoked_at is None
    return TillStatus(
        id=device.id,
        name=device.name,
        active=active,
        paired_at=device.created_at,
        revoked_at=device.revoked_at,
        last_seen_at=device.last_seen_at,
        last_sync_at=device.last_sync_at,
        unsynced_count=device.unsynced_count,
        unsynced_cents=device.unsynced_cents,
        limits=offline_limits(device, settings),
        silent=active and now - synced_at > timedelta(hours=device.offline_max_hours),
    )


def shop_device(session: Session, shop: Shop, device_id: int) -> PosDevice:
    """One of this shop's tills; another shop's till is as unknown as a missing one."""
    device = session.get(PosDevice, device_id)
    if device is None or device.shop_id != shop.id:
        raise PairingError("device_not_found")
    return device


@dataclass(frozen=True)
class NewOfflineLimits:
    max_amount_cents: int
    max_count: int
    max_total_cents: int
    max_hours_since_sync: int


def set_offline_limits(
    session: Session, device: PosDevice, limits: NewOfflineLimits, settings: TokenSettings
) -> PosDevice:
    """Change a till's offline limits; it receives them at its next heartbeat or sync."""
    if device.revoked_at is not None:
        raise PairingError("device_revoked")
    _check(limits, settings)
    device.offline_max_amount_cents = limits.max_amount_cents
    device.offline_max_count = limits.max_count
    device.offline_max_total_cents = limits.max_total_cents
    device.offline_max_hours = limits.max_hours_since_sync
    session.flush()
    return device


def _check(limits: NewOfflineLimits, settings: TokenSettings) -> None:
    values = (
        limits.max_amount_cents,
        limits.max_count,
        limits.max_total_cents,
        limits.max_hours_since_sync,
    )
    if any(type(value) is not int for value in values):
        raise PairingError("offline_limit_invalid")
    if any(value < 0 for value in values):
        raise PairingError("offline_limit_negative")
    if limits.max_amount_cents > settings.cap_cents:
        raise PairingError("offline_amount_above_cap", cap_cents=settings.cap_cents)
    if limits.max_count > MAX_OFFLINE_COUNT:
        raise PairingError("offline_count_too_high", limit=MAX_OFFLINE_COUNT)
    if limits.max_total_cents > MAX_OFFLINE_TOTAL_CENTS:
        raise PairingError("offline_total_too_high", limit=MAX_OFFLINE_TOTAL_CENTS)
    # Beyond the hold's grace, a payment synced late finds its hold released and opens a
    # conflict even without any double spend.
    max_hours = settings.sync_grace_seconds // 3600
    if not MIN_OFFLINE_HOURS <= limits.max_hours_since_sync <= max_hours:
        raise PairingError(
            "offline_hours_out_of_range", minimum=MIN_OFFLINE_HOURS, maximum=max_hours
        )


def limits_record(device: PosDevice) -> dict[str, int]:
    """The till's limits as the audit log keeps them."""
    return {
        "max_amount_cents": device.offline_max_amount_cents,
        "max_count": device.offline_max_count,
        "max_total_cents": device.offline_max_total_cents,
        "max_hours_since_sync": device.offline_max_hours,
    }
