"""A participant's own pay codes: which still hold money, and cancelling an unused one."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet_server.errors import DomainError
from wallet_server.fund import FundAccount, fund_account
from wallet_server.ledger import OpenHold, lock_accounts, void_hold
from wallet_server.orm import utcnow
from wallet_server.participants.models import Participant
from wallet_server.tokens.models import IssuedToken
from wallet_server.tokens.operations import revoke


def outstanding_codes(session: Session, participant: Participant) -> list[IssuedToken]:
    """Codes whose money is still held: not used, not cancelled (possibly expired, until
    their hold's grace ends or they are cancelled)."""
    return list(
        session.scalars(
            select(IssuedToken)
            .join(OpenHold, OpenHold.transfer_id == IssuedToken.hold_id)
            .where(IssuedToken.participant_id == participant.id)
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
    if issued is None or issued.participant_id != participant.id:
        raise DomainError("token_not_found")
    clearing = fund_account(session, FundAccount.CLEARING)
    lock_accounts(session, [issued.account_id, clearing.id])
    if session.get(OpenHold, issued.hold_id, populate_existing=True) is None:
        raise DomainError("token_not_outstanding")  # used meanwhile, or cancelled already
    void_hold(
        session,
        issued.hold_id,
        transfer_id=f"cancel:{token_id}",
        actor=f"participant:{participant.public_id}",
        kind="token_cancel",
        now=now or utcnow(),
    )
    revoke(
        session,
        actor=f"participant:{participant.public_id}",
        token_id=token_id,
        reason="cancelled by the participant",
    )
    return issued
