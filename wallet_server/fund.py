"""The fund's own accounts and the flows between them.

    contributions ─┐                      ┌─> wallets ─(payments)─> shops ─(payouts)─> payouts
    subsidies ─────┴─> reserve ─(allocation)┘

`contributions` and `subsidies` stand for the outside world: they are debited when euros
come in, so their debit balance is what households and funders gave.
"""

import enum

from sqlalchemy.orm import Session

from wallet_server.ledger import Account, LedgerError, create_account, get_account


class FundAccount(enum.StrEnum):
    RESERVE = "fund:reserve"
    CONTRIBUTIONS = "fund:contributions"
    SUBSIDIES = "fund:subsidies"
    PAYOUTS = "fund:payouts"
    CONFLICTS = "fund:conflicts"
    #: holds of outstanding pay codes are credited here, then settled to the shop
    CLEARING = "fund:clearing"


def ensure_fund_accounts(session: Session) -> dict[FundAccount, Account]:
    """Create the fund's accounts if missing; idempotent."""
    accounts: dict[FundAccount, Account] = {}
    for name in FundAccount:
        try:
            accounts[name] = get_account(session, name.value)
        except LedgerError:
            accounts[name] = create_account(session, name.value, "fund")
    return accounts


def fund_account(session: Session, name: FundAccount) -> Account:
    return get_account(session, name.value)


def wallet_code(public_id: str) -> str:
    return f"wallet:{public_id}"


def shop_code(shop_public_id: str) -> str:
    return f"shop:{shop_public_id}"
