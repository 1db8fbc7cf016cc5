"""What came into the fund, month by month, and one household's contributions."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from wallet_server.contributions.models import ContributionPayment, Subsidy
from wallet_server.contributions.operations import expected_cents, scale_for
from wallet_server.months import first_day, month_of, months_between, next_month
from wallet_server.participants.models import Participant


@dataclass
class MonthInflows:
    month: str
    contributions_cents: int = 0
    contributions_count: int = 0
    #: funder → cents received from them this month
    subsidies: dict[str, int] = field(default_factory=dict)

    @property
    def subsidies_cents(self) -> int:
        return sum(self.subsidies.values())

    @property
    def total_cents(self) -> int:
        return self.contributions_cents + self.subsidies_cents


def inflows_by_month(
    session: Session, *, first_month: str | None = None, last_month: str | None = None
) -> list[MonthInflows]:
    """Contributions and subsidies (by funder) per month of payment, newest month first."""
    months: dict[str, MonthInflows] = {}

    def of(day: date) -> MonthInflows:
        month = month_of(day)
        return months.setdefault(month, MonthInflows(month))

    payments = session.execute(
        select(
            ContributionPayment.paid_on,
            func.sum(ContributionPayment.amount_cents),
            func.count(),
        )
        .where(*_within(ContributionPayment.paid_on, first_month, last_month))
        .group_by(ContributionPayment.paid_on)
    ).all()
    for day, cents, count in payments:
        entry = of(day)
        entry.contributions_cents += int(cents)
        entry.contributions_count += count
    subsidies = session.execute(
        select(Subsidy.received_on, Subsidy.funder, func.sum(Subsidy.amount_cents))
        .where(*_within(Subsidy.received_on, first_month, last_month))
        .group_by(Subsidy.received_on, Subsidy.funder)
    ).all()
    for day, funder, cents in subsidies:
        entry = of(day)
        entry.subsidies[funder] = entry.subsidies.get(funder, 0) + int(cents)
    return [months[m] for m in sorted(months, reverse=True)]


def _within(
    column: InstrumentedAttribute[date], first_month: str | None, last_month: str | None
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if first_month is not None:
        conditions.append(column >= first_day(first_month))
    if last_month is not None:
        conditions.append(column < first_day(next_month(last_month)))
    return conditions


@dataclass(frozen=True)
class ContributionHistory:
    #: newest first
    payments: list[ContributionPayment]
    level: int | None
    #: what the level asked from enrolment up to the month asked for
    expected_cents: int
    paid_cents: int

    @property
    def owed_cents(self) -> int:
        return max(self.expected_cents - self.paid_cents, 0)


def contribution_history(
    session: Session, participant: Participant, *, as_of_month: str
) -> ContributionHistory:
    """A household's payments, and what its level asked up to `as_of_month`."""
    payments = list(
        session.scalars(
            select(ContributionPayment)
            .where(ContributionPayment.participant_id == participant.id)
            .order_by(ContributionPayment.paid_on.desc(), ContributionPayment.id.desc())
        )
    )
    expected = 0
    if participant.contribution_level is not None:
        months = months_between(participant.enrolled_month, as_of_month)
        expected = expected_cents(
            {month: scale_for(session, month) for month in months},
            level=participant.contribution_level,
            enrolled_month=participant.enrolled_month,
        )
    return ContributionHistory(
        payments=payments,
        level=participant.contribution_level,
        expected_cents=expected,
        paid_cents=sum(p.amount_cents for p in payments),
    )
