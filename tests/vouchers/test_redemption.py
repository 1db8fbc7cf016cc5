"""Paper vouchers at real tills: offline through the till's own logic and its sync, and
through the server's batch endpoint; a cancelled voucher is refused online and offline."""

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from pos_client.pairing import pair
from pos_client.sync import Sync
from pos_client.till import Till
from pos_client.tillfiles import TillFiles
from tests.payments import account, new_signing_key, new_till, new_wallet, payment_app
from tests.pos_client.conftest import Clock, pairing_code
from tests.pos_client.live import LiveServer, Network
from wallet_server.ledger import verify
from wallet_server.participants.models import Participant
from wallet_server.pos.models import Redemption
from wallet_server.tokens.keystore import KeyStore
from wallet_server.tokens.operations import current_signing_key
from wallet_server.vouchers.models import VoucherSheet
from wallet_server.vouchers.operations import (
    cancel_voucher,
    find_voucher,
    issue_sheet,
    printable_vouchers,
)


@pytest.fixture
def instance(tmp_path):
    return tmp_path / "server"


@pytest.fixture
def app(db_url, instance, sessions):
    app = payment_app(db_url, instance)
    new_signing_key(sessions, instance)
    yield app
    app.extensions["caisse.engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def wallet(sessions):
    return new_wallet(sessions, balance=10_000)


def _sheet(sessions, app, instance, wallet, *, value: int, count: int) -> tuple[int, list[str]]:
    """Issue a sheet as the console does; return its id and the printed token texts."""
    with sessions() as session:
        person = session.scalar(
            select(Participant).where(Participant.public_id == wallet.public_id)
        )
        sheet = issue_sheet(
            session,
            person,
            value_cents=value,
            count=count,
            signer=current_signing_key(session, KeyStore(instance / "keys")),
            settings=app.extensions["caisse.settings"].tokens,
            actor="user:alice",
        )
        texts = [voucher.token_text for voucher in printable_vouchers(session, sheet)]
        session.commit()
        return sheet.id, texts


def _cancel(sessions, sheet_id: int, number: int) -> None:
    with sessions() as session:
        sheet = session.get(VoucherSheet, sheet_id)
        cancel_voucher(session, find_voucher(session, sheet, number), "user:alice")
        session.commit()


def _item(token: str, amount: int) -> dict[str, object]:
    return {
        "redemption_id": str(uuid.uuid4()),
        "token": token,
        "amount_cents": amount,
        "captured_at": datetime.now(UTC).isoformat(),
        "mode": "offline",
    }


def test_a_voucher_synced_offline_in_a_batch_is_credited_to_the_shop_once(
    app, client, sessions, instance, wallet
):
    till = new_till(sessions, client)
    _, (first, second) = _sheet(sessions, app, instance, wallet, value=2_000, count=2)
    items = [_item(first, 2_000), _item(second, 1_200)]

    def sync():
        return client.post(
            "/api/v1/pos/redemptions/batch", json={"redemptions": items}, headers=till.headers()
        )

    answer = sync()
    assert answer.status_code == 200, answer.json
    assert [r["status"] for r in answer.json["results"]] == ["accepted", "accepted"]
    assert sync().json == answer.json  # the till retries: nothing more is paid
    assert account(sessions, till.shop_account_id).balance == 3_200
    assert account(sessions, wallet.account_id).balance == 10_000 - 3_200
    assert account(sessions, wallet.account_id).available == 10_000 - 3_200
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Redemption)) == 2
        assert verify(session).ok


def test_a_cancelled_voucher_is_refused_online_and_its_money_is_back(
    app, client, sessions, instance, wallet
):
    till = new_till(sessions, client)
    sheet_id, (voucher,) = _sheet(sessions, app, instance, wallet, value=1_500, count=1)
    assert account(sessions, wallet.account_id).available == 8_500
    _cancel(sessions, sheet_id, 1)
    assert account(sessions, wallet.account_id).available == 10_000

    refused = client.post(
        "/api/v1/pos/redemptions",
        headers=till.headers(),
        json={**_item(voucher, 1_500), "mode": "online"},
    )
    assert (refused.status_code, refused.json["code"]) == (422, "token_revoked")
    assert account(sessions, till.shop_account_id).balance == 0


@pytest.fixture
def network(app):
    server = LiveServer(app)
    network = Network(server.port)
    yield network
    network.close()
    server.stop()


@pytest.fixture
def offline_till(sessions, network, tmp_path):
    """A real till (pos_client), paired over the network: (Till, Sync, shop account id)."""
    code, shop_account = pairing_code(sessions, "La Cagette")
    folder = tmp_path / "till"
    pair(network.url, code, name="caisse 1", folder=folder)
    till = Till(TillFiles(folder), online_timeout=2.0, clock=Clock())
    yield till, Sync(till), shop_account
    till.close()


def test_a_real_till_takes_a_voucher_offline_and_the_shop_is_paid_on_sync(
    app, sessions, instance, wallet, network, offline_till
):
    till, sync, shop_account = offline_till
    sheet_id, (kept, lost) = _sheet(sessions, app, instance, wallet, value=1_000, count=2)
    _cancel(sessions, sheet_id, 2)  # reported lost: the till learns it at its next sync
    assert sync.once().online

    with network.state_for(network.DOWN):
        paid = till.pay(kept, 900)
        again = till.pay(kept, 100)
        cancelled = till.pay(lost, 500)
    assert paid.accepted and paid.mode == "offline"
    assert again.code == "token_already_used"
    assert cancelled.code == "token_revoked"
    assert account(sessions, shop_account).balance == 0

    report = sync.once()
    assert report.online and report.accepted == 1 and report.unsynced_count == 0
    assert sync.once().accepted == 0
    assert account(sessions, shop_account).balance == 900
    wallet_account = account(sessions, wallet.account_id)
    assert (wallet_account.balance, wallet_account.available) == (9_100, 9_100)
    with sessions() as session:
        assert verify(session).ok
