"""A fund ready to pay, seeded through the services a coordinator's actions go through:
wallets credited from the reserve, approved shops with a pairing code for each till, a
signing key.

The tests (tests/payments.py, tests/factories.py) and the benchmarks' seeds build their
funds from these, each with its own actor, names and amounts. Nothing here commits: the
caller's transaction does.
"""

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from wallet_server.contributions.operations import record_subsidy
from wallet_server.fund import FundAccount, ensure_fund_accounts, fund_account
from wallet_server.ledger import TransferRequest, create_transfers
from wallet_server.participants.models import Participant
from wallet_server.participants.operations import Enrollment, enroll_many
from wallet_server.pos.pairing import create_pairing_code
from wallet_server.shops.models import Shop, ShopStatus
from wallet_server.shops.operations import add_shop, change_shop_status
from wallet_server.tokens.keystore import KeyStore
from wallet_server.tokens.operations import rotate_signing_key


def from_reserve(
    reserve_id: int, account_id: int, amount: int, *, transfer_id: str, actor: str
) -> TransferRequest:
    """Money from the fund's reserve to a wallet, booked as an allocation."""
    return TransferRequest(
        id=transfer_id,
        debit_account_id=reserve_id,
        credit_account_id=account_id,
        amount=amount,
        kind="allocation",
        actor=actor,
    )


def fund_wallets(
    session: Session, people: Sequence[Participant], amounts: Sequence[int], *, actor: str
) -> None:
    """Credit each participant's wallet with its amount from the reserve, in one batch of
    transfers `fund:PUBLIC_ID`; raise if the ledger refuses any."""
    reserve = fund_account(session, FundAccount.RESERVE)
    results = create_transfers(
        session,
        [
            from_reserve(
                reserve.id,
                person.account_id,
                amount,
                transfer_id=f"fund:{person.public_id}",
                actor=actor,
            )
            for person, amount in zip(people, amounts, strict=True)
        ],
    )
    refused = [result.error for result in results if result.error is not None]
    if refused:
        raise RuntimeError(f"funding refused: {refused[0]}")


def funded_participants(
    session: Session, count: int, cents_each: int, *, actor: str, month: str = "2026-01"
) -> list[Participant]:
    """`count` participants enrolled in `month`, each wallet funded with `cents_each` from
    the reserve, the reserve funded by one subsidy (its id and funder: `actor`)."""
    ensure_fund_accounts(session)
    record_subsidy(
        session,
        funder=actor,
        amount_cents=count * cents_each,
        received_on=date(2026, 1, 1),
        actor=actor,
        subsidy_id=actor,
    )
    people = enroll_many(
        session,
        [Enrollment(enrolled_month=month, name=f"Participant {index}") for index in range(count)],
        actor=actor,
    )
    fund_wallets(session, people, [cents_each] * count, actor=actor)
    return people


def approved_shop(session: Session, name: str, *, address: str = "") -> Shop:
    """A shop the fund has approved: its tills may pair and take payments."""
    shop = add_shop(session, name=name, address=address)
    change_shop_status(session, shop, ShopStatus.APPROVED)
    return shop


def pairing_codes(session: Session, shop: Shop, tills: int, *, actor: str) -> list[str]:
    """One-time codes that pair `tills` tills with `shop`, through the API or pos_client."""
    return [create_pairing_code(session, shop, actor=actor).code for _ in range(tills)]


def add_signing_key(session: Session, key_dir: Path) -> None:
    """A new signing key, kept in `key_dir`: pay codes are signed with it from now on."""
    rotate_signing_key(session, KeyStore(key_dir))
