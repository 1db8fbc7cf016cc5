"""What participants spent, month by month: in each shop, and against what they received."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wallet_server.allocations.models import Allocation
from wallet_server.reports.payments import net_payments
from wallet_server.reports.shares import share_bp
from wallet_server.reports.window import ReportWindow
from wallet_server.shops.models import Shop


@dataclass(frozen=True)
class ShopSpending:
    shop_public_id: str
    shop_name: str
    #: every month of the window, in order, 0 when nothing was spent
    by_month: dict[str, int]

    @property
    def total_cents(self) -> int:
        return sum(self.by_month.values())


def shop_spending(session: Session, window: ReportWindow) -> list[ShopSpending]:
    """Net spending per shop and month, for shops paid in the window; biggest total first."""
    payments = net_payments(session, window)
    rows = session.execute(
        select(
            Shop.public_id,
            Shop.name,
            payments.c.month,
            func.sum(payments.c.net_cents),
        )
        .join(Shop, Shop.id == payments.c.shop_id)
        .group_by(Shop.public_id, Shop.name, payments.c.month)
    ).all()
    shops: dict[str, ShopSpending] = {}
    for public_id, name, month, cents in rows:
        shop = shops.setdefault(
            public_id, ShopSpending(public_id, name, dict.fromkeys(window.months, 0))
        )
        shop.by_month[month] = int(cents)
    return sorted(shops.values(), key=lambda s: (-s.total_cents, s.shop_name, s.shop_public_id))


@dataclass(frozen=True)
class AllocationUse:
    month: str
    allocated_cents: int
    spent_cents: int

    @property
    def share_bp(self) -> int | None:
        """Spent in the month over allocated for it, in basis points."""
        return share_bp(self.spent_cents, self.allocated_cents)


def allocation_use(session: Session, window: ReportWindow) -> list[AllocationUse]:
    """For each month: what the month's allocation gave, and what was spent in the month."""
    allocated = dict(
        session.execute(
            select(Allocation.month, func.sum(Allocation.amount_cents))
            .where(Allocation.month >= window.first, Allocation.month <= window.last)
            .group_by(Allocation.month)
        ).all()
    )
    payments = net_payments(session, window)
    spent = dict(
        session.execute(
            select(payments.c.month, func.sum(payments.c.net_cents)).group_by(payments.c.month)
        ).all()
    )
    return [
        AllocationUse(month, int(allocated.get(month) or 0), int(spent.get(month) or 0))
        for month in window.months
    ]
