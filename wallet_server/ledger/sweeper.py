"""Release expired holds until none is left, and optionally keep doing it periodically."""

import threading
from collections.abc import Callable

from sqlalchemy.orm import Session

from wallet_server.ledger.operations import sweep_expired_holds
from wallet_server.ledger.retry import run_in_transaction

_BATCH = 500


def sweep_all(session_factory: Callable[[], Session]) -> int:
    """Sweep in batches of 500, each its own transaction; return how many holds were released."""
    released = 0
    while True:
        batch = run_in_transaction(
            session_factory, lambda session: sweep_expired_holds(session, limit=_BATCH)
        )
        released += batch
        if batch < _BATCH:
            return released


def sweep_periodically(
    session_factory: Callable[[], Session],
    *,
    every_seconds: float,
    stop: threading.Event,
    on_error: Callable[[BaseException], None] = lambda error: None,
    sweep: Callable[[Callable[[], Session]], object] = sweep_all,
) -> None:
    """Sweep every `every_seconds` until `stop` is set; a failed sweep is reported, not fatal,
    since the next one releases the same holds (a sweep is idempotent). `sweep` may do more
    than release holds (the server also prunes the tills' blocklist)."""
    while not stop.wait(every_seconds):
        try:
            sweep(session_factory)
        except Exception as error:  # keep sweeping: a passing database failure must not end it
            on_error(error)
