"""The participant app's API: activation, the wallet's movements and pay codes, the shops."""

from typing import Any, cast

from apiflask import APIBlueprint
from flask import g
from sqlalchemy import select

from wallet_server.api.audit import audit_done, staff_action
from wallet_server.api.schemas import (
    ActivateIn,
    ActivateOut,
    ActivationCodeOut,
    CancelledCodeOut,
    DirectoryOut,
    HistoryOut,
    HistoryQuery,
    OutstandingCodesOut,
)
from wallet_server.api.staff import require_roles, staff_auth
from wallet_server.participants.activation import activate, create_activation_code
from wallet_server.participants.history import movements
from wallet_server.participants.models import Participant
from wallet_server.pos.pin import find_participant
from wallet_server.shops.models import Shop, ShopStatus
from wallet_server.tokens.routes import participant_auth
from wallet_server.tokens.wallet_codes import cancel_code, outstanding_codes
from wallet_server.users.models import Role, User
from wallet_server.web.request import db_session
from wallet_server.web.security.rate_limits import ACTIVATION, rate_limited

wallet_blueprint = APIBlueprint("wallet", __name__)

#: where the participant app opens an activation code (hash route: no server routing)
ACTIVATION_PATH = "/app/#/activate/{code}"


def _participant() -> Participant:
    return cast(Participant, participant_auth.current_user)


@wallet_blueprint.post("/participants/<public_id>/activation-codes")
@wallet_blueprint.auth_required(staff_auth)
@staff_action("participant.activation_letter", "participant:{public_id}")
@require_roles(Role.ADMIN, Role.COORDINATOR)
@wallet_blueprint.output(ActivationCodeOut, status_code=201)
@wallet_blueprint.doc(
    summary="A one-time code (7 days) to activate the participant app on a phone",
    responses=[403, 404, 422],
)
def activation_code(public_id: str) -> dict[str, object]:
    session = db_session()
    user = cast(User, staff_auth.current_user)
    participant = find_participant(session, public_id)
    created = create_activation_code(session, participant, actor=f"user:{user.username}")
    # the console's name for the same act (it prints the code on a letter); never the code
    audit_done(
        target=f"participant:{participant.public_id}",
        after={"expires_at": created.expires_at.isoformat(timespec="minutes")},
    )
    return {
        "code": created.code,
        "activation_path": ACTIVATION_PATH.format(code=created.code),
        "expires_at": created.expires_at,
    }


@wallet_blueprint.post("/activate")
@rate_limited(*ACTIVATION)
@wallet_blueprint.input(ActivateIn, arg_name="body")
@wallet_blueprint.output(ActivateOut, status_code=201)
@wallet_blueprint.doc(
    summary="Exchange an activation code for this phone's credential", responses=[422, 429]
)
def activate_device(body: dict[str, str]) -> dict[str, object]:
    activation = activate(db_session(), body["code"], label=body["label"])
    g.no_store = True
    return {
        "credential": activation.device.credential,
        "public_id": activation.participant.public_id,
    }


@wallet_blueprint.get("/me/history")
@wallet_blueprint.auth_required(participant_auth)
@wallet_blueprint.input(HistoryQuery, location="query", arg_name="query")
@wallet_blueprint.output(HistoryOut)
@wallet_blueprint.doc(summary="The wallet's movements, newest first, by pages", responses=[422])
def history(query: dict[str, Any]) -> dict[str, object]:
    page, cursor = movements(
        db_session(), _participant(), limit=query["limit"], before=query["before"]
    )
    g.no_store = True
    return {"movements": page, "next_cursor": cursor}


@wallet_blueprint.get("/me/tokens")
@wallet_blueprint.auth_required(participant_auth)
@wallet_blueprint.output(OutstandingCodesOut)
@wallet_blueprint.doc(summary="The participant's pay codes whose money is still reserved")
def tokens() -> dict[str, object]:
    g.no_store = True
    return {"tokens": outstanding_codes(db_session(), _participant())}


@wallet_blueprint.post("/me/tokens/<token_id>/cancel")
@wallet_blueprint.auth_required(participant_auth)
@wallet_blueprint.output(CancelledCodeOut)
@wallet_blueprint.doc(
    summary="Cancel an unused pay code: its money is available again", responses=[404, 409]
)
def cancel(token_id: str) -> dict[str, object]:
    cancelled = cancel_code(db_session(), _participant(), token_id)
    return {"token_id": cancelled.token_id}


@wallet_blueprint.get("/shops/directory")
@wallet_blueprint.output(DirectoryOut)
@wallet_blueprint.doc(summary="The approved shops: where the currency can be spent")
def directory() -> dict[str, object]:
    shops = db_session().scalars(
        select(Shop).where(Shop.status == ShopStatus.APPROVED.value).order_by(Shop.name)
    )
    return {
        "shops": [
            {
                "public_id": shop.public_id,
                "name": shop.name,
                "address": shop.address,
                "opening_hours": shop.opening_hours,
                "categories": [str(c) for c in shop.categories or []],
            }
            for shop in shops
        ]
    }
