"""The anonymised export for researchers: month × group aggregates, never an individual.

A participant belongs to a month's population if they received that month's allocation or
paid in that month. Groups are bands of household size and of contribution level, each
breakdown published separately, with small groups suppressed (see `disclosure`). The export
carries no name, public id, contact or day: only months, bands and sums.

Household size and contribution level are read as they are today: the schema keeps no
history of them.
"""

import enum
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    SQLColumnExpression,
    case,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from wallet_server.allocations.models import Allocation
from wallet_server.participants.models import Participant
from wallet_server.reports.disclosure import MIN_GROUP, ZERO, GroupFigures, protect, shown_total
from wallet_server.reports.payments import net_payments
from wallet_server.reports.shares import hundredths_text
from wallet_server.reports.window import ReportWindow


class Dimension(enum.StrEnum):
    HOUSEHOLD_SIZE = "household_size"
    CONTRIBUTION_LEVEL = "contribution_level"


HOUSEHOLD_BANDS = ("1", "2", "3-4", "5+")
#: "none": no contribution level recorded
CONTRIBUTION_BANDS = ("1-3", "4-6", "7+", "none")
BANDS: dict[Dimension, tuple[str, ...]] = {
    Dimension.HOUSEHOLD_SIZE: HOUSEHOLD_BANDS,
    Dimension.CONTRIBUTION_LEVEL: CONTRIBUTION_BANDS,
}
TOTAL = "total"


@dataclass(frozen=True)
class EvaluationRow:
    month: str
    dimension: Dimension
    #: a band, or TOTAL (the sum of the shown bands of the month and dimension)
    group: str
    #: None when suppressed
    figures: GroupFigures | None


def household_band(size: SQLColumnExpression[int]) -> ColumnElement[str]:
    return case((size <= 1, "1"), (size == 2, "2"), (size <= 4, "3-4"), else_="5+")


def contribution_band(level: SQLColumnExpression[int | None]) -> ColumnElement[str]:
    return case((level.is_(None), "none"), (level <= 3, "1-3"), (level <= 6, "4-6"), else_="7+")


def evaluation(
    session: Session, window: ReportWindow, *, minimum: int = MIN_GROUP
) -> list[EvaluationRow]:
    """Every month of the window with a population, each breakdown protected, then totals."""
    cells = _cells(session, window)
    rows: list[EvaluationRow] = []
    for month in window.months:
        if month not in cells:
            continue
        for dimension, order in BANDS.items():
            groups: dict[str, GroupFigures] = defaultdict(lambda: ZERO)
            for (household, contribution), figures in cells[month].items():
                band = household if dimension is Dimension.HOUSEHOLD_SIZE else contribution
                groups[band] += figures
            protected = protect(groups, order, minimum=minimum)
            rows.extend(EvaluationRow(month, dimension, g, f) for g, f in protected.items())
            rows.append(EvaluationRow(month, dimension, TOTAL, shown_total(protected)))
    return rows


def _cells(
    session: Session, window: ReportWindow
) -> dict[str, dict[tuple[str, str], GroupFigures]]:
    """month → (household band, contribution band) → figures, aggregated in SQL."""
    payments = net_payments(session, window)
    zero = literal(0, BigInteger)
    movements = union_all(
        select(
            Allocation.month.label("month"),
            Allocation.participant_id.label("participant_id"),
            Allocation.amount_cents.cast(BigInteger).label("allocated"),
            zero.label("spent"),
            zero.label("payments"),
        ).where(Allocation.month >= window.first, Allocation.month <= window.last),
        select(
            payments.c.month,
            payments.c.participant_id,
            zero,
            payments.c.net_cents,
            literal(1, BigInteger),
        ),
    ).subquery()
    per_participant = (
        select(
            movements.c.month,
            movements.c.participant_id,
            func.sum(movements.c.allocated).label("allocated"),
            func.sum(movements.c.spent).label("spent"),
            func.sum(movements.c.payments).label("payments"),
        )
        .group_by(movements.c.month, movements.c.participant_id)
        .subquery()
    )
    household = household_band(Participant.household_size).label("household")
    contribution = contribution_band(Participant.contribution_level).label("contribution")
    rows = session.execute(
        select(
            per_participant.c.month,
            household,
            contribution,
            func.count(),
            func.sum(per_participant.c.allocated),
            func.sum(per_participant.c.spent),
            func.sum(per_participant.c.payments),
        )
        .join(Participant, Participant.id == per_participant.c.participant_id)
        .group_by(per_participant.c.month, "household", "contribution")
    ).all()
    cells: dict[str, dict[tuple[str, str], GroupFigures]] = defaultdict(dict)
    for month, household_name, contribution_name, count, allocated, spent, paid in rows:
        cells[month][(household_name, contribution_name)] = GroupFigures(
            int(count), int(allocated), int(spent), int(paid)
        )
    return cells


def evaluation_table(
    rows: list[EvaluationRow], *, suppressed: str, decimal_mark: str
) -> list[list[str | int]]:
    """The export's lines: month, dimension, group, participants, euros allocated and spent,
    share spent (percent), payments; a suppressed group has `suppressed` in every figure."""
    table: list[list[str | int]] = []
    for row in rows:
        head: list[str | int] = [row.month, row.dimension.value, row.group]
        figures = row.figures
        if figures is None:
            table.append(head + [suppressed] * 5)
            continue
        share = figures.share_bp
        table.append(
            [
                *head,
                figures.participants,
                hundredths_text(figures.allocated_cents, decimal_mark),
                hundredths_text(figures.spent_cents, decimal_mark),
                "" if share is None else hundredths_text(share, decimal_mark),
                figures.payments,
            ]
        )
    return table
