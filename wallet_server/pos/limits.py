"""Each till's offline limits and what it last reported (ARCHITECTURE §5).

The limits travel to the till at pairing and at every sync; a till that cannot reach the
server keeps the last ones it received. Together they bound the fund's worst-case loss to
offline double spends, which the console shows.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from offline_rules import OfflineLimits
from wallet_server import clock
from wallet_server.config import TokenSettings
from wallet_server.pos.models import PosDevice


def offline_limits(device: PosDevice, settings: TokenSettings) -> OfflineLimits:
    return OfflineLimits(
        max_amount_cents=device.offline_max_amount_cents,
        max_count=device.offline_max_count,
        max_total_cents=device.offline_max_total_cents,
        max_hours_since_sync=device.offline_max_hours,
        clock_skew_seconds=settings.clock_skew_seconds,
    )


def record_report(
    device: PosDevice,
    *,
    unsynced_count: int,
    unsynced_cents: int,
    synced: bool,
    now: datetime | None = None,
) -> None:
    """What the till said it still holds; `synced` when it has just uploaded its journal."""
    device.unsynced_count = unsynced_count
    device.unsynced_cents = unsynced_cents
    if synced:
        device.last_sync_at = now or clock.now()
        record_contact(device, now=device.last_sync_at)


def record_contact(device: PosDevice, *, now: datetime) -> None:
    """A complete contact (pairing, or a sync that left nothing unsent): the till starts a
    new offline stretch under the limits it is answered with now, and the server will judge
    that stretch's offline payments by these, whatever the limits become meanwhile."""
    device.contact_at = now
    device.contact_max_amount_cents = device.offline_max_amount_cents
    device.contact_max_count = device.offline_max_count
    device.contact_max_total_cents = device.offline_max_total_cents
    device.contact_max_hours = device.offline_max_hours


def worst_case_exposure_cents(session: Session, settings: TokenSettings) -> int:
    """The most all active tills together could accept offline before their next sync: a
    double spend cannot cost the fund more than this."""
    devices = session.scalars(select(PosDevice).where(PosDevice.revoked_at.is_(None)))
    return sum(offline_limits(device, settings).worst_case_cents() for device in devices)
