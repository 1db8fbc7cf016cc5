"""Claiming a one-time code (a till's pairing code, a phone's activation code): found by its
hash, locked, refused if used or expired, then marked used, all in the caller's transaction."""

from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet_server.credentials import digest, normalize_code
from wallet_server.participants.models import ActivationCode
from wallet_server.pos.models import PairingCode

CodeRow = TypeVar("CodeRow", ActivationCode, PairingCode)


def claim_code(session: Session, model: type[CodeRow], code: str, now: datetime) -> CodeRow | None:
    """The code's row, now marked used; None if it is unknown, used already or expired."""
    found = session.scalar(
        select(model).where(model.code_hash == digest(normalize_code(code))).with_for_update()
    )
    if found is None or found.used_at is not None or found.expires_at <= now:
        return None
    found.used_at = now
    return found
