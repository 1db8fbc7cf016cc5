"""Ledger tables: accounts with their four counters, append-only transfers, open holds."""

import enum
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from wallet_server import clock
from wallet_server.orm import Base


class TransferPhase(enum.StrEnum):
    #: moves money at once
    SINGLE = "single"
    #: reserves money (a hold) until posted, voided or expired
    PENDING = "pending"
    #: settles a pending transfer, in full or in part; the rest is released
    POST = "post"
    #: releases a pending transfer entirely (voided, or expired by the sweep)
    VOID = "void"


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (
        CheckConstraint(
            "debits_posted >= 0 AND credits_posted >= 0 AND debits_pending >= 0"
            " AND credits_pending >= 0",
            name="counters_not_negative",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: stable human-readable name, e.g. "fund:reserve", "wallet:P-7KX2-M9QD", "shop:3"
    code: Mapped[str] = mapped_column(String(64), unique=True)
    #: "fund", "wallet" or "shop"
    kind: Mapped[str] = mapped_column(String(16))
    #: a wallet may not spend what it has not received (except through a recorded overdraft)
    debits_must_not_exceed_credits: Mapped[bool] = mapped_column(default=False)
    debits_posted: Mapped[int] = mapped_column(BigInteger, default=0)  # cents
    credits_posted: Mapped[int] = mapped_column(BigInteger, default=0)  # cents
    debits_pending: Mapped[int] = mapped_column(BigInteger, default=0)  # cents
    credits_pending: Mapped[int] = mapped_column(BigInteger, default=0)  # cents
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    @property
    def available(self) -> int:
        """What the account may still spend: posted credits less posted and pending debits."""
        return self.credits_posted - self.debits_posted - self.debits_pending

    @property
    def balance(self) -> int:
        """Posted balance, credit-normal (a wallet's money, holds included)."""
        return self.credits_posted - self.debits_posted


class Transfer(Base):
    """One balanced movement. Rows are never updated nor deleted; a correction is a new row."""

    __tablename__ = "transfers"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("debit_account_id <> credit_account_id", name="distinct_accounts"),
        CheckConstraint("phase IN ('single', 'pending', 'post', 'void')", name="phase_known"),
        CheckConstraint(
            "(phase IN ('post', 'void')) = (pending_id IS NOT NULL)", name="resolution_has_pending"
        ),
        CheckConstraint("(phase = 'pending') = (expires_at IS NOT NULL)", name="hold_has_expiry"),
        Index("ix_transfers_debit_created", "debit_account_id", "created_at"),
        Index("ix_transfers_credit_created", "credit_account_id", "created_at"),
    )

    #: chosen by the client: the same id twice is one transfer (idempotency)
    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    phase: Mapped[str] = mapped_column(String(8))
    debit_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    credit_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    amount: Mapped[int] = mapped_column(BigInteger)  # cents, > 0
    #: for post and void: the pending transfer they resolve; unique, so a hold resolves once
    pending_id: Mapped[str | None] = mapped_column(ForeignKey("transfers.id"), unique=True)
    #: for pending: when the hold lapses
    expires_at: Mapped[datetime | None] = mapped_column()
    #: domain meaning: allocation, contribution, subsidy, payment, refund, payout, ...
    kind: Mapped[str] = mapped_column(String(32))
    reference: Mapped[str] = mapped_column(String(200), default="")
    actor: Mapped[str] = mapped_column(String(100))
    #: set only on the conflict path that may take a wallet below zero (ARCHITECTURE §5)
    overdraft: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


class OpenHold(Base):
    """Index of pending transfers not yet posted or voided, so the sweep never scans history."""

    __tablename__ = "open_holds"

    transfer_id: Mapped[str] = mapped_column(ForeignKey("transfers.id"), primary_key=True)
    debit_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)
