"""The till's API: pairing, redemptions, refunds and PIN payments."""

from typing import Any, cast

from apiflask import APIBlueprint, HTTPTokenAuth
from flask import g
from sqlalchemy import select

from wallet_server import clock
from wallet_server.api.schemas import (
    HeartbeatIn,
    PairIn,
    PairOut,
    PinPaymentIn,
    ReceiptOut,
    RedemptionBatchIn,
    RedemptionBatchOut,
    RedemptionIn,
    RefundIn,
    RefundOut,
    TillOut,
)
from wallet_server.messages import message, messages_for
from wallet_server.pos.limits import offline_limits, record_report
from wallet_server.pos.models import PosDevice, Redemption
from wallet_server.pos.offline_check import CaptureRefused
from wallet_server.pos.pairing import PairingError, device_for_credential, pair_device
from wallet_server.pos.pin import pay_by_pin
from wallet_server.pos.redemption import (
    Receipt,
    RedemptionError,
    RedemptionRequest,
    receipt_of,
    redeem,
)
from wallet_server.pos.refunds import RefundReceipt, refund
from wallet_server.pos.sync import redeem_batch
from wallet_server.shops.models import Shop
from wallet_server.web.errors import error_response
from wallet_server.web.request import db_session, settings
from wallet_server.web.security.rate_limits import PAIRING, PIN_PAYMENT, rate_limited

pos_blueprint = APIBlueprint("pos", __name__)
device_auth = HTTPTokenAuth(
    scheme="Bearer", security_scheme_name="TillDevice", description="A paired till credential"
)


def _verify(credential: str) -> PosDevice | None:
    try:
        return device_for_credential(db_session(), credential)
    except PairingError:
        return None


def _refused(error: Any) -> Any:
    return error_response("device_not_recognized", 401)


device_auth.verify_token(_verify)
device_auth.error_processor(_refused)


def _device() -> PosDevice:
    return cast(PosDevice, device_auth.current_user)


def _till(device: PosDevice) -> dict[str, object]:
    """What a till keeps about itself: refreshed at pairing and at every heartbeat."""

    shop = db_session().get(Shop, device.shop_id)
    assert shop is not None
    return {
        "device_id": device.id,
        "device_name": device.name,
        "shop_public_id": shop.public_id,
        "shop_name": shop.name,
        "server_time": clock.now(),
        "offline_limits": offline_limits(device, settings().tokens),
    }


@pos_blueprint.post("/pair")
@rate_limited(*PAIRING)
@pos_blueprint.input(PairIn, arg_name="body")
@pos_blueprint.output(PairOut, status_code=201)
@pos_blueprint.doc(
    summary="Exchange a one-time pairing code for a device credential", responses=[422, 429]
)
def pair(body: dict[str, str]) -> dict[str, object]:
    paired = pair_device(
        db_session(), body["code"], name=body["name"], max_tills=settings().tills.max_per_shop
    )
    return {**_till(paired.device), "credential": paired.credential}


@pos_blueprint.post("/heartbeat")
@pos_blueprint.auth_required(device_auth)
@pos_blueprint.input(HeartbeatIn, arg_name="body")
@pos_blueprint.output(TillOut)
@pos_blueprint.doc(
    summary="Report what the till still has to sync; get its limits and the server's time"
)
def heartbeat(body: dict[str, Any]) -> dict[str, object]:
    device = _device()
    record_report(
        device,
        unsynced_count=body["unsynced_count"],
        unsynced_cents=body["unsynced_cents"],
        synced=body["synced"],
    )
    return _till(device)


@pos_blueprint.get("/redemptions/<redemption_id>")
@pos_blueprint.auth_required(device_auth)
@pos_blueprint.output(ReceiptOut)
@pos_blueprint.doc(summary="One of this shop's redemptions, by the till's id", responses=[404])
def redemption(redemption_id: str) -> Receipt:
    session = db_session()
    device = _device()
    found = session.scalar(select(Redemption).where(Redemption.redemption_id == redemption_id))
    shop = session.get(Shop, device.shop_id)
    if found is None or shop is None or found.shop_id != shop.id:
        raise RedemptionError("redemption_not_found")
    return receipt_of(found, shop)


@pos_blueprint.post("/redemptions")
@pos_blueprint.auth_required(device_auth)
@pos_blueprint.input(RedemptionIn, arg_name="body")
@pos_blueprint.output(ReceiptOut)
@pos_blueprint.doc(
    summary="Redeem a pay code, exactly once per redemption_id", responses=[403, 409, 422]
)
def redemptions(body: dict[str, Any]) -> Receipt:
    try:
        return redeem(
            db_session(), _device(), RedemptionRequest(**body), settings=settings().tokens
        )
    except CaptureRefused:
        g.commit_refusal = True  # the refused capture stays on record for coordinators
        raise


@pos_blueprint.post("/redemptions/batch")
@pos_blueprint.auth_required(device_auth)
@pos_blueprint.input(RedemptionBatchIn, arg_name="body")
@pos_blueprint.output(RedemptionBatchOut)
@pos_blueprint.doc(
    summary="Sync journaled redemptions: each accepted, in conflict or rejected on its own",
    responses=[403],
)
def redemption_batch(body: dict[str, Any]) -> dict[str, Any]:
    outcomes = redeem_batch(
        db_session(),
        _device(),
        [RedemptionRequest(**item) for item in body["redemptions"]],
        settings=settings().tokens,
    )
    return {
        "results": [
            {
                "redemption_id": o.redemption_id,
                "status": o.status,
                "receipt": o.receipt,
                "code": o.refusal,
                "message": message(o.refusal, g.lang) if o.refusal else None,
                "messages": messages_for(o.refusal) if o.refusal else None,
            }
            for o in outcomes
        ]
    }


@pos_blueprint.post("/refunds")
@pos_blueprint.auth_required(device_auth)
@pos_blueprint.input(RefundIn, arg_name="body")
@pos_blueprint.output(RefundOut)
@pos_blueprint.doc(
    summary="Refund all or part of one of this shop's payments", responses=[403, 404, 409, 422]
)
def refunds(body: dict[str, Any]) -> RefundReceipt:
    window = settings().tokens.refund_window_days
    return refund(db_session(), _device(), **body, window_days=window)


@pos_blueprint.post("/pin-payments")
@rate_limited(*PIN_PAYMENT)
@pos_blueprint.auth_required(device_auth)
@pos_blueprint.input(PinPaymentIn, arg_name="body")
@pos_blueprint.output(ReceiptOut)
@pos_blueprint.doc(
    summary="Pay with the participant's id and PIN (online only)",
    responses=[403, 404, 409, 422, 423, 429],
)
def pin_payments(body: dict[str, Any]) -> Receipt:
    return pay_by_pin(
        db_session(),
        _device(),
        redemption_id=body["redemption_id"],
        public_id=body["participant_public_id"],
        pin=body["pin"],
        amount_cents=body["amount_cents"],
        max_cents=settings().tills.pin_payment_max_cents,
    )
