"""A shop's tills and their offline limits; the conflict queue and its three settlements,
on conflicts produced by real offline double spends through the till API."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.factories import fund
from tests.payments import Till, account, new_till, new_wallet, tell_offline_limits
from wallet_server.config import TokenSettings
from wallet_server.fund import FundAccount, fund_account
from wallet_server.ledger import Account, Transfer, verify
from wallet_server.pos.conflicts import (
    ConflictError,
    ConflictStatus,
    close_recovered,
    conflict_figures,
    conflict_queue,
    find_conflict,
    mark_repaid,
    recover_from_next_allocation,
    write_off,
)
from wallet_server.pos.devices import NewOfflineLimits, set_offline_limits, shop_tills
from wallet_server.pos.models import Conflict, PosDevice
from wallet_server.pos.pairing import PairingError, revoke_device
from wallet_server.shops.models import Shop

SETTINGS = TokenSettings()


def double_spend(client, sessions, wallet, *, first=7_000, second=6_000) -> tuple[Till, Till]:
    """One offline pay code accepted by two tills that could not see each other."""
    tills = (
        new_till(sessions, client, name="La Cagette"),
        new_till(sessions, client, name="Marché des Arceaux"),
    )
    for till in tills:  # 70 € offline is above the default 50 €: this fund allows 100 €
        tell_offline_limits(client, sessions, till, max_amount_cents=10_000, max_total_cents=50_000)
    token = client.post("/api/v1/me/tokens", json={"offline": True}, headers=wallet.headers())
    captured = datetime.now(UTC).isoformat()
    for till, amount in zip(tills, (first, second), strict=True):
        paid = client.post(
            "/api/v1/pos/redemptions",
            json={
                "redemption_id": str(uuid.uuid4()),
                "token": token.json["token"],
                "amount_cents": amount,
                "captured_at": captured,
                "mode": "offline",
            },
            headers=till.headers(),
        )
        assert paid.status_code == 200, paid.json
    return tills


def _books_balance(session) -> None:
    report = verify(session)
    assert report.ok, report.as_dict()


def _only_conflict(session) -> Conflict:
    (conflict,) = session.scalars(select(Conflict)).all()
    return conflict


def _shop(session, till: Till) -> Shop:
    return session.scalar(select(Shop).where(Shop.public_id == till.shop_public_id))


def _limits(amount=3_000, count=10, total=20_000, hours=24) -> NewOfflineLimits:
    return NewOfflineLimits(amount, count, total, hours)


def test_a_shops_tills_show_their_state_and_a_silent_one_stands_out(client, sessions, till):
    second = new_till(sessions, client, name="Autre commerce")
    with sessions() as session:
        shop = _shop(session, till)
        device = session.scalar(select(PosDevice).where(PosDevice.shop_id == shop.id))
        device.unsynced_count, device.unsynced_cents = 2, 3_500
        (listed,) = shop_tills(session, shop, SETTINGS)
        assert (listed.id, listed.active, listed.silent, listed.unsynced_cents) == (
            device.id,
            True,
            False,
            3_500,
        )
        assert listed.limits.max_hours_since_sync == 48
        later = datetime.now(UTC) + timedelta(hours=49)
        assert shop_tills(session, shop, SETTINGS, now=later)[0].silent
        device.last_sync_at = later - timedelta(hours=1)
        assert not shop_tills(session, shop, SETTINGS, now=later)[0].silent
        revoke_device(session, device)
        (revoked,) = shop_tills(session, shop, SETTINGS, now=later + timedelta(days=9))
        assert (revoked.active, revoked.silent) == (False, False)
    assert second.shop_public_id != till.shop_public_id


def test_new_offline_limits_reach_the_till_at_its_next_heartbeat(client, sessions, till):
    with sessions() as session:
        device = session.scalar(select(PosDevice))
        set_offline_limits(session, device, _limits(), SETTINGS)
        session.commit()
    answer = client.post(
        "/api/v1/pos/heartbeat",
        json={"unsynced_count": 0, "unsynced_cents": 0, "synced": True},
        headers=till.headers(),
    )
    assert answer.status_code == 200, answer.json
    assert answer.json["offline_limits"] == {
        "max_amount_cents": 3_000,
        "max_count": 10,
        "max_total_cents": 20_000,
        "max_hours_since_sync": 24,
        "clock_skew_seconds": 300,
    }


@pytest.mark.parametrize(
    ("limits", "code"),
    [
        (_limits(amount=-1), "offline_limit_negative"),
        (_limits(count=-5), "offline_limit_negative"),
        (_limits(amount=20_001), "offline_amount_above_cap"),
        (_limits(count=10_001), "offline_count_too_high"),
        (_limits(total=1_000_001), "offline_total_too_high"),
        (_limits(hours=0), "offline_hours_out_of_range"),
        (_limits(hours=73), "offline_hours_out_of_range"),
        (_limits(amount=12.5), "offline_limit_invalid"),
    ],
)
def test_offline_limits_out_of_bounds_are_refused(session, limits, code):
    device = PosDevice(offline_max_amount_cents=5_000)
    with pytest.raises(PairingError) as refused:
        set_offline_limits(session, device, limits, SETTINGS)
    assert refused.value.code == code
    assert device.offline_max_amount_cents == 5_000


def test_a_revoked_tills_limits_do_not_change(client, sessions, till):
    with sessions() as session:
        device = session.scalar(select(PosDevice))
        revoke_device(session, device)
        with pytest.raises(PairingError) as refused:
            set_offline_limits(session, device, _limits(), SETTINGS)
        assert refused.value.code == "device_revoked"


def test_a_double_spend_is_queued_and_a_write_off_brings_the_wallet_to_zero(
    client, sessions, wallet
):
    _, second = double_spend(client, sessions, wallet)
    with sessions() as session:
        (row,) = conflict_queue(session, status=ConflictStatus.OPEN)
        assert (row.participant_public_id, row.shop_name, row.shop_public_id) == (
            wallet.public_id,
            "Marché des Arceaux",
            second.shop_public_id,
        )
        assert (row.reason, row.amount_cents, row.wallet_available_cents, row.owed_cents) == (
            "double_spend",
            6_000,
            -3_000,
            3_000,
        )
        figures = conflict_figures(session, SETTINGS)
        assert (figures.open_count, figures.open_shortfall_cents, figures.loss_cents) == (
            1,
            3_000,
            0,
        )
        assert figures.worst_case_exposure_cents == 2 * 50_000

        assert write_off(session, _only_conflict(session), actor="user:coord") == 3_000
        session.commit()
    assert account(sessions, wallet.account_id).available == 0
    with sessions() as session:
        conflict = _only_conflict(session)
        assert (conflict.status, conflict.resolution, conflict.resolved_by) == (
            "resolved",
            "written_off",
            "user:coord",
        )
        moved = session.get(Transfer, conflict.resolution_transfer_id)
        assert (moved.id, moved.amount, moved.kind) == (
            f"conflict:{conflict.id}:write_off",
            3_000,
            "conflict_write_off",
        )
        assert conflict_figures(session, SETTINGS).loss_cents == 3_000
        assert conflict_queue(session, status=ConflictStatus.RESOLVED)[0].settled_cents == 3_000
        with pytest.raises(ConflictError) as again:
            write_off(session, conflict, actor="user:other")
        assert again.value.code == "conflict_already_resolved"
        _books_balance(session)


def test_a_double_spend_the_wallet_could_cover_costs_the_fund_nothing(client, sessions):
    wallet = new_wallet(sessions, balance=30_000)
    double_spend(client, sessions, wallet)
    with sessions() as session:
        conflict = _only_conflict(session)
        assert conflict.reason == "double_spend"
        with pytest.raises(ConflictError) as refused:
            mark_repaid(session, conflict, actor="user:coord")
        assert refused.value.code == "conflict_nothing_owed"
        assert write_off(session, conflict, actor="user:coord") == 0
        assert (conflict.status, conflict.resolution_transfer_id) == ("resolved", None)
        assert conflict_figures(session, SETTINGS).loss_cents == 0
        _books_balance(session)


def test_recovery_waits_for_the_next_credit_then_closes(client, sessions, wallet):
    double_spend(client, sessions, wallet)
    with sessions() as session:
        conflict = _only_conflict(session)
        recover_from_next_allocation(session, conflict, actor="user:coord")
        assert close_recovered(session) == 0  # still 30 € short
        with pytest.raises(ConflictError) as twice:
            recover_from_next_allocation(session, conflict, actor="user:coord")
        assert twice.value.code == "conflict_not_open"
        session.commit()
    with sessions() as session:
        wallet_account = session.get(Account, wallet.account_id)
        fund(session, wallet_account, 10_000, transfer_id="allocation:2026-12")
        (row,) = conflict_queue(session)
        assert (row.status, row.recovered, row.wallet_available_cents) == (
            "recovering",
            True,
            7_000,
        )
        assert close_recovered(session) == 1
        conflict = _only_conflict(session)
        assert (conflict.status, conflict.resolution, conflict.resolved_by) == (
            "resolved",
            "recovered",
            "user:coord",
        )
        assert conflict.resolution_transfer_id is None and conflict.resolved_at is not None
        _books_balance(session)


def test_a_cash_repayment_enters_the_reserve_and_refills_the_wallet(client, sessions, wallet):
    double_spend(client, sessions, wallet)
    with sessions() as session:
        reserve_before = fund_account(session, FundAccount.RESERVE).balance
        contributions_before = fund_account(session, FundAccount.CONTRIBUTIONS).balance
        conflict = _only_conflict(session)
        recover_from_next_allocation(session, conflict, actor="user:coord")
        assert mark_repaid(session, conflict, actor="user:coord") == 3_000  # mind changed
        assert session.get(Account, wallet.account_id).available == 0
        assert fund_account(session, FundAccount.RESERVE).balance == reserve_before
        outside = fund_account(session, FundAccount.CONTRIBUTIONS).balance
        assert outside == contributions_before - 3_000
        assert (conflict.resolution, conflict.resolution_transfer_id) == (
            "repaid",
            f"conflict:{conflict.id}:repaid",
        )
        assert conflict_figures(session, SETTINGS).loss_cents == 0
        _books_balance(session)


def test_an_unknown_conflict_is_refused(session):
    with pytest.raises(ConflictError) as refused:
        find_conflict(session, 404)
    assert refused.value.code == "conflict_not_found"
