"""Contributions in the console: the committee's scale, payments found by id or name,
subsidies, who is behind, inflows by month, and who may do what."""

import re

import pytest
from sqlalchemy import func, select

from tests.console.test_core import audit_rows
from tests.factories import participant
from wallet_server.contributions.models import ContributionPayment, ContributionScale, Subsidy
from wallet_server.contributions.operations import scale_for
from wallet_server.fund import FundAccount, fund_account
from wallet_server.ledger import Transfer
from wallet_server.users.models import Role

PAYMENT = {"amount": "10", "method": "cash", "paid_on": "2026-11-05", "reference": ""}
SUBSIDY = {"funder": "Ville de Lyon", "subsidy_amount": "5 000", "received_on": "2026-11-02"}


def _enroll(sessions, name: str, *, level: int = 3) -> str:
    with sessions() as session:
        person = participant(session, level=level)
        person.name = name
        session.commit()
        return person.public_id


def _count(sessions, model, *where) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def _reserve(sessions) -> int:
    with sessions() as session:
        return fund_account(session, FundAccount.RESERVE).balance


def test_committee_records_a_new_scale_from_its_month_on(console_login, sessions):
    committee = console_login(Role.COMMITTEE)
    decided = committee.post(
        "/console/contributions/scale",
        {"effective_month": "2027-01", "tier_1": "2", "tier_2": "7,50", "tier_3": ""},
    )
    assert decided.status_code == 302
    with sessions() as session:
        assert scale_for(session, "2026-12")[1] == 100
        assert scale_for(session, "2027-01") == {1: 200, 2: 750}
    (entry,) = audit_rows(sessions, action="contribution.scale")
    assert entry.before["tiers_cents"][:2] == [100, 500]
    assert entry.after == {"effective_month": "2027-01", "tiers_cents": [200, 750]}
    page = committee.get("/console/contributions").get_data(as_text=True)
    assert 'id="scale-decisions"' in page and "2027-01" in page


def test_a_scale_with_a_gap_between_levels_is_refused(console_login, sessions):
    committee = console_login(Role.COMMITTEE)
    refused = committee.post(
        "/console/contributions/scale", {"effective_month": "2027-01", "tier_1": "2", "tier_3": "9"}
    )
    assert refused.status_code == 422
    assert 'id="tier_2-error"' in refused.get_data(as_text=True)
    assert _count(sessions, ContributionScale) == 0


@pytest.mark.parametrize("amount", ["12,345", "-3", "abc"])
def test_a_bad_amount_is_refused_in_both_languages_and_nothing_is_written(
    console_login, sessions, amount
):
    public_id = _enroll(sessions, "Aïcha B.")
    coordinator = console_login(Role.COORDINATOR)
    attempts = [
        ("/console/contributions/payment", PAYMENT | {"participant": public_id, "amount": amount}),
        ("/console/contributions/subsidy", SUBSIDY | {"subsidy_amount": amount}),
        ("/console/contributions/scale", {"effective_month": "2027-01", "tier_1": amount}),
    ]
    for path, data in attempts:
        refused = coordinator.post(path, data)
        assert refused.status_code == 422, path
        page = refused.get_data(as_text=True)
        assert "montant invalide" in page and 'class="field-error"' in page, path
    coordinator.post("/console/language", {"lang": "en", "next": "/console/contributions"})
    english = coordinator.post(attempts[0][0], attempts[0][1])
    assert english.status_code == 422 and "invalid amount" in english.get_data(as_text=True)
    assert _count(sessions, ContributionPayment) == 0
    assert _count(sessions, Subsidy) == 0
    assert _count(sessions, ContributionScale) == 0
    assert _count(sessions, Transfer, Transfer.kind.in_(["contribution", "subsidy"])) == 0
    assert audit_rows(sessions, action="contribution.payment") == []


def test_a_payment_by_public_id_goes_to_the_reserve_and_is_audited(console_login, sessions):
    public_id = _enroll(sessions, "Aïcha B.")
    coordinator = console_login(Role.COORDINATOR)
    form = coordinator.get(f"/console/contributions/payment?participant={public_id}")
    key = re.search(r'name="form_key" value="([0-9a-f]{32})"', form.get_data(as_text=True))[1]
    data = PAYMENT | {"participant": public_id.lower(), "form_key": key}
    recorded = coordinator.post("/console/contributions/payment", data)
    assert recorded.status_code == 302
    assert recorded.headers["Location"] == f"/console/contributions/participants/{public_id}"
    assert _reserve(sessions) == 1_000
    (entry,) = audit_rows(sessions, action="contribution.payment")
    assert entry.target == f"participant:{public_id}"
    assert (entry.before["paid_cents"], entry.after["paid_cents"]) == (0, 1_000)
    assert entry.after["amount_cents"] == 1_000 and entry.after["method"] == "cash"

    again = coordinator.post("/console/contributions/payment", data)  # the form sent twice
    assert again.status_code == 302
    assert _count(sessions, ContributionPayment) == 1 and _reserve(sessions) == 1_000
    page = coordinator.get(again.headers["Location"]).get_data(as_text=True)
    assert "rien n'a été compté deux fois" in page.replace("&#39;", "'")
    assert re.search(r'id="history-paid">10,00\s€', page)


def test_a_payment_by_name_asks_to_choose_when_several_match(console_login, sessions):
    first = _enroll(sessions, "Martin Dupont")
    _enroll(sessions, "Martine Durand")
    coordinator = console_login(Role.COORDINATOR)
    ambiguous = coordinator.post(
        "/console/contributions/payment", PAYMENT | {"participant": "mart"}
    )
    assert ambiguous.status_code == 422
    page = ambiguous.get_data(as_text=True)
    assert 'type="radio" name="participant"' in page and 'id="participant-error"' in page
    assert _count(sessions, ContributionPayment) == 0
    nobody = coordinator.post("/console/contributions/payment", PAYMENT | {"participant": "zoé"})
    assert nobody.status_code == 422
    unique = coordinator.post("/console/contributions/payment", PAYMENT | {"participant": "dupont"})
    assert unique.headers["Location"].endswith(first)
    chosen = coordinator.post("/console/contributions/payment", PAYMENT | {"participant": first})
    assert chosen.status_code == 302
    assert _count(sessions, ContributionPayment) == 2


def test_committee_cannot_record_a_payment_or_a_subsidy_and_it_is_audited(console_login, sessions):
    public_id = _enroll(sessions, "Aïcha B.")
    committee = console_login(Role.COMMITTEE)
    payment = committee.post("/console/contributions/payment", PAYMENT | {"participant": public_id})
    assert payment.status_code == 403
    assert committee.post("/console/contributions/subsidy", SUBSIDY).status_code == 403
    denied = audit_rows(sessions, outcome="refused")
    assert [row.action for row in denied] == [
        "denied:console.contribution_payment_record",
        "denied:console.contribution_subsidy_record",
    ]
    assert _count(sessions, ContributionPayment) == 0 and _count(sessions, Subsidy) == 0
    page = committee.get("/console/contributions").get_data(as_text=True)
    assert 'id="subsidy-form"' not in page and 'id="payment-link"' not in page


def test_who_is_behind_and_inflows_by_month(console_login, sessions):
    late = _enroll(sessions, "Bernard L.", level=3)  # 10 € a month from 2026-11
    paid_up = _enroll(sessions, "Chantal M.", level=1)  # 1 € a month
    coordinator = console_login(Role.COORDINATOR)
    coordinator.post("/console/contributions/payment", PAYMENT | {"participant": late})
    coordinator.post(
        "/console/contributions/payment", PAYMENT | {"participant": paid_up, "amount": "2"}
    )
    assert coordinator.post("/console/contributions/subsidy", SUBSIDY).status_code == 302
    (entry,) = audit_rows(sessions, action="contribution.subsidy")
    assert (entry.before["reserve_cents"], entry.after["reserve_cents"]) == (1_200, 501_200)

    behind = coordinator.get("/console/contributions/behind?month=2026-12")
    table = re.search(r'<table id="behind">.*?</table>', behind.get_data(as_text=True), re.S)[0]
    assert late in table and paid_up not in table
    assert re.search(r"10,00\s€</td>\s*</tr>", table)  # owes December's 10 €
    assert coordinator.get("/console/contributions/behind?month=12/2026").status_code == 422

    overview = coordinator.get("/console/contributions").get_data(as_text=True)
    row = re.search(r'<tr id="inflows-2026-11">(.*?)</tr>', overview, re.S)[1]
    assert re.search(r'<td class="num">2</td>\s*<td class="num">12,00\s€</td>', row)
    assert "Ville de Lyon : 5\u202f000,00\u00a0€" in row
    assert re.search(r"5\u202f012,00\s€", row)
