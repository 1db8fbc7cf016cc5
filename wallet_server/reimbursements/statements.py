"""What each shop accepted, gave back and was paid over a period, read from the ledger alone.

A shop's account is credit-normal: payments credit it, refunds and payouts debit it, and its
balance is what the fund owes the shop. Only posted transfers (single and post phases)
count; periods are whole days of the fund's calendar (its time zone), both ends included.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Subquery, case, func, literal, select, union_all
from sqlalchemy.orm import Session

from wallet_server import clock
from wallet_server.ledger import Account, Transfer
from wallet_server.refusals import Refusal
from wallet_server.reimbursements.disputes import Disputed, disputed_by_shop, held_cents
from wallet_server.shops.models import Shop

POSTED_PHASES = ("single", "post")
#: the kinds a statement counts apart, each with the side of the shop's account it moves
PAYMENT, REFUND, PAYOUT = "payment", "refund", "payout"


class StatementError(Refusal):
    pass


@dataclass(frozen=True)
class Period:
    start: date
    #: included
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise StatementError("period_invalid", start=self.start, end=self.end)

    @property
    def starts_at(self) -> datetime:
        return clock.start_of_day(self.start)

    @property
    def ends_before(self) -> datetime:
        return clock.end_of_day(self.end)


@dataclass
class Tally:
    count: int = 0
    total_cents: int = 0

    def add(self, count: int, cents: int) -> None:
        self.count += count
        self.total_cents += cents


@dataclass
class ShopSummary:
    """A shop's figures for a period; closing = opening + payments − refunds − payouts + other."""

    shop_id: int
    shop_public_id: str
    shop_name: str
    opening_cents: int = 0
    payments: Tally = field(default_factory=Tally)
    refunds: Tally = field(default_factory=Tally)
    payouts: Tally = field(default_factory=Tally)
    #: anything else that moved the account (a correction, say), signed: + is owed to the shop
    other: Tally = field(default_factory=Tally)

    @property
    def closing_cents(self) -> int:
        return (
            self.opening_cents
            + self.payments.total_cents
            - self.refunds.total_cents
            - self.payouts.total_cents
            + self.other.total_cents
        )

    @property
    def moved(self) -> bool:
        return any(t.count for t in (self.payments, self.refunds, self.payouts, self.other))


@dataclass(frozen=True)
class Movement:
    transfer_id: str
    at: datetime
    kind: str
    reference: str
    #: signed: + credits the shop (owed more), − debits it
    amount_cents: int


@dataclass(frozen=True)
class ShopStatement:
    period: Period
    summary: ShopSummary
    movements: list[Movement]
    #: held back from payouts today, and why (reimbursements.disputes)
    held: list[Disputed] = field(default_factory=list)

    @property
    def held_cents(self) -> int:
        return held_cents(self.held)


@dataclass(frozen=True)
class FundStatements:
    period: Period
    shops: list[ShopSummary]
    totals: ShopSummary


def shop_statement(session: Session, shop: Shop, period: Period) -> ShopStatement:
    """One shop's statement, with every movement of the period in time order."""
    summary = _summaries(session, period, shop_id=shop.id)[0]
    return ShopStatement(
        period,
        summary,
        _movements(session, shop.account_id, period),
        held=disputed_by_shop(session).get(shop.id, []),
    )


def fund_statements(session: Session, period: Period) -> FundStatements:
    """Every shop's figures for the period (by name), and their sum."""
    shops = _summaries(session, period)
    totals = ShopSummary(shop_id=0, shop_public_id="", shop_name="")
    for summary in shops:
        totals.opening_cents += summary.opening_cents
        for name in ("payments", "refunds", "payouts", "other"):
            part: Tally = getattr(summary, name)
            getattr(totals, name).add(part.count, part.total_cents)
    return FundStatements(period, shops, totals)


def _shop_sides(since: datetime, shop_id: int | None) -> Subquery:
    """Each posted transfer touching a shop since `since`, once per side it touches."""
    sides = []
    for column, sign in ((Transfer.credit_account_id, 1), (Transfer.debit_account_id, -1)):
        query = (
            select(
                Shop.id.label("shop_id"),
                literal(sign).label("sign"),
                Transfer.kind.label("kind"),
                Transfer.amount.label("amount"),
                Transfer.created_at.label("created_at"),
            )
            .join(Shop, Shop.account_id == column)
            .where(Transfer.phase.in_(POSTED_PHASES), Transfer.created_at >= since)
        )
        if shop_id is not None:
            query = query.where(Shop.id == shop_id)
        sides.append(query)
    return union_all(*sides).subquery()


def _summaries(
    session: Session, period: Period, *, shop_id: int | None = None
) -> list[ShopSummary]:
    # The opening balance is today's balance less everything since the period began: recent
    # periods then read recent transfers only, never the whole history.
    shop_query = (
        select(Shop.id, Shop.public_id, Shop.name, Account.credits_posted - Account.debits_posted)
        .join(Account, Account.id == Shop.account_id)
        .order_by(Shop.name, Shop.id)
    )
    if shop_id is not None:
        shop_query = shop_query.where(Shop.id == shop_id)
    summaries: dict[int, ShopSummary] = {}
    for row_id, public_id, name, balance in session.execute(shop_query):
        summaries[row_id] = ShopSummary(row_id, public_id, name, opening_cents=int(balance))
    sides = _shop_sides(period.starts_at, shop_id)
    within = case((sides.c.created_at < period.ends_before, 1), else_=0)
    grouped = session.execute(
        select(
            sides.c.shop_id,
            within,
            sides.c.sign,
            sides.c.kind,
            func.count(),
            func.sum(sides.c.amount),
        ).group_by(sides.c.shop_id, within, sides.c.sign, sides.c.kind)
    )
    for row_shop, in_period, sign, kind, count, total in grouped:
        summary = summaries[row_shop]
        summary.opening_cents -= int(sign) * int(total)
        if in_period:
            signed = int(total) if _counted_apart(int(sign), kind) else int(sign) * int(total)
            _tally_of(summary, int(sign), kind).add(int(count), signed)
    return list(summaries.values())


def _counted_apart(sign: int, kind: str) -> bool:
    return (sign, kind) in {(1, PAYMENT), (-1, REFUND), (-1, PAYOUT)}


def _tally_of(summary: ShopSummary, sign: int, kind: str) -> Tally:
    if not _counted_apart(sign, kind):
        return summary.other
    return {PAYMENT: summary.payments, REFUND: summary.refunds, PAYOUT: summary.payouts}[kind]


def _movements(session: Session, account_id: int, period: Period) -> list[Movement]:
    rows = session.scalars(
        select(Transfer)
        .where(
            (Transfer.credit_account_id == account_id) | (Transfer.debit_account_id == account_id),
            Transfer.phase.in_(POSTED_PHASES),
            Transfer.created_at >= period.starts_at,
            Transfer.created_at < period.ends_before,
        )
        .order_by(Transfer.created_at, Transfer.id)
    )
    return [
        Movement(
            transfer_id=row.id,
            at=row.created_at,
            kind=row.kind,
            reference=row.reference,
            amount_cents=row.amount if row.credit_account_id == account_id else -row.amount,
        )
        for row in rows
    ]
