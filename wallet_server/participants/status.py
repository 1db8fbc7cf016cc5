"""Suspending and reactivating a participant, and taking a lost phone out of use."""

from datetime import datetime

from sqlalchemy.orm import Session

from wallet_server.participants.devices import revoke_devices
from wallet_server.participants.models import Participant, ParticipantStatus
from wallet_server.participants.operations import EnrollmentError
from wallet_server.tokens.wallet_codes import cancel_code, outstanding_codes

#: which status may follow which; closing is for the end of a participation, kept apart
_TRANSITIONS = {
    ParticipantStatus.ACTIVE: {ParticipantStatus.SUSPENDED},
    ParticipantStatus.SUSPENDED: {ParticipantStatus.ACTIVE},
    ParticipantStatus.CLOSED: set(),
}


def change_status(session: Session, participant: Participant, new: ParticipantStatus) -> None:
    """A suspended participant gets no allocation and no new pay code; what they hold stays."""
    current = ParticipantStatus(participant.status)
    if new not in _TRANSITIONS[current]:
        raise EnrollmentError("invalid_status_change")
    participant.status = new.value
    session.flush()


def take_phones_out_of_use(
    session: Session, participant: Participant, *, now: datetime | None = None
) -> tuple[int, int]:
    """Revoke every phone and cancel the codes they made, so the money they held is free
    again at once instead of after expiry plus grace. Returns (phones, codes cancelled).
    `now` (default: the clock) dates the revocations and the cancellations."""
    phones = revoke_devices(session, participant, now=now)
    codes = 0
    for issued in outstanding_codes(session, participant):
        cancel_code(session, participant, issued.token_id, now=now)
        codes += 1
    return phones, codes
