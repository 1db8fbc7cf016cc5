"""A dishonest till, or a copy of its credential, gets nothing beyond what an honest till could
have accepted: the server judges each offline capture from what it told that till and when.

Every test here is an attempt to cheat through the real API; each fails if the server goes
back to trusting what the till asserts.
"""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.payments import (
    Till,
    account,
    new_till,
    new_wallet,
    staff_headers,
)
from wallet_server import clock
from wallet_server.config import TokenSettings
from wallet_server.ledger import verify
from wallet_server.pos.conflicts import find_conflict, write_off
from wallet_server.pos.models import Conflict, PosDevice, Redemption, RefusedCapture
from wallet_server.pos.pairing import create_pairing_code
from wallet_server.pos.refused_captures import close_refused_capture
from wallet_server.reimbursements.batches import NothingDue, mark_paid, prepare_batch
from wallet_server.reimbursements.statements import Period, shop_statement
from wallet_server.shops.models import Shop
from wallet_server.tokens.blocklist import prune_blocklist


def _code(client, wallet, *, offline=True) -> str:
    issued = client.post("/api/v1/me/tokens", json={"offline": offline}, headers=wallet.headers())
    assert issued.status_code == 201, issued.json
    return issued.json["token"]


def _capture(token, amount, *, at=None, mode="offline", redemption_id=None) -> dict:
    return {
        "redemption_id": redemption_id or str(uuid.uuid4()),
        "token": token,
        "amount_cents": amount,
        "captured_at": (at or datetime.now(UTC)).isoformat(),
        "mode": mode,
    }


def _sync(client, till: Till, *captures) -> list[tuple[str, str | None]]:
    answer = client.post(
        "/api/v1/pos/redemptions/batch",
        json={"redemptions": list(captures)},
        headers=till.headers(),
    )
    assert answer.status_code == 200, answer.json
    return [(r["status"], r["code"]) for r in answer.json["results"]]


def _complete_sync(client, till: Till) -> None:
    """What an honest till does at the end of every pass: fetch the blocklist, then report
    that nothing is left to send (a complete contact)."""
    cursor = 0
    while True:
        page = client.get(f"/api/v1/blocklist?since={cursor}", headers=till.headers()).json
        if page["next_cursor"] == cursor:
            break
        cursor = page["next_cursor"]
    beat = client.post(
        "/api/v1/pos/heartbeat",
        json={"unsynced_count": 0, "unsynced_cents": 0, "synced": True},
        headers=till.headers(),
    )
    assert beat.status_code == 200, beat.json


def _refused(sessions) -> list[tuple[str, int, str]]:
    with sessions() as session:
        rows = session.scalars(select(RefusedCapture).order_by(RefusedCapture.id)).all()
        return [(r.code, r.amount_cents, r.status) for r in rows]


def _shop(session, till: Till) -> Shop:
    return session.scalar(select(Shop).where(Shop.public_id == till.shop_public_id))


def _bank_details(sessions, *tills: Till) -> None:
    """Payouts need each shop's bank account (a valid IBAN, not a real one)."""
    with sessions() as session:
        for till in tills:
            shop = _shop(session, till)
            shop.iban, shop.account_holder = "FR7630006000011234567890189", shop.name
        session.commit()


def test_the_dishonest_till_scenario_pays_nothing_beyond_the_limits(client, sessions, till):
    """The scenario that found the defect, step by step (the issue's figures)."""
    _bank_details(sessions, till)
    wallet = new_wallet(sessions, balance=60_000)
    token = _code(client, wallet)
    # one offline code, paid 10 € online...
    assert _sync(client, till, _capture(token, 1_000, mode="online")) == [("accepted", None)]
    # ...then re-sent five times as offline captures for 100 € each, in one batch
    replays = [_capture(token, 10_000) for _ in range(5)]
    assert _sync(client, till, *replays) == [("rejected", "token_already_used")] * 5
    assert account(sessions, till.shop_account_id).balance == 1_000
    assert account(sessions, wallet.account_id).balance == 59_000
    # the same batch sent again gets the same answers and changes nothing
    assert _sync(client, till, *replays) == [("rejected", "token_already_used")] * 5
    assert len(_refused(sessions)) == 5

    # the coordinator takes the phone out of use and blocks the wallet
    second = _code(client, wallet)
    coordinator = staff_headers(client, sessions)
    revoked = client.post(
        f"/api/v1/participants/{wallet.public_id}/devices/revoke", headers=coordinator
    )
    assert revoked.status_code == 200, revoked.json
    blocked_at = datetime.now(UTC)
    block = client.post(
        "/api/v1/blocklist",
        json={"wallet": wallet.public_id, "reason": "lost phone"},
        headers=coordinator,
    )
    assert block.status_code == 201, block.json
    _complete_sync(client, till)  # the till now knows of the block
    back_dated = _capture(second, 2_000, at=blocked_at - timedelta(seconds=30))
    assert _sync(client, till, back_dated) == [("rejected", "wallet_blocked")]

    # an offline capture above the till's per-payment limit (50 €)
    other = new_wallet(sessions, balance=20_000)
    assert _sync(client, till, _capture(_code(client, other), 6_000)) == [
        ("rejected", "offline_limit")
    ]
    assert account(sessions, till.shop_account_id).balance == 1_000

    # the payout batch holds back what is disputed: here, more than the shop is owed
    with sessions() as session:
        with pytest.raises(NothingDue):
            prepare_batch(session, period_end=clock.today(), execution_date=_soon(), actor="t")
        statement = shop_statement(session, _shop(session, till), _today())
        assert statement.held_cents == 5 * 10_000 + 2_000 + 6_000
        assert {d.reason for d in statement.held} == {
            "token_already_used",
            "wallet_blocked",
            "offline_limit",
        }
        # once a coordinator has looked into each, the shop is paid what it honestly took
        for refused in session.scalars(select(RefusedCapture)):
            close_refused_capture(session, refused, actor="coord", note="rogue till, revoked")
        prepared = prepare_batch(
            session, period_end=clock.today(), execution_date=_soon(), actor="t"
        )
        assert [line.amount_cents for line in prepared.lines] == [1_000]
        assert verify(session).ok


def _today() -> Period:
    return Period(clock.today(), clock.today())


def _soon():
    return clock.today() + timedelta(days=2)


def test_a_capture_dated_before_the_tills_last_contact_is_refused(client, sessions, till):
    wallet = new_wallet(sessions, balance=60_000)
    _complete_sync(client, till)
    contact = datetime.now(UTC)
    back_dated = _capture(_code(client, wallet), 1_000, at=contact - timedelta(minutes=6))
    assert _sync(client, till, back_dated) == [("rejected", "captured_before_contact")]
    # within the clock-skew allowance (5 minutes), it is an honest till's clock
    within = _capture(_code(client, wallet), 1_000, at=contact - timedelta(minutes=4))
    assert _sync(client, till, within) == [("accepted", None)]


def test_a_capture_dated_in_the_servers_future_or_past_the_offline_hours_is_refused(
    client, sessions, till
):
    wallet = new_wallet(sessions, balance=60_000)
    ahead = _capture(_code(client, wallet), 1_000, at=datetime.now(UTC) + timedelta(minutes=6))
    assert _sync(client, till, ahead) == [("rejected", "captured_in_future")]
    with sessions() as session:  # the till's last complete contact was 49 hours ago
        device = session.scalar(select(PosDevice))
        device.contact_at = datetime.now(UTC) - timedelta(hours=49)
        session.commit()
    late = _capture(_code(client, wallet), 1_000)
    assert _sync(client, till, late) == [("rejected", "offline_too_long")]


def test_the_count_and_total_since_the_last_contact_are_bounded_and_reset_at_the_next(
    client, sessions, till
):
    with sessions() as session:
        device = session.scalar(select(PosDevice))
        device.offline_max_count, device.offline_max_total_cents = 2, 4_000
        session.commit()
    _complete_sync(client, till)  # the till is told its new limits
    wallets = [new_wallet(sessions, balance=10_000) for _ in range(4)]
    codes = [_code(client, w) for w in wallets]
    assert _sync(client, till, _capture(codes[0], 1_500), _capture(codes[1], 1_500)) == [
        ("accepted", None),
        ("accepted", None),
    ]
    # a third in the same stretch: beyond the count, whatever batch it comes in
    assert _sync(client, till, _capture(codes[2], 100)) == [("rejected", "offline_limit")]
    _complete_sync(client, till)  # a new stretch
    assert _sync(client, till, _capture(codes[3], 3_000)) == [("accepted", None)]
    fresh = _code(client, new_wallet(sessions, balance=10_000))
    assert _sync(client, till, _capture(fresh, 1_001)) == [("rejected", "offline_limit")]


def test_limits_are_those_the_till_was_given_not_those_set_since(client, sessions, till):
    wallet = new_wallet(sessions, balance=60_000)
    with sessions() as session:  # raised after the till's last contact: it does not know
        device = session.scalar(select(PosDevice))
        device.offline_max_amount_cents = 20_000
        session.commit()
    assert _sync(client, till, _capture(_code(client, wallet), 6_000)) == [
        ("rejected", "offline_limit")
    ]
    _complete_sync(client, till)
    assert _sync(client, till, _capture(_code(client, wallet), 6_000)) == [("accepted", None)]


def test_a_revocation_the_till_never_fetched_is_honoured_and_one_it_fetched_is_not(
    client, sessions, till
):
    coordinator = staff_headers(client, sessions)
    unaware, aware = new_wallet(sessions), new_wallet(sessions)
    unaware_code, aware_code = _code(client, unaware), _code(client, aware)
    for wallet in (unaware, aware):
        blocked = client.post(
            "/api/v1/blocklist", json={"wallet": wallet.public_id}, headers=coordinator
        )
        assert blocked.status_code == 201
    # honest: the till was offline and could not know; it is paid (the wallet answers)
    assert _sync(client, till, _capture(unaware_code, 1_000))[0][0] in ("accepted", "conflict")
    _complete_sync(client, till)
    # knowing, it is refused however the capture is dated
    early = datetime.now(UTC) - timedelta(minutes=4)
    assert _sync(client, till, _capture(aware_code, 1_000, at=early)) == [
        ("rejected", "wallet_blocked")
    ]


def test_a_second_till_of_the_same_shop_is_never_paid_for_the_same_code(
    client, sessions, wallet, till
):
    code_public_id = till.shop_public_id
    with sessions() as session:
        shop = session.scalar(select(Shop).where(Shop.public_id == code_public_id))
        pairing = create_pairing_code(session, shop, actor="test").code
        session.commit()
    paired = client.post("/api/v1/pos/pair", json={"code": pairing, "name": "caisse 2"})
    clone = Till(till.shop_public_id, till.shop_account_id, paired.json["credential"])
    token = _code(client, wallet)
    assert _sync(client, till, _capture(token, 1_000)) == [("accepted", None)]
    assert _sync(client, clone, _capture(token, 1_000)) == [("rejected", "token_already_used")]
    assert account(sessions, till.shop_account_id).balance == 1_000


def test_a_double_spend_across_shops_is_paid_within_the_second_tills_limits_only(
    client, sessions, wallet, till
):
    other_shop = new_till(sessions, client, name="Marché des Arceaux")
    token = _code(client, wallet)
    assert _sync(client, till, _capture(token, 4_000)) == [("accepted", None)]
    # beyond the second till's per-payment limit: refused, not a conflict
    assert _sync(client, other_shop, _capture(token, 5_001)) == [("rejected", "offline_limit")]
    # within it: paid, the wallet charged, a conflict opened
    assert _sync(client, other_shop, _capture(token, 5_000)) == [("conflict", None)]
    assert account(sessions, other_shop.shop_account_id).balance == 5_000
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Conflict)) == 1


def test_an_open_conflict_is_held_back_from_payouts_until_resolved(client, sessions, wallet):
    first = new_till(sessions, client, name="La Cagette")
    second = new_till(sessions, client, name="Marché des Arceaux")
    _bank_details(sessions, first, second)
    token = _code(client, wallet)
    assert _sync(client, first, _capture(token, 4_000)) == [("accepted", None)]
    assert _sync(client, second, _capture(token, 3_000)) == [("conflict", None)]
    pay = new_wallet(sessions)
    assert _sync(client, second, _capture(_code(client, pay), 2_500)) == [("accepted", None)]
    with sessions() as session:
        prepared = prepare_batch(
            session, period_end=clock.today(), execution_date=_soon(), actor="t"
        )
        by_shop = {line.shop_id: line.amount_cents for line in prepared.lines}
        assert by_shop[_shop(session, first).id] == 4_000
        assert by_shop[_shop(session, second).id] == 2_500  # 5 500 less the disputed 3 000
        statement = shop_statement(session, _shop(session, second), _today())
        assert [(d.kind, d.reason, d.amount_cents) for d in statement.held] == [
            ("conflict", "double_spend", 3_000)
        ]
        (conflict,) = session.scalars(select(Conflict)).all()
        write_off(session, find_conflict(session, conflict.id), actor="coord")
        assert shop_statement(session, _shop(session, second), _today()).held == []
        session.rollback()


def test_a_refund_is_bounded_by_its_window_and_by_what_was_not_yet_paid_out(client, sessions, till):
    wallet = new_wallet(sessions, balance=60_000)
    _bank_details(sessions, till)

    def refund(redemption_id, amount):
        return client.post(
            "/api/v1/pos/refunds",
            json={
                "refund_id": str(uuid.uuid4()),
                "redemption_id": redemption_id,
                "amount_cents": amount,
            },
            headers=till.headers(),
        )

    old, recent = _capture(_code(client, wallet), 1_000), _capture(_code(client, wallet), 2_000)
    assert _sync(client, till, old, recent) == [("accepted", None), ("accepted", None)]
    with sessions() as session:  # the first payment reached the server 31 days ago
        row = session.scalar(
            select(Redemption).where(Redemption.redemption_id == old["redemption_id"])
        )
        row.created_at = datetime.now(UTC) - timedelta(days=31)
        session.commit()
    too_old = refund(old["redemption_id"], 500)
    assert (too_old.status_code, too_old.json["code"]) == (422, "refund_window_passed")
    assert "coordination" in too_old.json["messages"]["fr"]
    with sessions() as session:  # the fund pays the shop what it is owed
        prepared = prepare_batch(
            session, period_end=clock.today(), execution_date=_soon(), actor="t"
        )
        mark_paid(session, prepared.batch, actor="t")
        session.commit()
    after = refund(recent["redemption_id"], 500)
    assert (after.status_code, after.json["code"]) == (422, "refund_after_payout")
    assert "coordinators" in after.json["messages"]["en"]
    assert account(sessions, till.shop_account_id).balance == 0


def test_a_refund_of_another_shops_payment_is_not_found(client, sessions, wallet, till):
    other = new_till(sessions, client, name="Marché")
    paid = _capture(_code(client, wallet), 1_000)
    assert _sync(client, other, paid) == [("accepted", None)]
    answer = client.post(
        "/api/v1/pos/refunds",
        json={
            "refund_id": str(uuid.uuid4()),
            "redemption_id": paid["redemption_id"],
            "amount_cents": 100,
        },
        headers=till.headers(),
    )
    assert (answer.status_code, answer.json["code"]) == (404, "redemption_not_found")


def test_the_blocklist_is_for_paired_tills_and_expired_codes_leave_it(
    client, sessions, wallet, till
):
    assert client.get("/api/v1/blocklist").status_code == 401
    coordinator = staff_headers(client, sessions)
    expiring = client.post(
        "/api/v1/me/tokens", json={"offline": True}, headers=wallet.headers()
    ).json
    client.post("/api/v1/blocklist", json={"token_id": expiring["token_id"]}, headers=coordinator)
    first = client.get("/api/v1/blocklist?since=0", headers=till.headers()).json
    assert [e["token_id"] for e in first["entries"]] == [expiring["token_id"]]
    assert first["entries"][0]["expires_at"] is not None
    # long after the code expired and its grace passed, the entry leaves the tills' list...
    settings = TokenSettings()
    later = clock.now() + timedelta(seconds=settings.offline_seconds + settings.sync_grace_seconds)
    with sessions() as session:
        assert prune_blocklist(session, settings, now=later + timedelta(seconds=1)) == 1
        session.commit()
    fresh_till = new_till(sessions, client, name="Nouvelle caisse")
    assert client.get("/api/v1/blocklist?since=0", headers=fresh_till.headers()).json == {
        "entries": [],
        "next_cursor": 0,
    }
    # ...a till that had it keeps syncing from its cursor, and new entries still reach it
    blocked = client.post(
        "/api/v1/blocklist", json={"wallet": wallet.public_id}, headers=coordinator
    )
    assert blocked.status_code == 201, blocked.json
    after = client.get(
        f"/api/v1/blocklist?since={first['next_cursor']}", headers=till.headers()
    ).json
    assert [e["wallet"] for e in after["entries"]] == [wallet.public_id]
