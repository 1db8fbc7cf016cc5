"""The till's journal: durable before success, one entry per redemption id and per token."""

import multiprocessing
import os
import signal
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pos_client.journal import Journal, JournalState

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _pay(
    journal: Journal,
    number: int,
    *,
    token_id: str | None = None,
    mode="offline",
    captured_at: datetime = NOW,
    amount: int = 1_000,
):
    return journal.record(
        redemption_id=f"r-{number}",
        kind="redemption",
        amount_cents=amount,
        captured_at=captured_at,
        mode=mode,
        token=f"CC1:{number}",
        token_id=token_id or f"{number:032x}",
    )


def test_a_recorded_payment_is_pending_until_marked(tmp_path):
    journal = Journal(tmp_path / "journal.sqlite3")
    _pay(journal, 1)
    assert [e.redemption_id for e in journal.unsynced()] == ["r-1"]
    journal.mark("r-1", JournalState.SYNCED, {"receipt_number": "S-1"})
    assert journal.unsynced() == []
    assert journal.get("r-1").server_answer == {"receipt_number": "S-1"}
    assert (tmp_path / "journal.sqlite3").stat().st_mode & 0o077 == 0


def test_the_same_token_cannot_be_taken_twice_on_one_till(tmp_path):
    journal = Journal(tmp_path / "journal.sqlite3")
    _pay(journal, 1, token_id="ab" * 16)
    with pytest.raises(sqlite3.IntegrityError):
        _pay(journal, 2, token_id="ab" * 16)
    with pytest.raises(sqlite3.IntegrityError):
        _pay(journal, 1, token_id="cd" * 16)  # same redemption id
    assert journal.pending_totals() == (1, 1_000)


def test_offline_count_and_total_since_the_last_sync(tmp_path):
    journal = Journal(tmp_path / "journal.sqlite3")
    _pay(journal, 1, captured_at=NOW - timedelta(hours=2), amount=700)
    _pay(journal, 2, captured_at=NOW, amount=300)
    _pay(journal, 3, captured_at=NOW, mode="online", amount=5_000)
    assert journal.offline_since(NOW - timedelta(hours=1)) == (1, 300)
    assert journal.offline_since(NOW - timedelta(days=1)) == (2, 1_000)


def _record_then_die(path: str, ready) -> None:
    journal = Journal(Path(path))
    for number in range(50):
        _pay(journal, number)
    ready.set()
    os.kill(os.getpid(), signal.SIGKILL)  # no clean shutdown, no close()


def test_what_was_recorded_survives_a_sigkill(tmp_path):
    path = tmp_path / "journal.sqlite3"
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    process = context.Process(target=_record_then_die, args=(str(path), ready))
    process.start()
    process.join(60)
    assert process.exitcode == -signal.SIGKILL and ready.is_set()
    reopened = Journal(path)
    assert len(reopened.unsynced(limit=1_000)) == 50
    assert reopened.pending_totals() == (50, 50_000)
