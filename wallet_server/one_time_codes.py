"""Claiming a one-time code (a till's pairing code, a phone's activation code): found by its
hash, locked, refused if used or expired, then marked used, all in the caller's transaction."""

from datetime import datetime
from typing import TypeVar

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from wallet_server.credentials import digest, normalize_code


class OneTimeCode:
    """The columns every model of one-time codes has (a till's pairing code, a phone's
    activation code), mixed into each: this helper serves two slices and names neither's model."""

    #: SHA-256 of the code; the code itself is shown once (on screen or on a printed letter)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()


CodeRow = TypeVar("CodeRow", bound=OneTimeCode)


def claim_code(session: Session, model: type[CodeRow], code: str, now: datetime) -> CodeRow | None:
    """The code's row, now marked used; None if it is unknown, used already or expired."""
    found = session.scalar(
        select(model).where(model.code_hash == digest(normalize_code(code))).with_for_update()
    )
    if found is None or found.used_at is not None or found.expires_at <= now:
        return None
    found.used_at = now
    return found
