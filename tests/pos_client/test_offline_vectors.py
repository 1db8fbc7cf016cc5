"""The till passes every shared offline-rule vector through its own journal and files.

The vectors (offline_rules/vectors.json) are what the server's check passes too
(tests/pos/test_offline_vectors.py): one definition of "acceptable offline" on both sides.
"""

from datetime import datetime, timedelta

import pytest

from offline_rules.limits import OfflineLimits
from offline_rules.vectors import load
from paytoken import Blocklist, Keyset, TokenError, unverified_claims
from pos_client.journal import Journal, JournalState
from pos_client.offline import OfflineRefusal, accept_offline

DOCUMENT = load()
KEYSET = Keyset.from_json(DOCUMENT["keyset"])
#: a till judges at its own now: a capture dated apart from its receipt is a server's case
TILL_VECTORS = [v for v in DOCUMENT["vectors"] if v["captured_at"] == v["received_at"]]


def _journal_what_the_window_holds(journal: Journal, vector: dict, since: datetime) -> None:
    window = vector["window"]
    count, total = window["count"], window["total_cents"]
    for number in range(count):
        # spread the window's total over its payments, the first one taking the remainder
        amount = total // count + (total % count if number == 0 else 0)
        journal.record(
            redemption_id=f"earlier-{number}",
            kind="redemption",
            amount_cents=amount,
            captured_at=since + timedelta(seconds=number + 1),
            mode="offline",
            token_id=f"{0xEA51E4 + number:032x}",  # no vector token has such an id
        )
    if vector["taken_here"]:
        journal.record(
            redemption_id="taken-before",
            kind="redemption",
            amount_cents=100,
            captured_at=since + timedelta(seconds=30),
            mode="offline",
            token_id=unverified_claims(vector["token"]).token_id.hex(),
            state=JournalState.SYNCED,
        )


@pytest.mark.parametrize("vector", TILL_VECTORS, ids=[v["name"] for v in TILL_VECTORS])
def test_the_till_gives_each_vectors_verdict(vector, tmp_path):
    journal = Journal(tmp_path / "journal.sqlite3")
    since = datetime.fromisoformat(vector["window"]["since"])
    _journal_what_the_window_holds(journal, vector, since)
    blocklist = Blocklist()
    blocklist.add(
        token_ids=[bytes.fromhex(t) for t in vector["blocklist"]["token_ids"]],
        wallets=vector["blocklist"]["wallets"],
    )
    try:
        accept_offline(
            vector["token"],
            vector["amount_cents"],
            keyset=KEYSET,
            blocklist=blocklist,
            journal=journal,
            policy=OfflineLimits(**vector["limits"]),
            last_sync=since,
            now=datetime.fromisoformat(vector["captured_at"]),
        )
        verdict = "accept"
    except OfflineRefusal as refusal:
        verdict = refusal.code
    finally:
        journal.close()
    assert verdict == vector["expected"]


def test_the_vectors_cover_every_refusal_the_rules_can_give():
    codes = {v["expected"] for v in DOCUMENT["vectors"]}
    assert codes >= {
        "accept", "captured_in_future", "captured_before_contact", "offline_too_long",
        "bad_signature", "unknown_key", "token_expired", "token_not_yet_valid",
        "token_revoked", "wallet_blocked", "token_online_only", "token_already_used",
        "amount_exceeds_cap", "offline_limit",
    }  # fmt: skip
    assert len(TILL_VECTORS) >= len(DOCUMENT["vectors"]) - 3


def test_a_malformed_code_is_never_taken_as_already_used():
    with pytest.raises(TokenError):
        unverified_claims("HELLO")
