"""The demo fund `caisse demo` seeds: twelve months of a solidarity food fund's life, ending
with the current month, written through the fund's own services at the instants they
happened (nothing after the seeding instant).

- `cast`: who is in it (staff, shops and tills, households' names, funders);
- `calendar`: the year on the fund's calendar;
- `households`, `plan`: what they do over the year, drawn from a fixed seed, as events;
- `seeding`: each event carried out through the services.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet_server import clock
from wallet_server.config import TokenSettings
from wallet_server.demo.calendar import year_ending
from wallet_server.demo.cast import DEMO_ADMIN, DEMO_SHOPS, DEMO_STAFF
from wallet_server.demo.plan import plan_year
from wallet_server.demo.seeding import MonthFigures, Seeding
from wallet_server.ledger import run_in_transaction
from wallet_server.participants.models import Participant
from wallet_server.participants.operations import EnrollmentError
from wallet_server.refusals import Refusal
from wallet_server.shops.models import Shop
from wallet_server.shops.operations import ShopError
from wallet_server.tokens.keystore import KeyStore
from wallet_server.tokens.models import SigningKeyRecord
from wallet_server.users.operations import NewUser

__all__ = [
    "DEMO_ADMIN",
    "DEMO_STAFF",
    "MonthFigures",
    "SeededDemo",
    "first_participant",
    "first_shop",
    "seed_demo",
]


@dataclass(frozen=True)
class SeededDemo:
    admin: NewUser
    staff: tuple[NewUser, ...]
    shops: int
    participants: int
    #: the year seeded: its first month, and its last (the month of the seeding)
    first_month: str
    month: str
    payments: int
    #: month by month, as shown while seeding
    months: tuple[MonthFigures, ...]
    #: a participant's phone credential and a paired till's, to try paying with curl
    participant_public_id: str
    participant_credential: str
    till_credential: str


def seed_demo(
    session_factory: Callable[[], Session],
    *,
    password: str,
    keystore: KeyStore,
    settings: TokenSettings | None = None,
    now: datetime | None = None,
    progress: Callable[[MonthFigures], None] | None = None,
) -> SeededDemo:
    """Seed the demo's year, ending with the month of `now` (default: the clock), into a
    database with no fund in it yet; `progress` hears of each month as it is done."""
    now = now or clock.now()
    run_in_transaction(session_factory, _refuse_unless_empty)
    plan = plan_year(year_ending(now))
    seeding = Seeding(
        session_factory,
        plan,
        password=password,
        keystore=keystore,
        settings=settings or TokenSettings(),
        progress=progress,
    )
    cast = seeding.carry_out()
    return SeededDemo(
        admin=cast.admin,
        staff=cast.staff,
        shops=len(DEMO_SHOPS),
        participants=len(seeding.participants),
        first_month=plan.year.first_month,
        month=plan.year.this_month,
        payments=sum(month.payments for month in seeding.figures),
        months=tuple(seeding.figures),
        participant_public_id=cast.participant_public_id,
        participant_credential=cast.participant_credential,
        till_credential=cast.till_credential,
    )


def _refuse_unless_empty(session: Session) -> None:
    """The demo's year starts with the fund: a database with shops, participants or a
    signing key already (a key that starts today could not have signed last year's codes)
    is refused."""
    for model in (SigningKeyRecord, Shop, Participant):
        if session.scalar(select(model).limit(1)) is not None:
            raise Refusal("demo_needs_an_empty_fund")


def first_shop(session: Session) -> Shop:
    """The demo's first shop (La Cagette): the one whose till the demo runs."""
    shop = session.scalar(select(Shop).order_by(Shop.id).limit(1))
    if shop is None:
        raise ShopError("shop_not_found")
    return shop


def first_participant(session: Session) -> Participant:
    """The demo's first participant: the one whose phone the demo activates."""
    participant = session.scalar(select(Participant).order_by(Participant.id).limit(1))
    if participant is None:
        raise EnrollmentError("participant_not_found")
    return participant
