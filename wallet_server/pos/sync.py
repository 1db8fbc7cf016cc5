"""A till's store-and-forward sync: many journaled redemptions in one request.

The plain redemptions are settled together (pos.bulk); each of the others runs in its own
savepoint, so a refused one is rolled back alone and the others stand; the till marks each
entry with its own outcome. Retrying a batch is safe:
every redemption is idempotent by its `redemption_id`.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from paytoken import TokenError
from wallet_server import clock
from wallet_server.config import TokenSettings
from wallet_server.errors import DomainError
from wallet_server.ledger import LedgerError
from wallet_server.pos.bulk import redeem_plain
from wallet_server.pos.models import PosDevice
from wallet_server.pos.redemption import Receipt, RedemptionRequest, approved_shop, redeem

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
    settled = redeem_plain(session, device, shop, requests, settings=settings, now=now)
    outcomes: list[BatchOutcome] = []
    for request in requests:
        if request.redemption_id in settled:
            outcomes.append(
                BatchOutcome(request.redemption_id, receipt=settled[request.redemption_id])
            )
            continue
        savepoint = session.begin_nested()
        try:
            receipt = redeem(session, device, request, settings=settings, now=now)
        except (DomainError, LedgerError, TokenError) as error:
            savepoint.rollback()
            outcomes.append(BatchOutcome(request.redemption_id, refusal=error.code))
            continue
        savepoint.commit()
        outcomes.append(BatchOutcome(request.redemption_id, receipt=receipt))
    return outcomes
