import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from wallet_server import clock
from wallet_server.orm import Base


class PayoutStatus(enum.StrEnum):
    #: built from the shops' balances; exported files may be downloaded again
    PREPARED = "prepared"
    #: the bank executed it: each line has posted its shop → payouts transfer
    PAID = "paid"
    #: abandoned before payment; its shops may go into a new batch
    CANCELLED = "cancelled"


class PayoutBatch(Base):
    """The euros the fund transfers to shops for what they accepted, up to `period_end`."""

    __tablename__ = "payout_batches"
    __table_args__ = (
        CheckConstraint("status IN ('prepared', 'paid', 'cancelled')", name="status_known"),
        CheckConstraint("total_cents >= 0", name="total_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period_start: Mapped[date] = mapped_column()
    period_end: Mapped[date] = mapped_column()
    status: Mapped[str] = mapped_column(String(12), default=PayoutStatus.PREPARED.value)
    total_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    #: the SEPA message id (MsgId), unique per file the bank receives
    message_id: Mapped[str] = mapped_column(String(35), unique=True)
    execution_date: Mapped[date] = mapped_column()
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    paid_by: Mapped[str | None] = mapped_column(String(100))
    paid_at: Mapped[datetime | None] = mapped_column()


class PayoutLine(Base):
    """One shop's transfer in a batch, with the bank details as they were when exported."""

    __tablename__ = "payout_lines"
    __table_args__ = (
        UniqueConstraint("batch_id", "shop_id"),
        CheckConstraint("amount_cents > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("payout_batches.id"), index=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    iban: Mapped[str] = mapped_column(String(34))
    bic: Mapped[str] = mapped_column(String(11), default="")
    account_holder: Mapped[str] = mapped_column(String(140))
    #: EndToEndId in the SEPA file, and the reference the shop sees on its statement
    end_to_end_id: Mapped[str] = mapped_column(String(35), unique=True)
    #: the shop → payouts transfer posted when the batch is marked paid
    transfer_id: Mapped[str | None] = mapped_column(ForeignKey("transfers.id"), unique=True)
