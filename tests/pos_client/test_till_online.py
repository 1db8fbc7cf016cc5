"""A paired till against a live server: online first, refusals in words, refunds, PIN."""

import json
import stat
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from offline_rules.limits import OfflineLimits
from pos_client.journal import JournalState
from pos_client.tillfiles import TillFiles
from tests.payments import account
from tests.pos_client.conftest import pay_code
from wallet_server.participants.models import Participant
from wallet_server.pos.models import Redemption
from wallet_server.pos.pin import set_pin


def test_pairing_keeps_credential_and_caches_in_a_private_folder(open_till):
    till, _, _ = open_till()
    folder = till.files.folder
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for name in ("till.json", "keyset.json", "blocklist.json", "limits.json", "sync.json"):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600, name
    assert len(till.files.keyset()) == 1
    assert till.files.policy().max_amount_cents == 5_000


def test_an_online_payment_is_paid_to_the_shop_and_journaled_as_synced(
    open_till, client, wallet, sessions
):
    till, _, shop_account = open_till()
    outcome = till.pay(pay_code(client, wallet), 1_240)
    assert outcome.accepted and outcome.mode == "online" and outcome.receipt_number
    assert account(sessions, shop_account).credits_posted == 1_240
    assert till.journal.get(outcome.redemption_id).state == JournalState.SYNCED
    assert till.journal.pending_totals() == (0, 0)


def test_a_refused_amount_can_be_corrected_and_the_same_code_scanned_again(
    open_till, client, wallet
):
    till, _, _ = open_till()
    token = pay_code(client, wallet)
    refused = till.pay(token, 5_001)  # above the code's cap
    assert not refused.accepted and refused.code == "amount_exceeds_cap"
    assert "dépasse" in refused.messages["fr"] and refused.messages["en"]
    assert till.pay(token, 2_000).accepted
    second = till.pay(token, 100)
    assert not second.accepted and second.code == "token_already_used"


def test_not_a_pay_code_is_refused_without_asking_the_server(open_till, network):
    till, _, _ = open_till()
    with network.state_for(network.DOWN):
        outcome = till.pay("hello", 100)
    assert outcome.code == "bad_prefix" and till.online is None


def test_refund_online_gives_the_money_back(open_till, client, wallet, sessions):
    till, _, shop_account = open_till()
    paid = till.pay(pay_code(client, wallet), 3_000)
    assert till.refund(paid.redemption_id, 1_000).code == "refund_accepted"
    assert till.refund(paid.redemption_id, 2_001).code == "refund_too_large"
    assert till.refund(paid.redemption_id, 2_000).code == "refund_accepted"
    assert account(sessions, shop_account).balance == 0
    assert account(sessions, wallet.account_id).balance == 10_000


def test_pin_payment_online_and_refused_without_connection(open_till, network, wallet, sessions):
    with sessions() as session:
        person = session.scalar(
            select(Participant).where(Participant.public_id == wallet.public_id)
        )
        set_pin(person, "4821")
        session.commit()
    till, _, shop_account = open_till()
    assert till.pay_by_pin(wallet.public_id, "4821", 700).accepted
    wrong = till.pay_by_pin(wallet.public_id, "0000", 700)
    assert not wrong.accepted and wrong.code == "wrong_pin"
    with network.state_for(network.DOWN):
        offline = till.pay_by_pin(wallet.public_id, "4821", 700)
    assert offline.code == "pin_needs_connection"
    assert account(sessions, shop_account).credits_posted == 700
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Redemption)) == 1


def test_a_till_stopped_by_the_pin_limit_shows_why_and_stays_online(open_till, wallet):
    """Wrong PIN answers are limited per till; the limit is a refusal in the server's words,
    not an outage that would send the till offline."""
    till, _, _ = open_till()
    codes = [till.pay_by_pin(f"P-ZZZZ-{n:04d}", "0000", 100).code for n in range(11)]
    assert "rate_limited" not in codes[:10]
    limited = till.pay_by_pin(wallet.public_id, "0000", 100)
    assert limited.code == "rate_limited"
    assert limited.messages["fr"] != limited.messages["en"]
    assert "pin_needs_connection" not in codes
    assert till.online is True


def test_the_cached_blocklist_forgets_codes_long_expired_and_reads_an_older_cache(tmp_path):
    files = TillFiles(tmp_path / "till")
    files.folder.mkdir(parents=True, exist_ok=True)
    # a cache written before entries carried their expiry still reads
    (files.folder / "blocklist.json").write_text(
        json.dumps({"token_ids": ["aa" * 16], "wallets": ["P-7KX2-M9QD"], "cursor": 3})
    )
    blocklist, cursor = files.blocklist()
    assert (blocklist.token_ids, cursor) == ({bytes.fromhex("aa" * 16)}, 3)
    now = datetime(2027, 3, 1, tzinfo=UTC)
    files.extend_blocklist(
        [
            {"cursor": 4, "token_id": "bb" * 16, "wallet": None,
             "expires_at": (now - timedelta(days=2)).isoformat()},
            {"cursor": 5, "token_id": "cc" * 16, "wallet": None,
             "expires_at": (now + timedelta(hours=3)).isoformat()},
        ],
        5,
        now=now,
    )  # fmt: skip
    blocklist, cursor = files.blocklist()
    assert blocklist.token_ids == {bytes.fromhex("aa" * 16), bytes.fromhex("cc" * 16)}
    assert blocklist.wallets == {"P-7KX2-M9QD"} and cursor == 5


def test_only_a_complete_contact_raises_the_offline_limits_a_till_keeps(tmp_path):
    # The server pays offline payments by the limits of the till's last complete contact:
    # limits raised by a coordinator reach the till at any heartbeat, but a till that
    # still has payments to send must not use them before the server counts them.

    files = TillFiles(tmp_path / "till")
    files.folder.mkdir(parents=True, exist_ok=True)
    paired = OfflineLimits(max_amount_cents=5_000, max_count=20, max_total_cents=50_000)
    files.save_policy(paired.__dict__)
    raised = OfflineLimits(max_amount_cents=9_000, max_count=40, max_total_cents=90_000)
    files.save_policy(raised.__dict__, complete_contact=False)
    assert files.policy() == paired
    lowered = OfflineLimits(max_amount_cents=9_000, max_count=5, max_total_cents=90_000)
    files.save_policy(lowered.__dict__, complete_contact=False)
    assert files.policy() == OfflineLimits(
        max_amount_cents=5_000, max_count=5, max_total_cents=50_000
    )
    files.save_policy(raised.__dict__)
    assert files.policy() == raised
