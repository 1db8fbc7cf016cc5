"""Carrying out an opened run on a thread of its own, for callers that cannot wait for it."""

import logging
import threading
from collections.abc import Callable

from sqlalchemy.orm import Session

from wallet_server.allocations.operations import carry_out_run

log = logging.getLogger(__name__)


def carry_out_in_background(
    session_factory: Callable[[], Session], run_id: int
) -> threading.Thread:
    """Start the run on a daemon thread with its own sessions; its row shows the progress.

    If the process stops midway the row stays `running` with the chunks committed so far,
    and running the month again completes it.
    """

    def work() -> None:
        try:
            carry_out_run(session_factory, run_id)
        except Exception:
            # The run row is already marked failed; the log keeps the reason for the admin.
            log.exception("allocation run %s failed", run_id)

    thread = threading.Thread(target=work, name=f"allocation-run-{run_id}", daemon=True)
    thread.start()
    return thread
