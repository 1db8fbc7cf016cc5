"""Enrolling and listing participants. Services flush, never commit."""

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from sqlalchemy import func, insert, or_, select
from sqlalchemy.orm import Session

from wallet_server import clock
from wallet_server.fund import wallet_code
from wallet_server.ledger import Account
from wallet_server.months import parse_month
from wallet_server.participants.models import Participant, ParticipantStatus
from wallet_server.public_ids import new_public_id
from wallet_server.refusals import Refusal

MAX_HOUSEHOLD = 20


@dataclass(frozen=True)
class Enrollment:
    enrolled_month: str
    name: str | None = None
    contact: str | None = None
    household_size: int = 1
    contribution_level: int | None = None


class EnrollmentError(Refusal):
    """Refused enrollment data; `row` is the CSV line (1 = header)."""

    STATUS: ClassVar[Mapping[str, int]] = {"participant_not_found": 404}

    def __init__(
        self,
        code: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
    ) -> None:
        super().__init__(code, row=row, column=column, value=value)
        self.row, self.column, self.value = row, column, value


def enroll(
    session: Session, enrollment: Enrollment, *, actor: str, now: datetime | None = None
) -> Participant:
    (participant,) = enroll_many(session, [enrollment], actor=actor, now=now)
    return participant


def enroll_many(
    session: Session,
    enrollments: Sequence[Enrollment],
    *,
    actor: str,
    now: datetime | None = None,
) -> list[Participant]:
    """Enroll participants, each with a wallet account that may never go below zero; `now`
    (default: the clock) dates the records."""
    now = now or clock.now()
    for enrollment in enrollments:
        _check(enrollment)
    public_ids = _fresh_public_ids(session, len(enrollments))
    account_ids = session.scalars(
        insert(Account).returning(Account.id, sort_by_parameter_order=True),
        [
            {
                "code": wallet_code(public_id),
                "kind": "wallet",
                "debits_must_not_exceed_credits": True,
                "debits_posted": 0,
                "credits_posted": 0,
                "debits_pending": 0,
                "credits_pending": 0,
                "created_at": now,
            }
            for public_id in public_ids
        ],
    ).all()
    participants = [
        Participant(
            public_id=public_id,
            name=enrollment.name,
            contact=enrollment.contact,
            household_size=enrollment.household_size,
            contribution_level=enrollment.contribution_level,
            status=ParticipantStatus.ACTIVE.value,
            enrolled_month=enrollment.enrolled_month,
            account_id=account_id,
            created_by=actor,
            created_at=now,
        )
        for enrollment, public_id, account_id in zip(
            enrollments, public_ids, account_ids, strict=True
        )
    ]
    session.add_all(participants)
    session.flush()
    return participants


def _check(enrollment: Enrollment) -> None:
    try:
        parse_month(enrollment.enrolled_month)
    except ValueError:
        raise EnrollmentError(
            "invalid_month", column="enrolled_month", value=str(enrollment.enrolled_month)
        ) from None
    if not 1 <= enrollment.household_size <= MAX_HOUSEHOLD:
        raise EnrollmentError(
            "invalid_household_size", column="household_size", value=str(enrollment.household_size)
        )
    if enrollment.contribution_level is not None and enrollment.contribution_level < 1:
        raise EnrollmentError(
            "invalid_contribution_level",
            column="contribution_level",
            value=str(enrollment.contribution_level),
        )


def _fresh_public_ids(session: Session, count: int) -> list[str]:
    chosen: set[str] = set()
    while len(chosen) < count:
        candidates = {new_public_id("P") for _ in range(count - len(chosen))} - chosen
        taken = set(
            session.scalars(
                select(Participant.public_id).where(Participant.public_id.in_(candidates))
            ).all()
        )
        chosen |= candidates - taken
    return sorted(chosen)


CSV_COLUMNS = ("name", "contact", "household_size", "contribution_level")


@dataclass
class CsvImport:
    enrollments: list[Enrollment] = field(default_factory=list)
    errors: list[EnrollmentError] = field(default_factory=list)


def parse_participants_csv(text: str, *, enrolled_month: str) -> CsvImport:
    """Read a participants CSV (comma or semicolon, as spreadsheets in France write it).

    Nothing is written here: the caller enrolls only when `errors` is empty, so a file with a
    bad row changes nothing and every bad row is reported at once.
    """
    result = CsvImport()
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)
    header = [column.strip().lower() for column in reader.fieldnames or []]
    missing = [column for column in ("household_size",) if column not in header]
    if missing:
        result.errors.append(EnrollmentError("missing_column", row=1, column=missing[0]))
        return result
    reader.fieldnames = header
    for line, row in enumerate(reader, start=2):
        try:
            result.enrollments.append(_enrollment_from_row(row, line, enrolled_month))
        except EnrollmentError as error:
            result.errors.append(error)
    return result


def _enrollment_from_row(row: dict[str, str | None], line: int, month: str) -> Enrollment:
    def text(column: str) -> str:
        return (row.get(column) or "").strip()

    def number(column: str, default: int | None) -> int | None:
        value = text(column)
        if not value:
            return default
        if not value.isdigit():
            raise EnrollmentError(f"invalid_{column}", row=line, column=column, value=value)
        return int(value)

    household = number("household_size", 1)
    enrollment = Enrollment(
        enrolled_month=month,
        name=text("name") or None,
        contact=text("contact") or None,
        household_size=household if household is not None else 1,
        contribution_level=number("contribution_level", None),
    )
    try:
        _check(enrollment)
    except EnrollmentError as error:
        error.row = line
        raise
    return enrollment


def find_participants(
    session: Session,
    *,
    search: str | None = None,
    status: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[tuple[Participant, Account]]:
    query = select(Participant, Account).join(Account, Participant.account_id == Account.id)
    if status:
        query = query.where(Participant.status == status)
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(
            or_(
                func.lower(Participant.public_id).like(pattern),
                func.lower(Participant.name).like(pattern),
            )
        )
    rows = session.execute(query.order_by(Participant.id).limit(limit).offset(offset)).all()
    return [(row[0], row[1]) for row in rows]
