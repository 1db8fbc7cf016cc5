"""Payments at the demo's tills, as phones, tills and coordinators make them: pay codes issued
and redeemed online, offline ones journaled by a till and sent when it syncs, refunds, a code
accepted twice and its conflict, a lost phone and the paper vouchers that replace it.

Each method returns how many payments (or refunds) it recorded, for the seeding's figures.
"""

import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from paytoken import SigningKey
from wallet_server.config import TokenSettings
from wallet_server.demo import events as ev
from wallet_server.demo.cast import COORDINATOR, DEMO_SHOPS
from wallet_server.ledger import Account
from wallet_server.participants.models import Participant
from wallet_server.participants.status import take_phones_out_of_use
from wallet_server.pos.conflicts import recover_from_next_allocation
from wallet_server.pos.limits import record_report
from wallet_server.pos.models import Conflict, PosDevice, Redemption
from wallet_server.pos.pairing import device_for_credential
from wallet_server.pos.redemption import RedemptionRequest, redeem
from wallet_server.pos.refunds import refund
from wallet_server.pos.sync import redeem_batch
from wallet_server.tokens.operations import issue_pay_code
from wallet_server.vouchers.operations import issue_sheet, printable_vouchers

#: a wallet with less than this does not shop (it waits for the next allocation)
SMALLEST_PAYMENT_CENTS = 100
#: (text, cents to pay) of a pay code or paper voucher about to be shown at a till
Shown = tuple[str, int]


class Payments:
    def __init__(
        self,
        *,
        settings: TokenSettings,
        signer: SigningKey,
        tills: dict[ev.Till, tuple[int, str]],
        participant: Callable[[Session, int], Participant],
    ) -> None:
        self.settings, self.signer, self.tills = settings, signer, tills
        self.participant = participant
        #: offline payments each till holds until it syncs
        self.journals: dict[ev.Till, list[RedemptionRequest]] = defaultdict(list)
        #: payment key → (till, redemption id, cents paid), for refunds
        self.paid: dict[int, tuple[ev.Till, str, int]] = {}
        #: double spend key → the redemption id of the second till's capture
        self.double_spent: dict[int, str] = {}
        #: the paper vouchers still in the lost phone's owner's hands, and their value
        self.vouchers: list[str] = []
        self.voucher_cents = 0

    def online(self, session: Session, event: ev.OnlinePayment) -> int:
        shown = (
            self._voucher(event.cents)
            if event.voucher
            else self._pay_code(session, event.household, event.at - timedelta(seconds=20))
        )
        if shown is None:
            return 0
        text, cents = shown[0], min(shown[1], event.cents)
        request = RedemptionRequest(uuid.uuid4().hex, text, cents, event.at, "online")
        device = session.get(PosDevice, self.tills[event.till][0])
        assert device is not None
        redeem(session, device, request, settings=self.settings, now=event.at)
        self.paid[event.key] = (event.till, request.redemption_id, cents)
        return 1

    def offline(self, session: Session, event: ev.OfflinePayment) -> int:
        """The code is fetched now; the till journals its payment, sent at its next sync."""
        shown = (
            self._voucher(event.cents)
            if event.voucher
            else self._pay_code(session, event.household, event.at, offline=True)
        )
        if shown is not None:
            text, cents = shown[0], min(shown[1], event.cents)
            request = RedemptionRequest(uuid.uuid4().hex, text, cents, event.captured_at, "offline")
            self.journals[event.till].append(request)
        return 0

    def sync(self, session: Session, event: ev.Sync) -> int:
        # what the till has taken by now (a code fetched earlier may be shown later)
        journal = self.journals[event.till]
        requests = [request for request in journal if request.captured_at <= event.at]
        self.journals[event.till] = [r for r in journal if r.captured_at > event.at]
        device = self._device(session, event.till, event.at)
        if requests:
            outcomes = redeem_batch(session, device, requests, settings=self.settings, now=event.at)
            refused = [outcome for outcome in outcomes if outcome.refusal is not None]
            if refused:  # each was valid when its till took it: the server must honour it
                raise RuntimeError(f"the demo's offline payments were refused: {refused}")
        # a complete contact even on a quiet day: the till's next offline stretch starts here
        record_report(device, unsynced_count=0, unsynced_cents=0, synced=True, now=event.at)
        return len(requests)

    def refund(self, session: Session, event: ev.Refund) -> int:
        if event.payment not in self.paid:
            return 0  # the wallet was empty that day: the payment never happened
        till, redemption_id, cents = self.paid[event.payment]
        refund(
            session,
            self._device(session, till, event.at),
            refund_id=uuid.uuid4().hex,
            redemption_id=redemption_id,
            amount_cents=max(1, cents * event.percent // 100),
            now=event.at,
        )
        return 1

    def double_spend(self, session: Session, event: ev.DoubleSpend) -> int:
        shown = self._pay_code(session, event.household, event.at, offline=True)
        assert shown is not None, "the double spender has the month's money on the day"
        text, cap = shown
        limits = [_offline_max(till) for till in event.tills]
        # The first till takes most of the code; the second more than is left, so that the
        # wallet goes below zero when the second till syncs.
        first = min(limits[0], max(cap - 2_000, cap // 2))
        second = min(limits[1], cap - first + 1_500)
        requests = [
            RedemptionRequest(uuid.uuid4().hex, text, cents, captured_at, "offline")
            for captured_at, cents in zip(event.captured_at, (first, second), strict=True)
        ]
        for till, request in zip(event.tills, requests, strict=True):
            self.journals[till].append(request)
        self.double_spent[event.key] = requests[1].redemption_id
        return 0

    def recover(self, session: Session, event: ev.Recovery) -> int:
        conflict = session.scalars(
            select(Conflict)
            .join(Redemption, Redemption.id == Conflict.redemption_id)
            .where(Redemption.redemption_id == self.double_spent[event.double_spend])
        ).one()
        recover_from_next_allocation(session, conflict, actor=COORDINATOR)
        return 0

    def fetch_code(self, session: Session, event: ev.CodeFetched) -> int:
        self._pay_code(session, event.household, event.at, offline=True)
        return 0

    def phone_lost(self, session: Session, event: ev.PhoneLost) -> int:
        """The phone is taken out of use (its open code cancelled) and, in its place, a sheet
        of paper vouchers printed for what the wallet holds, up to `event.vouchers`."""
        person = self.participant(session, event.household)
        take_phones_out_of_use(session, person, now=event.at)
        wallet = session.get(Account, person.account_id)
        assert wallet is not None
        count = min(event.vouchers, wallet.available // event.voucher_cents)
        if count >= 1:
            sheet = issue_sheet(
                session,
                person,
                value_cents=event.voucher_cents,
                count=count,
                signer=self.signer,
                settings=self.settings,
                actor=COORDINATOR,
                now=event.at,
            )
            self.vouchers = [voucher.token_text for voucher in printable_vouchers(session, sheet)]
            self.voucher_cents = event.voucher_cents
        return 0

    def tills_on(self, session: Session, event: ev.TillsOn) -> int:
        for till in self.tills:
            device = self._device(session, till, event.at)
            record_report(device, unsynced_count=0, unsynced_cents=0, synced=True, now=event.at)
        return 0

    def _pay_code(
        self, session: Session, household: int, at: datetime, *, offline: bool = False
    ) -> Shown | None:
        """A code fetched by the household's phone, for what the wallet holds (up to the
        cap), or None when it has too little left this month."""
        person = self.participant(session, household)
        wallet = session.get(Account, person.account_id)
        assert wallet is not None
        if wallet.available < SMALLEST_PAYMENT_CENTS:
            return None
        code = issue_pay_code(
            session, person, signer=self.signer, settings=self.settings, offline=offline, now=at
        )
        return code.text, code.claims.cap_cents

    def _voucher(self, cents: int) -> Shown | None:
        if not self.vouchers:
            return None
        return self.vouchers.pop(0), min(cents, self.voucher_cents)

    def _device(self, session: Session, till: ev.Till, at: datetime) -> PosDevice:
        """The till as the API knows it: by its credential, seen at `at`."""
        return device_for_credential(session, self.tills[till][1], now=at)


def _offline_max(till: ev.Till) -> int:
    return next(shop.offline_max_cents for shop in DEMO_SHOPS if shop.key == till.shop)
