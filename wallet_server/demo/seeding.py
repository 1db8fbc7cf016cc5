"""Carrying out the demo's year through the fund's own services, each event at its instant.

Nothing is written around a service: enrolments, policy decisions, allocation runs,
contributions, subsidies, payouts (here), the opening day (`opening`) and whatever happens at
the tills (`payments`) all go through the operations the console, the API and the tills
use, told `now` so that every row and every transfer is dated when it happened. The events of
one week share a transaction (a durable commit per payment would cost the seeding its speed,
not its truth); allocation runs take their own, as they do in the console.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet_server.allocations.operations import run_allocation, set_policy
from wallet_server.config import TokenSettings
from wallet_server.contributions.models import PaymentMethod
from wallet_server.contributions.operations import record_payment, record_subsidy
from wallet_server.demo import events as ev
from wallet_server.demo.cast import COMMITTEE, COORDINATOR, DEMO_SHOPS
from wallet_server.demo.opening import open_fund
from wallet_server.demo.payments import Payments
from wallet_server.demo.plan import Plan
from wallet_server.participants.devices import bind_device
from wallet_server.participants.models import Participant
from wallet_server.participants.operations import Enrollment, enroll_many
from wallet_server.pos.models import PosDevice
from wallet_server.reimbursements.batches import NothingDue, mark_paid, prepare_batch
from wallet_server.shops.models import Shop
from wallet_server.tokens.keystore import KeyStore
from wallet_server.users.operations import NewUser


@dataclass
class MonthFigures:
    """What one month of the demo did, for the progress shown while seeding."""

    month: str
    #: households the month's allocation went to
    households: int = 0
    payments: int = 0
    offline: int = 0
    refunds: int = 0
    contributions: int = 0


@dataclass
class SeededCast:
    """Who the demo made, for the credentials file."""

    admin: NewUser
    staff: tuple[NewUser, ...]
    #: La Cagette's first till's credential, and the first participant's phone's
    till_credential: str
    participant_public_id: str = ""
    participant_credential: str = ""


#: carries out one kind of event; returns how many of what it is counted as it recorded
Handler = Callable[[Session, Any], int]


class Seeding:
    def __init__(
        self,
        session_factory: Callable[[], Session],
        plan: Plan,
        *,
        password: str,
        keystore: KeyStore,
        settings: TokenSettings,
        progress: Callable[[MonthFigures], None] | None = None,
    ) -> None:
        self.session_factory, self.plan, self.progress = session_factory, plan, progress
        self.password, self.keystore, self.settings = password, keystore, settings
        #: household index → participant id
        self.participants: dict[int, int] = {}
        self.figures: list[MonthFigures] = []
        self.cast: SeededCast | None = None
        #: event kind → its handler, and the month's figures it counts in (from the opening)
        self.handlers: dict[type[ev.Event], tuple[Handler, tuple[str, ...]]] = {}
        self._session: Session | None = None
        self._week: tuple[int, int] | None = None
        self._at_hand: list[object] = []

    def carry_out(self) -> SeededCast:
        for event in self.plan.events:
            self._count_month(event.at)
            if isinstance(event, ev.Allocation):
                self._close()  # a run commits chunk by chunk, in transactions of its own
                run = run_allocation(
                    self.session_factory, month=event.month, actor=COORDINATOR, now=event.at
                )
                self._month.households = run.allocated
            else:
                self._handle(self._session_at(event.at), event)
        self._close()
        self._count_month(None)
        assert self.cast is not None, "the demo's year starts with the fund's opening"
        return self.cast

    # transactions and progress

    def _session_at(self, moment: datetime) -> Session:
        week = self._local_day(moment).isocalendar()[:2]
        if self._session is None or week != self._week:
            self._close()
            self._session, self._week = self.session_factory(), week
            # The session's identity map holds rows weakly: keeping the fund's few
            # participants, shops and tills at hand spares a query per look-up all week.
            self._at_hand = [
                *self._session.scalars(select(Participant)),
                *self._session.scalars(select(Shop)),
                *self._session.scalars(select(PosDevice)),
            ]
        return self._session

    def _close(self) -> None:
        if self._session is not None:
            self._session.commit()
            self._session.close()
            self._session = None

    def _count_month(self, moment: datetime | None) -> None:
        month = None if moment is None else moment.astimezone(self.plan.year.zone).strftime("%Y-%m")
        if self.figures and self.figures[-1].month != month and self.progress is not None:
            self.progress(self.figures[-1])
        if month is not None and (not self.figures or self.figures[-1].month != month):
            self.figures.append(MonthFigures(month))

    @property
    def _month(self) -> MonthFigures:
        return self.figures[-1]

    # the events

    def _handle(self, session: Session, event: ev.Event) -> None:
        if isinstance(event, ev.Launch):
            self._open(session, event)
            return
        carry_out, counted_as = self.handlers[type(event)]
        recorded = carry_out(session, event)
        for name in counted_as:
            setattr(self._month, name, getattr(self._month, name) + recorded)

    def _open(self, session: Session, event: ev.Launch) -> None:
        opened = open_fund(
            session,
            event.at,
            self._local_day(event.at),
            password=self.password,
            keystore=self.keystore,
            settings=self.settings,
        )
        first_till = opened.tills[ev.Till(DEMO_SHOPS[0].key, 0)]
        self.cast = SeededCast(opened.admin, opened.staff, till_credential=first_till[1])
        payments = Payments(
            settings=self.settings,
            signer=opened.signer,
            tills=opened.tills,
            participant=self._participant,
        )
        self.handlers = {
            ev.PolicyDecision: (self._decide_policy, ()),
            ev.Enrolment: (self._enrol, ()),
            ev.Subsidy: (self._subsidy, ()),
            ev.Contribution: (self._contribution, ("contributions",)),
            ev.Payout: (self._payout, ()),
            ev.OnlinePayment: (payments.online, ("payments",)),
            ev.OfflinePayment: (payments.offline, ()),
            ev.Sync: (payments.sync, ("payments", "offline")),
            ev.Refund: (payments.refund, ("refunds",)),
            ev.DoubleSpend: (payments.double_spend, ()),
            ev.Recovery: (payments.recover, ()),
            ev.CodeFetched: (payments.fetch_code, ()),
            ev.PhoneLost: (payments.phone_lost, ()),
            ev.TillsOn: (payments.tills_on, ()),
        }

    def _decide_policy(self, session: Session, event: ev.PolicyDecision) -> int:
        set_policy(
            session,
            effective_month=event.effective_month,
            amount_cents=event.amount_cents,
            extra_member_cents=event.extra_member_cents,
            carry_over_cap_cents=event.carry_over_cap_cents,
            decided_by=COMMITTEE,
            note=event.note,
            now=event.at,
        )
        return 1

    def _enrol(self, session: Session, event: ev.Enrolment) -> int:
        households = [self.plan.households[index] for index in event.households]
        enrolled = enroll_many(
            session,
            [
                Enrollment(
                    enrolled_month=event.month,
                    name=household.name,
                    household_size=household.size,
                    contribution_level=household.level,
                )
                for household in households
            ],
            actor=COORDINATOR,
            now=event.at,
        )
        for household, person in zip(households, enrolled, strict=True):
            self.participants[household.index] = person.id
            phone = bind_device(session, person, label="téléphone", now=event.at)
            if household.index == 0:
                assert self.cast is not None
                self.cast.participant_public_id = person.public_id
                self.cast.participant_credential = phone.credential
        return len(enrolled)

    def _subsidy(self, session: Session, event: ev.Subsidy) -> int:
        record_subsidy(
            session,
            funder=event.funder,
            amount_cents=event.cents,
            received_on=self._local_day(event.at),
            actor=COORDINATOR,
            now=event.at,
        )
        return 1

    def _contribution(self, session: Session, event: ev.Contribution) -> int:
        record_payment(
            session,
            self._participant(session, event.household),
            amount_cents=event.cents,
            method=PaymentMethod.BANK_TRANSFER if event.by_bank_transfer else PaymentMethod.CASH,
            paid_on=self._local_day(event.at),
            actor=COORDINATOR,
            now=event.at,
        )
        return 1

    def _payout(self, session: Session, event: ev.Payout) -> int:
        """Shops are paid what they were owed at the period's end, when anything is owed."""
        try:
            prepared = prepare_batch(
                session,
                period_end=event.period_end,
                execution_date=self._local_day(event.at),
                actor=COORDINATOR,
                now=event.at,
            )
        except NothingDue:
            return 0
        mark_paid(session, prepared.batch, actor=COORDINATOR, now=event.at)
        return 1

    def _participant(self, session: Session, household: int) -> Participant:
        person = session.get(Participant, self.participants[household])
        assert person is not None
        return person

    def _local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.plan.year.zone).date()
