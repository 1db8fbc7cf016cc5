"""What the console reads about allocations: policy decisions and month runs, newest first."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wallet_server.allocations.models import Allocation, AllocationPolicy, AllocationRun
from wallet_server.months import parse_month


def policy_decisions(session: Session, *, limit: int = 100) -> list[AllocationPolicy]:
    return list(
        session.scalars(
            select(AllocationPolicy)
            .order_by(AllocationPolicy.effective_month.desc(), AllocationPolicy.id.desc())
            .limit(limit)
        )
    )


def recent_runs(session: Session, *, limit: int = 50) -> list[AllocationRun]:
    return list(
        session.scalars(select(AllocationRun).order_by(AllocationRun.id.desc()).limit(limit))
    )


def runs_of_month(session: Session, month: str) -> list[AllocationRun]:
    return list(
        session.scalars(
            select(AllocationRun)
            .where(AllocationRun.month == parse_month(month))
            .order_by(AllocationRun.id)
        )
    )


def wallets_allocated(session: Session, month: str) -> int:
    """How many wallets already received `month`: a second run leaves them alone."""
    query = select(func.count()).where(Allocation.month == parse_month(month))
    return session.scalar(query) or 0
