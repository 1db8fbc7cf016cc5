"""Coordinator actions around payments: till pairing, PINs, participant devices, revocation."""

from typing import Any, cast

from apiflask import APIBlueprint

from wallet_server.api.audit import audit_done, staff_action
from wallet_server.api.schemas import (
    DeviceCredentialIn,
    DeviceCredentialOut,
    Empty,
    PairingCodeOut,
    PinIn,
    RevokeIn,
    RevokeOut,
)
from wallet_server.api.staff import require_roles, staff_auth
from wallet_server.participants.devices import bind_device, revoke_devices
from wallet_server.pos.models import PosDevice
from wallet_server.pos.pairing import PairingError, create_pairing_code, revoke_device
from wallet_server.pos.pin import find_participant, set_pin, unlock_pin
from wallet_server.shops.models import Shop
from wallet_server.shops.operations import ShopError, find_shop
from wallet_server.tokens.blocklist import BlocklistError, revoke
from wallet_server.users.models import Role, User
from wallet_server.users.operations import AuthError
from wallet_server.web.request import db_session, settings

coordination_blueprint = APIBlueprint("coordination", __name__)
FUND_STAFF = (Role.ADMIN, Role.COORDINATOR)


def _user() -> User:
    return cast(User, staff_auth.current_user)


def _may_manage_shop(shop_id: int) -> None:
    user = _user()
    if user.role in {role.value for role in FUND_STAFF}:
        return
    if user.role == Role.SHOP_MANAGER.value and user.shop_id == shop_id:
        return
    raise AuthError("forbidden")


@coordination_blueprint.post("/shops/<shop_public_id>/pairing-codes")
@coordination_blueprint.auth_required(staff_auth)
@staff_action("till.pairing_code", "shop:{shop_public_id}")
@coordination_blueprint.output(PairingCodeOut, status_code=201)
@coordination_blueprint.doc(
    summary="A one-time code to pair a new till (15 minutes)", responses=[403, 404, 422]
)
def pairing_code(shop_public_id: str) -> dict[str, object]:
    """A shop manager pairs up to the shop's maximum of active tills; the fund's staff, more."""

    session = db_session()
    try:
        shop = find_shop(session, shop_public_id)
    except ShopError:
        raise ShopError("shop_not_found") from None
    _may_manage_shop(shop.id)
    fund_staff = _user().role in {role.value for role in FUND_STAFF}
    created = create_pairing_code(
        session,
        shop,
        actor=f"user:{_user().username}",
        max_tills=None if fund_staff else settings().tills.max_per_shop,
    )
    audit_done(  # the code itself is shown once, to the caller, and kept only hashed
        target=f"shop:{shop.public_id}",
        after={"expires_at": created.expires_at.isoformat(timespec="minutes")},
    )
    return {"code": created.code, "expires_at": created.expires_at}


@coordination_blueprint.post("/pos/devices/<int(max=2147483647):device_id>/revoke")
@coordination_blueprint.auth_required(staff_auth)
@staff_action("till.revoke", "till:{device_id}")
@coordination_blueprint.output(Empty, status_code=200)
@coordination_blueprint.doc(summary="Revoke a till (lost or stolen)", responses=[403, 404])
def revoke_till(device_id: int) -> dict[str, object]:
    session = db_session()
    device = session.get(PosDevice, device_id)
    if device is None:
        raise PairingError("device_not_found")
    _may_manage_shop(device.shop_id)
    before = {"revoked": device.revoked_at is not None, "unsynced_count": device.unsynced_count}
    revoke_device(session, device)
    shop = session.get(Shop, device.shop_id)
    audit_done(before=before, after={"revoked": True, "shop": shop.public_id if shop else ""})
    return {}


@coordination_blueprint.post("/participants/<public_id>/pin")
@coordination_blueprint.auth_required(staff_auth)
@staff_action("participant.pin_set", "participant:{public_id}")
@require_roles(*FUND_STAFF)
@coordination_blueprint.input(PinIn, arg_name="body")
@coordination_blueprint.output(Empty)
@coordination_blueprint.doc(
    summary="Set a participant's PIN for paying without a phone", responses=[403, 404]
)
def participant_pin(public_id: str, body: dict[str, str]) -> dict[str, object]:
    participant = find_participant(db_session(), public_id)
    had_pin = participant.pin_hash is not None
    set_pin(participant, body["pin"])
    audit_done(  # never the PIN itself
        target=f"participant:{participant.public_id}",
        before={"pin_set": had_pin},
        after={"pin_set": True},
    )
    return {}


@coordination_blueprint.post("/participants/<public_id>/pin/unlock")
@coordination_blueprint.auth_required(staff_auth)
@staff_action("participant.pin_unlock", "participant:{public_id}")
@require_roles(*FUND_STAFF)
@coordination_blueprint.output(Empty)
@coordination_blueprint.doc(
    summary="Unlock PIN payments after too many wrong PINs", responses=[403, 404]
)
def participant_pin_unlock(public_id: str) -> dict[str, object]:
    participant = find_participant(db_session(), public_id)
    before = {"pin_failures": participant.pin_failures}
    unlock_pin(participant)
    audit_done(
        target=f"participant:{participant.public_id}",
        before=before,
        after={"pin_failures": participant.pin_failures},
    )
    return {}


@coordination_blueprint.post("/participants/<public_id>/devices")
@coordination_blueprint.auth_required(staff_auth)
@staff_action("participant.device_bind", "participant:{public_id}")
@require_roles(*FUND_STAFF)
@coordination_blueprint.input(DeviceCredentialIn, arg_name="body")
@coordination_blueprint.output(DeviceCredentialOut, status_code=201)
@coordination_blueprint.doc(summary="Bind a device to a participant's wallet", responses=[403, 404])
def participant_device(public_id: str, body: dict[str, str]) -> dict[str, object]:
    session = db_session()
    participant = find_participant(session, public_id)
    bound = bind_device(session, participant, label=body["label"])
    audit_done(  # the credential is the caller's to hand over: never in the log
        target=f"participant:{participant.public_id}",
        after={"device_id": bound.device.id, "label": bound.device.label},
    )
    return {"device_id": bound.device.id, "credential": bound.credential}


@coordination_blueprint.post("/participants/<public_id>/devices/revoke")
@coordination_blueprint.auth_required(staff_auth)
@staff_action("participant.phones_revoke", "participant:{public_id}")
@require_roles(*FUND_STAFF)
@coordination_blueprint.output(Empty)
@coordination_blueprint.doc(
    summary="Revoke every device of a participant (lost phone)", responses=[403, 404]
)
def participant_devices_revoke(public_id: str) -> dict[str, object]:
    session = db_session()
    participant = find_participant(session, public_id)
    phones = revoke_devices(session, participant)
    audit_done(target=f"participant:{participant.public_id}", after={"phones_revoked": phones})
    return {}


@coordination_blueprint.post("/blocklist")
@coordination_blueprint.auth_required(staff_auth)
@staff_action("blocklist.add")
@require_roles(*FUND_STAFF)
@coordination_blueprint.input(RevokeIn, arg_name="body")
@coordination_blueprint.output(RevokeOut, status_code=201)
@coordination_blueprint.doc(
    summary="Revoke a pay code or block a wallet", responses=[403, 404, 422]
)
def add_to_blocklist(body: dict[str, Any]) -> dict[str, object]:
    if ("token_id" in body) == ("wallet" in body):
        raise BlocklistError("invalid_request")
    wallet = find_participant(db_session(), body["wallet"]).public_id if "wallet" in body else None
    entry = revoke(
        db_session(),
        actor=f"user:{_user().username}",
        token_id=body.get("token_id"),
        wallet=wallet,
        reason=body["reason"],
    )
    audit_done(
        target=f"participant:{wallet}" if wallet else f"token:{body['token_id']}",
        after={"cursor": entry.id, "reason": entry.reason},
    )
    return {"cursor": entry.id}
