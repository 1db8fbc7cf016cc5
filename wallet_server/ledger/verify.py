"""Prove the books: recompute every counter from the transfers and compare.

All sums are done by the database (GROUP BY), so verifying a fund with millions of transfers
streams no rows through Python.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from wallet_server.ledger.model import Account, OpenHold, Transfer

_POSTED_PHASES = ("single", "post")
_COUNTERS = ("debits_posted", "credits_posted", "debits_pending", "credits_pending")


@dataclass
class CounterMismatch:
    account: str
    counter: str
    stored: int
    recomputed: int


@dataclass
class VerifyReport:
    accounts: int = 0
    transfers: int = 0
    total_debits_posted: int = 0
    total_credits_posted: int = 0
    total_debits_pending: int = 0
    total_credits_pending: int = 0
    mismatches: list[CounterMismatch] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches and not self.problems

    def as_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "accounts": self.accounts,
            "transfers": self.transfers,
            "total_debits_posted": self.total_debits_posted,
            "total_credits_posted": self.total_credits_posted,
            "total_debits_pending": self.total_debits_pending,
            "total_credits_pending": self.total_credits_pending,
            "mismatches": [m.__dict__ for m in self.mismatches],
            "problems": self.problems,
        }


def verify(session: Session) -> VerifyReport:
    """Recompute all counters from the transfers and check every structural invariant."""
    report = VerifyReport()
    recomputed: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(_COUNTERS, 0))
    _fold_posted(session, recomputed)
    _fold_pending(session, recomputed)

    for account in session.execute(
        select(
            Account.id,
            Account.code,
            Account.debits_posted,
            Account.credits_posted,
            Account.debits_pending,
            Account.credits_pending,
            Account.debits_must_not_exceed_credits,
        ).order_by(Account.id)
    ):
        report.accounts += 1
        stored = dict(zip(_COUNTERS, account[2:6], strict=True))
        for counter in _COUNTERS:
            expected = recomputed[account.id][counter]
            if stored[counter] != expected:
                report.mismatches.append(
                    CounterMismatch(account.code, counter, stored[counter], expected)
                )
        report.total_debits_posted += stored["debits_posted"]
        report.total_credits_posted += stored["credits_posted"]
        report.total_debits_pending += stored["debits_pending"]
        report.total_credits_pending += stored["credits_pending"]
        available = stored["credits_posted"] - stored["debits_posted"] - stored["debits_pending"]
        overdrawn = account.debits_must_not_exceed_credits and available < 0
        if overdrawn and not _has_overdraft(session, account.id):
            report.problems.append(
                f"{account.code}: available {available} below zero without an overdraft"
            )

    if report.total_debits_posted != report.total_credits_posted:
        report.problems.append(
            f"posted debits {report.total_debits_posted} != credits {report.total_credits_posted}"
        )
    if report.total_debits_pending != report.total_credits_pending:
        report.problems.append(
            f"pending debits {report.total_debits_pending}"
            f" != credits {report.total_credits_pending}"
        )
    report.transfers = session.scalar(select(func.count()).select_from(Transfer)) or 0
    report.problems.extend(_bad_resolutions(session))
    report.problems.extend(_open_hold_drift(session))
    return report


def _fold_posted(session: Session, into: dict[int, dict[str, int]]) -> None:
    for column, counter in (
        (Transfer.debit_account_id, "debits_posted"),
        (Transfer.credit_account_id, "credits_posted"),
    ):
        rows = session.execute(
            select(column, func.sum(Transfer.amount))
            .where(Transfer.phase.in_(_POSTED_PHASES))
            .group_by(column)
        )
        for account_id, total in rows:
            into[account_id][counter] += int(total)


def _unresolved_pending() -> tuple[type[Transfer], type[Transfer]]:
    return aliased(Transfer, name="hold"), aliased(Transfer, name="resolution")


def _fold_pending(session: Session, into: dict[int, dict[str, int]]) -> None:
    hold, resolution = _unresolved_pending()
    for column, counter in (
        (hold.debit_account_id, "debits_pending"),
        (hold.credit_account_id, "credits_pending"),
    ):
        rows = session.execute(
            select(column, func.sum(hold.amount))
            .outerjoin(resolution, resolution.pending_id == hold.id)
            .where(hold.phase == "pending", resolution.id.is_(None))
            .group_by(column)
        )
        for account_id, total in rows:
            into[account_id][counter] += int(total)


def _bad_resolutions(session: Session) -> list[str]:
    hold, resolution = _unresolved_pending()
    rows = session.scalars(
        select(resolution.id)
        .join(hold, resolution.pending_id == hold.id)
        .where(
            or_(
                hold.phase != "pending",
                resolution.debit_account_id != hold.debit_account_id,
                resolution.credit_account_id != hold.credit_account_id,
                and_(resolution.phase == "post", resolution.amount > hold.amount),
                and_(resolution.phase == "void", resolution.amount != hold.amount),
            )
        )
        .limit(20)
    ).all()
    return [f"transfer {row} does not match the hold it resolves" for row in rows]


def _open_hold_drift(session: Session) -> list[str]:
    hold, resolution = _unresolved_pending()
    unresolved = set(
        session.scalars(
            select(hold.id)
            .outerjoin(resolution, resolution.pending_id == hold.id)
            .where(hold.phase == "pending", resolution.id.is_(None))
        ).all()
    )
    indexed = set(session.scalars(select(OpenHold.transfer_id)).all())
    problems = [
        f"hold {hold_id} is open but missing from open_holds"
        for hold_id in sorted(unresolved - indexed)[:20]
    ]
    problems += [
        f"open_holds lists {hold_id}, which is resolved or not a hold"
        for hold_id in sorted(indexed - unresolved)[:20]
    ]
    return problems


def _has_overdraft(session: Session, account_id: int) -> bool:
    return (
        session.scalar(
            select(Transfer.id)
            .where(Transfer.debit_account_id == account_id, Transfer.overdraft.is_(True))
            .limit(1)
        )
        is not None
    )
