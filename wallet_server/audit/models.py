from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from wallet_server import clock
from wallet_server.orm import Base


class AuditEntry(Base):
    """One staff action, done or refused: who, what, on what, when, and what it changed.

    Append-only like the ledger: nothing updates or deletes a row.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        CheckConstraint("outcome IN ('done', 'refused')", name="outcome_known"),
        Index("ix_audit_log_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=clock.now)
    #: the username, or "system" / "cli:<name>" outside the console
    actor: Mapped[str] = mapped_column(String(100), index=True)
    role: Mapped[str] = mapped_column(String(16), default="")
    #: dotted verb, e.g. "participant.enroll", "payout.mark_paid"
    action: Mapped[str] = mapped_column(String(60), index=True)
    #: what the action was on, e.g. "participant:P-7KX2-M9QD", "shop:S-…"
    target: Mapped[str] = mapped_column(String(120), default="")
    outcome: Mapped[str] = mapped_column(String(8), default="done")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
