"""The server gives every shared offline-rule vector's verdict, from its own records.

Each vector becomes what the server would hold about the till: the signing key in its
keyset, blocklist entries served to the till (ids up to its cursor), the limits and window
of its last contact, a payment of the code already at the shop. The till passes the same
file (tests/pos_client/test_offline_vectors.py).
"""

from datetime import datetime

import pytest

from offline_rules import OfflineLimits, OfflineRefusal, OfflineWindow
from offline_rules.vectors import load
from paytoken import Keyset, TokenError, unverified_claims
from paytoken.keys import raw_public_bytes
from wallet_server.pos.offline_check import TillStretch, judge_capture
from wallet_server.shops.operations import add_shop
from wallet_server.tokens.blocklist import revoke
from wallet_server.tokens.models import SigningKeyRecord

DOCUMENT = load()
NAMES = [vector["name"] for vector in DOCUMENT["vectors"]]


def _server_knows_the_vector(session, vector: dict) -> TillStretch:
    for entry in Keyset.from_json(DOCUMENT["keyset"]):
        session.add(
            SigningKeyRecord(
                kid=entry.kid.hex(),
                public_key=raw_public_bytes(entry.public_key),
                valid_from=entry.valid_from,
                valid_until=entry.valid_until,
            )
        )
    unrelated = revoke(session, actor="test", token_id="ee" * 16)  # served, about another code
    cursor = unrelated.id
    for token_id in vector["blocklist"]["token_ids"]:
        cursor = revoke(session, actor="test", token_id=token_id).id
    for wallet in vector["blocklist"]["wallets"]:
        cursor = revoke(session, actor="test", wallet=wallet).id
    # an entry made after the till's cursor: the till never saw it, so it changes nothing
    try:
        later = unverified_claims(vector["token"]).token_id.hex()
    except TokenError:
        later = "dd" * 16
    revoke(session, actor="test", token_id=later)
    window = vector["window"]
    stretch = TillStretch(
        limits=OfflineLimits(**vector["limits"]),
        window=OfflineWindow(
            datetime.fromisoformat(window["since"]), window["count"], window["total_cents"]
        ),
        blocklist_cursor=cursor,
    )
    if vector["taken_here"]:
        stretch.taken_at_shop.add(unverified_claims(vector["token"]).token_id.hex())
    return stretch


@pytest.mark.parametrize(
    "vector", DOCUMENT["vectors"], ids=[v["name"] for v in DOCUMENT["vectors"]]
)
def test_the_server_gives_each_vectors_verdict(session, vector):
    shop = add_shop(session, name="La Cagette")
    stretch = _server_knows_the_vector(session, vector)
    try:
        judge_capture(
            session,
            shop,
            stretch,
            token=vector["token"],
            amount_cents=vector["amount_cents"],
            captured_at=datetime.fromisoformat(vector["captured_at"]),
            now=datetime.fromisoformat(vector["received_at"]),
        )
        verdict = "accept"
    except OfflineRefusal as refusal:
        verdict = refusal.code
    assert verdict == vector["expected"]
