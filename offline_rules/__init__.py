"""The offline rules: when a till may accept a pay code it cannot check with the server.

One definition for both sides (ARCHITECTURE §5): the till applies it when it accepts a payment
offline, and the server applies the very same function when that payment is synced, to what
it told that till and when. A till, or a copy of its credential, may lie about everything it
sends; the server's inputs are its own records, so a dishonest till gets nothing beyond what
an honest one could have accepted.

Pure: `paytoken` only, no Flask, no database. `vectors.json` holds the shared test vectors
(inputs → verdict) that every engine must pass: `python -m offline_rules.vectors`.
"""

from offline_rules.judge import Capture, OfflineRefusal, OfflineWindow, judge_offline
from offline_rules.limits import OfflineLimits

__all__ = [
    "Capture",
    "OfflineLimits",
    "OfflineRefusal",
    "OfflineWindow",
    "judge_offline",
]
