"""The common case of a till's sync, set-wise: valid pay codes whose holds are still open.

A batch of a hundred redemptions would otherwise cost a few thousand statements, one
redemption at a time. Here the ones that need no judgement (first seen, token valid and not
blocked, its hold open, used nowhere else, within its cap) are settled together with a
fixed number of statements. Everything else, including whatever changed under our locks, is
left to the per-redemption path, which explains refusals and opens conflicts.
"""

from collections import Counter
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from paytoken import PaymentClaims
from wallet_server.config import TokenSettings
from wallet_server.fund import FundAccount, fund_account
from wallet_server.ledger import (
    HoldPost,
    TransferRequest,
    create_transfers,
    lock_accounts,
    post_holds,
)
from wallet_server.pos.models import PosDevice, Redemption
from wallet_server.pos.redemption import (
    Receipt,
    RedemptionRequest,
    judged_at,
    receipt_of,
    redemption_digest,
    verified_claims,
)
from wallet_server.refusals import Refusal
from wallet_server.settlement import hold_expiry, payment_transfer_id, redemption_transfer_id
from wallet_server.shops.models import Shop
from wallet_server.tokens.models import BlocklistEntry, IssuedToken
from wallet_server.tokens.operations import all_keys

Candidate = tuple[RedemptionRequest, PaymentClaims, IssuedToken]


def redeem_plain(
    session: Session,
    device: PosDevice,
    shop: Shop,
    requests: list[RedemptionRequest],
    *,
    settings: TokenSettings,
    now: datetime,
) -> dict[str, Receipt]:
    """Settle the plain redemptions among `requests`; return their receipts by id."""
    candidates = _plain_candidates(session, requests, settings, now)
    if not candidates:
        return {}
    clearing = fund_account(session, FundAccount.CLEARING)
    locked = lock_accounts(
        session, [clearing.id, shop.account_id, *(issued.account_id for _, _, issued in candidates)]
    )
    # Under the locks: a concurrent retry may have recorded some of these meanwhile.
    recorded = _recorded(session, [request.redemption_id for request, _, _ in candidates])
    candidates = [c for c in candidates if c[0].redemption_id not in recorded]
    actor = f"pos:{device.id}"
    refusals = post_holds(
        session,
        [
            HoldPost(
                hold_id=issued.hold_id,
                transfer_id=redemption_transfer_id(request.redemption_id),
                amount=request.amount_cents,
                actor=actor,
                reference=request.redemption_id,
            )
            for request, _, issued in candidates
        ],
        now=now,
        locked=locked,
    )
    settled = [c for c, refusal in zip(candidates, refusals, strict=True) if refusal is None]
    payments = create_transfers(
        session,
        [
            TransferRequest(
                id=payment_transfer_id(request.redemption_id),
                debit_account_id=clearing.id,
                credit_account_id=shop.account_id,
                amount=request.amount_cents,
                kind="payment",
                actor=actor,
                reference=request.redemption_id,
            )
            for request, _, _ in settled
        ],
        now=now,
        locked=locked,
    )
    for result in payments:
        if result.error is not None:  # fresh ids between unguarded accounts: a bug
            raise result.error
    rows = [
        Redemption(
            redemption_id=request.redemption_id,
            request_digest=redemption_digest(device.id, request),
            device_id=device.id,
            shop_id=shop.id,
            participant_id=issued.participant_id,
            token_id=issued.token_id,
            amount_cents=request.amount_cents,
            mode=request.mode,
            status="accepted",
            captured_at=request.captured_at,
            created_at=now,
        )
        for request, _, issued in settled
    ]
    session.add_all(rows)
    session.flush()
    return {row.redemption_id: receipt_of(row, shop) for row in rows}


def _plain_candidates(
    session: Session, requests: list[RedemptionRequest], settings: TokenSettings, now: datetime
) -> list[Candidate]:
    once = Counter(request.redemption_id for request in requests)
    fresh = [r for r in requests if once[r.redemption_id] == 1]
    recorded = _recorded(session, [r.redemption_id for r in fresh])
    keyset = all_keys(session)
    verified: list[tuple[RedemptionRequest, PaymentClaims]] = []
    for request in fresh:
        if request.redemption_id in recorded:
            continue  # a retry: the per-redemption path answers it
        try:
            claims = verified_claims(request, keyset, settings, now)
        except Refusal:
            continue
        if request.amount_cents <= claims.cap_cents:
            verified.append((request, claims))
    uses = Counter(claims.token_id for _, claims in verified)
    verified = [(r, c) for r, c in verified if uses[c.token_id] == 1]
    token_ids = [claims.token_id.hex() for _, claims in verified]
    issued = {
        t.token_id: t
        for t in session.scalars(select(IssuedToken).where(IssuedToken.token_id.in_(token_ids)))
    }
    used = set(
        session.scalars(select(Redemption.token_id).where(Redemption.token_id.in_(token_ids)))
    )
    blocked = _blocked(session, verified, now)
    candidates: list[Candidate] = []
    for request, claims in verified:
        token = issued.get(claims.token_id.hex())
        if (
            token is not None
            and token.token_id not in used
            and not blocked.get(request.redemption_id)
            and now < hold_expiry(token.expires_at, settings)
        ):
            candidates.append((request, claims, token))
    return candidates


def _recorded(session: Session, redemption_ids: list[str]) -> set[str]:
    if not redemption_ids:
        return set()
    return set(
        session.scalars(
            select(Redemption.redemption_id).where(Redemption.redemption_id.in_(redemption_ids))
        )
    )


def _blocked(
    session: Session, verified: list[tuple[RedemptionRequest, PaymentClaims]], now: datetime
) -> dict[str, bool]:
    """Which requests a blocklist entry made before their judging moment refuses."""
    if not verified:
        return {}
    token_ids = {claims.token_id.hex() for _, claims in verified}
    wallets = {claims.wallet for _, claims in verified}
    entries = session.execute(
        select(BlocklistEntry.token_id, BlocklistEntry.wallet, BlocklistEntry.created_at).where(
            or_(BlocklistEntry.token_id.in_(token_ids), BlocklistEntry.wallet.in_(wallets))
        )
    ).all()
    blocked: dict[str, bool] = {}
    for request, claims in verified:
        moment = judged_at(request, now)
        blocked[request.redemption_id] = any(
            created_at <= moment and (token_id == claims.token_id.hex() or wallet == claims.wallet)
            for token_id, wallet, created_at in entries
        )
    return blocked
