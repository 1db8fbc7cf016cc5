"""A participant's own pay codes: which still hold money, and cancelling an unused one."""

from collections.abc import Mapping
from datetime import datetime
from typing import ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet_server import clock
from wallet_server.fund import FundAccount, fund_account
from wallet_server.ledger import OpenHold, lock_accounts, void_hold
from wallet_server.participants.models import Participant
from wallet_server.refusals import Refusal
from wallet_server.settlement import cancel_transfer_id
from wallet_server.tokens.blocklist import revoke
from wallet_server.tokens.models import IssuedToken


class WalletCodeError(Refusal):
    STATUS: ClassVar[Mapping[str, int]] = {"token_not_found": 404, "token_not_outstanding": 409}


def outstanding_codes(session: Session, participant: Participant) -> list[IssuedToken]:
    """Codes whose money is still held: not used, not cancelled (possibly expired, until
    their hold's grace ends or they are cancelled)."""
    return list(
        session.scalars(
            select(IssuedToken)
            .join(OpenHold, OpenHold.transfer_id == IssuedToken.hold_id)
            # paper vouchers are the coordinators' to track: the phone lists its own codes
            .where(IssuedToken.participant_id == participant.id, IssuedToken.kind == "code")
            .order_by(IssuedToken.issued_at)
        )
    )


def cancel_code(
    session: Session, participant: Participant, token_id: str, *, now: datetime | None = None
) -> IssuedToken:
    """Release an unused code's money and revoke it, so that tills refuse it from their
    next sync (an offline till that takes it before then is paid through the conflict path,
    as for any code used twice)."""
    issued = session.get(IssuedToken, token_id)
    if issued is None or issued.participant_id != participant.id or issued.kind != "code":
        raise WalletCodeError("token_not_found")
    actor = f"participant:{participant.public_id}"
    release_token(session, issued, actor=actor, reason="cancelled by the participant", now=now)
    return issued


def release_token(
    session: Session,
    issued: IssuedToken,
    *,
    actor: str,
    reason: str,
    now: datetime | None = None,
) -> None:
    """Void an unused token's hold and blocklist the token; refused with
    `token_not_outstanding` if its hold is no longer open (used, cancelled or expired)."""
    clearing = fund_account(session, FundAccount.CLEARING)
    lock_accounts(session, [issued.account_id, clearing.id])
    if session.get(OpenHold, issued.hold_id, populate_existing=True) is None:
        raise WalletCodeError("token_not_outstanding")  # used meanwhile, or cancelled already
    now = now or clock.now()
    void_hold(
        session,
        issued.hold_id,
        transfer_id=cancel_transfer_id(issued.token_id),
        actor=actor,
        kind="token_cancel",
        now=now,
    )
    revoke(session, actor=actor, token_id=issued.token_id, reason=reason, now=now)
