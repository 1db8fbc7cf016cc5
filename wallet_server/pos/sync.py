"""A till's store-and-forward sync: many journaled redemptions in one request.

The plain redemptions are settled together (pos.bulk); each of the others runs in its own
savepoint, so a refused one is rolled back alone and the others stand; the till marks each
entry with its own outcome. Retrying a batch is safe:
every redemption is idempotent by its `redemption_id`.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet_server import clock
from wallet_server.config import TokenSettings
from wallet_server.pos.bulk import redeem_plain
from wallet_server.pos.models import PosDevice, Redemption
from wallet_server.pos.offline_check import lock_till_and_shop, till_stretch
from wallet_server.pos.redemption import (
    Receipt,
    RedemptionRequest,
    approved_shop,
    judged_offline,
    redeem,
)
from wallet_server.refusals import Refusal
from wallet_server.shops.models import Shop

MAX_BATCH = 100


@dataclass(frozen=True)
class BatchOutcome:
    redemption_id: str
    receipt: Receipt | None = None
    #: the refusal's code when the server will never accept this redemption
    refusal: str | None = None

    @property
    def status(self) -> str:
        return self.receipt.status if self.receipt is not None else "rejected"


def redeem_batch(
    session: Session,
    device: PosDevice,
    requests: list[RedemptionRequest],
    *,
    settings: TokenSettings,
    now: datetime | None = None,
) -> list[BatchOutcome]:
    now = now or clock.now()
    shop = approved_shop(session, device)  # a suspended shop's whole batch waits
    refused = _judge_offline_captures(session, device, shop, requests, settings, now)
    admitted = [request for request in requests if request.redemption_id not in refused]
    settled = redeem_plain(session, device, shop, admitted, settings=settings, now=now)
    outcomes: list[BatchOutcome] = []
    for request in requests:
        if request.redemption_id in refused:
            outcomes.append(
                BatchOutcome(request.redemption_id, refusal=refused[request.redemption_id])
            )
            continue
        if request.redemption_id in settled:
            outcomes.append(
                BatchOutcome(request.redemption_id, receipt=settled[request.redemption_id])
            )
            continue
        savepoint = session.begin_nested()
        try:
            receipt = redeem(session, device, request, settings=settings, now=now)
        except Refusal as error:
            savepoint.rollback()
            outcomes.append(BatchOutcome(request.redemption_id, refusal=error.code))
            continue
        savepoint.commit()
        outcomes.append(BatchOutcome(request.redemption_id, receipt=receipt))
    return outcomes


def _judge_offline_captures(
    session: Session,
    device: PosDevice,
    shop: Shop,
    requests: list[RedemptionRequest],
    settings: TokenSettings,
    now: datetime,
) -> dict[str, str]:
    """Judge the batch's new offline captures in the till's order, each counting the ones
    before it; return the refused ones' codes by redemption id (recorded for coordinators,
    in this transaction: a refusal is an answer, kept whatever happens to the others)."""
    offline = [
        request
        for request in requests
        if request.mode == "offline" and not _recorded(session, request.redemption_id)
    ]
    if not offline:
        return {}
    lock_till_and_shop(session, device, shop)
    stretch = till_stretch(session, device, settings)
    refused: dict[str, str] = {}
    for request in offline:
        if request.redemption_id in refused:
            continue  # sent twice in one batch: the first answer stands
        try:
            claims = judged_offline(
                session, device, shop, request, settings=settings, now=now, stretch=stretch
            )
        except Refusal as refusal:  # CaptureRefused, or the id reused for another body
            refused[request.redemption_id] = refusal.code
            continue
        stretch.counted(request.amount_cents, claims.token_id.hex())
    return refused


def _recorded(session: Session, redemption_id: str) -> bool:
    return (
        session.scalar(
            select(Redemption.id).where(Redemption.redemption_id == redemption_id).limit(1)
        )
        is not None
    )
