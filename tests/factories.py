"""Small builders of test data, on top of the real services."""

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from testsupport.fund import from_reserve
from wallet_server.fund import FundAccount, fund_account
from wallet_server.ledger import Account, create_account, transfer
from wallet_server.participants.models import Participant
from wallet_server.participants.operations import Enrollment, enroll

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def wallet(session: Session, code: str, *, funded: int = 0) -> Account:
    """A wallet account that may not overdraw, credited from the reserve."""
    account = create_account(session, code, "wallet", debits_must_not_exceed_credits=True)
    if funded:
        fund(session, account, funded, transfer_id=f"fund:{code}")
    return account


def fund(session: Session, account: Account, amount: int, *, transfer_id: str) -> None:
    reserve = fund_account(session, FundAccount.RESERVE)
    transfer(
        session,
        from_reserve(reserve.id, account.id, amount, transfer_id=transfer_id, actor="test"),
    )


def participant(
    session: Session, *, month: str = "2026-11", household_size: int = 1, level: int | None = None
) -> Participant:
    return enroll(
        session,
        Enrollment(enrolled_month=month, household_size=household_size, contribution_level=level),
        actor="test",
    )


def later(minutes: int) -> datetime:
    return NOW + timedelta(minutes=minutes)
