import re

import pytest
from sqlalchemy import func, select

from wallet_server.ledger import Account
from wallet_server.participants.models import Participant
from wallet_server.participants.operations import (
    Enrollment,
    EnrollmentError,
    enroll,
    enroll_many,
    find_participants,
    parse_participants_csv,
)
from wallet_server.public_ids import normalize_public_id

PUBLIC_ID = re.compile(r"^P-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


def test_enrolled_participant_gets_a_pseudonymous_id_and_an_empty_guarded_wallet(session):
    person = enroll(session, Enrollment(enrolled_month="2026-11", name="Aïcha B."), actor="t")
    assert PUBLIC_ID.match(person.public_id)
    wallet = session.get(Account, person.account_id)
    assert wallet.code == f"wallet:{person.public_id}"
    assert wallet.debits_must_not_exceed_credits
    assert (wallet.available, wallet.balance) == (0, 0)


def test_bulk_enrollment_gives_distinct_ids(session):
    people = enroll_many(session, [Enrollment(enrolled_month="2026-11")] * 500, actor="t")
    assert len({p.public_id for p in people}) == 500
    assert len({p.account_id for p in people}) == 500


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("household_size", 0, "invalid_household_size"),
        ("household_size", 21, "invalid_household_size"),
        ("enrolled_month", "2026-13", "invalid_month"),
        ("contribution_level", 0, "invalid_contribution_level"),
    ],
)
def test_invalid_enrollment_is_refused_and_writes_nothing(session, field, value, code):
    values = {"enrolled_month": "2026-11", field: value}
    with pytest.raises(EnrollmentError) as refused:
        enroll(session, Enrollment(**values), actor="t")
    assert refused.value.code == code
    assert session.scalar(select(func.count()).select_from(Participant)) == 0


def test_csv_with_semicolons_and_bom_is_read_as_french_spreadsheets_write_it():
    text = "\ufeffname;contact;household_size;contribution_level\nAïcha;06 12;3;2\nBen;;;\n"
    parsed = parse_participants_csv(text, enrolled_month="2026-11")
    assert parsed.errors == []
    assert [(e.name, e.household_size, e.contribution_level) for e in parsed.enrollments] == [
        ("Aïcha", 3, 2),
        ("Ben", 1, None),
    ]


def test_csv_reports_every_bad_row_with_its_line_number():
    text = "name,household_size,contribution_level\nA,2,1\nB,deux,1\nC,1,-1\nD,99,1\n"
    parsed = parse_participants_csv(text, enrolled_month="2026-11")
    assert [(e.row, e.code) for e in parsed.errors] == [
        (3, "invalid_household_size"),
        (4, "invalid_contribution_level"),
        (5, "invalid_household_size"),
    ]


def test_csv_without_household_column_is_refused():
    parsed = parse_participants_csv("name\nA\n", enrolled_month="2026-11")
    assert [e.code for e in parsed.errors] == ["missing_column"]


def test_search_finds_by_name_or_public_id(session):
    aicha = enroll(session, Enrollment(enrolled_month="2026-11", name="Aïcha B."), actor="t")
    enroll(session, Enrollment(enrolled_month="2026-11", name="Bernard"), actor="t")
    assert [p.name for p, _ in find_participants(session, search="aïcha")] == ["Aïcha B."]
    found = find_participants(session, search=aicha.public_id.lower())
    assert [p.id for p, _ in found] == [aicha.id]


@pytest.mark.parametrize("typed", ["p-7kx2-m9qd", "P 7KX2 M9QD", "P7KX2M9QD", "p-7kx2-m9qd "])
def test_typed_public_ids_are_normalized(typed):
    assert normalize_public_id(typed) == "P-7KX2-M9QD"


def test_public_id_lookalike_letters_are_read_as_digits():
    assert normalize_public_id("P-OIL2-M9QD") == "P-0112-M9QD"


@pytest.mark.parametrize("typed", ["", "P-7KX2", "X-7KX2-M9QD", "P-7KX2-M9QD-1"])
def test_malformed_public_ids_are_refused(typed):
    with pytest.raises(ValueError):
        normalize_public_id(typed)
