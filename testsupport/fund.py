"""What several benchmarks seed the same way, through the services coordinators use."""

from datetime import date

from sqlalchemy.orm import Session

from wallet_server.contributions.operations import record_subsidy
from wallet_server.fund import FundAccount, ensure_fund_accounts, fund_account
from wallet_server.ledger import TransferRequest, create_transfers
from wallet_server.participants.models import Participant
from wallet_server.participants.operations import Enrollment, enroll_many

ACTOR = "bench"


def funded_participants(
    session: Session, count: int, cents_each: int, *, month: str = "2026-01"
) -> list[Participant]:
    """`count` participants enrolled in `month`, each wallet funded with `cents_each` from
    the reserve, the reserve funded by one subsidy."""
    ensure_fund_accounts(session)
    record_subsidy(
        session,
        funder="benchmark",
        amount_cents=count * cents_each,
        received_on=date(2026, 1, 1),
        actor=ACTOR,
        subsidy_id="bench",
    )
    people = enroll_many(
        session,
        [Enrollment(enrolled_month=month, name=f"Participant {index}") for index in range(count)],
        actor=ACTOR,
    )
    reserve = fund_account(session, FundAccount.RESERVE)
    results = create_transfers(
        session,
        [
            TransferRequest(
                id=f"fund:{person.public_id}",
                debit_account_id=reserve.id,
                credit_account_id=person.account_id,
                amount=cents_each,
                kind="allocation",
                actor=ACTOR,
            )
            for person in people
        ],
    )
    refused = [result.error for result in results if result.error is not None]
    if refused:
        raise RuntimeError(f"funding refused: {refused[0]}")
    return people
