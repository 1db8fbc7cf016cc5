"""The conflicts page on real offline double spends: the queue, the exposure, settling them,
and who may settle."""

from datetime import UTC, datetime

from sqlalchemy import select

from tests.console.test_core import audit_rows
from tests.factories import fund
from tests.payments import account, new_till, new_wallet
from tests.pos.test_devices_and_conflicts import double_spend
from wallet_server.ledger import Account, verify
from wallet_server.pos.models import Conflict, RefusedCapture
from wallet_server.users.models import Role


def _conflict(sessions) -> Conflict:
    with sessions() as session:
        (conflict,) = session.scalars(select(Conflict)).all()
        session.expunge(conflict)
        return conflict


def test_a_real_double_spend_is_queued_and_writing_it_off_brings_the_wallet_to_zero(
    console_app, console_login, sessions
):
    wallet = new_wallet(sessions, balance=10_000)
    double_spend(console_app.test_client(), sessions, wallet)
    conflict = _conflict(sessions)
    coordinator = console_login(Role.COORDINATOR)
    page = coordinator.get("/console/conflicts?status=open").get_data(as_text=True)
    assert wallet.public_id in page and "Marché des Arceaux" in page
    assert "code utilisé deux fois" in page
    assert 'id="exposure">1\u202f000,00\u00a0€' in page  # two tills × 500 € each
    assert "porte-monnaie concernés : 30,00" in page  # the 60 € payment, 30 € of it unfunded
    assert f'id="write-off-{conflict.id}"' in page

    assert coordinator.post(f"/console/conflicts/{conflict.id}/write-off").status_code == 302
    assert account(sessions, wallet.account_id).available == 0
    settled = _conflict(sessions)
    assert (settled.status, settled.resolution) == ("resolved", "written_off")
    with sessions() as session:
        assert verify(session).ok
    (entry,) = audit_rows(sessions, action="conflict.write_off")
    assert (entry.before["status"], entry.before["wallet_cents"]) == ("open", -3_000)
    assert (entry.after["status"], entry.after["moved_cents"], entry.after["wallet_cents"]) == (
        "resolved",
        3_000,
        0,
    )
    again = coordinator.post(f"/console/conflicts/{conflict.id}/write-off")
    assert again.status_code == 422 and "déjà réglé" in again.get_data(as_text=True)
    resolved = coordinator.get("/console/conflicts?status=resolved").get_data(as_text=True)
    assert "pris en charge par la caisse" in resolved
    assert 'id="loss">30,00' in resolved


def test_the_committee_reads_the_queue_but_cannot_settle_and_the_attempt_is_audited(
    console_app, console_login, sessions
):
    wallet = new_wallet(sessions, balance=10_000)
    double_spend(console_app.test_client(), sessions, wallet)
    conflict = _conflict(sessions)
    committee = console_login(Role.COMMITTEE)
    page = committee.get("/console/conflicts")
    assert page.status_code == 200 and wallet.public_id in page.get_data(as_text=True)
    assert "write-off-" not in page.get_data(as_text=True)
    for action in ("write-off", "recover", "repaid"):
        refused = committee.post(f"/console/conflicts/{conflict.id}/{action}")
        assert refused.status_code == 403
    denied = audit_rows(sessions, outcome="refused", actor=committee.user.username)
    assert [entry.action for entry in denied] == [
        "denied:console.conflict_write_off",
        "denied:console.conflict_recover",
        "denied:console.conflict_repaid",
    ]
    assert _conflict(sessions).status == "open"
    assert account(sessions, wallet.account_id).available == -3_000
    committee.post("/console/language", {"lang": "en", "next": "/console/conflicts"})
    english = committee.get("/console/conflicts").get_data(as_text=True)
    assert "Worst-case offline exposure" in english and "code used twice" in english


def test_recovery_is_shown_as_recovered_once_the_wallet_is_refilled_without_a_get_writing(
    console_app, console_login, sessions
):
    wallet = new_wallet(sessions, balance=10_000)
    double_spend(console_app.test_client(), sessions, wallet)
    conflict = _conflict(sessions)
    coordinator = console_login(Role.COORDINATOR)
    assert coordinator.post(f"/console/conflicts/{conflict.id}/recover").status_code == 302
    assert _conflict(sessions).status == "recovering"
    with sessions() as session:
        fund(session, session.get(Account, wallet.account_id), 10_000, transfer_id="alloc:12")
        session.commit()
    page = coordinator.get("/console/conflicts").get_data(as_text=True)
    assert "récupéré à la prochaine allocation" in page
    assert f'id="write-off-{conflict.id}"' not in page
    assert _conflict(sessions).status == "recovering"  # the next allocation run closes it
    (entry,) = audit_rows(sessions, action="conflict.recover")
    assert (entry.before["status"], entry.after["status"]) == ("open", "recovering")


def test_a_cash_repayment_from_the_console_refills_the_wallet(console_app, console_login, sessions):
    wallet = new_wallet(sessions, balance=10_000)
    double_spend(console_app.test_client(), sessions, wallet)
    conflict = _conflict(sessions)
    coordinator = console_login(Role.COORDINATOR)
    assert coordinator.post(f"/console/conflicts/{conflict.id}/repaid").status_code == 302
    assert account(sessions, wallet.account_id).available == 0
    assert _conflict(sessions).resolution == "repaid"
    (entry,) = audit_rows(sessions, action="conflict.repaid")
    assert entry.after["moved_cents"] == 3_000
    with sessions() as session:
        assert verify(session).ok


def test_a_tills_refused_payment_is_listed_and_a_coordinator_closes_it_with_a_note(
    console_app, console_login, sessions
):
    client = console_app.test_client()
    wallet, till = new_wallet(sessions, balance=10_000), new_till(sessions, client)
    token = client.post("/api/v1/me/tokens", json={"offline": True}, headers=wallet.headers())
    twice = [
        {
            "redemption_id": f"twice{n}-{wallet.account_id}-0000-0000",
            "token": token.json["token"],
            "amount_cents": 1_000,
            "captured_at": datetime.now(UTC).isoformat(),
            "mode": "offline",
        }
        for n in range(2)
    ]
    synced = client.post(
        "/api/v1/pos/redemptions/batch", json={"redemptions": twice}, headers=till.headers()
    )
    assert synced.status_code == 200, synced.json
    assert [r["code"] for r in synced.json["results"]] == [None, "token_already_used"]
    with sessions() as session:
        (refused,) = session.scalars(select(RefusedCapture)).all()
    coordinator = console_login(Role.COORDINATOR)
    page = coordinator.get("/console/conflicts").get_data(as_text=True)
    assert f'id="refused-{refused.id}"' in page
    assert "Ce code de paiement a déjà servi." in page and "À examiner" in page
    statement = coordinator.get(f"/console/reimbursements/statements/{till.shop_public_id}")
    held = statement.get_data(as_text=True)
    assert "Retenu sur les versements : 10,00" in held and 'id="held"' in held
    assert "paiement refusé : Ce code de paiement a déjà servi." in held
    committee = console_login(Role.COMMITTEE)
    close = f"/console/conflicts/refused/{refused.id}/close"
    assert committee.post(close, {"note": "x"}).status_code == 403
    assert coordinator.post(close, {"note": " "}).status_code == 302
    with sessions() as session:
        assert session.get(RefusedCapture, refused.id).status == "open"  # a note is needed
    assert coordinator.post(close, {"note": "cashier scanned twice"}).status_code == 302
    with sessions() as session:
        done = session.get(RefusedCapture, refused.id)
        assert (done.status, done.resolution) == ("resolved", "cashier scanned twice")
    (entry,) = audit_rows(sessions, action="refused_capture.close")
    assert entry.after["status"] == "resolved"
    assert "cashier scanned twice" in coordinator.get("/console/conflicts").get_data(as_text=True)
    after = coordinator.get(f"/console/reimbursements/statements/{till.shop_public_id}")
    assert 'id="held"' not in after.get_data(as_text=True)
