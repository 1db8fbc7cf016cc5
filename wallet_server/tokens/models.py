from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from wallet_server import clock
from wallet_server.orm import Base


class SigningKeyRecord(Base):
    """A signing key's public half and validity; the private half lives in the key directory."""

    __tablename__ = "signing_keys"

    #: hex of the first 8 bytes of SHA-256 of the raw public key
    kid: Mapped[str] = mapped_column(String(16), primary_key=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    valid_from: Mapped[datetime] = mapped_column()
    #: set when a newer key takes over: this one signs nothing after it
    valid_until: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


class IssuedToken(Base):
    """A pay code handed to a participant, with the hold that guarantees it."""

    __tablename__ = "issued_tokens"

    token_id: Mapped[str] = mapped_column(String(32), primary_key=True)  # hex of 16 bytes
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    kid: Mapped[str] = mapped_column(ForeignKey("signing_keys.kid"))
    hold_id: Mapped[str] = mapped_column(ForeignKey("transfers.id"), unique=True)
    cap_cents: Mapped[int] = mapped_column(BigInteger)
    offline: Mapped[bool] = mapped_column(default=False)
    #: "code" (a phone's pay code, at most max_outstanding) or "voucher" (printed on paper)
    kind: Mapped[str] = mapped_column(String(8), default="code", server_default="code")
    issued_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column()


class BlocklistEntry(Base):
    """A revoked token or a blocked wallet. The id is the cursor POS devices sync from."""

    __tablename__ = "blocklist"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[str | None] = mapped_column(String(32), index=True)
    wallet: Mapped[str | None] = mapped_column(String(16), index=True)
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    #: when the revoked code expires (a wallet's entry: never); past it and the sync grace,
    #: no till can take the code any more and the entry leaves the tills' list
    expires_at: Mapped[datetime | None] = mapped_column()
    #: when it left the tills' list; kept, so that the server still judges offline payments
    #: synced late by what their till knew
    pruned_at: Mapped[datetime | None] = mapped_column()
