"""What must hold of the rogue tills at the end of a simulation.

Judged from the database and the rogues' own book (bench.simulation.rogue_till), never by asking
the server's rules: a rogue offline payment the server honoured must be one the rogue could
honestly have accepted. Its windows are the contacts the server confirmed to it; in each,
the payments honoured, in the server's order, stay within the limits it was answered with
(each amount ≤ max_amount_cents, their count ≤ max_count, their sum ≤ max_total_cents); each
was captured no earlier than its window's contact less the clock-skew allowance and no later
than the server received it plus that allowance; none is of a code on the blocklist the till
had been served; and no shop is paid twice for one code. Each honoured payment breaking any
of these counts once in `paid_beyond_limits`.

The fund's loss and the exposure it must stay within:

- loss = what wallets below zero owe (only conflicts may take them there), less what is held
  back from the shops' payouts for their open conflicts (at most each shop's balance: a
  payout cannot hold back more than it pays). Open refused captures are held back too, and
  reported, but they were never credited: they do not offset the loss;
- exposure = Σ over the active tills of min(max_total_cents, max_count × max_amount_cents):
  the most every till together may accept offline in one window each, the double spends it
  could take before its next contact.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bench.simulation.rogue_till import ContactWindow, RogueBook, RogueCapture
from wallet_server.ledger import Account
from wallet_server.participants.models import Participant
from wallet_server.pos.models import Conflict, PosDevice, Redemption, RefusedCapture
from wallet_server.shops.models import Shop
from wallet_server.tokens.models import BlocklistEntry, IssuedToken

PAID = ("accepted", "conflict")


@dataclass(frozen=True)
class Paid:
    """A redemption as the database holds it."""

    #: the server's order (Redemption.id)
    order: int
    redemption_id: str
    device_id: int
    shop_id: int
    token_id: str
    amount_cents: int
    mode: str
    captured_at: datetime
    created_at: datetime


@dataclass
class RogueVerdict:
    #: rogue payments honoured beyond what the rogue could honestly have accepted
    paid_beyond_limits: int = 0
    #: rogue captures refused, by code (the refused_captures table)
    refused: Counter[str] = field(default_factory=Counter)
    honoured: int = 0
    honoured_cents: int = 0
    #: every conflict's amount (wallets charged below what they held), and the rogues' part
    conflict_cents: int = 0
    rogue_conflict_cents: int = 0
    #: conflicts opened at honest tills on codes a rogue had been paid for first: the rogue
    #: synced first, so the honest shop is the "second shop" whose payout is held back
    honest_conflict_after_rogue_cents: int = 0
    held_back_cents: int = 0
    fund_loss_cents: int = 0
    exposure_cents: int = 0
    problems: list[str] = field(default_factory=list)

    def problem(self, text: str) -> None:
        if len(self.problems) < 50:
            self.problems.append(text)

    @property
    def ok(self) -> bool:
        return (
            not self.problems
            and self.paid_beyond_limits == 0
            and self.fund_loss_cents <= self.exposure_cents
        )


def beyond_limits(
    paid: Iterable[Paid],
    sent: Mapping[str, RogueCapture],
    windows: Mapping[tuple[int, int], ContactWindow],
    blocklisted: Mapping[str, int],
) -> list[str]:
    """Why each honoured rogue payment was beyond what its till could honestly accept.

    `paid`: every redemption at the rogues' shops; `sent`: what the rogues sent, by id;
    `windows`: by (device id, window index); `blocklisted`: the first blocklist entry id
    naming each code (by token id, or naming its wallet)."""
    reasons: list[str] = []
    shop_codes: set[tuple[int, str]] = set()
    in_window: dict[tuple[int, int], tuple[int, int]] = defaultdict(lambda: (0, 0))
    for payment in sorted(paid, key=lambda p: p.order):
        again = (payment.shop_id, payment.token_id) in shop_codes
        shop_codes.add((payment.shop_id, payment.token_id))
        capture = sent.get(payment.redemption_id)
        if capture is None:
            continue  # not a rogue's
        why = [f"code {payment.token_id[:8]} already paid at shop"] if again else []
        window = windows[(capture.device_id, capture.window)]
        count, total = in_window[(capture.device_id, capture.window)]
        count, total = count + 1, total + payment.amount_cents
        in_window[(capture.device_id, capture.window)] = (count, total)
        why += _outside(payment, capture, window, count, total, blocklisted)
        if why:
            reasons.append(f"{payment.redemption_id}: {', '.join(why)}")
    return reasons


def _outside(
    payment: Paid,
    capture: RogueCapture,
    window: ContactWindow,
    count: int,
    total: int,
    blocklisted: Mapping[str, int],
) -> list[str]:
    why = []
    skew = timedelta(seconds=window.clock_skew_seconds)
    if payment.mode != "offline":
        why.append(f"paid {payment.mode}")
    if payment.amount_cents > window.max_amount_cents:
        why.append(f"{payment.amount_cents} > {window.max_amount_cents} per payment")
    if count > window.max_count:
        why.append(f"payment {count} > {window.max_count} in window {window.index}")
    if total > window.max_total_cents:
        why.append(f"{total} cents > {window.max_total_cents} in window {window.index}")
    if _utc(payment.captured_at) < window.opened_after - skew:
        why.append("captured before its contact")
    if _utc(payment.captured_at) > _utc(payment.created_at) + skew:
        why.append("captured in the future")
    entry = blocklisted.get(payment.token_id)
    if entry is not None and entry <= capture.blocklist_cursor:
        why.append(f"revoked (entry {entry}) on the blocklist it had")
    return why


def exposure_cents(limits: Iterable[tuple[int, int, int]]) -> int:
    """Σ min(max_total_cents, max_count × max_amount_cents) over (amount, count, total)."""
    return sum(min(total, count * amount) for amount, count, total in limits)


def fund_loss_cents(
    below_zero_cents: int, held_by_shop: Mapping[int, int], balance_by_shop: Mapping[int, int]
) -> int:
    """What wallets owe, less what the shops' payouts hold back (at most each balance)."""
    held = sum(
        min(cents, max(0, balance_by_shop.get(shop, 0))) for shop, cents in held_by_shop.items()
    )
    return max(0, below_zero_cents - held)


def check_rogues(session: Session, book: RogueBook) -> RogueVerdict:
    verdict = RogueVerdict()
    rogues = {window.device_id for window in book.windows}
    sent = {capture.redemption_id: capture for capture in book.captures}
    windows = {(w.device_id, w.index): w for w in book.windows}
    shops = set(
        session.scalars(select(PosDevice.shop_id).where(PosDevice.id.in_(rogues))) if rogues else []
    )
    paid = _paid_at(session, shops)
    for reason in beyond_limits(paid, sent, windows, _blocklisted(session)):
        verdict.paid_beyond_limits += 1
        verdict.problem(f"paid beyond limits: {reason}")
    rogue_paid = [p for p in paid if p.device_id in rogues]
    verdict.honoured = len(rogue_paid)
    verdict.honoured_cents = sum(p.amount_cents for p in rogue_paid)
    refused = list(
        session.scalars(select(RefusedCapture).where(RefusedCapture.device_id.in_(rogues)))
    )
    verdict.refused = Counter(r.code for r in refused)
    _answers_agree(verdict, book, {p.redemption_id for p in rogue_paid}, refused)
    _money(session, verdict, {p.redemption_id for p in rogue_paid})
    if verdict.fund_loss_cents > verdict.exposure_cents:
        verdict.problem(f"fund loss {verdict.fund_loss_cents} > exposure {verdict.exposure_cents}")
    return verdict


def _paid_at(session: Session, shops: set[int]) -> list[Paid]:
    rows = session.scalars(
        select(Redemption).where(Redemption.shop_id.in_(shops)).order_by(Redemption.id)
    )
    return [
        Paid(
            r.id,
            r.redemption_id,
            r.device_id,
            r.shop_id,
            r.token_id or "",
            r.amount_cents,
            r.mode,
            r.captured_at,
            r.created_at,
        )
        for r in rows
    ]


def _blocklisted(session: Session) -> dict[str, int]:
    """The first blocklist entry naming each code, directly or through its wallet."""
    first: dict[str, int] = {}
    entries = session.execute(
        select(BlocklistEntry.id, BlocklistEntry.token_id, BlocklistEntry.wallet).order_by(
            BlocklistEntry.id
        )
    ).all()
    wallets = {wallet: entry_id for entry_id, _, wallet in reversed(entries) if wallet}
    for entry_id, token_id, _ in entries:
        if token_id:
            first.setdefault(token_id, entry_id)
    if wallets:  # a code's wallet is its participant's public id
        codes = select(IssuedToken.token_id, Participant.public_id).join(
            Participant, Participant.id == IssuedToken.participant_id
        )
        for token_id, wallet in session.execute(codes):
            if wallet in wallets:
                first[token_id] = min(first.get(token_id, wallets[wallet]), wallets[wallet])
    return first


def _answers_agree(
    verdict: RogueVerdict, book: RogueBook, paid: set[str], refused: list[RefusedCapture]
) -> None:
    """What the rogues were answered is what the database holds."""
    recorded = {r.redemption_id: r.code for r in refused}
    for capture in book.captures:
        if capture.answer in PAID and capture.redemption_id not in paid:
            verdict.problem(f"{capture.redemption_id} answered {capture.answer}, not paid")
        if capture.answer == "rejected":
            if capture.redemption_id in paid:
                verdict.problem(f"{capture.redemption_id} answered rejected, but paid")
            elif capture.redemption_id in recorded and recorded[capture.redemption_id] != (
                capture.code
            ):
                verdict.problem(f"{capture.redemption_id}: answered {capture.code}, recorded")


def _money(session: Session, verdict: RogueVerdict, rogue_paid: set[str]) -> None:
    first_paid_by_rogue = _first_paid_by_rogue(session, rogue_paid)
    conflicts = select(Redemption.redemption_id, Redemption.token_id, Conflict.amount_cents).join(
        Redemption, Redemption.id == Conflict.redemption_id
    )
    for redemption_id, token_id, amount in session.execute(conflicts):
        verdict.conflict_cents += amount
        if redemption_id in rogue_paid:
            verdict.rogue_conflict_cents += amount
        elif token_id in first_paid_by_rogue:
            verdict.honest_conflict_after_rogue_cents += amount
    held: dict[int, int] = defaultdict(int)
    for_conflicts: dict[int, int] = defaultdict(int)
    open_conflicts = select(Redemption.shop_id, Conflict.amount_cents).join(
        Redemption, Redemption.id == Conflict.redemption_id
    )
    for shop_id, amount in session.execute(open_conflicts.where(Conflict.status == "open")):
        held[shop_id] += amount
        for_conflicts[shop_id] += amount
    open_refusals = select(RefusedCapture.shop_id, RefusedCapture.amount_cents).where(
        RefusedCapture.status == "open"
    )
    for shop_id, amount in session.execute(open_refusals):
        held[shop_id] += amount
    balances = {
        shop_id: account.balance
        for shop_id, account in session.execute(
            select(Shop.id, Account).join(Account, Shop.account_id == Account.id)
        )
    }
    verdict.held_back_cents = sum(min(c, max(0, balances.get(s, 0))) for s, c in held.items())
    wallets = session.scalars(
        select(Account).join(Participant, Participant.account_id == Account.id)
    )
    below_zero = sum(-wallet.balance for wallet in wallets if wallet.balance < 0)
    verdict.fund_loss_cents = fund_loss_cents(below_zero, for_conflicts, balances)
    devices = session.execute(
        select(
            PosDevice.offline_max_amount_cents,
            PosDevice.offline_max_count,
            PosDevice.offline_max_total_cents,
        ).where(PosDevice.revoked_at.is_(None))
    ).all()
    verdict.exposure_cents = exposure_cents((a, c, t) for a, c, t in devices)


def _first_paid_by_rogue(session: Session, rogue_paid: set[str]) -> set[str]:
    """The codes a rogue was paid for before any other till."""
    first: dict[str, str] = {}
    rows = select(Redemption.token_id, Redemption.redemption_id).order_by(Redemption.id)
    for token_id, redemption_id in session.execute(rows):
        if token_id:
            first.setdefault(token_id, redemption_id)
    return {token_id for token_id, first_id in first.items() if first_id in rogue_paid}


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
