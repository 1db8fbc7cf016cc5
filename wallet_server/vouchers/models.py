from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from wallet_server import clock
from wallet_server.orm import Base


class VoucherSheet(Base):
    """A printed sheet of single-use paper vouchers for a participant without a smartphone."""

    __tablename__ = "voucher_sheets"
    __table_args__ = (
        CheckConstraint("value_cents > 0", name="value_positive"),
        CheckConstraint("count >= 1", name="count_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    value_cents: Mapped[int] = mapped_column(BigInteger)
    count: Mapped[int] = mapped_column()
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    expires_at: Mapped[datetime] = mapped_column()


class Voucher(Base):
    """One voucher on a sheet: a signed offline token whose hold is its value."""

    __tablename__ = "vouchers"
    __table_args__ = (UniqueConstraint("sheet_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("voucher_sheets.id"), index=True)
    #: 1…count, printed on the voucher so a lost one can be named and cancelled
    number: Mapped[int] = mapped_column()
    token_id: Mapped[str] = mapped_column(ForeignKey("issued_tokens.token_id"), unique=True)
    #: the token text as printed: a sheet can be printed again
    token_text: Mapped[str] = mapped_column(String(400))
