"""Run a unit of work in its own transaction, retrying what the database asks us to retry."""

import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

T = TypeVar("T")

#: PostgreSQL: serialization_failure, deadlock_detected, lock_not_available
_RETRYABLE_SQLSTATES = frozenset({"40001", "40P01", "55P03"})


def is_retryable(error: BaseException) -> bool:
    """True for failures that a fresh attempt of the same transaction can get past."""
    if not isinstance(error, DBAPIError):
        return False
    original = error.orig
    sqlstate = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    if sqlstate in _RETRYABLE_SQLSTATES:
        return True
    message = str(original).lower()
    return "database is locked" in message or "database is busy" in message


def run_in_transaction(
    session_factory: Callable[[], Session],
    work: Callable[[Session], T],
    *,
    attempts: int = 8,
    base_delay: float = 0.01,
) -> T:
    """Call `work(session)` and commit; on a retryable failure roll back and try again.

    `work` must be safe to run more than once: everything it did is rolled back before the
    next attempt, and ledger transfer ids make its effects idempotent.
    """
    for attempt in range(1, attempts + 1):
        session = session_factory()
        try:
            result = work(session)
            session.commit()
            return result
        except Exception as error:
            session.rollback()
            if attempt == attempts or not is_retryable(error):
                raise
        finally:
            session.close()
        # jitter spreads the retries of processes that collided
        time.sleep(base_delay * (2 ** (attempt - 1)) * (0.5 + random.random()))
    raise AssertionError("unreachable")
