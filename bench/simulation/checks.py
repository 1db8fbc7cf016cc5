"""What must hold at the end of a simulation, whatever faults struck.

The tills' journals say what each cashier was shown; the server's tables and ledger say what
was paid. They must agree: every payment a till accepted is credited to its shop exactly
once; nothing is credited that no till accepted; a pay code credited twice is a recorded
double-spend conflict; a wallet below zero got there only through conflicts; what the fund
lost to them stays within the worst-case exposure its offline limits allow.
"""

from collections import Counter, defaultdict
from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pos_client.journal import Journal, JournalEntry, JournalState
from wallet_server.config import TokenSettings
from wallet_server.ledger import Account
from wallet_server.participants.models import Participant
from wallet_server.pos.limits import worst_case_exposure_cents
from wallet_server.pos.models import Conflict, Redemption, Refund, RefusedCapture
from wallet_server.shops.models import Shop

CREDITED = (JournalState.SYNCED, JournalState.CONFLICT)


@dataclass
class Verdict:
    #: payments a cashier was shown as accepted that no shop was credited for
    lost: int = 0
    #: payments credited more than once, or credited with no till having accepted them
    duplicated: int = 0
    #: payments shown accepted offline whose code that shop had already been paid for: the
    #: server refuses them (token_already_used), the shop lost nothing, and neither did the
    #: participant; not lost
    already_paid_at_shop: int = 0
    credited: int = 0
    refunds: int = 0
    conflicts: int = 0
    conflict_cents: int = 0
    #: what wallets owe the fund at the end: the conflicts' loss not yet recovered
    conflict_loss_cents: int = 0
    exposure_cents: int = 0
    negative_wallets: int = 0
    problems: list[str] = field(default_factory=list)

    def problem(self, text: str) -> None:
        if len(self.problems) < 50:
            self.problems.append(text)

    @property
    def ok(self) -> bool:
        return not self.problems and self.lost == 0 and self.duplicated == 0


@dataclass(frozen=True)
class TillJournal:
    device_id: int
    entries: list[JournalEntry]


def read_journals(folders: Mapping[int, Path]) -> list[TillJournal]:
    """Each till's journal, read after its process has ended."""
    journals = []
    for device_id, folder in folders.items():
        journal = Journal(folder / "journal.sqlite3")
        journals.append(TillJournal(device_id, journal.all_entries()))
        journal.close()
    return journals


def check(
    session: Session,
    journals: list[TillJournal],
    shown_accepted: Mapping[str, int],
    settings: TokenSettings,
    unjournaled: frozenset[int] = frozenset(),
) -> Verdict:
    """`shown_accepted`: redemption id → amount, for every payment a cashier saw accepted;
    `unjournaled`: tills that keep no journal (the rogues, checked by
    bench.simulation.rogue_checks)."""
    verdict = Verdict()
    every = {r.redemption_id: r for r in session.scalars(select(Redemption))}
    redemptions = {k: r for k, r in every.items() if r.device_id not in unjournaled}
    refunds = {r.refund_id: r for r in session.scalars(select(Refund))}
    verdict.credited, verdict.refunds = len(redemptions), len(refunds)
    by_id = {e.redemption_id: (j.device_id, e) for j in journals for e in j.entries}
    _payments_agree(
        verdict, redemptions, by_id, shown_accepted, _paid_at_shop_before(session, every)
    )
    _refunds_agree(verdict, refunds, redemptions, by_id)
    _no_double_credit(verdict, every, unjournaled)
    _shops_agree(session, verdict)
    _wallets_within_conflicts(session, verdict)
    verdict.exposure_cents = worst_case_exposure_cents(session, settings)
    if verdict.conflict_loss_cents > verdict.exposure_cents:
        verdict.problem(
            f"conflict loss {verdict.conflict_loss_cents} > exposure {verdict.exposure_cents}"
        )
    return verdict


def _payments_agree(
    verdict: Verdict,
    redemptions: Mapping[str, Redemption],
    journal: Mapping[str, tuple[int, JournalEntry]],
    shown_accepted: Mapping[str, int],
    paid_at_shop_before: Set[str],
) -> None:
    for redemption_id, amount in shown_accepted.items():
        found = journal.get(redemption_id)
        stored = redemptions.get(redemption_id)
        rejected = found is not None and found[1].state == JournalState.REJECTED
        if rejected and not stored and redemption_id in paid_at_shop_before:
            verdict.already_paid_at_shop += 1
            continue
        if found is None or found[1].state not in CREDITED or stored is None:
            verdict.lost += 1
            state = found[1].state if found else "not journaled"
            verdict.problem(f"lost: {redemption_id} shown accepted, journal {state}")
        elif stored.amount_cents != amount:
            verdict.lost += 1
            verdict.problem(f"{redemption_id}: shown {amount}, credited {stored.amount_cents}")
    for redemption_id, (device_id, entry) in journal.items():
        if entry.kind != "redemption":
            continue
        stored = redemptions.get(redemption_id)
        if entry.state == JournalState.PENDING_SYNC:
            verdict.problem(f"{redemption_id} still waiting to sync after the final sync")
        elif entry.state in CREDITED and (
            stored is None or stored.amount_cents != entry.amount_cents
        ):
            verdict.lost += 1
            verdict.problem(f"{redemption_id}: journal {entry.state}, server {stored}")
        elif entry.state in (JournalState.REJECTED, JournalState.ABANDONED) and stored:
            verdict.duplicated += 1
            verdict.problem(f"{redemption_id}: journal {entry.state} but credited")
        if stored is not None and stored.device_id != device_id:
            verdict.problem(f"{redemption_id}: credited to device {stored.device_id}")
    for redemption_id in redemptions.keys() - journal.keys():
        verdict.duplicated += 1
        verdict.problem(f"{redemption_id}: credited, but no till journaled it")


def _refunds_agree(
    verdict: Verdict,
    refunds: Mapping[str, Refund],
    redemptions: Mapping[str, Redemption],
    journal: Mapping[str, tuple[int, JournalEntry]],
) -> None:
    payment_of = {r.id: r.redemption_id for r in redemptions.values()}
    for refund_id, refund in refunds.items():
        found = journal.get(refund_id)
        if found is None or found[1].kind != "refund":
            verdict.problem(f"refund {refund_id} on the server, not in any journal")
            continue
        entry = found[1]
        if entry.amount_cents != refund.amount_cents:
            verdict.problem(f"refund {refund_id}: {entry.amount_cents} ≠ {refund.amount_cents}")
        if payment_of.get(refund.redemption_id) != entry.refund_of:
            verdict.problem(f"refund {refund_id} of the wrong payment")
    for redemption_id, (_, entry) in journal.items():
        if entry.kind == "refund" and entry.state == JournalState.SYNCED:
            if redemption_id not in refunds:
                verdict.problem(f"refund {redemption_id} synced, not on the server")
        elif entry.kind == "refund" and entry.state == JournalState.PENDING_SYNC:
            verdict.problem(f"refund {redemption_id} still waiting after the final sync")


def _paid_at_shop_before(session: Session, redemptions: Mapping[str, Redemption]) -> set[str]:
    """Offline payments refused because their shop had been paid for the code: the
    refusal says so and the database agrees."""
    paid = {(r.shop_id, r.token_id) for r in redemptions.values()}
    refused = session.scalars(
        select(RefusedCapture).where(RefusedCapture.code == "token_already_used")
    )
    return {r.redemption_id for r in refused if (r.shop_id, r.token_id) in paid}


def _no_double_credit(
    verdict: Verdict, redemptions: Mapping[str, Redemption], unjournaled: frozenset[int]
) -> None:
    """One pay code credited twice at one till is a till's bug; across tills, a recorded
    double-spend conflict. (A rogue's are counted by bench.simulation.rogue_checks.)"""
    per_till = Counter(
        (r.device_id, r.token_id)
        for r in redemptions.values()
        if r.token_id and r.device_id not in unjournaled
    )
    for (device_id, token_id), count in per_till.items():
        if count > 1:
            verdict.duplicated += count - 1
            verdict.problem(f"pay code {token_id} credited {count} times at till {device_id}")
    per_token: dict[str, list[Redemption]] = defaultdict(list)
    for redemption in redemptions.values():
        if redemption.token_id:
            per_token[redemption.token_id].append(redemption)
    for token_id, uses in per_token.items():
        unflagged = [r for r in uses if r.status != "conflict"]
        if len(unflagged) > 1:
            verdict.duplicated += len(unflagged) - 1
            verdict.problem(f"pay code {token_id} credited {len(uses)} times without conflict")


def _shops_agree(session: Session, verdict: Verdict) -> None:
    paid = dict(
        session.execute(
            select(Redemption.shop_id, func.sum(Redemption.amount_cents)).group_by(
                Redemption.shop_id
            )
        ).all()
    )
    refunded = dict(
        session.execute(
            select(Redemption.shop_id, func.sum(Refund.amount_cents))
            .join(Redemption, Refund.redemption_id == Redemption.id)
            .group_by(Redemption.shop_id)
        ).all()
    )
    shops = select(Shop, Account).join(Account, Shop.account_id == Account.id)
    for shop, account in session.execute(shops).all():
        expected = (paid.get(shop.id) or 0) - (refunded.get(shop.id) or 0)
        if account.balance != expected:
            verdict.problem(f"shop {shop.public_id}: balance {account.balance} ≠ {expected}")


def _wallets_within_conflicts(session: Session, verdict: Verdict) -> None:
    conflicts: dict[int, int] = defaultdict(int)
    for conflict in session.scalars(select(Conflict)):
        conflicts[conflict.participant_id] += conflict.amount_cents
        verdict.conflicts += 1
        verdict.conflict_cents += conflict.amount_cents
    wallets = select(Participant.id, Participant.public_id, Account).join(
        Account, Participant.account_id == Account.id
    )
    for participant_id, public_id, account in session.execute(wallets).all():
        if account.balance >= 0:
            continue
        verdict.negative_wallets += 1
        verdict.conflict_loss_cents += -account.balance
        if -account.balance > conflicts.get(participant_id, 0):
            verdict.problem(
                f"wallet {public_id} at {account.balance} with only "
                f"{conflicts.get(participant_id, 0)} of conflicts"
            )
