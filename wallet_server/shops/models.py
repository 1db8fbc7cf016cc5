import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from wallet_server import clock
from wallet_server.orm import Base


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
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    approved_at: Mapped[datetime | None] = mapped_column()
    #: where reimbursements go; validated with schwifty when set
    iban: Mapped[str] = mapped_column(String(34), default="", server_default="")
    bic: Mapped[str] = mapped_column(String(11), default="", server_default="")
    account_holder: Mapped[str] = mapped_column(String(140), default="", server_default="")
    contact: Mapped[str] = mapped_column(String(200), default="", server_default="")


#: the committee's grid: every decision scores each criterion and says why
CRITERIA = ("quality", "locality", "accessibility")
MIN_SCORE, MAX_SCORE = 0, 5


class ShopDecision(Base):
    """A committee decision on a shop: the status it leads to and the criteria grid."""

    __tablename__ = "shop_decisions"
    __table_args__ = (
        CheckConstraint("decision IN ('approved', 'suspended')", name="decision_known"),
        CheckConstraint(
            "quality_score BETWEEN 0 AND 5 AND locality_score BETWEEN 0 AND 5"
            " AND accessibility_score BETWEEN 0 AND 5",
            name="scores_in_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"), index=True)
    decision: Mapped[str] = mapped_column(String(12))
    decided_on: Mapped[date] = mapped_column()
    quality_score: Mapped[int] = mapped_column()
    quality_comment: Mapped[str] = mapped_column(Text, default="")
    locality_score: Mapped[int] = mapped_column()
    locality_comment: Mapped[str] = mapped_column(Text, default="")
    accessibility_score: Mapped[int] = mapped_column()
    accessibility_comment: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
