"""Keyset and blocklist (public), and a participant's wallet and pay codes."""

import base64
from typing import Any, cast

from apiflask import APIBlueprint, HTTPTokenAuth
from flask import g

from wallet_server import clock
from wallet_server.api.schemas import (
    BlocklistOut,
    BlocklistQuery,
    KeysetOut,
    TokenIn,
    TokenOut,
    WalletOut,
)
from wallet_server.participants.devices import DeviceError, participant_for_credential
from wallet_server.participants.history import next_allocation_on
from wallet_server.participants.models import Participant
from wallet_server.pos.models import PosDevice
from wallet_server.pos.routes import device_auth
from wallet_server.tokens.blocklist import serve_blocklist
from wallet_server.tokens.keystore import KeyStore
from wallet_server.tokens.operations import (
    current_signing_key,
    draft_pay_code,
    keyset_document,
    published_keyset,
    reserve_pay_code,
    wallet_account,
)
from wallet_server.tokens.qr import qr_images
from wallet_server.tokens.wallet_codes import outstanding_codes
from wallet_server.web.errors import error_response
from wallet_server.web.request import db_session, settings

tokens_blueprint = APIBlueprint("tokens", __name__)
participant_auth = HTTPTokenAuth(
    scheme="Bearer",
    security_scheme_name="ParticipantDevice",
    description="A participant device credential",
)


def _verify(credential: str) -> Participant | None:
    try:
        return participant_for_credential(db_session(), credential)
    except DeviceError:
        return None


def _refused(error: Any) -> Any:
    return error_response("authentication_required", 401)


participant_auth.verify_token(_verify)
participant_auth.error_processor(_refused)


@tokens_blueprint.get("/keyset")
@tokens_blueprint.output(KeysetOut)
@tokens_blueprint.doc(summary="Public keys that sign pay codes, with validity and a digest")
def keyset() -> dict[str, object]:
    return keyset_document(published_keyset(db_session(), settings().tokens))


@tokens_blueprint.get("/blocklist")
@tokens_blueprint.auth_required(device_auth)
@tokens_blueprint.input(BlocklistQuery, location="query", arg_name="query")
@tokens_blueprint.output(BlocklistOut)
@tokens_blueprint.doc(
    summary="Revoked codes and blocked wallets after a cursor, for a paired till",
    responses=[401],
)
def blocklist(query: dict[str, int]) -> dict[str, object]:
    device = cast(PosDevice, device_auth.current_user)
    entries = serve_blocklist(db_session(), device, query["since"])
    return {
        "entries": [
            {
                "cursor": e.id,
                "token_id": e.token_id,
                "wallet": e.wallet,
                "expires_at": e.expires_at,
            }
            for e in entries
        ],
        "next_cursor": entries[-1].id if entries else query["since"],
    }


@tokens_blueprint.get("/me")
@tokens_blueprint.auth_required(participant_auth)
@tokens_blueprint.output(WalletOut)
@tokens_blueprint.doc(summary="The participant's wallet")
def me() -> dict[str, object]:
    participant = cast(Participant, participant_auth.current_user)
    account = wallet_account(db_session(), participant)
    return {
        "public_id": participant.public_id,
        "available_cents": account.available,
        "held_cents": account.debits_pending,
        "balance_cents": account.balance,
        "outstanding_codes": len(outstanding_codes(db_session(), participant)),
        "next_allocation_on": next_allocation_on(clock.today()),
    }


@tokens_blueprint.post("/me/tokens")
@tokens_blueprint.auth_required(participant_auth)
@tokens_blueprint.input(TokenIn, arg_name="options")
@tokens_blueprint.output(TokenOut, status_code=201)
@tokens_blueprint.doc(
    summary="A new pay code (QR), holding its cap on the wallet", responses=[409, 422]
)
def new_token(options: dict[str, bool]) -> dict[str, object]:
    session = db_session()
    participant = cast(Participant, participant_auth.current_user)
    signer = current_signing_key(session, KeyStore(settings().key_dir))
    draft = draft_pay_code(
        session, participant, signer=signer, settings=settings().tokens, offline=options["offline"]
    )
    images = qr_images(draft.text)  # drawn before the hold's locks are taken
    reserve_pay_code(session, participant, draft, settings=settings().tokens)
    g.no_store = True
    return {
        "token_id": draft.claims.token_id.hex(),
        "token": draft.text,
        "cap_cents": draft.claims.cap_cents,
        "expires_at": draft.claims.expires,
        "offline": draft.claims.offline_allowed,
        "qr_svg": images.svg,
        "qr_png_base64": base64.b64encode(images.png).decode(),
    }
