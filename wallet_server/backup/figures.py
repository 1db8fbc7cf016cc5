"""The ledger's figures at one instant, recorded in a backup and recomputed after a restore.

Comparing them proves that a restore lost nothing: the counts, the totals, and a digest of
every account's four counters (so that two balances swapped between accounts still show).
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, column, inspect, select, table
from sqlalchemy.orm import Session

from wallet_server.ledger import Account, verify

#: the table Alembic records the schema revision in
ALEMBIC_TABLE = "alembic_version"


@dataclass(frozen=True)
class LedgerFigures:
    #: the verdict of `caisse ledger verify`
    ok: bool
    accounts: int
    transfers: int
    #: sum over every account of credits_posted - debits_posted; zero when the books balance
    total_balance_cents: int
    #: the same sum per kind of account (fund, wallet, shop): where the money is
    balance_by_kind_cents: dict[str, int] = field(default_factory=dict)
    total_posted_cents: int = 0
    total_pending_cents: int = 0
    #: SHA-256 of every account's code and four counters, in code order
    accounts_sha256: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "accounts": self.accounts,
            "transfers": self.transfers,
            "total_balance_cents": self.total_balance_cents,
            "balance_by_kind_cents": dict(sorted(self.balance_by_kind_cents.items())),
            "total_posted_cents": self.total_posted_cents,
            "total_pending_cents": self.total_pending_cents,
            "accounts_sha256": self.accounts_sha256,
        }

    def differences(self, other: "LedgerFigures") -> list[tuple[str, object, object]]:
        """(name, ours, theirs) for every figure that differs, the verdict aside."""
        ours, theirs = self.as_dict(), other.as_dict()
        return [
            (name, ours[name], theirs[name])
            for name in ours
            if name != "ok" and ours[name] != theirs[name]
        ]


def ledger_figures(session: Session) -> LedgerFigures:
    """Verify the books and sum them up, all within the session's current transaction."""
    report = verify(session)
    by_kind: dict[str, int] = defaultdict(int)
    digest = hashlib.sha256()
    rows = session.execute(
        select(
            Account.code,
            Account.kind,
            Account.debits_posted,
            Account.credits_posted,
            Account.debits_pending,
            Account.credits_pending,
        )
        .order_by(Account.code)
        .execution_options(yield_per=10_000)
    )
    for code, kind, debits_posted, credits_posted, debits_pending, credits_pending in rows:
        by_kind[kind] += credits_posted - debits_posted
        digest.update(
            f"{code}\t{debits_posted}\t{credits_posted}\t{debits_pending}\t{credits_pending}\n".encode()
        )
    return LedgerFigures(
        ok=report.ok,
        accounts=report.accounts,
        transfers=report.transfers,
        total_balance_cents=sum(by_kind.values()),
        balance_by_kind_cents=dict(by_kind),
        total_posted_cents=report.total_credits_posted,
        total_pending_cents=report.total_credits_pending,
        accounts_sha256=digest.hexdigest(),
    )


def alembic_revision(connection: Connection) -> str | None:
    """The schema revision recorded in the database, None when it was never migrated."""
    if not inspect(connection).has_table(ALEMBIC_TABLE):
        return None
    version = table(ALEMBIC_TABLE, column("version_num"))
    revisions = sorted(connection.scalars(select(version.c.version_num)))
    return ",".join(revisions) or None
