"""The SEPA file and the CSV export of a batch; bank details of shops and of the fund."""

import xml.etree.ElementTree as ET
from importlib.resources import as_file, files

import pytest
import xmlschema

from tests.reimbursements.shopping import OTHER_IBAN, days_ago
from wallet_server import clock
from wallet_server.config import FundAccountSettings
from wallet_server.messages import message
from wallet_server.reimbursements.bank import BankDetailsError, checked_bank_details
from wallet_server.reimbursements.batches import batch_lines, prepare_batch
from wallet_server.reimbursements.sepa import credit_transfer_file, sepa_text
from wallet_server.reimbursements.settings import FundBankAccount, FundBankError, fund_bank_account

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
FUND = FundBankAccount(name="Caisse Commune de Quimper", iban="FR7630004000031234567890143", bic="")


@pytest.fixture(scope="module")
def pain_schema() -> xmlschema.XMLSchema:
    with as_file(files("sepaxml") / "schemas" / "pain.001.001.03.xsd") as path:
        return xmlschema.XMLSchema(str(path))


def _batch(session, market):
    cagette = market.shop("La Cagette & Fils", holder="Épicerie « La Cagette » & Fils")
    fournil = market.shop("Le Fournil", iban=OTHER_IBAN, bic="COBADEFF")
    market.pay(cagette, 1_234, at=days_ago(3))
    market.pay(cagette, 1, at=days_ago(3))
    market.pay(fournil, 15_000, at=days_ago(2))
    batch = prepare_batch(
        session, period_end=days_ago(1).date(), execution_date=clock.today(), actor="test"
    ).batch
    return batch, batch_lines(session, batch)


def test_the_sepa_file_is_valid_pain_001_001_03_with_the_right_sums(session, market, pain_schema):
    batch, lines = _batch(session, market)
    document = credit_transfer_file(batch, lines, FUND)

    pain_schema.validate(document.decode())
    root = ET.fromstring(document)
    header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", NS)
    assert header.findtext("p:MsgId", namespaces=NS) == batch.message_id
    assert header.findtext("p:NbOfTxs", namespaces=NS) == "2"
    assert header.findtext("p:CtrlSum", namespaces=NS) == "162.35"
    (info,) = root.findall("p:CstmrCdtTrfInitn/p:PmtInf", NS)
    assert info.findtext("p:CtrlSum", namespaces=NS) == "162.35"
    assert info.findtext("p:ReqdExctnDt", namespaces=NS) == clock.today().isoformat()
    assert info.findtext("p:Dbtr/p:Nm", namespaces=NS) == "Caisse Commune de Quimper"
    assert info.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == FUND.iban
    transfers = {
        tx.findtext("p:PmtId/p:EndToEndId", namespaces=NS): tx
        for tx in info.findall("p:CdtTrfTxInf", NS)
    }
    assert set(transfers) == {entry.line.end_to_end_id for entry in lines}
    by_shop = {entry.shop.name: transfers[entry.line.end_to_end_id] for entry in lines}
    cagette, fournil = by_shop["La Cagette & Fils"], by_shop["Le Fournil"]
    amount = cagette.find("p:Amt/p:InstdAmt", NS)
    assert (amount.text, amount.get("Ccy")) == ("12.35", "EUR")
    assert fournil.findtext("p:Amt/p:InstdAmt", namespaces=NS) == "150.00"
    assert cagette.findtext("p:Cdtr/p:Nm", namespaces=NS) == "Epicerie La Cagette Fils"
    assert (
        cagette.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS) == "FR7630006000011234567890189"
    )
    assert fournil.findtext("p:CdtrAgt/p:FinInstnId/p:BIC", namespaces=NS) == "COBADEFF"
    remittance = fournil.findtext("p:RmtInf/p:Ustrd", namespaces=NS)
    assert lines[1].shop.public_id in remittance and len(remittance) <= 140


def test_the_sepa_file_names_the_fund_bic_when_it_is_known(session, market, pain_schema):
    batch, lines = _batch(session, market)
    with_bic = FundBankAccount(name=FUND.name, iban=FUND.iban, bic="BNPAFRPP")
    root = ET.fromstring(credit_transfer_file(batch, lines, with_bic))
    bic = root.findtext("p:CstmrCdtTrfInitn/p:PmtInf/p:DbtrAgt/p:FinInstnId/p:BIC", namespaces=NS)
    assert bic == "BNPAFRPP"


def test_sepa_text_keeps_only_the_sepa_character_set():
    assert sepa_text("Zoë & Frères — «bio»; n°3", 70) == "Zoe Freres -- bio ndeg3"
    assert len(sepa_text("x" * 100, 70)) == 70


def test_a_bad_iban_is_refused_with_a_clear_french_and_english_message():
    with pytest.raises(BankDetailsError) as refused:
        checked_bank_details("FR76 3000 6000 0112 3456 7890 180", "", "La Cagette")
    assert refused.value.code == "iban_invalid"
    assert message("iban_invalid", "fr").startswith("IBAN invalide : vérifiez chaque caractère")
    assert message("iban_invalid", "en").startswith("Invalid IBAN: check every character")


def test_the_fund_account_comes_from_its_settings(monkeypatch):
    monkeypatch.setenv("CAISSE_FUND_NAME", " Caisse  Commune ")
    monkeypatch.setenv("CAISSE_FUND_IBAN", "FR76 3000 4000 0312 3456 7890 143")
    monkeypatch.delenv("CAISSE_FUND_BIC", raising=False)
    account = fund_bank_account(FundAccountSettings.from_env({}))
    assert account == FundBankAccount("Caisse Commune", "FR7630004000031234567890143", "BNPAFRPP")


@pytest.mark.parametrize(
    ("settings", "code", "variable"),
    [
        (FundAccountSettings(), "fund_bank_missing", "CAISSE_FUND_NAME"),
        (FundAccountSettings(name="Caisse"), "fund_bank_missing", "CAISSE_FUND_IBAN"),
        (
            FundAccountSettings(name="Caisse", iban="FR7630004000031234567890140"),
            "fund_bank_invalid",
            "CAISSE_FUND_IBAN",
        ),
        (
            FundAccountSettings(name="Caisse", iban="FR7630004000031234567890143", bic="NOPE"),
            "fund_bank_invalid",
            "CAISSE_FUND_BIC",
        ),
    ],
)
def test_a_missing_or_wrong_fund_account_names_the_variable_to_set(settings, code, variable):
    with pytest.raises(FundBankError) as refused:
        fund_bank_account(settings)
    assert (refused.value.code, refused.value.details["variable"]) == (code, variable)
    assert "CAISSE_FUND_IBAN" in message(code, "fr") and "CAISSE_FUND_IBAN" in message(code, "en")
