"""The shop's line goes down and comes back: offline payments within limits, store-and-forward
sync, double spends across tills, answers lost in transit, clock skew."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from paytoken import unverified_claims
from pos_client.journal import JournalState
from pos_client.sync import ATTEMPT_SETTLED, SyncWorker
from tests.payments import account, new_wallet
from tests.pos_client.conftest import pay_code
from wallet_server.ledger import verify
from wallet_server.participants.models import Participant
from wallet_server.pos.models import Conflict, PosDevice, Redemption
from wallet_server.pos.pin import set_pin
from wallet_server.tokens.blocklist import revoke


def _books_balance(sessions) -> None:
    with sessions() as session:
        assert verify(session).ok


def test_partition_accepts_within_limits_refuses_beyond_then_syncs(
    open_till, network, client, sessions
):
    till, sync, shop_account = open_till(max_count=3, max_amount_cents=2_000)
    wallets = [new_wallet(sessions, balance=10_000) for _ in range(3)]
    codes = [pay_code(client, wallets[i % 3]) for i in range(5)]
    with network.state_for(network.DOWN):
        accepted = [till.pay(code, 1_000) for code in codes[:3]]
        too_many = till.pay(codes[3], 500)
        assert not sync.once().online  # the worker cannot reach the server either
    assert all(o.accepted and o.mode == "offline" for o in accepted)
    assert "Accepté hors ligne" in accepted[0].messages["fr"]
    assert too_many.code == "offline_limit" and "Limite" in too_many.messages["fr"]
    assert till.journal.pending_totals() == (3, 3_000)
    assert account(sessions, shop_account).credits_posted == 0

    report = sync.once()
    assert report.online and report.accepted == 3 and report.unsynced_count == 0
    assert account(sessions, shop_account).credits_posted == 3_000
    assert sum(account(sessions, w.account_id).balance for w in wallets) == 27_000
    assert till.pay(codes[3], 500).mode == "online"  # the limits count from the last sync
    with sessions() as session:
        device = session.get(PosDevice, till.pairing.device_id)
        assert device.last_sync_at is not None and device.unsynced_count == 0
    _books_balance(sessions)


def test_offline_amount_limit_and_too_long_without_sync(open_till, network, client, wallet):
    till, _, _ = open_till(max_amount_cents=2_000, max_hours=1)
    with network.state_for(network.DOWN):
        assert till.pay(pay_code(client, wallet), 2_001).code == "offline_limit"
        till.clock.offset = timedelta(minutes=61)
        assert till.pay(pay_code(client, wallet), 100).code == "offline_too_long"


def test_a_code_for_online_use_only_is_refused_offline(open_till, network, client, wallet):
    till, _, _ = open_till()
    with network.state_for(network.DOWN):
        outcome = till.pay(pay_code(client, wallet, offline=False), 100)
    assert outcome.code == "token_online_only"


def test_one_code_on_two_offline_tills_pays_both_shops_and_opens_one_conflict(
    open_till, network, client, wallet, sessions
):
    first, first_sync, first_shop = open_till("La Cagette")
    second, second_sync, second_shop = open_till("Marché paysan")
    code = pay_code(client, wallet)
    with network.state_for(network.DOWN):
        assert first.pay(code, 4_000).mode == "offline"
        assert second.pay(code, 3_000).mode == "offline"
    assert first_sync.once().accepted == 1
    second_report = second_sync.once()
    assert second_report.conflicts == 1
    assert account(sessions, first_shop).balance == 4_000
    assert account(sessions, second_shop).balance == 3_000
    assert account(sessions, wallet.account_id).balance == 10_000 - 7_000
    with sessions() as session:
        conflicts = session.scalars(select(Conflict)).all()
        assert [(c.reason, c.status, c.amount_cents) for c in conflicts] == [
            ("double_spend", "open", 3_000)
        ]
    problems = second.journal.problems()
    assert [p.state for p in problems] == [JournalState.CONFLICT]
    _books_balance(sessions)


def test_an_answer_lost_after_the_server_paid_is_counted_once(
    open_till, network, client, wallet, sessions
):
    till, sync, shop_account = open_till()
    with network.state_for(network.ANSWERS_LOST):
        outcome = till.pay(pay_code(client, wallet), 1_500)
    assert outcome.accepted and outcome.mode == "offline"  # the till could not know
    assert account(sessions, shop_account).credits_posted == 1_500  # the server did
    report = sync.once()
    assert report.accepted == 1 and report.unsynced_count == 0
    assert account(sessions, shop_account).credits_posted == 1_500
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Redemption)) == 1
    _books_balance(sessions)


def test_a_payment_refused_to_the_cashier_but_received_by_the_server_is_refunded(
    open_till, network, client, wallet, sessions
):
    till, sync, shop_account = open_till()
    with network.state_for(network.ANSWERS_LOST):
        outcome = till.pay(pay_code(client, wallet, offline=False), 1_500)
    assert outcome.code == "token_online_only"  # the cashier is told: not paid
    assert account(sessions, wallet.account_id).balance == 8_500  # yet the server took it
    sync.once()
    assert account(sessions, wallet.account_id).balance == 8_500  # still settling
    till.clock.offset = ATTEMPT_SETTLED + timedelta(seconds=1)
    report = sync.once()
    assert report.settled_attempts == 1 and report.refunds == 1
    assert account(sessions, wallet.account_id).balance == 10_000
    assert account(sessions, shop_account).balance == 0
    _books_balance(sessions)


def test_a_pin_payment_whose_answer_was_lost_is_refunded(open_till, network, wallet, sessions):
    with sessions() as session:
        person = session.scalar(
            select(Participant).where(Participant.public_id == wallet.public_id)
        )
        set_pin(person, "4821")
        session.commit()
    till, sync, _ = open_till()
    with network.state_for(network.ANSWERS_LOST):
        assert till.pay_by_pin(wallet.public_id, "4821", 900).code == "pin_needs_connection"
    assert account(sessions, wallet.account_id).balance == 9_100
    till.clock.offset = ATTEMPT_SETTLED + timedelta(seconds=1)
    sync.once()
    assert account(sessions, wallet.account_id).balance == 10_000


def test_refund_while_offline_is_queued_and_sent_after_its_payment(
    open_till, network, client, wallet, sessions
):
    till, sync, shop_account = open_till()
    with network.state_for(network.DOWN):
        paid = till.pay(pay_code(client, wallet), 2_500)
        assert till.refund(paid.redemption_id, 500).code == "refund_queued"
    report = sync.once()
    assert report.accepted == 1 and report.refunds == 1
    assert account(sessions, shop_account).balance == 2_000
    assert account(sessions, wallet.account_id).balance == 8_000
    _books_balance(sessions)


@pytest.mark.parametrize("skew_minutes", [-5, 5])
def test_a_till_clock_five_minutes_off_pays_offline_and_syncs(
    open_till, network, client, wallet, sessions, skew_minutes
):
    till, sync, shop_account = open_till()
    till.clock.offset = timedelta(minutes=skew_minutes)
    with network.state_for(network.DOWN):
        assert till.pay(pay_code(client, wallet), 1_000).mode == "offline"
    report = sync.once()
    assert report.accepted == 1, report.details
    assert account(sessions, shop_account).balance == 1_000


def test_a_till_clock_far_ahead_is_rejected_at_sync_and_shown(
    open_till, network, client, wallet, sessions
):
    till, sync, shop_account = open_till()
    till.clock.offset = timedelta(minutes=30)
    with network.state_for(network.DOWN):
        assert till.pay(pay_code(client, wallet), 1_000).mode == "offline"
    report = sync.once()
    assert report.rejected == 1
    [problem] = till.journal.problems()
    assert problem.server_answer["code"] == "captured_in_future"
    assert problem.server_answer["messages"]["en"]
    assert account(sessions, shop_account).balance == 0


def test_blocklist_and_limits_are_refreshed_by_the_sync(
    open_till, network, client, wallet, sessions
):
    till, sync, _ = open_till()
    code = pay_code(client, wallet)
    with sessions() as session:
        revoke(session, actor="test", token_id=unverified_claims(code).token_id.hex())
        session.get(PosDevice, till.pairing.device_id).offline_max_count = 7
        session.commit()
    sync.once()
    assert till.files.policy().max_count == 7
    with network.state_for(network.DOWN):
        assert till.pay(code, 100).code == "token_revoked"


def test_the_sync_worker_backs_off_with_jitter_and_a_ceiling(open_till):
    _, sync, _ = open_till()
    worker = SyncWorker(sync, first_retry=2.0, max_backoff=60.0)
    for failures, ceiling in ((1, 2.0), (2, 4.0), (4, 16.0), (10, 60.0)):
        waits = {worker.backoff(failures) for _ in range(50)}
        assert all(ceiling / 2 <= wait <= ceiling for wait in waits)
        assert len(waits) > 1  # jittered: a shop's tills do not retry in step
