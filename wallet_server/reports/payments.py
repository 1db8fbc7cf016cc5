"""Payments at the tills, net of their refunds, as rows to aggregate.

A refund is counted against the payment it refunds, in that payment's month: a month's
spending is what was bought in it and kept. Every payment is a redemption row, whatever
paid it (pay code online or offline, PIN, paper voucher), conflicts included: the shop was
paid.
"""

from sqlalchemy import BigInteger, Subquery, func, select
from sqlalchemy.orm import Session

from wallet_server.pos.models import Redemption, Refund
from wallet_server.reports.buckets import month_of_timestamp
from wallet_server.reports.window import ReportWindow


def net_payments(session: Session, window: ReportWindow) -> Subquery:
    """One row per payment captured in `window`: month, shop_id, participant_id, net_cents."""
    refunded = (
        select(Refund.redemption_id, func.sum(Refund.amount_cents).label("cents"))
        .group_by(Refund.redemption_id)
        .subquery()
    )
    return (
        select(
            month_of_timestamp(session, Redemption.captured_at).label("month"),
            Redemption.shop_id.label("shop_id"),
            Redemption.participant_id.label("participant_id"),
            (Redemption.amount_cents - func.coalesce(refunded.c.cents, 0))
            .cast(BigInteger)
            .label("net_cents"),
        )
        .outerjoin(refunded, refunded.c.redemption_id == Redemption.id)
        .where(Redemption.captured_at >= window.start, Redemption.captured_at < window.end)
        .subquery()
    )
