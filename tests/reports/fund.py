"""Small funds for report tests, built with the real services: enrolment, contribution and
subsidy recording, allocation runs, payments at real tills (PIN or pay code), refunds and
payout batches. Each step commits, as the console would."""

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from wallet_server.allocations.operations import run_allocation, set_policy
from wallet_server.config import TokenSettings
from wallet_server.contributions.models import PaymentMethod
from wallet_server.contributions.operations import record_payment, record_subsidy
from wallet_server.participants.models import Participant
from wallet_server.participants.operations import Enrollment, enroll_many
from wallet_server.pos.models import PosDevice
from wallet_server.pos.pairing import create_pairing_code, pair_device
from wallet_server.pos.pin import pay_by_pin, set_pin
from wallet_server.pos.redemption import RedemptionRequest, redeem
from wallet_server.pos.refunds import refund
from wallet_server.reimbursements.batches import mark_paid, prepare_batch
from wallet_server.shops.models import Shop, ShopStatus
from wallet_server.shops.operations import add_shop, change_shop_status
from wallet_server.tokens.keystore import KeyStore
from wallet_server.tokens.operations import (
    current_signing_key,
    draft_pay_code,
    reserve_pay_code,
    rotate_signing_key,
)

SETTINGS = TokenSettings()
PIN = "2468"
#: a valid French IBAN (the check digits hold)
IBAN = "FR7630006000011234567890189"


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


@dataclass
class Till:
    shop_id: int
    shop_public_id: str
    device_id: int


class SmallFund:
    def __init__(self, sessions: sessionmaker[Session], key_dir: Path) -> None:
        self.sessions = sessions
        self.keystore = KeyStore(key_dir)
        with sessions() as session:
            rotate_signing_key(session, self.keystore, now=datetime(2026, 1, 1, tzinfo=UTC))
            set_policy(
                session, effective_month="2026-01", amount_cents=10_000, decided_by="committee"
            )
            session.commit()

    def enroll(self, *people: tuple[int, int | None, str], pin: bool = False) -> list[int]:
        """(household size, contribution level, enrolled month) → participant ids."""
        with self.sessions() as session:
            enrolled = enroll_many(
                session,
                [
                    Enrollment(enrolled_month=month, household_size=size, contribution_level=level)
                    for size, level, month in people
                ],
                actor="test",
            )
            if pin:
                for person in enrolled:
                    set_pin(person, PIN)
            session.commit()
            return [person.id for person in enrolled]

    def till(self, name: str) -> Till:
        with self.sessions() as session:
            shop = add_shop(session, name=name)
            change_shop_status(session, shop, ShopStatus.APPROVED)
            shop.iban, shop.account_holder = IBAN, name
            code = create_pairing_code(session, shop, actor="test").code
            device = pair_device(session, code, name="caisse").device
            session.commit()
            return Till(shop.id, shop.public_id, device.id)

    def contribution(self, participant_id: int, cents: int, paid_on: date) -> None:
        with self.sessions() as session:
            person = session.get(Participant, participant_id)
            assert person is not None
            record_payment(
                session,
                person,
                amount_cents=cents,
                method=PaymentMethod.CASH,
                paid_on=paid_on,
                actor="test",
            )
            session.commit()

    def subsidy(self, cents: int, received_on: date) -> None:
        with self.sessions() as session:
            record_subsidy(
                session, funder="Ville", amount_cents=cents, received_on=received_on, actor="test"
            )
            session.commit()

    def allocate(self, month: str) -> None:
        run_allocation(self.sessions, month=month, actor="test")

    def pay_by_pin(self, participant_id: int, till: Till, cents: int, when: datetime) -> str:
        redemption_id = uuid.uuid4().hex
        with self.sessions() as session:
            person = session.get(Participant, participant_id)
            device = session.get(PosDevice, till.device_id)
            assert person is not None and device is not None
            pay_by_pin(
                session,
                device,
                redemption_id=redemption_id,
                public_id=person.public_id,
                pin=PIN,
                amount_cents=cents,
                now=when,
            )
            session.commit()
        return redemption_id

    def pay_by_code(self, participant_id: int, till: Till, cents: int, when: datetime) -> str:
        """A pay code issued and redeemed online at `when`, as a phone and a till would."""
        redemption_id = uuid.uuid4().hex
        with self.sessions() as session:
            person = session.get(Participant, participant_id)
            device = session.get(PosDevice, till.device_id)
            assert person is not None and device is not None
            signer = current_signing_key(session, self.keystore)
            draft = draft_pay_code(session, person, signer=signer, settings=SETTINGS, now=when)
            reserve_pay_code(session, person, draft, settings=SETTINGS, now=when)
            request = RedemptionRequest(redemption_id, draft.text, cents, when, "online")
            redeem(session, device, request, settings=SETTINGS, now=when)
            session.commit()
        return redemption_id

    def refund(self, till: Till, redemption_id: str, cents: int, when: datetime) -> None:
        with self.sessions() as session:
            device = session.get(PosDevice, till.device_id)
            assert device is not None
            refund(
                session,
                device,
                refund_id=uuid.uuid4().hex,
                redemption_id=redemption_id,
                amount_cents=cents,
                now=when,
            )
            session.commit()

    def payout(self, period_end: date, paid_at: datetime) -> int:
        """Prepare a batch for what shops were owed at `period_end` and mark it paid."""
        with self.sessions() as session:
            prepared = prepare_batch(
                session,
                period_end=period_end,
                execution_date=paid_at.date(),
                actor="test",
                now=paid_at,
            )
            mark_paid(session, prepared.batch, actor="test", now=paid_at)
            session.commit()
            return prepared.batch.total_cents

    def shop_name(self, till: Till) -> str:
        with self.sessions() as session:
            shop = session.get(Shop, till.shop_id)
            assert shop is not None
            return shop.name


class ThreeMonths:
    """The fund the dashboard tests compute by hand (window 2026-09 … 2026-11).

    A (household 1, level 2) and B (household 3, level 5) from September, C (household 5, no
    level) from October, D (household 2, level 8) from December, after the window.
    """

    def __init__(self, fund: SmallFund) -> None:
        self.fund = fund
        self.a, self.b = fund.enroll((1, 2, "2026-09"), (3, 5, "2026-09"), pin=True)
        self.c, self.d = fund.enroll((5, None, "2026-10"), (2, 8, "2026-12"))
        self.port: Till = fund.till("Épicerie du Port")
        self.cagette: Till = fund.till("La Cagette")
        fund.subsidy(100_000, date(2026, 9, 1))
        fund.contribution(self.a, 500, date(2026, 9, 5))
        fund.contribution(self.b, 4_000, date(2026, 9, 20))
        fund.contribution(self.b, 4_000, date(2026, 10, 3))
        fund.contribution(self.a, 500, date(2026, 12, 2))
        for month in ("2026-09", "2026-10", "2026-11", "2026-12"):
            fund.allocate(month)
        fund.pay_by_pin(self.a, self.port, 2_500, at(date(2026, 9, 10)))
        fund.pay_by_pin(self.b, self.cagette, 4_000, at(date(2026, 9, 15)))
        # 23:30 in Paris on 30 September (21:30 UTC, summer time): still September.
        fund.pay_by_pin(self.b, self.port, 1_000, at(date(2026, 9, 30), 21, 30))
        # Later payments by pay code, all after the payout's period (30 September).
        fund.pay_by_code(self.a, self.port, 3_000, at(date(2026, 10, 2)))
        paid_by_c = fund.pay_by_code(self.c, self.cagette, 6_000, at(date(2026, 10, 20)))
        fund.pay_by_code(self.b, self.cagette, 2_000, at(date(2026, 11, 3)))
        fund.refund(self.cagette, paid_by_c, 1_000, at(date(2026, 10, 25)))
        self.payout_cents = fund.payout(date(2026, 9, 30), at(date(2026, 10, 5)))
