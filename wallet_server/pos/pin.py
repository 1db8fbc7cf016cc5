"""Paying by public id and PIN at a till, for participants without a smartphone (online only).

Five wrong PINs in a row lock PIN payments until a coordinator unlocks them; the failure is
recorded even though the request is refused (`PinError.persist`). The amount is checked first,
against a cap of its own: a wrong amount never costs nor tells anything about a PIN, and a
guessed PIN pays at most the cap.
"""

import re
from collections.abc import Mapping
from datetime import datetime
from typing import ClassVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet_server import clock
from wallet_server.config import TillSettings
from wallet_server.ledger import TransferRequest, lock_accounts, transfer
from wallet_server.participants.models import Participant, ParticipantStatus
from wallet_server.pos.models import PosDevice, Redemption
from wallet_server.pos.redemption import (
    Receipt,
    approved_shop,
    receipt_of,
    replayed,
    request_digest,
)
from wallet_server.public_ids import normalize_public_id
from wallet_server.refusals import Refusal
from wallet_server.settlement import payment_transfer_id

PIN_ATTEMPTS = 5
_PIN = re.compile(r"\d{4,6}")
_hasher = PasswordHasher()


class PinError(Refusal):
    STATUS: ClassVar[Mapping[str, int]] = {
        "wrong_pin": 403,
        "participant_not_active": 403,
        "participant_not_found": 404,
        "pin_locked": 423,
    }


class WrongPin(PinError):
    #: keep what the service wrote (the failure count) although the request is refused
    persist = True


def set_pin(participant: Participant, pin: str) -> None:
    if not _PIN.fullmatch(pin):
        raise PinError("invalid_pin_format")
    participant.pin_hash = _hasher.hash(pin)
    participant.pin_failures = 0


def unlock_pin(participant: Participant) -> None:
    participant.pin_failures = 0


def check_pin_amount(amount_cents: int, max_cents: int) -> None:
    """A PIN payment is whole cents above zero, at most `max_cents`."""
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or amount_cents <= 0:
        raise PinError("invalid_amount")
    if amount_cents > max_cents:
        raise PinError("pin_payment_over_limit", max_cents=max_cents)


def find_participant(session: Session, public_id: str, *, lock: bool = False) -> Participant:
    try:
        normalized = normalize_public_id(public_id)
    except ValueError:
        raise PinError("participant_not_found") from None
    query = select(Participant).where(Participant.public_id == normalized)
    found = session.scalar(query.with_for_update(key_share=True) if lock else query)
    if found is None:
        raise PinError("participant_not_found")
    return found


def pay_by_pin(
    session: Session,
    device: PosDevice,
    *,
    redemption_id: str,
    public_id: str,
    pin: str,
    amount_cents: int,
    max_cents: int = TillSettings.pin_payment_max_cents,
    now: datetime | None = None,
) -> Receipt:
    now = now or clock.now()
    shop = approved_shop(session, device)
    # The PIN is not part of the digest: a retry carries the same PIN, and we keep no copy.
    digest = request_digest(
        device.id,
        {"pin_payment": True, "public_id": public_id.upper(), "amount_cents": amount_cents},
    )
    if (receipt := replayed(session, redemption_id, digest, shop)) is not None:
        return receipt
    check_pin_amount(amount_cents, max_cents)  # before anything about the participant or PIN
    participant = find_participant(session, public_id, lock=True)
    if participant.status != ParticipantStatus.ACTIVE.value:
        raise PinError("participant_not_active")
    if participant.pin_hash is None:
        raise PinError("pin_not_set")
    if participant.pin_failures >= PIN_ATTEMPTS:
        raise PinError("pin_locked")
    try:
        _hasher.verify(participant.pin_hash, pin)
    except (VerificationError, InvalidHashError):
        participant.pin_failures += 1
        session.flush()
        remaining = PIN_ATTEMPTS - participant.pin_failures
        raise WrongPin(
            "pin_locked" if remaining <= 0 else "wrong_pin", attempts_left=max(remaining, 0)
        ) from None
    participant.pin_failures = 0
    lock_accounts(session, [participant.account_id, shop.account_id])
    if (receipt := replayed(session, redemption_id, digest, shop)) is not None:
        return receipt
    transfer(
        session,
        TransferRequest(
            id=payment_transfer_id(redemption_id),
            debit_account_id=participant.account_id,
            credit_account_id=shop.account_id,
            amount=amount_cents,
            kind="payment",
            actor=f"pos:{device.id}",
            reference=redemption_id,
        ),
        now=now,
    )
    redemption = Redemption(
        redemption_id=redemption_id,
        request_digest=digest,
        device_id=device.id,
        shop_id=shop.id,
        participant_id=participant.id,
        token_id=None,
        amount_cents=amount_cents,
        mode="pin",
        status="accepted",
        captured_at=now,
        created_at=now,
    )
    session.add(redemption)
    session.flush()
    return receipt_of(redemption, shop)
