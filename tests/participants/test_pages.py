"""Participants in the console: enroll, import with a preview, the activation letter,
phones, status, PIN, history, and who may do what."""

import io
import re

import resvg_py
import zxingcpp
from PIL import Image
from sqlalchemy import select

from tests.console.test_core import audit_rows
from tests.factories import fund
from wallet_server.ledger import Account
from wallet_server.participants.models import Participant
from wallet_server.users.models import Role

ENROLL = {
    "name": "Aïcha B.",
    "contact": "06 12 34 56 78",
    "household_size": "3",
    "contribution_level": "2",
    "enrolled_month": "2026-11",
}


def the_participant(sessions, name: str) -> Participant:
    with sessions() as session:
        found = session.scalar(select(Participant).where(Participant.name == name))
        assert found is not None
        session.expunge(found)
        return found


def test_enroll_then_find_and_open(console_login, sessions):
    coordinator = console_login(Role.COORDINATOR)
    created = coordinator.post("/console/participants/new", ENROLL)
    assert created.status_code == 302
    person = the_participant(sessions, "Aïcha B.")
    assert (person.household_size, person.contribution_level) == (3, 2)
    listing = coordinator.get("/console/participants?q=aïcha").get_data(as_text=True)
    assert person.public_id in listing
    page = coordinator.get(f"/console/participants/{person.public_id}").get_data(as_text=True)
    assert "06 12 34 56 78" in page
    (entry,) = audit_rows(sessions, action="participant.enroll")
    assert entry.target == f"participant:{person.public_id}"
    assert entry.after["household_size"] == 3


def test_enroll_refuses_bad_fields_and_writes_nothing(console_login, sessions):
    coordinator = console_login(Role.COORDINATOR)
    refused = coordinator.post("/console/participants/new", ENROLL | {"household_size": "0"})
    assert refused.status_code == 422
    assert 'id="household_size-error"' in refused.get_data(as_text=True)
    assert (
        coordinator.post(
            "/console/participants/new", ENROLL | {"enrolled_month": "11/2026"}
        ).status_code
        == 422
    )
    invisible = coordinator.post("/console/participants/new", ENROLL | {"name": "A\u0000B"})
    assert invisible.status_code == 422
    assert "caractère invisible" in invisible.get_data(as_text=True)
    with sessions() as session:
        assert session.scalar(select(Participant.id)) is None


def test_committee_sees_people_but_not_their_contact(console_login, sessions):
    coordinator = console_login(Role.COORDINATOR)
    coordinator.post("/console/participants/new", ENROLL)
    person = the_participant(sessions, "Aïcha B.")
    committee = console_login(Role.COMMITTEE)
    page = committee.get(f"/console/participants/{person.public_id}").get_data(as_text=True)
    assert "Aïcha B." in page
    assert "06 12 34 56 78" not in page
    assert 'id="print-letter"' not in page


CSV_GOOD = "name;contact;household_size;contribution_level\nBernard L.;;1;1\nChantal M.;;4;3\n"
CSV_BAD = "name,household_size,contribution_level\nDriss K.,2,1\nÉlodie R.,zéro,1\nFatou D.,2,x\n"


def test_csv_import_previews_then_enrolls(console_login, sessions):
    coordinator = console_login(Role.COORDINATOR)
    preview = coordinator.post(
        "/console/participants/import",
        {"enrolled_month": "2026-12", "file": (io.BytesIO(CSV_GOOD.encode()), "people.csv")},
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200
    text = preview.get_data(as_text=True)
    assert 'id="import-confirm"' in text and "Chantal M." in text
    with sessions() as session:
        assert session.scalar(select(Participant.id)) is None  # a preview writes nothing
    confirmed = coordinator.post(
        "/console/participants/import",
        {"enrolled_month": "2026-12", "confirm": "yes", "csv_text": CSV_GOOD},
    )
    assert confirmed.status_code == 302
    assert the_participant(sessions, "Chantal M.").household_size == 4
    (entry,) = audit_rows(sessions, action="participant.import")
    assert entry.after["count"] == 2


def test_csv_import_reports_every_bad_row_and_writes_nothing(console_login, sessions):
    coordinator = console_login(Role.COORDINATOR)
    for attempt in ({}, {"confirm": "yes"}):
        response = coordinator.post(
            "/console/participants/import",
            {"enrolled_month": "2026-12", "csv_text": CSV_BAD} | attempt,
        )
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        rows = re.findall(r'<tr><td class="num">(\d+)</td>', page)
        assert rows == ["3", "4"], rows
        assert 'id="import-confirm"' not in page
    with sessions() as session:
        assert session.scalar(select(Participant.id)) is None


def test_activation_letter_qr_decodes_to_the_app_link(console_login, sessions):
    coordinator = console_login(Role.COORDINATOR)
    coordinator.post("/console/participants/new", ENROLL)
    person = the_participant(sessions, "Aïcha B.")
    letter = coordinator.post(f"/console/participants/{person.public_id}/letter")
    assert letter.status_code == 200
    page = letter.get_data(as_text=True)
    code = re.search(r'id="letter-code">([A-Z0-9-]+)<', page).group(1)
    svg = re.search(r'<div class="letter-qr" id="letter-qr">(.*?)</div>', page, re.S).group(1)
    png = bytes(resvg_py.svg_to_bytes(svg_string=svg, width=400, height=400))
    (decoded,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert decoded.text == f"http://localhost/app/#/activate/{code}"
    # the code on the letter activates a phone, once
    client = coordinator.client
    first = client.post("/api/v1/activate", json={"code": code, "label": "phone"})
    assert first.status_code == 201, first.json
    assert client.post("/api/v1/activate", json={"code": code}).status_code == 422
    (entry,) = audit_rows(sessions, action="participant.activation_letter")
    assert code not in str(entry.after)  # the audit never keeps the code itself


def test_lost_phone_suspend_reactivate_pin_and_history(console_login, sessions):
    coordinator = console_login(Role.COORDINATOR)
    coordinator.post("/console/participants/new", ENROLL)
    person = the_participant(sessions, "Aïcha B.")
    with sessions() as session:
        fund(session, session.get(Account, person.account_id), 4_200, transfer_id="fund:test")
        session.commit()
    base = f"/console/participants/{person.public_id}"
    assert coordinator.post(f"{base}/pin", {"pin": "12"}).status_code == 422
    assert coordinator.post(f"{base}/pin", {"pin": "4821"}).status_code == 302
    assert coordinator.post(f"{base}/status", {"status": "suspended"}).status_code == 302
    assert the_participant(sessions, "Aïcha B.").status == "suspended"
    assert coordinator.post(f"{base}/status", {"status": "suspended"}).status_code == 422
    assert coordinator.post(f"{base}/status", {"status": "active"}).status_code == 302
    assert coordinator.post(f"{base}/phones/revoke").status_code == 302
    page = coordinator.get(base).get_data(as_text=True)
    assert "42,00" in page  # balance and the funding movement in the history
    actions = [row.action for row in audit_rows(sessions, outcome="done")]
    assert actions.count("participant.status") == 2
    assert "participant.pin_set" in actions and "participant.phones_revoke" in actions
    pin_entry = audit_rows(sessions, action="participant.pin_set")[0]
    assert "4821" not in str(pin_entry.after)
