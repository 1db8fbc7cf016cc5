import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from wallet_server import clock
from wallet_server.orm import Base

#: the committee's default scale, in cents a month, level 1 first
DEFAULT_TIERS_CENTS = (100, 500, 1000, 2000, 4000, 6000, 8000, 10000, 15000)


class PaymentMethod(enum.StrEnum):
    CASH = "cash"
    BANK_TRANSFER = "bank_transfer"


class ContributionScale(Base):
    """A version of the tier scale, in force from `effective_month` until a later one."""

    __tablename__ = "contribution_scales"

    id: Mapped[int] = mapped_column(primary_key=True)
    effective_month: Mapped[str] = mapped_column(String(7), index=True)
    decided_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


class ContributionTier(Base):
    __tablename__ = "contribution_tiers"
    __table_args__ = (
        UniqueConstraint("scale_id", "level"),
        CheckConstraint("monthly_cents > 0", name="amount_positive"),
        CheckConstraint("level >= 1", name="level_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scale_id: Mapped[int] = mapped_column(ForeignKey("contribution_scales.id"))
    level: Mapped[int] = mapped_column()
    monthly_cents: Mapped[int] = mapped_column(BigInteger)


class ContributionPayment(Base):
    __tablename__ = "contribution_payments"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint("method IN ('cash', 'bank_transfer')", name="method_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    method: Mapped[str] = mapped_column(String(16))
    paid_on: Mapped[date] = mapped_column()
    transfer_id: Mapped[str] = mapped_column(ForeignKey("transfers.id"), unique=True)
    recorded_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


class Subsidy(Base):
    """Euros from a funder (city, département, foundation) into the reserve."""

    __tablename__ = "subsidies"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    funder: Mapped[str] = mapped_column(String(200))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    received_on: Mapped[date] = mapped_column()
    transfer_id: Mapped[str] = mapped_column(ForeignKey("transfers.id"), unique=True)
    recorded_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
