import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from wallet_server import clock
from wallet_server.one_time_codes import OneTimeCode
from wallet_server.orm import Base


class ParticipantStatus(enum.StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CLOSED = "closed"


class Participant(Base):
    __tablename__ = "participants"
    __table_args__ = (
        CheckConstraint("household_size >= 1", name="household_positive"),
        CheckConstraint("status IN ('active', 'suspended', 'closed')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: pseudonymous id carried by pay tokens, e.g. P-7KX2-M9QD
    public_id: Mapped[str] = mapped_column(String(16), unique=True)
    #: seen by coordinators only, never by shops
    name: Mapped[str | None] = mapped_column(String(200))
    #: phone or e-mail, coordinators only
    contact: Mapped[str | None] = mapped_column(String(200))
    household_size: Mapped[int] = mapped_column(default=1)
    #: level in the contribution scale (1 = smallest contribution)
    contribution_level: Mapped[int | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(12), default=ParticipantStatus.ACTIVE.value)
    #: first month the participant owes a contribution and receives an allocation
    enrolled_month: Mapped[str] = mapped_column(String(7))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), unique=True)
    #: argon2 hash of the PIN for paying at a till without a phone
    pin_hash: Mapped[str | None] = mapped_column(String(200))
    #: wrong PINs in a row; at PIN_ATTEMPTS the PIN is locked until a coordinator unlocks it
    pin_failures: Mapped[int] = mapped_column(default=0, server_default="0")
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


class ActivationCode(OneTimeCode, Base):
    """A one-time code a coordinator gives a participant to bind their phone; 7 days."""

    __tablename__ = "activation_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


class ParticipantDevice(Base):
    """A participant's phone (or other client) bound to their wallet; credential hashed."""

    __tablename__ = "participant_devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    credential_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    revoked_at: Mapped[datetime | None] = mapped_column()
