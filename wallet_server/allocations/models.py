import enum
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from wallet_server import clock
from wallet_server.orm import Base


class AllocationMode(enum.StrEnum):
    #: every wallet receives the amount
    ADD = "add"
    #: every wallet is brought up to the amount (never down)
    TOP_UP_TO = "top_up_to"


class AllocationPolicy(Base):
    """One committee decision, in force from `effective_month` until a later one."""

    __tablename__ = "allocation_policies"
    __table_args__ = (
        CheckConstraint("amount_cents >= 0", name="amount_not_negative"),
        CheckConstraint("extra_member_cents >= 0", name="extra_not_negative"),
        CheckConstraint(
            "carry_over_cap_cents IS NULL OR carry_over_cap_cents >= 0", name="cap_not_negative"
        ),
        CheckConstraint("mode IN ('add', 'top_up_to')", name="mode_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    effective_month: Mapped[str] = mapped_column(String(7), index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger, default=10000)
    #: added for each household member beyond the first
    extra_member_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    mode: Mapped[str] = mapped_column(String(12), default=AllocationMode.ADD.value)
    #: what a wallet may carry into the new month; the excess returns to the reserve
    carry_over_cap_cents: Mapped[int | None] = mapped_column(BigInteger)
    decided_by: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


class RunStatus(enum.StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class AllocationRun(Base):
    __tablename__ = "allocation_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("allocation_policies.id"))
    actor: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(12), default=RunStatus.RUNNING.value)
    participants: Mapped[int] = mapped_column(default=0)
    allocated: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    total_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    reclaimed_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    started_at: Mapped[datetime] = mapped_column(default=clock.now)
    finished_at: Mapped[datetime | None] = mapped_column()


class Allocation(Base):
    """One wallet's allocation for one month: the row that makes a month's run idempotent."""

    __tablename__ = "allocations"
    __table_args__ = (UniqueConstraint("month", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("allocation_runs.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    reclaimed_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
