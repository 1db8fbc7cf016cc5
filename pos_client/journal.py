"""The till's journal: every payment is written durably before the cashier sees success.

SQLite in WAL mode with synchronous=FULL: once `record` returns, the payment survives a
power cut or a SIGKILL, so the till can always sync what it accepted, with the same
`redemption_id`, and never accepts the same pay code twice.
"""

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS journal (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    redemption_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('redemption', 'refund')),
    token TEXT,
    token_id TEXT,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    captured_at TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('online', 'offline')),
    state TEXT NOT NULL CHECK (state IN ('pending_sync', 'synced', 'rejected', 'conflict')),
    server_answer TEXT
);
CREATE INDEX IF NOT EXISTS ix_journal_token ON journal (token_id);
CREATE INDEX IF NOT EXISTS ix_journal_state ON journal (state);
"""


class JournalState(StrEnum):
    PENDING_SYNC = "pending_sync"
    SYNCED = "synced"
    REJECTED = "rejected"
    CONFLICT = "conflict"


@dataclass(frozen=True)
class JournalEntry:
    redemption_id: str
    kind: str
    token: str | None
    token_id: str | None
    amount_cents: int
    captured_at: datetime
    mode: str
    state: JournalState
    server_answer: dict[str, Any] | None


class Journal:
    """One SQLite file per till; safe to open again after a crash."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._connection = sqlite3.connect(path, isolation_level=None, timeout=30)
        self._connection.execute("PRAGMA journal_mode=WAL")
        self._connection.execute("PRAGMA synchronous=FULL")
        self._connection.executescript(_SCHEMA)
        path.chmod(0o600)

    def close(self) -> None:
        self._connection.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._connection.execute("BEGIN IMMEDIATE")
        try:
            yield self._connection
        except BaseException:
            self._connection.execute("ROLLBACK")
            raise
        self._connection.execute("COMMIT")

    def record(
        self,
        *,
        redemption_id: str,
        kind: str,
        amount_cents: int,
        captured_at: datetime,
        mode: str,
        token: str | None = None,
        token_id: str | None = None,
        state: JournalState = JournalState.PENDING_SYNC,
        server_answer: dict[str, Any] | None = None,
    ) -> JournalEntry:
        """Write one payment or refund and return only once it is on disk.

        Refuses (sqlite3.IntegrityError) a second entry for the same redemption id, and a
        second redemption of the same token on this till.
        """
        with self._transaction() as connection:
            if (
                kind == "redemption"
                and token_id is not None
                and connection.execute(
                    "SELECT 1 FROM journal WHERE token_id = ? AND kind = 'redemption'", (token_id,)
                ).fetchone()
            ):
                raise sqlite3.IntegrityError(f"token {token_id} already used on this till")
            connection.execute(
                "INSERT INTO journal (redemption_id, kind, token, token_id, amount_cents,"
                " captured_at, mode, state, server_answer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    redemption_id,
                    kind,
                    token,
                    token_id,
                    amount_cents,
                    _instant(captured_at),
                    mode,
                    JournalState(state).value,
                    json.dumps(server_answer) if server_answer is not None else None,
                ),
            )
        entry = self.get(redemption_id)
        assert entry is not None
        return entry

    def get(self, redemption_id: str) -> JournalEntry | None:
        row = self._connection.execute(
            _SELECT + " WHERE redemption_id = ?", (redemption_id,)
        ).fetchone()
        return _entry(row) if row else None

    def token_used(self, token_id: str) -> bool:
        return (
            self._connection.execute(
                "SELECT 1 FROM journal WHERE token_id = ? AND kind = 'redemption'", (token_id,)
            ).fetchone()
            is not None
        )

    def unsynced(self, limit: int = 100) -> list[JournalEntry]:
        """Oldest first, so a till's payments reach the server in the order it took them."""
        rows = self._connection.execute(
            _SELECT + " WHERE state = 'pending_sync' ORDER BY seq LIMIT ?",
            (limit,),
        ).fetchall()
        return [_entry(row) for row in rows]

    def mark(self, redemption_id: str, state: JournalState, server_answer: dict[str, Any]) -> None:
        with self._transaction() as connection:
            connection.execute(
                "UPDATE journal SET state = ?, server_answer = ? WHERE redemption_id = ?",
                (JournalState(state).value, json.dumps(server_answer), redemption_id),
            )

    def offline_since(self, moment: datetime) -> tuple[int, int]:
        """(count, total cents) of offline payments taken after `moment` (the last sync)."""
        count, total = self._connection.execute(
            "SELECT COUNT(*), COALESCE(SUM(amount_cents), 0) FROM journal"
            " WHERE kind = 'redemption' AND mode = 'offline' AND captured_at > ?",
            (_instant(moment),),
        ).fetchone()
        return int(count), int(total)

    def pending_totals(self) -> tuple[int, int]:
        """(count, total cents) still to sync: what the status screen shows."""
        count, total = self._connection.execute(
            "SELECT COUNT(*), COALESCE(SUM(amount_cents), 0) FROM journal"
            " WHERE state = 'pending_sync'"
        ).fetchone()
        return int(count), int(total)


def _instant(moment: datetime) -> str:
    """One fixed text form for every time, so that the journal compares them as text."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime refused: use timezone-aware times")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


_SELECT = (
    "SELECT redemption_id, kind, token, token_id, amount_cents, captured_at, mode, state,"
    " server_answer FROM journal"
)


def _entry(row: tuple[Any, ...]) -> JournalEntry:
    return JournalEntry(
        redemption_id=row[0],
        kind=row[1],
        token=row[2],
        token_id=row[3],
        amount_cents=row[4],
        captured_at=datetime.fromisoformat(row[5]),
        mode=row[6],
        state=JournalState(row[7]),
        server_answer=json.loads(row[8]) if row[8] else None,
    )
