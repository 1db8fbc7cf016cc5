import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from wallet_server.orm import Base, utcnow


class ShopStatus(enum.StrEnum):
    APPLIED = "applied"
    APPROVED = "approved"
    SUSPENDED = "suspended"


#: which status may follow which: a committee decision moves a shop along these edges only
SHOP_TRANSITIONS: dict[ShopStatus, frozenset[ShopStatus]] = {
    ShopStatus.APPLIED: frozenset({ShopStatus.APPROVED}),
    ShopStatus.APPROVED: frozenset({ShopStatus.SUSPENDED}),
    ShopStatus.SUSPENDED: frozenset({ShopStatus.APPROVED}),
}


class Shop(Base):
    __tablename__ = "shops"
    __table_args__ = (
        CheckConstraint("status IN ('applied', 'approved', 'suspended')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12), default=ShopStatus.APPLIED.value)
    address: Mapped[str] = mapped_column(String(300), default="")
    #: free text as shown to participants, e.g. "mar.–sam. 9h–19h"
    opening_hours: Mapped[str] = mapped_column(Text, default="")
    #: e.g. ["épicerie", "bio", "producteur"]
    categories: Mapped[list[Any]] = mapped_column(JSON, default=list)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column()
