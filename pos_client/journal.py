"""The till's journal: every payment is written durably before the cashier sees success.

SQLite in WAL mode with synchronous=FULL: once `record` returns, the payment survives a
power cut or a SIGKILL, so the till can always sync what it accepted, with the same
`redemption_id`, and never accepts the same pay code twice.

States: `pending_sync` (to upload), `synced`, `rejected` and `conflict` (the server's final
word), and `abandoned`: the cashier was told "not paid" after a request the server never
answered, so the till later asks the server whether it arrived, and refunds it if it did.
"""

import json
import sqlite3
import threading
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
    -- for a refund: the redemption it gives back
    refund_of TEXT,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    captured_at TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('online', 'offline', 'pin')),
    state TEXT NOT NULL
        CHECK (state IN ('pending_sync', 'synced', 'rejected', 'conflict', 'abandoned')),
    server_answer TEXT,
    -- 1 once the cashier has seen the outcome; a rejection found by the sync stays at 0
    acknowledged INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS ix_journal_refund_of ON journal (refund_of);
CREATE INDEX IF NOT EXISTS ix_journal_offline ON journal (kind, mode, captured_at);
CREATE INDEX IF NOT EXISTS ix_journal_token ON journal (token_id);
CREATE INDEX IF NOT EXISTS ix_journal_state ON journal (state);
"""


class JournalState(StrEnum):
    PENDING_SYNC = "pending_sync"
    SYNCED = "synced"
    REJECTED = "rejected"
    CONFLICT = "conflict"
    ABANDONED = "abandoned"


@dataclass(frozen=True)
class JournalEntry:
    redemption_id: str
    kind: str
    token: str | None
    token_id: str | None
    refund_of: str | None
    amount_cents: int
    captured_at: datetime
    mode: str
    state: JournalState
    server_answer: dict[str, Any] | None
    acknowledged: bool


class Journal:
    """One SQLite file per till; safe to open again after a crash, and from several threads
    (each has its own connection; SQLite's locks order their writes)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._path = path
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._opened_lock = threading.Lock()
        self._connection.executescript(_SCHEMA)
        path.chmod(0o600)

    @property
    def _connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(
                self._path, isolation_level=None, timeout=30, check_same_thread=False
            )
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=FULL")
            self._local.connection = connection
            with self._opened_lock:
                self._opened.append(connection)
        return connection

    def close(self) -> None:
        with self._opened_lock:
            for connection in self._opened:
                connection.close()
            self._opened.clear()
        self._local = threading.local()

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
        refund_of: str | None = None,
        state: JournalState = JournalState.PENDING_SYNC,
        server_answer: dict[str, Any] | None = None,
    ) -> JournalEntry:
        """Write one payment or refund and return only once it is on disk.

        Refuses (sqlite3.IntegrityError) a second entry for the same redemption id, and a
        second redemption of a token this till holds already.
        """
        with self._transaction() as connection:
            if kind == "redemption" and token_id is not None and self._holds(token_id):
                raise sqlite3.IntegrityError(f"token {token_id} already used on this till")
            connection.execute(
                "INSERT INTO journal (redemption_id, kind, token, token_id, refund_of,"
                " amount_cents, captured_at, mode, state, server_answer)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    redemption_id,
                    kind,
                    token,
                    token_id,
                    refund_of,
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

    def token_used(self, token_id: str, *, excluding: str | None = None) -> bool:
        """Whether this till already took this pay code (a refused attempt does not count,
        so the cashier can correct the amount and scan again); `excluding` names the
        attempt being judged, already journaled."""
        return self._holds(token_id, excluding)

    def _holds(self, token_id: str, excluding: str | None = None) -> bool:
        return (
            self._connection.execute(
                # a redemption in these states holds its token on this till
                "SELECT 1 FROM journal WHERE token_id = ? AND kind = 'redemption'"
                " AND redemption_id IS NOT ? AND state IN ('pending_sync', 'synced', 'conflict')",
                (token_id, excluding),
            ).fetchone()
            is not None
        )

    def unsynced(
        self, limit: int = 100, *, attempts_before: datetime | None = None
    ) -> list[JournalEntry]:
        """Oldest first, so a till's payments reach the server in the order it took them
        (and a payment before its refund). With `attempts_before`, an online or PIN attempt
        is left out until then: the cashier's screen is still waiting on it, unless a crash
        left it behind."""
        cutoff = _instant(attempts_before) if attempts_before else None
        rows = self._connection.execute(
            _SELECT + " WHERE state = 'pending_sync' AND (? IS NULL OR kind = 'refund'"
            " OR mode = 'offline' OR captured_at < ?) ORDER BY seq LIMIT ?",
            (cutoff, cutoff, limit),
        ).fetchall()
        return [_entry(row) for row in rows]

    def abandoned(self, captured_before: datetime) -> list[JournalEntry]:
        rows = self._connection.execute(
            _SELECT + " WHERE state = 'abandoned' AND captured_at < ? ORDER BY seq",
            (_instant(captured_before),),
        ).fetchall()
        return [_entry(row) for row in rows]

    def mark(
        self,
        redemption_id: str,
        state: JournalState,
        server_answer: dict[str, Any],
        *,
        acknowledged: bool = False,
    ) -> None:
        with self._transaction() as connection:
            connection.execute(
                "UPDATE journal SET state = ?, server_answer = ?, acknowledged = ?"
                " WHERE redemption_id = ?",
                (
                    JournalState(state).value,
                    json.dumps(server_answer),
                    int(acknowledged),
                    redemption_id,
                ),
            )

    def mark_many(self, outcomes: list[tuple[str, JournalState, dict[str, Any], bool]]) -> None:
        """(redemption id, state, server answer, acknowledged) for a whole synced batch, in
        one transaction: one disk flush instead of one per payment."""
        with self._transaction() as connection:
            connection.executemany(
                "UPDATE journal SET state = ?, server_answer = ?, acknowledged = ?"
                " WHERE redemption_id = ?",
                [
                    (JournalState(state).value, json.dumps(answer), int(acknowledged), rid)
                    for rid, state, answer, acknowledged in outcomes
                ],
            )

    def go_offline(self, redemption_id: str) -> None:
        """An online attempt went unanswered and the till accepted the payment offline."""
        with self._transaction() as connection:
            connection.execute(
                "UPDATE journal SET mode = 'offline', acknowledged = 1"
                " WHERE redemption_id = ? AND state = 'pending_sync'",
                (redemption_id,),
            )

    def acknowledge(self, redemption_id: str) -> None:
        with self._transaction() as connection:
            connection.execute(
                "UPDATE journal SET acknowledged = 1 WHERE redemption_id = ?", (redemption_id,)
            )

    def refunded_cents(self, redemption_id: str) -> int:
        """What is given back already or on its way (refunds the server refused excluded)."""
        (total,) = self._connection.execute(
            "SELECT COALESCE(SUM(amount_cents), 0) FROM journal WHERE kind = 'refund'"
            " AND refund_of = ? AND state IN ('pending_sync', 'synced')",
            (redemption_id,),
        ).fetchone()
        return int(total)

    def recent(self, limit: int = 20) -> list[JournalEntry]:
        rows = self._connection.execute(
            _SELECT + " WHERE kind = 'redemption' AND state != 'abandoned'"
            " ORDER BY seq DESC LIMIT ?",
            (limit,),
        ).fetchall()
        return [_entry(row) for row in rows]

    def problems(self) -> list[JournalEntry]:
        """What the server refused or put in conflict after the cashier saw a success."""
        rows = self._connection.execute(
            _SELECT + " WHERE state IN ('rejected', 'conflict') AND acknowledged = 0"
            " ORDER BY seq DESC LIMIT 50"
        ).fetchall()
        return [_entry(row) for row in rows]

    def all_entries(self) -> list[JournalEntry]:
        return [_entry(row) for row in self._connection.execute(_SELECT + " ORDER BY seq")]

    def between(self, start: datetime, end: datetime) -> list[JournalEntry]:
        rows = self._connection.execute(
            _SELECT + " WHERE captured_at >= ? AND captured_at < ? ORDER BY seq",
            (_instant(start), _instant(end)),
        ).fetchall()
        return [_entry(row) for row in rows]

    def offline_since(self, moment: datetime) -> tuple[int, int]:
        """(count, total cents) of offline payments taken after `moment` (the last sync)."""
        count, total = self._connection.execute(
            "SELECT COUNT(*), COALESCE(SUM(amount_cents), 0) FROM journal"
            " WHERE kind = 'redemption' AND mode = 'offline' AND captured_at > ?"
            " AND state IN ('pending_sync', 'synced', 'conflict')",
            (_instant(moment),),
        ).fetchone()
        return int(count), int(total)

    def pending_totals(self) -> tuple[int, int]:
        """(entries, cents of payments) still to sync: what the status screen shows."""
        count, total = self._connection.execute(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN kind = 'redemption' THEN amount_cents"
            " ELSE 0 END), 0) FROM journal WHERE state = 'pending_sync'"
        ).fetchone()
        return int(count), int(total)


def _instant(moment: datetime) -> str:
    """One fixed text form for every time, so that the journal compares them as text."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime refused: use timezone-aware times")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


_SELECT = (
    "SELECT redemption_id, kind, token, token_id, refund_of, amount_cents, captured_at, mode,"
    " state, server_answer, acknowledged FROM journal"
)


def _entry(row: tuple[Any, ...]) -> JournalEntry:
    return JournalEntry(
        redemption_id=row[0],
        kind=row[1],
        token=row[2],
        token_id=row[3],
        refund_of=row[4],
        amount_cents=row[5],
        captured_at=datetime.fromisoformat(row[6]),
        mode=row[7],
        state=JournalState(row[8]),
        server_answer=json.loads(row[9]) if row[9] else None,
        acknowledged=bool(row[10]),
    )
