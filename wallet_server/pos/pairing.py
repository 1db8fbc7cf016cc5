"""Pairing a till: a one-time code (15 minutes) exchanged once for a device credential."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wallet_server import clock
from wallet_server.config import TillSettings
from wallet_server.credentials import digest, new_credential, new_short_code
from wallet_server.one_time_codes import claim_code
from wallet_server.pos.limits import record_contact
from wallet_server.pos.models import PairingCode, PosDevice
from wallet_server.refusals import Refusal
from wallet_server.shops.models import Shop

PAIRING_MINUTES = 15
LAST_SEEN_RESOLUTION = timedelta(minutes=1)


class PairingError(Refusal):
    STATUS: ClassVar[Mapping[str, int]] = {"device_not_recognized": 401, "device_not_found": 404}


@dataclass(frozen=True)
class NewPairingCode:
    code: str
    expires_at: datetime


def create_pairing_code(
    session: Session,
    shop: Shop,
    *,
    actor: str,
    max_tills: int | None = None,
    now: datetime | None = None,
) -> NewPairingCode:
    """A code for a new till of `shop`. With `max_tills` (a shop manager's code), refused when
    the shop already has that many active tills, and the code itself will pair a till only
    while the shop has fewer (`pair_device`); without it (the fund's staff), no maximum."""
    now = now or clock.now()
    if max_tills is not None:
        _refuse_beyond(session, shop.id, max_tills)
    code = new_short_code()
    expires_at = now + timedelta(minutes=PAIRING_MINUTES)
    session.add(
        PairingCode(
            code_hash=digest(code),
            shop_id=shop.id,
            created_by=actor,
            expires_at=expires_at,
            created_at=now,
            within_till_limit=max_tills is not None,
        )
    )
    session.flush()
    return NewPairingCode(code, expires_at)


def active_till_count(session: Session, shop_id: int) -> int:
    return (
        session.scalar(
            select(func.count(PosDevice.id)).where(
                PosDevice.shop_id == shop_id, PosDevice.revoked_at.is_(None)
            )
        )
        or 0
    )


def _refuse_beyond(session: Session, shop_id: int, max_tills: int) -> None:
    # the shop's row is locked first: two codes redeemed at once cannot both see room for one
    session.scalar(select(Shop.id).where(Shop.id == shop_id).with_for_update(key_share=True))
    if active_till_count(session, shop_id) >= max_tills:
        raise PairingError("till_limit_reached", max_tills=max_tills)


@dataclass(frozen=True)
class PairedDevice:
    device: PosDevice
    credential: str


def pair_device(
    session: Session,
    code: str,
    *,
    name: str = "",
    max_tills: int = TillSettings.max_per_shop,
    now: datetime | None = None,
) -> PairedDevice:
    """Exchange a pairing code for a device credential, exactly once.

    A shop manager's code pairs a till only while the shop has fewer than `max_tills` active
    tills, counted now: tills paired since the code was made count too.
    """
    now = now or clock.now()
    pairing = claim_code(session, PairingCode, code, now)
    if pairing is None:
        raise PairingError("invalid_pairing_code")
    if pairing.within_till_limit:
        _refuse_beyond(session, pairing.shop_id, max_tills)
    credential = new_credential()
    device = PosDevice(
        shop_id=pairing.shop_id,
        name=name.strip()[:100],
        credential_hash=digest(credential),
        created_at=now,
        last_seen_at=now,
    )
    session.add(device)
    session.flush()  # the limits' column defaults are set from here on
    record_contact(device, now=now)
    return PairedDevice(device, credential)


def device_for_credential(
    session: Session, credential: str, now: datetime | None = None
) -> PosDevice:
    device = session.scalar(
        select(PosDevice).where(PosDevice.credential_hash == digest(credential))
    )
    if device is None or device.revoked_at is not None:
        raise PairingError("device_not_recognized")
    now = now or clock.now()
    # Seen-at to the minute: rewriting the row on every payment would serialise a till's
    # requests on it for nothing.
    if device.last_seen_at is None or now - device.last_seen_at >= LAST_SEEN_RESOLUTION:
        device.last_seen_at = now
    return device


def device_id_for_credential(session: Session, credential: str) -> int | None:
    """The till a credential names, revoked or not; None for an unknown one. Reads only."""
    return session.scalar(
        select(PosDevice.id).where(PosDevice.credential_hash == digest(credential))
    )


def revoke_device(session: Session, device: PosDevice, now: datetime | None = None) -> None:
    if device.revoked_at is None:
        device.revoked_at = now or clock.now()
        session.flush()
