"""What the fund owes each shop up to the end of a day, and whether it can be paid by SEPA.

A shop is owed its balance as it stood at the end of `period_end`, but never more than its
balance today (a later refund lowers what can be paid without taking the account below
zero), and less what other prepared batches already promise it. A payout posted after
`period_end` already counts in today's balance, so paying the same period twice is impossible:

    due = available today − max(net of non-payout movements since period_end, 0) − prepared
          − what is disputed (open conflicts and refused captures at the shop)
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wallet_server import clock
from wallet_server.ledger import Account, Transfer
from wallet_server.reimbursements.bank import BankDetails, BankDetailsError, checked_bank_details
from wallet_server.reimbursements.disputes import disputed_by_shop, held_cents
from wallet_server.reimbursements.models import PayoutBatch, PayoutLine, PayoutStatus
from wallet_server.reimbursements.statements import PAYOUT, POSTED_PHASES
from wallet_server.shops.models import Shop


@dataclass(frozen=True)
class Due:
    shop: Shop
    amount_cents: int
    #: left out of this amount while coordinators look into it (reimbursements.disputes)
    held_cents: int = 0


@dataclass(frozen=True)
class PayableDue:
    shop: Shop
    amount_cents: int
    bank: BankDetails


@dataclass(frozen=True)
class ExcludedShop:
    """A shop owed money that no SEPA file can reach until its bank details are fixed."""

    shop_id: int
    shop_public_id: str
    shop_name: str
    amount_cents: int
    #: a refusal code worded in wallet_server.messages (bank_details_missing, iban_invalid, …)
    reason: str


def amounts_due(session: Session, period_end: date) -> list[Due]:
    """Shops owed a positive amount up to the end of `period_end`, by name."""
    rows = session.execute(
        select(Shop, Account.credits_posted - Account.debits_posted - Account.debits_pending)
        .join(Account, Account.id == Shop.account_id)
        .where(Account.credits_posted - Account.debits_posted - Account.debits_pending > 0)
        .order_by(Shop.name, Shop.id)
    ).all()
    if not rows:
        return []
    since = _earned_since(session, clock.end_of_day(period_end))
    promised = _promised(session)
    disputed = disputed_by_shop(session)
    dues = []
    for shop, available in rows:
        owed = int(available) - max(since.get(shop.account_id, 0), 0) - promised.get(shop.id, 0)
        held = min(max(owed, 0), held_cents(disputed.get(shop.id, [])))
        if owed - held > 0:
            dues.append(Due(shop, owed - held, held))
    return dues


def split_payable(dues: list[Due]) -> tuple[list[PayableDue], list[ExcludedShop]]:
    """Dues a SEPA transfer can pay, and the others with the reason why not."""
    payable: list[PayableDue] = []
    excluded: list[ExcludedShop] = []
    for due in dues:
        shop = due.shop
        try:
            bank = shop_bank_details(shop)
        except BankDetailsError as error:
            excluded.append(
                ExcludedShop(shop.id, shop.public_id, shop.name, due.amount_cents, error.code)
            )
        else:
            payable.append(PayableDue(shop, due.amount_cents, bank))
    return payable, excluded


def shop_bank_details(shop: Shop) -> BankDetails:
    if not (shop.iban.strip() or shop.bic.strip() or shop.account_holder.strip()):
        raise BankDetailsError("bank_details_missing", shop=shop.public_id)
    return checked_bank_details(shop.iban, shop.bic, shop.account_holder)


def _earned_since(session: Session, moment: datetime) -> dict[int, int]:
    """Per shop account: what moved it since `moment`, payouts aside (+ credits it)."""
    net: dict[int, int] = {}
    for column, sign in ((Transfer.credit_account_id, 1), (Transfer.debit_account_id, -1)):
        rows = session.execute(
            select(column, func.sum(Transfer.amount))
            .join(Shop, Shop.account_id == column)
            .where(
                Transfer.phase.in_(POSTED_PHASES),
                Transfer.kind != PAYOUT,
                Transfer.created_at >= moment,
            )
            .group_by(column)
        )
        for account_id, total in rows:
            net[account_id] = net.get(account_id, 0) + sign * int(total)
    return net


def _promised(session: Session) -> dict[int, int]:
    """Per shop: what prepared batches will pay it, not yet posted to the ledger."""
    query = (
        select(PayoutLine.shop_id, func.sum(PayoutLine.amount_cents))
        .join(PayoutBatch, PayoutBatch.id == PayoutLine.batch_id)
        .where(PayoutBatch.status == PayoutStatus.PREPARED.value)
        .group_by(PayoutLine.shop_id)
    )
    return {shop_id: int(total) for shop_id, total in session.execute(query)}
