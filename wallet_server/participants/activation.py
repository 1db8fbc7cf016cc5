"""Activation: a coordinator's one-time code binds a participant's phone to their wallet.

The code (12 characters, 60 bits, printed on the activation letter) is valid 7 days and
works once; the phone receives a device credential, stored hashed here. The app's PIN never
reaches the server: it only unlocks the credential on the phone.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from sqlalchemy.orm import Session

from wallet_server import clock
from wallet_server.credentials import digest, new_short_code
from wallet_server.one_time_codes import claim_code
from wallet_server.participants.devices import BoundDevice, bind_device
from wallet_server.participants.models import ActivationCode, Participant, ParticipantStatus
from wallet_server.refusals import Refusal

ACTIVATION_DAYS = 7
CODE_LENGTH = 12


class ActivationError(Refusal):
    STATUS: ClassVar[Mapping[str, int]] = {"participant_not_active": 403}


@dataclass(frozen=True)
class NewActivationCode:
    code: str
    expires_at: datetime


def create_activation_code(
    session: Session, participant: Participant, *, actor: str, now: datetime | None = None
) -> NewActivationCode:
    if participant.status != ParticipantStatus.ACTIVE.value:
        raise ActivationError("participant_not_active")
    now = now or clock.now()
    code = new_short_code(CODE_LENGTH)
    expires_at = now + timedelta(days=ACTIVATION_DAYS)
    session.add(
        ActivationCode(
            participant_id=participant.id,
            code_hash=digest(code),
            created_by=actor,
            expires_at=expires_at,
            created_at=now,
        )
    )
    session.flush()
    return NewActivationCode(code, expires_at)


@dataclass(frozen=True)
class Activation:
    participant: Participant
    device: BoundDevice


def activate(
    session: Session, code: str, *, label: str = "", now: datetime | None = None
) -> Activation:
    """Exchange an activation code for a device credential, exactly once."""
    now = now or clock.now()
    found = claim_code(session, ActivationCode, code, now)
    if found is None:
        raise ActivationError("invalid_activation_code")
    participant = session.get(Participant, found.participant_id)
    assert participant is not None
    if participant.status != ParticipantStatus.ACTIVE.value:
        raise ActivationError("participant_not_active")
    return Activation(participant, bind_device(session, participant, label=label or "app"))
