import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from wallet_server import clock
from wallet_server.orm import Base


class Role(enum.StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    COMMITTEE = "committee"
    SHOP_MANAGER = "shop_manager"


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role IN ('admin', 'coordinator', 'committee', 'shop_manager')", name="role_known"
        ),
        CheckConstraint("(role = 'shop_manager') = (shop_id IS NOT NULL)", name="manager_has_shop"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(16))
    #: argon2id hash, never the password
    password_hash: Mapped[str] = mapped_column(String(200))
    #: base32 TOTP secret (RFC 6238)
    totp_secret: Mapped[str] = mapped_column(String(64))
    #: last accepted TOTP time step: a code is accepted once, so an observed code is useless
    totp_last_step: Mapped[int] = mapped_column(default=0)
    shop_id: Mapped[int | None] = mapped_column(ForeignKey("shops.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


class ApiSession(Base):
    """A bearer token handed out at login; only its SHA-256 is stored."""

    __tablename__ = "api_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    expires_at: Mapped[datetime] = mapped_column()
