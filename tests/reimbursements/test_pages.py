"""Reimbursements in the console: prepare a batch, download its SEPA file and CSV, mark it
paid after a confirmation, statements, and who may do what."""

import xml.etree.ElementTree as ET
from importlib.resources import as_file, files

import pytest
import xmlschema
from sqlalchemy import func, select

from tests.console.test_core import audit_rows
from tests.payments import account, new_till, new_wallet
from tests.reimbursements.shopping import GOOD_IBAN, OTHER_IBAN, pay_through_api, set_bank_details
from wallet_server import clock
from wallet_server.ledger import Transfer, verify
from wallet_server.reimbursements.models import PayoutBatch
from wallet_server.users.models import Role

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
FUND_ACCOUNT = {
    "fund_name": "Caisse Commune du Pays de Morlaix",
    "fund_iban": "FR76 3000 4000 0312 3456 7890 143",
    "fund_bic": "BNPAFRPP",
}
NO_FUND_ACCOUNT = dict.fromkeys(FUND_ACCOUNT, "")


@pytest.fixture
def console_overrides():
    """The fund's bank account (CAISSE_FUND_NAME, _IBAN, _BIC) for every test here; the test
    of its absence parametrizes this fixture with empty values."""
    return FUND_ACCOUNT


@pytest.fixture
def shops(console_app, sessions):
    """Two shops owed money through real payments: one payable, one with a mistyped IBAN."""
    client = console_app.test_client()
    cagette = new_till(sessions, client, name="La Cagette")
    fournil = new_till(sessions, client, name="Le Fournil")
    wallet = new_wallet(sessions, balance=10_000)
    pay_through_api(client, wallet, cagette, 1_234)
    pay_through_api(client, wallet, cagette, 1_000)
    pay_through_api(client, wallet, fournil, 2_500)
    good = set_bank_details(sessions, cagette.shop_public_id, iban=GOOD_IBAN, holder="SCOP Cagette")
    bad = set_bank_details(sessions, fournil.shop_public_id, iban=OTHER_IBAN[:-1] + "1", holder="F")
    return {"cagette": (good, cagette), "fournil": (bad, fournil)}


def _today() -> str:
    return clock.today().isoformat()


def _prepare(client):
    return client.post(
        "/console/reimbursements/batches",
        {"payout_period_end": _today(), "payout_execution_date": _today()},
    )


def _only_batch(sessions) -> PayoutBatch:
    with sessions() as session:
        (batch,) = session.scalars(select(PayoutBatch)).all()
        session.expunge(batch)
        return batch


def _payout_count(sessions) -> int:
    with sessions() as session:
        return session.scalar(
            select(func.count()).select_from(Transfer).where(Transfer.kind == "payout")
        )


def test_prepare_download_and_mark_paid_once(console_login, sessions, shops):
    coordinator = console_login(Role.COORDINATOR)
    prepared = _prepare(coordinator)
    assert prepared.status_code == 302
    batch = _only_batch(sessions)
    assert prepared.headers["Location"].endswith(f"/console/reimbursements/batches/{batch.id}")
    assert batch.total_cents == 2_234

    page = coordinator.get(f"/console/reimbursements/batches/{batch.id}").get_data(as_text=True)
    assert "FR76 3000 6000 0112 3456 7890 189" in page and "22,34" in page
    assert 'id="excluded"' in page and "Le Fournil" in page and "IBAN invalide" in page
    (entry,) = audit_rows(sessions, action="payout.prepare")
    assert entry.target == f"payout:{batch.id}"
    assert entry.after["total_cents"] == 2_234
    assert entry.after["excluded"] == [f"{shops['fournil'][0].public_id}:iban_invalid"]

    sepa = coordinator.get(f"/console/reimbursements/batches/{batch.id}/sepa.xml")
    assert sepa.status_code == 200
    assert "attachment" in sepa.headers["Content-Disposition"]
    with as_file(files("sepaxml") / "schemas" / "pain.001.001.03.xsd") as xsd:
        xmlschema.XMLSchema(str(xsd)).validate(sepa.get_data(as_text=True))
    root = ET.fromstring(sepa.get_data())
    assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", namespaces=NS) == "22.34"
    assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", namespaces=NS) == "1"
    assert (
        root.findtext("p:CstmrCdtTrfInitn/p:PmtInf/p:DbtrAcct/p:Id/p:IBAN", namespaces=NS)
        == "FR7630004000031234567890143"
    )
    assert audit_rows(sessions, action="payout.export_sepa")

    csv = coordinator.get(f"/console/reimbursements/batches/{batch.id}/lines.csv")
    text = csv.get_data().decode("utf-8")
    assert text.startswith("\ufeffCommerce;")
    assert f"La Cagette;{shops['cagette'][0].public_id};FR7630006000011234567890189" in text
    assert ";SCOP Cagette;22,34;CC-" in text

    confirm = coordinator.get(f"/console/reimbursements/batches/{batch.id}/pay")
    assert 'id="confirm-form"' in confirm.get_data(as_text=True)
    unconfirmed = coordinator.post(f"/console/reimbursements/batches/{batch.id}/pay", {})
    assert unconfirmed.status_code == 422
    assert _payout_count(sessions) == 0

    paid = coordinator.post(
        f"/console/reimbursements/batches/{batch.id}/pay", {"payout_confirm": "yes"}
    )
    assert paid.status_code == 302
    assert _payout_count(sessions) == 1
    assert account(sessions, shops["cagette"][1].shop_account_id).balance == 0
    assert account(sessions, shops["fournil"][1].shop_account_id).balance == 2_500
    with sessions() as session:
        assert verify(session).ok
    (marked,) = audit_rows(sessions, action="payout.mark_paid")
    assert (marked.before["status"], marked.after["status"]) == ("prepared", "paid")
    assert marked.after["paid_by"] == f"user:{coordinator.user.username}"

    again = coordinator.post(
        f"/console/reimbursements/batches/{batch.id}/pay", {"payout_confirm": "yes"}
    )
    assert again.status_code == 422
    assert "déjà marqué payé" in again.get_data(as_text=True)
    assert _payout_count(sessions) == 1
    assert len(audit_rows(sessions, action="payout.mark_paid")) == 1


def test_nothing_due_is_refused_and_names_the_shops_left_out(console_login, sessions, shops):
    coordinator = console_login(Role.COORDINATOR)
    set_bank_details(sessions, shops["cagette"][0].public_id, iban="", holder="")
    refused = _prepare(coordinator)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Aucun commerce à rembourser" in page
    assert "Coordonnées bancaires non renseignées" in page and "IBAN invalide" in page
    english = coordinator.post(
        "/console/reimbursements/batches",
        {"payout_period_end": _today(), "payout_execution_date": _today()},
        headers={"Accept-Language": "en"},
    ).get_data(as_text=True)
    assert "Invalid IBAN: check every character" in english
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(PayoutBatch)) == 0
    bad_date = coordinator.post(
        "/console/reimbursements/batches",
        {"payout_period_end": "31/12/2026", "payout_execution_date": _today()},
    )
    assert bad_date.status_code == 422
    assert 'id="payout_period_end-error"' in bad_date.get_data(as_text=True)


@pytest.mark.parametrize("console_overrides", [NO_FUND_ACCOUNT])
def test_the_sepa_file_needs_the_fund_account(console_login, sessions, shops):
    coordinator = console_login(Role.COORDINATOR)
    _prepare(coordinator)
    batch = _only_batch(sessions)
    refused = coordinator.get(f"/console/reimbursements/batches/{batch.id}/sepa.xml")
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "Compte bancaire du fonds non configuré" in text
    assert "à corriger : CAISSE_FUND_NAME." in text


def test_cancel_frees_the_amounts_for_a_new_batch(console_login, sessions, shops):
    coordinator = console_login(Role.COORDINATOR)
    _prepare(coordinator)
    batch = _only_batch(sessions)
    assert coordinator.post(f"/console/reimbursements/batches/{batch.id}/cancel").status_code == 302
    (cancelled,) = audit_rows(sessions, action="payout.cancel")
    assert (cancelled.before["status"], cancelled.after["status"]) == ("prepared", "cancelled")
    sepa = coordinator.get(f"/console/reimbursements/batches/{batch.id}/sepa.xml")
    assert sepa.status_code == 422
    assert _prepare(coordinator).status_code == 302


def test_committee_reads_but_cannot_prepare_pay_or_cancel(console_login, sessions, shops):
    coordinator = console_login(Role.COORDINATOR)
    _prepare(coordinator)
    batch = _only_batch(sessions)
    committee = console_login(Role.COMMITTEE)

    listing = committee.get("/console/reimbursements").get_data(as_text=True)
    assert f"/console/reimbursements/batches/{batch.id}" in listing
    assert 'id="prepare-form"' not in listing
    page = committee.get(f"/console/reimbursements/batches/{batch.id}").get_data(as_text=True)
    assert "La Cagette" in page and 'id="mark-paid"' not in page
    assert committee.get(f"/console/reimbursements/batches/{batch.id}/lines.csv").status_code == 200

    assert _prepare(committee).status_code == 403
    for path, data in (
        (f"/console/reimbursements/batches/{batch.id}/pay", {"payout_confirm": "yes"}),
        (f"/console/reimbursements/batches/{batch.id}/cancel", {}),
    ):
        assert committee.post(path, data).status_code == 403
    assert committee.get(f"/console/reimbursements/batches/{batch.id}/sepa.xml").status_code == 403

    refused = audit_rows(sessions, actor=committee.user.username, outcome="refused")
    assert {entry.action for entry in refused} == {
        "denied:console.reimbursements_prepare",
        "denied:console.reimbursements_mark_paid",
        "denied:console.reimbursements_cancel",
        "denied:console.reimbursements_sepa",
    }
    assert _payout_count(sessions) == 0
    assert _only_batch(sessions).status == "prepared"


def test_readers_see_every_shop_statement_and_the_fund_total(console_login, sessions, shops):
    committee = console_login(Role.COMMITTEE)
    page = committee.get("/console/reimbursements/statements").get_data(as_text=True)
    assert "La Cagette" in page and "Le Fournil" in page
    assert "47,34" in page  # 22,34 € + 25,00 € closing, fund-wide
    cagette = shops["cagette"][0]
    own = committee.get(f"/console/reimbursements/statements/{cagette.public_id}")
    assert "2 · 22,34" in own.get_data(as_text=True).replace("\u00a0", " ").replace(" €", "")
    bad = committee.get("/console/reimbursements/statements?statement_start=demain")
    assert bad.status_code == 422
    backwards = committee.get(
        "/console/reimbursements/statements?statement_start=2026-11-10&statement_end=2026-11-01"
    )
    assert backwards.status_code == 422
    assert "la date de fin précède la date de début" in backwards.get_data(as_text=True)


def test_a_shop_manager_sees_only_their_own_statement(console_login, sessions, shops):
    cagette, fournil = shops["cagette"][0], shops["fournil"][0]
    manager = console_login(Role.SHOP_MANAGER, shop=cagette)

    home = manager.get("/console/reimbursements")
    assert home.status_code == 302
    assert home.headers["Location"].startswith(
        f"/console/reimbursements/statements/{cagette.public_id}"
    )
    fund_wide = manager.get("/console/reimbursements/statements?statement_start=2026-11-01")
    assert fund_wide.headers["Location"] == (
        f"/console/reimbursements/statements/{cagette.public_id}?statement_start=2026-11-01"
    )
    own = manager.get(f"/console/reimbursements/statements/{cagette.public_id}")
    assert own.status_code == 200
    assert "La Cagette" in own.get_data(as_text=True)

    other = manager.get(f"/console/reimbursements/statements/{fournil.public_id}")
    assert other.status_code == 403
    assert "Le Fournil" not in other.get_data(as_text=True)
    (refused,) = audit_rows(sessions, actor=manager.user.username, outcome="refused")
    assert refused.target == f"shop:{fournil.public_id}"
    assert (
        manager.post(
            "/console/reimbursements/batches",
            {"payout_period_end": _today(), "payout_execution_date": _today()},
        ).status_code
        == 403
    )
