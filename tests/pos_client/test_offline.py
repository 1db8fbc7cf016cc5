"""Offline acceptance: the code's own checks, this till's journal, the server's limits."""

from datetime import UTC, datetime, timedelta

import pytest

from paytoken import (
    FLAG_OFFLINE,
    Blocklist,
    KeyEntry,
    Keyset,
    PaymentClaims,
    SigningKey,
    issue_token,
)
from pos_client.journal import Journal
from pos_client.offline import OfflineLimits, OfflineRefusal, accept_offline

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
KEY = SigningKey.generate()
KEYSET = Keyset([KeyEntry(KEY.public_key, valid_from=NOW - timedelta(days=1))])
POLICY = OfflineLimits(
    max_amount_cents=5_000, max_count=3, max_total_cents=8_000, max_hours_since_sync=48
)


def _code(*, cap=10_000, offline=True, wallet="P-7KX2-M9QD", issued=NOW, hours=24):
    claims = PaymentClaims.new(
        wallet=wallet,
        cap_cents=cap,
        issued_at=int(issued.timestamp()),
        expires_at=int((issued + timedelta(hours=hours)).timestamp()),
        flags=FLAG_OFFLINE if offline else 0,
    )
    return issue_token(claims, KEY), claims


@pytest.fixture
def journal(tmp_path):
    return Journal(tmp_path / "journal.sqlite3")


def _accept(journal, token, amount, *, now=NOW, last_sync=NOW - timedelta(hours=1), blocklist=None):
    claims = accept_offline(
        token,
        amount,
        keyset=KEYSET,
        blocklist=blocklist or Blocklist(),
        journal=journal,
        policy=POLICY,
        last_sync=last_sync,
        now=now,
    )
    journal.record(
        redemption_id=f"r-{claims.token_id.hex()}",
        kind="redemption",
        amount_cents=amount,
        captured_at=now,
        mode="offline",
        token=token,
        token_id=claims.token_id.hex(),
    )
    return claims


def _refusal(journal, token, amount, **kwargs) -> str:
    with pytest.raises(OfflineRefusal) as refused:
        _accept(journal, token, amount, **kwargs)
    return refused.value.code


def test_a_valid_offline_code_within_limits_is_accepted(journal):
    token, claims = _code()
    assert _accept(journal, token, 1_240) == claims


def test_the_same_code_twice_on_this_till_is_refused(journal):
    token, _ = _code()
    _accept(journal, token, 1_000)
    assert _refusal(journal, token, 1_000) == "token_already_used"


def test_an_online_only_code_is_refused_offline(journal):
    assert _refusal(journal, _code(offline=False)[0], 100) == "token_online_only"


def test_amount_limits_per_payment_and_over_the_cap(journal):
    assert _refusal(journal, _code()[0], 5_001) == "offline_limit"
    assert _refusal(journal, _code(cap=1_000)[0], 1_001) == "amount_exceeds_cap"


def test_count_and_total_since_the_last_sync_are_bounded(journal):
    for amount in (4_000, 3_000):
        _accept(journal, _code()[0], amount)
    assert _refusal(journal, _code()[0], 1_001) == "offline_limit"  # total 8,001 > 8,000
    _accept(journal, _code()[0], 1_000)  # total exactly 8,000
    assert _refusal(journal, _code()[0], 1) == "offline_limit"  # a fourth payment
    assert POLICY.worst_case_cents() == 8_000


def test_too_long_without_a_sync_refuses_everything(journal):
    assert (
        _refusal(journal, _code()[0], 100, last_sync=NOW - timedelta(hours=49))
        == "offline_too_long"
    )


def test_expiry_with_the_clock_skew_allowance(journal):
    token, _ = _code(hours=1)
    assert _refusal(journal, token, 100, now=NOW + timedelta(hours=1, minutes=5)) == "token_expired"
    token, _ = _code(hours=1)
    assert _accept(journal, token, 100, now=NOW + timedelta(hours=1, minutes=4))


@pytest.mark.parametrize("skew_minutes", [-5, 5])
def test_a_till_clock_five_minutes_off_still_accepts_a_fresh_code(journal, skew_minutes):
    token, _ = _code(hours=24)
    assert _accept(journal, token, 100, now=NOW + timedelta(minutes=skew_minutes))


def test_blocklisted_code_and_tampered_code_are_refused(journal):
    token, claims = _code()
    assert (
        _refusal(journal, token, 100, blocklist=Blocklist(wallets={claims.wallet}))
        == "wallet_blocked"
    )
    forged = token[:-4] + ("0000" if token[-4:] != "0000" else "1111")
    assert _refusal(journal, forged, 100) in {"bad_signature", "malformed"}
