"""Redeeming a pay code at a till, exactly once (ARCHITECTURE §5).

Online: the hold is posted for the amount and the rest released. Offline, synced later: a
payment that was valid when the till accepted it is always paid to the shop; if the token
was meanwhile used elsewhere or its hold released, the wallet is charged directly (below zero
if it must: the only path that may) and a conflict opens for coordinators.
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from offline_rules import OfflineRefusal
from paytoken import Keyset, PaymentClaims, TokenError, verify_token
from wallet_server import clock
from wallet_server.config import TokenSettings
from wallet_server.fund import FundAccount, fund_account
from wallet_server.ledger import (
    OpenHold,
    TransferRequest,
    expiry_void_id,
    lock_accounts,
    post_hold,
    transfer,
    void_hold,
)
from wallet_server.participants.models import Participant
from wallet_server.pos.models import Conflict, PosDevice, Redemption
from wallet_server.pos.offline_check import (
    CaptureRefused,
    TillStretch,
    judge_capture,
    lock_till_and_shop,
    record_refusal,
    refused_before,
    till_stretch,
)
from wallet_server.refusals import Refusal
from wallet_server.settlement import hold_expiry, payment_transfer_id, redemption_transfer_id
from wallet_server.shops.models import Shop, ShopStatus
from wallet_server.tokens.blocklist import blocklist_for
from wallet_server.tokens.models import IssuedToken
from wallet_server.tokens.operations import all_keys

Mode = Literal["online", "offline"]


class RedemptionError(Refusal):
    """A refused redemption; a pay code's own refusals (`paytoken.TokenError`, which knows
    nothing of the server) are raised again as this, with their code."""

    STATUS: ClassVar[Mapping[str, int]] = {
        "shop_not_approved": 403,
        "redemption_not_found": 404,
        "idempotency_conflict": 409,
        "token_already_used": 409,
    }


@dataclass(frozen=True)
class RedemptionRequest:
    redemption_id: str
    token: str
    amount_cents: int
    captured_at: datetime
    mode: Mode


@dataclass(frozen=True)
class Receipt:
    receipt_number: str
    redemption_id: str
    amount_cents: int
    status: str
    mode: str
    captured_at: datetime


def request_digest(device_id: int, fields: dict[str, object]) -> str:
    canonical = json.dumps({"device": device_id, **fields}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def redemption_digest(device_id: int, request: "RedemptionRequest") -> str:
    # The mode is left out: a till whose online attempt timed out accepts the same payment
    # offline and syncs it later; if the first attempt did reach us, that is a retry.
    return request_digest(
        device_id,
        {
            "token": request.token,
            "amount_cents": request.amount_cents,
            "captured_at": request.captured_at.isoformat(),
        },
    )


def receipt_of(redemption: Redemption, shop: Shop) -> Receipt:
    return Receipt(
        receipt_number=f"{shop.public_id}-{redemption.id:07d}",
        redemption_id=redemption.redemption_id,
        amount_cents=redemption.amount_cents,
        status=redemption.status,
        mode=redemption.mode,
        captured_at=redemption.captured_at,
    )


def approved_shop(session: Session, device: PosDevice) -> Shop:
    shop = session.get(Shop, device.shop_id)
    if shop is None or shop.status != ShopStatus.APPROVED.value:
        raise RedemptionError("shop_not_approved")
    return shop


def replayed(session: Session, redemption_id: str, digest: str, shop: Shop) -> Receipt | None:
    """The stored answer for a retried request, or None; another body under the same id is
    refused."""
    previous = session.scalar(select(Redemption).where(Redemption.redemption_id == redemption_id))
    if previous is None:
        return None
    if previous.request_digest != digest:
        raise RedemptionError("idempotency_conflict")
    return receipt_of(previous, shop)


def redeem(
    session: Session,
    device: PosDevice,
    request: RedemptionRequest,
    *,
    settings: TokenSettings,
    now: datetime | None = None,
) -> Receipt:
    """Redeem a pay code at `device`'s shop, exactly once per `redemption_id`.

    `now` (default: the clock) is the instant the server judges the request at, and the one
    it dates what it records by: the ledger's transfers, the redemption, any conflict.
    """
    now = now or clock.now()
    digest = redemption_digest(device.id, request)
    shop = approved_shop(session, device)
    if (receipt := replayed(session, request.redemption_id, digest, shop)) is not None:
        return receipt
    if request.mode == "offline":
        claims = judged_offline(session, device, shop, request, settings=settings, now=now)
    else:
        claims = _verified_claims(session, request, settings, now)
    if request.amount_cents > claims.cap_cents:
        raise RedemptionError("amount_exceeds_cap")
    issued = session.get(IssuedToken, claims.token_id.hex())
    if issued is None:
        raise RedemptionError("unknown_token")
    participant = session.get(Participant, issued.participant_id)
    assert participant is not None
    clearing = fund_account(session, FundAccount.CLEARING)
    lock_accounts(session, [clearing.id, issued.account_id, shop.account_id])
    # Under the locks: a concurrent retry of this redemption has committed by now, if at all.
    if (receipt := replayed(session, request.redemption_id, digest, shop)) is not None:
        return receipt

    reference = f"{request.redemption_id}"
    hold_open = session.get(OpenHold, issued.hold_id) is not None
    conflict_reason: str | None = None
    if hold_open and now < hold_expiry(issued.expires_at, settings):
        post_hold(
            session,
            issued.hold_id,
            transfer_id=redemption_transfer_id(request.redemption_id),
            amount=request.amount_cents,
            actor=f"pos:{device.id}",
            reference=reference,
            now=now,
        )
        _settle(session, clearing.id, shop.account_id, request, device, now)
    else:
        used_before = (
            session.scalar(
                select(Redemption.id).where(Redemption.token_id == issued.token_id).limit(1)
            )
            is not None
        )
        if request.mode == "online":
            raise RedemptionError("token_already_used" if used_before else "token_expired")
        if hold_open:  # past its grace: release it as the sweep would, then charge directly
            void_hold(
                session,
                issued.hold_id,
                transfer_id=expiry_void_id(issued.hold_id),
                actor="system:sweep",
                kind="hold_expiry",
                now=now,
            )
        conflict_reason = _charge_directly(
            session, issued.account_id, shop.account_id, request, device, used_before, now
        )
    redemption = Redemption(
        redemption_id=request.redemption_id,
        request_digest=digest,
        device_id=device.id,
        shop_id=shop.id,
        participant_id=participant.id,
        token_id=issued.token_id,
        amount_cents=request.amount_cents,
        mode=request.mode,
        status="conflict" if conflict_reason else "accepted",
        captured_at=request.captured_at,
        created_at=now,
    )
    session.add(redemption)
    session.flush()
    if conflict_reason:
        session.add(
            Conflict(
                redemption_id=redemption.id,
                participant_id=participant.id,
                reason=conflict_reason,
                amount_cents=request.amount_cents,
                created_at=now,
            )
        )
        session.flush()
    return receipt_of(redemption, shop)


def judged_offline(
    session: Session,
    device: PosDevice,
    shop: Shop,
    request: RedemptionRequest,
    *,
    settings: TokenSettings,
    now: datetime,
    stretch: TillStretch | None = None,
) -> PaymentClaims:
    """The claims of an offline capture its till could honestly have accepted (see
    pos.offline_check); otherwise the refusal is recorded for coordinators and raised as
    `CaptureRefused`, which the caller commits. A retried refusal gets the same answer."""
    digest = redemption_digest(device.id, request)
    previous = refused_before(session, request.redemption_id)
    if previous is not None:
        if previous.request_digest != digest:
            raise RedemptionError("idempotency_conflict")
        raise CaptureRefused(previous.code)
    if stretch is None:
        lock_till_and_shop(session, device, shop)
        stretch = till_stretch(session, device, settings)
    try:
        return judge_capture(
            session,
            shop,
            stretch,
            token=request.token,
            amount_cents=request.amount_cents,
            captured_at=request.captured_at,
            now=now,
        )
    except OfflineRefusal as refusal:
        record_refusal(
            session,
            device,
            redemption_id=request.redemption_id,
            digest=digest,
            token=request.token,
            amount_cents=request.amount_cents,
            captured_at=request.captured_at,
            code=refusal.code,
            now=now,
        )
        raise CaptureRefused(refusal.code) from None


def _verified_claims(
    session: Session, request: RedemptionRequest, settings: TokenSettings, now: datetime
) -> PaymentClaims:
    claims = verified_claims(request, all_keys(session), settings, now)
    try:
        blocklist_for(session, claims).check(claims)
    except TokenError as error:
        raise RedemptionError(error.code) from None
    return claims


def judged_at(request: RedemptionRequest, now: datetime) -> datetime:
    """An offline payment is judged as the till judged it, when it accepted it."""
    return request.captured_at if request.mode == "offline" else now


def verified_claims(
    request: RedemptionRequest, keyset: Keyset, settings: TokenSettings, now: datetime
) -> PaymentClaims:
    """The token's own checks (signature, key, time window, offline use), blocklist aside."""
    if request.mode == "offline" and request.captured_at > now + timedelta(
        seconds=settings.clock_skew_seconds
    ):
        raise RedemptionError("captured_in_future")
    try:
        claims = verify_token(
            request.token,
            keyset,
            now=judged_at(request, now),
            clock_skew=settings.clock_skew_seconds,
        )
    except TokenError as error:
        raise RedemptionError(error.code) from None
    if request.mode == "offline" and not claims.offline_allowed:
        raise RedemptionError("token_online_only")
    return claims


def _settle(
    session: Session,
    clearing_id: int,
    shop_account_id: int,
    request: RedemptionRequest,
    device: PosDevice,
    now: datetime,
) -> None:
    transfer(
        session,
        TransferRequest(
            id=payment_transfer_id(request.redemption_id),
            debit_account_id=clearing_id,
            credit_account_id=shop_account_id,
            amount=request.amount_cents,
            kind="payment",
            actor=f"pos:{device.id}",
            reference=request.redemption_id,
        ),
        now=now,
    )


def _charge_directly(
    session: Session,
    wallet_id: int,
    shop_account_id: int,
    request: RedemptionRequest,
    device: PosDevice,
    used_before: bool,
    now: datetime,
) -> str | None:
    """Pay the shop from the wallet itself; return why a conflict opens, if one does."""
    wallet = lock_accounts(session, [wallet_id])[wallet_id]
    overdraft = request.amount_cents > wallet.available
    transfer(
        session,
        TransferRequest(
            id=payment_transfer_id(request.redemption_id),
            debit_account_id=wallet_id,
            credit_account_id=shop_account_id,
            amount=request.amount_cents,
            kind="payment",
            actor=f"pos:{device.id}",
            reference=request.redemption_id,
            overdraft=overdraft,
        ),
        now=now,
    )
    if used_before:
        return "double_spend"
    return "hold_released" if overdraft else None
