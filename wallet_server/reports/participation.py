"""How many households the fund reaches, month by month."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wallet_server.allocations.models import Allocation
from wallet_server.participants.models import Participant
from wallet_server.reports.payments import net_payments
from wallet_server.reports.window import ReportWindow


@dataclass(frozen=True)
class Participation:
    month: str
    #: enrolled in or before the month; the schema keeps no date of leaving, so a participant
    #: who left later still counts in the months they were enrolled and after
    enrolled: int
    #: received the month's allocation
    allocated: int
    #: paid at least once in the month
    active: int


def participation(session: Session, window: ReportWindow) -> list[Participation]:
    enrolments = session.execute(
        select(Participant.enrolled_month, func.count())
        .where(Participant.enrolled_month <= window.last)
        .group_by(Participant.enrolled_month)
    ).all()
    allocated = dict(
        session.execute(
            select(Allocation.month, func.count())
            .where(Allocation.month >= window.first, Allocation.month <= window.last)
            .group_by(Allocation.month)
        ).all()
    )
    payments = net_payments(session, window)
    active: dict[str, int] = dict(
        session.execute(
            select(payments.c.month, func.count(payments.c.participant_id.distinct())).group_by(
                payments.c.month
            )
        ).all()
    )
    result: list[Participation] = []
    for month in window.months:
        enrolled = sum(count for enrolled_month, count in enrolments if enrolled_month <= month)
        result.append(
            Participation(month, enrolled, int(allocated.get(month, 0)), int(active.get(month, 0)))
        )
    return result
