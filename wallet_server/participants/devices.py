"""A participant's bound devices: the credential a phone (or the PWA) presents to the API."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet_server import clock
from wallet_server.credentials import digest, new_credential
from wallet_server.participants.models import Participant, ParticipantDevice, ParticipantStatus
from wallet_server.refusals import Refusal


class DeviceError(Refusal):
    STATUS: ClassVar[Mapping[str, int]] = {
        "authentication_required": 401,
        "participant_not_active": 403,
    }


@dataclass(frozen=True)
class BoundDevice:
    device: ParticipantDevice
    credential: str


def bind_device(
    session: Session, participant: Participant, *, label: str = "", now: datetime | None = None
) -> BoundDevice:
    credential = new_credential()
    device = ParticipantDevice(
        participant_id=participant.id,
        label=label.strip()[:100],
        credential_hash=digest(credential),
        created_at=now or clock.now(),
    )
    session.add(device)
    session.flush()
    return BoundDevice(device, credential)


def participant_for_credential(session: Session, credential: str) -> Participant:
    row = session.execute(
        select(Participant, ParticipantDevice)
        .join(ParticipantDevice, ParticipantDevice.participant_id == Participant.id)
        .where(ParticipantDevice.credential_hash == digest(credential))
    ).first()
    if row is None or row[1].revoked_at is not None:
        raise DeviceError("authentication_required")
    participant: Participant = row[0]
    if participant.status != ParticipantStatus.ACTIVE.value:
        raise DeviceError("participant_not_active")
    return participant


def revoke_devices(
    session: Session, participant: Participant, *, now: datetime | None = None
) -> int:
    """Revoke every device of a participant (a lost phone); returns how many."""
    now = now or clock.now()
    devices = session.scalars(
        select(ParticipantDevice).where(
            ParticipantDevice.participant_id == participant.id,
            ParticipantDevice.revoked_at.is_(None),
        )
    ).all()
    for device in devices:
        device.revoked_at = now
    session.flush()
    return len(devices)
