from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from wallet_server import clock
from wallet_server.one_time_codes import OneTimeCode
from wallet_server.orm import Base


class PosDevice(Base):
    __tablename__ = "pos_devices"
    __table_args__ = (
        CheckConstraint(
            "offline_max_amount_cents >= 0 AND offline_max_count >= 0"
            " AND offline_max_total_cents >= 0 AND offline_max_hours >= 0",
            name="offline_limits_non_negative",
        ),
        CheckConstraint("unsynced_count >= 0 AND unsynced_cents >= 0", name="unsynced_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    #: SHA-256 of the device's bearer credential; the credential itself is never stored
    credential_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    revoked_at: Mapped[datetime | None] = mapped_column()
    last_seen_at: Mapped[datetime | None] = mapped_column()
    #: offline limits this till receives at pairing and at each sync (ARCHITECTURE §5): they bound
    #: what a double spend across offline tills can cost the fund
    offline_max_amount_cents: Mapped[int] = mapped_column(BigInteger, default=5_000)
    offline_max_count: Mapped[int] = mapped_column(default=20)
    offline_max_total_cents: Mapped[int] = mapped_column(BigInteger, default=50_000)
    offline_max_hours: Mapped[int] = mapped_column(default=48)
    #: when the till last synced its journal, and what it reported still to send then
    last_sync_at: Mapped[datetime | None] = mapped_column()
    unsynced_count: Mapped[int] = mapped_column(default=0)
    unsynced_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    #: its last complete contact (pairing, or a sync that left nothing unsent) and the offline
    #: limits it was given then: the server judges the offline payments it takes until the
    #: next one by these, never by what the till asserts (ARCHITECTURE §5)
    contact_at: Mapped[datetime | None] = mapped_column()
    contact_max_amount_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    contact_max_count: Mapped[int] = mapped_column(default=0)
    contact_max_total_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    contact_max_hours: Mapped[int] = mapped_column(default=0)
    #: the highest blocklist cursor served to it: every entry up to it, the till knew of
    blocklist_cursor: Mapped[int] = mapped_column(BigInteger, default=0)


class PairingCode(OneTimeCode, Base):
    """A one-time code a coordinator or shop manager gives to a new till; 15 minutes."""

    __tablename__ = "pairing_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"))
    created_by: Mapped[str] = mapped_column(String(100))
    #: a shop manager's code: it pairs a till only while the shop has fewer active tills than
    #: its maximum (each till adds its offline limits to what a double spend can cost); the
    #: fund's staff's codes, and the operator's, may pair more
    within_till_limit: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


class Redemption(Base):
    """A payment at a till, by pay code (online or offline) or by PIN."""

    __tablename__ = "redemptions"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        # a shop is paid at most once for one pay code, whichever of its tills took it
        UniqueConstraint("shop_id", "token_id", name="uq_redemptions_shop_token"),
        CheckConstraint("mode IN ('online', 'offline', 'pin')", name="mode_known"),
        CheckConstraint("status IN ('accepted', 'conflict')", name="status_known"),
    )

    #: sequential: also the receipt number
    id: Mapped[int] = mapped_column(primary_key=True)
    #: chosen by the POS and journaled before sending: retries are safe
    redemption_id: Mapped[str] = mapped_column(String(64), unique=True)
    #: SHA-256 of the request as first received: a retry with another body is refused
    request_digest: Mapped[str] = mapped_column(String(64))
    device_id: Mapped[int] = mapped_column(ForeignKey("pos_devices.id"), index=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    token_id: Mapped[str | None] = mapped_column(String(32), index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    mode: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(12))
    captured_at: Mapped[datetime] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


class Refund(Base):
    __tablename__ = "refunds"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    refund_id: Mapped[str] = mapped_column(String(64), unique=True)
    redemption_id: Mapped[int] = mapped_column(ForeignKey("redemptions.id"), index=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("pos_devices.id"))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


class Conflict(Base):
    """An offline payment the server honoured although the token was no longer good."""

    __tablename__ = "conflicts"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'recovering', 'resolved')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    redemption_id: Mapped[int] = mapped_column(ForeignKey("redemptions.id"), unique=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    #: why: "double_spend" or "hold_released"
    reason: Mapped[str] = mapped_column(String(20))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(10), default="open")
    #: "written_off", "recovered" (from the next allocation) or "repaid"
    resolution: Mapped[str] = mapped_column(String(200), default="")
    resolved_by: Mapped[str | None] = mapped_column(String(100))
    resolved_at: Mapped[datetime | None] = mapped_column()
    #: the transfer that settled it, if one did (a write-off: conflicts → wallet)
    resolution_transfer_id: Mapped[str | None] = mapped_column(ForeignKey("transfers.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


class RefusedCapture(Base):
    """An offline payment a till synced that an honest till could not have accepted: beyond
    the limits the server gave it, dated outside its offline stretch, a code it knew was
    revoked or had already taken at this shop. Never paid; open until a coordinator looks
    into it, and meanwhile held back from the shop's payouts."""

    __tablename__ = "refused_captures"
    __table_args__ = (CheckConstraint("status IN ('open', 'resolved')", name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the till's id for the payment: a retried sync gets the same refusal
    redemption_id: Mapped[str] = mapped_column(String(64), unique=True)
    request_digest: Mapped[str] = mapped_column(String(64))
    device_id: Mapped[int] = mapped_column(ForeignKey("pos_devices.id"), index=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"), index=True)
    #: the pay code's id, when the code could be read at all
    token_id: Mapped[str | None] = mapped_column(String(32))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    captured_at: Mapped[datetime] = mapped_column()
    #: the refusal code the till was answered (offline_limit, captured_before_contact, …)
    code: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10), default="open")
    resolution: Mapped[str] = mapped_column(String(200), default="")
    resolved_by: Mapped[str | None] = mapped_column(String(100))
    resolved_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
