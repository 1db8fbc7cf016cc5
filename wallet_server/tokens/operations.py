"""Signing keys, pay code issuance (each guarded by a hold), keyset and blocklist."""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from paytoken import (
    FLAG_OFFLINE,
    KeyEntry,
    Keyset,
    PaymentClaims,
    SigningKey,
    issue_token,
)
from paytoken.keys import raw_public_bytes
from wallet_server import clock
from wallet_server.config import TokenSettings
from wallet_server.fund import FundAccount, fund_account
from wallet_server.ledger import (
    Account,
    LedgerError,
    OpenHold,
    TransferPhase,
    TransferRequest,
    lock_accounts,
    transfer,
)
from wallet_server.participants.models import Participant, ParticipantStatus
from wallet_server.refusals import Refusal
from wallet_server.settlement import hold_expiry, token_hold_id
from wallet_server.tokens.keystore import KeyStore
from wallet_server.tokens.models import IssuedToken, SigningKeyRecord


class TokenIssueError(Refusal):
    STATUS: ClassVar[Mapping[str, int]] = {"participant_not_active": 403, "too_many_tokens": 409}


def rotate_signing_key(
    session: Session, keystore: KeyStore, *, now: datetime | None = None
) -> SigningKeyRecord:
    """Make a new key current. The previous one signs nothing more but stays published for
    verification until the last token it signed has expired (see `published_keyset`)."""
    now = now or clock.now()
    key = SigningKey.generate()
    keystore.save(key)
    for previous in session.scalars(
        select(SigningKeyRecord).where(SigningKeyRecord.valid_until.is_(None))
    ):
        previous.valid_until = now
    record = SigningKeyRecord(
        kid=key.kid.hex(),
        public_key=raw_public_bytes(key.public_key),
        valid_from=now,
        created_at=now,
    )
    session.add(record)
    session.flush()
    return record


def current_signing_key(session: Session, keystore: KeyStore) -> SigningKey:
    record = session.scalar(
        select(SigningKeyRecord)
        .where(SigningKeyRecord.valid_until.is_(None))
        .order_by(SigningKeyRecord.valid_from.desc())
        .limit(1)
    )
    if record is None:
        raise TokenIssueError("no_signing_key")
    return keystore.load(bytes.fromhex(record.kid))


def _entry(record: SigningKeyRecord) -> KeyEntry:
    return KeyEntry(
        public_key=Ed25519PublicKey.from_public_bytes(record.public_key),
        valid_from=record.valid_from,
        valid_until=record.valid_until,
    )


def published_keyset(
    session: Session, settings: TokenSettings, now: datetime | None = None
) -> Keyset:
    """Keys a POS needs: the current one and every retired one whose tokens may still be
    presented (issued before retirement, so expired by retirement + the longest lifetime)."""
    now = now or clock.now()
    # Paper vouchers live far longer than phone codes: a key signs for both.
    longest = max(settings.offline_seconds, settings.voucher_seconds)
    horizon = now - timedelta(seconds=longest + settings.clock_skew_seconds)
    records = session.scalars(
        select(SigningKeyRecord)
        .where((SigningKeyRecord.valid_until.is_(None)) | (SigningKeyRecord.valid_until > horizon))
        .order_by(SigningKeyRecord.valid_from)
    )
    return Keyset(_entry(record) for record in records)


def all_keys(session: Session) -> Keyset:
    """Every key we ever used: the server can judge an old offline payment on sync."""
    return Keyset(_entry(record) for record in session.scalars(select(SigningKeyRecord)))


def keyset_document(keyset: Keyset) -> dict[str, object]:
    """The keyset as served, with a SHA-256 digest of its canonical JSON for pinning."""
    keys = keyset.as_json()
    canonical = json.dumps(keys, sort_keys=True, separators=(",", ":")).encode()
    return {"keys": keys, "digest": hashlib.sha256(canonical).hexdigest()}


@dataclass(frozen=True)
class IssuedPayCode:
    text: str
    claims: PaymentClaims
    #: hex kid of the key that signed it
    kid: str


def draft_pay_code(
    session: Session,
    participant: Participant,
    *,
    signer: SigningKey,
    settings: TokenSettings,
    offline: bool = False,
    now: datetime | None = None,
) -> IssuedPayCode:
    """Sign a pay code for min(available, cap), reading the balance without locking it.

    Signing and drawing the QR take milliseconds of CPU: they happen here, before any lock,
    so that `reserve_pay_code` holds the wallet's lock only for a few statements.
    """
    now = now or clock.now()
    if participant.status != ParticipantStatus.ACTIVE.value:
        raise TokenIssueError("participant_not_active")
    wallet = wallet_account(session, participant)
    _refuse_too_many(session, wallet.id, settings)  # checked again under the lock
    cap = min(wallet.available, settings.cap_cents)
    if cap <= 0:
        raise LedgerError(
            "insufficient_funds", account=wallet.code, available=wallet.available, amount=0
        )
    lifetime = settings.offline_seconds if offline else settings.online_seconds
    issued_at = int(now.timestamp())
    claims = PaymentClaims.new(
        wallet=participant.public_id,
        cap_cents=cap,
        issued_at=issued_at,
        expires_at=issued_at + lifetime,
        flags=FLAG_OFFLINE if offline else 0,
    )
    return IssuedPayCode(issue_token(claims, signer), claims, signer.kid.hex())


def reserve_pay_code(
    session: Session,
    participant: Participant,
    draft: IssuedPayCode,
    *,
    settings: TokenSettings,
    now: datetime | None = None,
) -> IssuedPayCode:
    """Hold the drafted pay code's cap on the wallet and record it; refused, with nothing
    written, if the wallet has meanwhile too little or too many codes outstanding."""
    now = now or clock.now()
    clearing = fund_account(session, FundAccount.CLEARING)
    wallet = lock_accounts(session, [participant.account_id, clearing.id])[participant.account_id]
    _refuse_too_many(session, wallet.id, settings)
    claims = draft.claims
    hold_id = token_hold_id(claims.token_id)
    transfer(
        session,
        TransferRequest(
            id=hold_id,
            debit_account_id=wallet.id,
            credit_account_id=clearing.id,
            amount=claims.cap_cents,
            kind="payment",
            actor=f"participant:{participant.public_id}",
            phase=TransferPhase.PENDING,
            expires_at=hold_expiry(claims.expires, settings),
        ),
        now=now,
    )
    session.add(
        IssuedToken(
            token_id=claims.token_id.hex(),
            participant_id=participant.id,
            account_id=wallet.id,
            kid=draft.kid,
            hold_id=hold_id,
            cap_cents=claims.cap_cents,
            offline=claims.offline_allowed,
            issued_at=now,
            expires_at=claims.expires,
        )
    )
    session.flush()
    return draft


def _refuse_too_many(session: Session, account_id: int, settings: TokenSettings) -> None:
    outstanding = (
        session.scalar(
            select(func.count())
            .select_from(IssuedToken)
            .join(OpenHold, OpenHold.transfer_id == IssuedToken.hold_id)
            # paper vouchers are bounded per sheet, not by the phone's limit
            .where(IssuedToken.account_id == account_id, IssuedToken.kind == "code")
        )
        or 0
    )
    if outstanding >= settings.max_outstanding:
        raise TokenIssueError("too_many_tokens", outstanding=outstanding)


def issue_pay_code(
    session: Session,
    participant: Participant,
    *,
    signer: SigningKey,
    settings: TokenSettings,
    offline: bool = False,
    now: datetime | None = None,
) -> IssuedPayCode:
    """Sign a pay code for up to min(available, cap) and hold that much on the wallet."""
    draft = draft_pay_code(
        session, participant, signer=signer, settings=settings, offline=offline, now=now
    )
    return reserve_pay_code(session, participant, draft, settings=settings, now=now)


def wallet_account(session: Session, participant: Participant) -> Account:
    account = session.get(Account, participant.account_id)
    assert account is not None
    return account
