"""The fund's euros month by month: what came in, what went out, what the reserve held.

Flows are dated as the domain dates them (a contribution by the day it was paid, an
allocation by its month), so a contribution recorded a few days late still counts in the
month it was paid. The reserve at each month's end is anchored on the ledger: today's posted
balance of the reserve account, less every reserve flow dated after that month. The last
month therefore shows the books as they stand, and each month's change is exactly the flows
shown for it.
"""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from wallet_server.allocations.models import Allocation
from wallet_server.contributions.models import ContributionPayment, Subsidy
from wallet_server.fund import FundAccount, fund_account
from wallet_server.ledger import Transfer, TransferPhase
from wallet_server.reports.buckets import month_of_date, month_of_timestamp
from wallet_server.reports.window import ReportWindow

#: reserve movements the flows above already date from their domain rows
_DATED_KINDS = ("contribution", "subsidy", "allocation", "carry_over_cap")
_POSTED = (TransferPhase.SINGLE.value, TransferPhase.POST.value)


@dataclass(frozen=True)
class Position:
    month: str
    contributions_cents: int
    subsidies_cents: int
    allocations_cents: int
    #: wallets' balance above the carry-over cap, returned to the reserve by the allocation
    returned_cents: int
    #: any other movement of the reserve (a correction, say), signed, dated by the ledger
    other_cents: int
    #: euros paid to shops for what they accepted (not a reserve movement)
    payouts_cents: int
    reserve_end_cents: int

    @property
    def reserve_change_cents(self) -> int:
        return (
            self.contributions_cents
            + self.subsidies_cents
            - self.allocations_cents
            + self.returned_cents
            + self.other_cents
        )


def fund_position(session: Session, window: ReportWindow) -> list[Position]:
    # Flows after the window are read too: they take the reserve back from today to each
    # month's end.
    flows = _reserve_flows(session, window)
    payouts = _payouts(session, window)
    reserve = fund_account(session, FundAccount.RESERVE).balance
    later = sum(_change(figures) for month, figures in flows.items() if month > window.last)
    end = reserve - later
    positions: list[Position] = []
    for month in reversed(window.months):
        figures = flows.get(month, {})
        positions.append(
            Position(
                month=month,
                contributions_cents=figures.get("contributions", 0),
                subsidies_cents=figures.get("subsidies", 0),
                allocations_cents=figures.get("allocations", 0),
                returned_cents=figures.get("returned", 0),
                other_cents=figures.get("other", 0),
                payouts_cents=payouts.get(month, 0),
                reserve_end_cents=end,
            )
        )
        end -= _change(figures)
    positions.reverse()
    return positions


def _change(figures: dict[str, int]) -> int:
    return (
        figures.get("contributions", 0)
        + figures.get("subsidies", 0)
        - figures.get("allocations", 0)
        + figures.get("returned", 0)
        + figures.get("other", 0)
    )


def _reserve_flows(session: Session, window: ReportWindow) -> dict[str, dict[str, int]]:
    """month → flow name → cents, for every month from the window's first on."""
    flows: dict[str, dict[str, int]] = defaultdict(dict)
    contributions = select(
        month_of_date(session, ContributionPayment.paid_on).label("month"),
        func.sum(ContributionPayment.amount_cents),
    ).where(ContributionPayment.paid_on >= window.start_day)
    subsidies = select(
        month_of_date(session, Subsidy.received_on).label("month"),
        func.sum(Subsidy.amount_cents),
    ).where(Subsidy.received_on >= window.start_day)
    for name, query in (("contributions", contributions), ("subsidies", subsidies)):
        for month, cents in session.execute(query.group_by("month")).all():
            flows[month][name] = int(cents)
    for month, allocated, returned in session.execute(
        select(
            Allocation.month,
            func.sum(Allocation.amount_cents),
            func.sum(Allocation.reclaimed_cents),
        )
        .where(Allocation.month >= window.first)
        .group_by(Allocation.month)
    ).all():
        flows[month]["allocations"] = int(allocated)
        flows[month]["returned"] = int(returned)
    for month, cents in _other_reserve_movements(session, window):
        flows[month]["other"] = cents
    return flows


def _other_reserve_movements(session: Session, window: ReportWindow) -> list[tuple[str, int]]:
    reserve = fund_account(session, FundAccount.RESERVE).id
    month = month_of_timestamp(session, Transfer.created_at).label("month")
    signed = case((Transfer.credit_account_id == reserve, Transfer.amount), else_=-Transfer.amount)
    rows = session.execute(
        select(month, func.sum(signed))
        .where(
            or_(Transfer.credit_account_id == reserve, Transfer.debit_account_id == reserve),
            Transfer.kind.not_in(_DATED_KINDS),
            Transfer.phase.in_(_POSTED),
            Transfer.created_at >= window.start,
        )
        .group_by("month")
    ).all()
    return [(month, int(cents)) for month, cents in rows]


def _payouts(session: Session, window: ReportWindow) -> dict[str, int]:
    """Net euros posted to the payouts account per month (the ledger dates a payout)."""
    payouts = fund_account(session, FundAccount.PAYOUTS).id
    month = month_of_timestamp(session, Transfer.created_at).label("month")
    signed = case((Transfer.credit_account_id == payouts, Transfer.amount), else_=-Transfer.amount)
    rows = session.execute(
        select(month, func.sum(signed))
        .where(
            or_(Transfer.credit_account_id == payouts, Transfer.debit_account_id == payouts),
            Transfer.phase.in_(_POSTED),
            Transfer.created_at >= window.start,
            Transfer.created_at < window.end,
        )
        .group_by("month")
    ).all()
    return {month: int(cents) for month, cents in rows}
