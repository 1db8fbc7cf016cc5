"""Loaded by every Python process of a `make test-dates` run (scripts/test_dates.py puts this
folder first on PYTHONPATH), and only there.

Under libfaketime with the monotonic clock left real (`FAKETIME_DONT_FAKE_MONOTONIC=1`, which
timed lock waits need), Python 3.11's `time.sleep` fails at once with EINVAL: it sleeps with
`clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, deadline)` and libfaketime shifts that real
monotonic deadline by the wall-clock offset. This `sleep` waits on `select` with a relative
timeout instead, which libfaketime passes through unchanged.
"""

import select
import time


def _sleep(seconds: float) -> None:
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        select.select([], [], [], left)


time.sleep = _sleep
