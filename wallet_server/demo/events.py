"""The demo year's events: what happened, when, to whom. Pure data, ordered by `at`.

Each event is carried out through the fund's services at its instant by
`wallet_server.demo.seeding`. `done_by` is the last instant an event needs: an offline payment
is only known to the server once its till syncs, so one whose sync would come after the
seeding instant is left out, like every other event after it.
"""

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Event:
    at: datetime

    @property
    def done_by(self) -> datetime:
        return self.at


@dataclass(frozen=True)
class Launch(Event):
    """The fund opens: staff accounts, the signing key, the shops conventioned by the
    committee and their tills paired."""


@dataclass(frozen=True)
class PolicyDecision(Event):
    effective_month: str
    amount_cents: int
    extra_member_cents: int
    carry_over_cap_cents: int | None
    note: str


@dataclass(frozen=True)
class Enrolment(Event):
    """A welcome meeting: households enrolled for `month`, each phone bound."""

    households: tuple[int, ...]
    month: str


@dataclass(frozen=True)
class Subsidy(Event):
    funder: str
    cents: int


@dataclass(frozen=True)
class Allocation(Event):
    month: str


@dataclass(frozen=True)
class Contribution(Event):
    household: int
    cents: int
    by_bank_transfer: bool


@dataclass(frozen=True)
class Till:
    shop: str
    number: int = 0


@dataclass(frozen=True)
class OnlinePayment(Event):
    """A pay code shown at an online till (or a paper voucher) and redeemed at once."""

    household: int
    till: Till
    cents: int
    #: refunds name the payment they give back by this
    key: int
    voucher: bool = False


@dataclass(frozen=True)
class OfflinePayment(Event):
    """An offline-capable code fetched at `at` (a paper voucher needs none), accepted by a
    till that could not reach the server at `captured_at`, synced at `synced_at`."""

    household: int
    till: Till
    cents: int
    captured_at: datetime
    synced_at: datetime
    voucher: bool = False

    @property
    def done_by(self) -> datetime:
        return self.synced_at


@dataclass(frozen=True)
class Sync(Event):
    """A till sends its journal of offline payments."""

    till: Till


@dataclass(frozen=True)
class Refund(Event):
    payment: int
    percent: int


@dataclass(frozen=True)
class DoubleSpend(Event):
    """One offline code, fetched at `at`, accepted by two tills that could not see each
    other: the second to sync opens a conflict."""

    household: int
    tills: tuple[Till, Till]
    captured_at: tuple[datetime, datetime]
    synced_at: datetime
    #: a recovery decision names the conflict by this
    key: int

    @property
    def done_by(self) -> datetime:
        return self.synced_at


@dataclass(frozen=True)
class Recovery(Event):
    """A coordinator lets the next allocation settle a double spend's conflict."""

    double_spend: int


@dataclass(frozen=True)
class CodeFetched(Event):
    """A phone fetches an offline-capable code that is never used."""

    household: int


@dataclass(frozen=True)
class PhoneLost(Event):
    """A coordinator takes a lost phone out of use and prints paper vouchers instead."""

    household: int
    voucher_cents: int
    vouchers: int


@dataclass(frozen=True)
class Payout(Event):
    period_end: date


@dataclass(frozen=True)
class TillsOn(Event):
    """Every till reports in as the demo starts: none shows as silent."""
