"""Rogue tills: paired like honest ones, then driven by a client that cheats.

A rogue till speaks the till API directly with its credential (as a copied or rewritten till
would) and tries, in a seeded order, everything the server must refuse: a code replayed as a
new offline payment (in the same batch and in later ones, its own or a colluding sibling's
of the same shop), captures back-dated before its last contact or before a revocation it
fetched, captures in the future, amounts beyond its per-payment limit, more payments or more
cents than its window allows, synced heartbeats to open a new window, and codes honest
participants showed at honest shops (a double spend across shops, which the server pays as
a conflict and holds back from the shop's payouts).

Everything it sends and every contact the server confirmed is written in a `RogueBook`, so
the checks (bench.simulation.rogue_checks) can tell, from the database, whether the server paid a
rogue beyond what it could honestly have accepted. The book is exact because a rogue does
one thing at a time and opens a new window only when every earlier request was answered; a
rogue whose heartbeat goes unanswered (its contact may or may not be recorded) stops.
"""

import json
import random
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.simulation.fund import PayCode, Phone
from pos_client.server import ServerClient, ServerRefused, ServerUnreachable
from wallet_server.pos.devices import NewOfflineLimits

#: the rogues' limits, set at pairing: a per-payment limit under the pay codes' cap, so that
#: it can be exceeded by itself, and a total that binds before the count does
ROGUE_LIMITS = NewOfflineLimits(
    max_amount_cents=1_200, max_count=5, max_total_cents=4_000, max_hours_since_sync=48
)
HONEST, REPLAY, BACK_DATE, FUTURE = "honest", "replay", "back_date", "future"
OVER_AMOUNT, FLOOD, RESET_AND_FLOOD = "over_amount", "flood", "reset_and_flood"
CASH_HONEST, REVOKED = "cash_honest", "revoked"
TRICKS = (
    HONEST,
    REPLAY,
    BACK_DATE,
    FUTURE,
    OVER_AMOUNT,
    FLOOD,
    RESET_AND_FLOOD,
    CASH_HONEST,
    REVOKED,
)
#: how many times a request without an answer is sent again (same ids: idempotent)
RESENDS = 3
CANCEL_PATH = "/api/v1/me/tokens/{token_id}/cancel"
PAID_ANSWERS = ("accepted", "conflict")


@dataclass(frozen=True)
class ContactWindow:
    """One of a rogue's offline windows, opened by a contact the server confirmed."""

    device_id: int
    index: int
    #: this machine's clock just before the contact was asked: the server recorded it later
    opened_after: datetime
    max_amount_cents: int
    max_count: int
    max_total_cents: int
    clock_skew_seconds: int


@dataclass(frozen=True)
class RogueCapture:
    """One offline payment a rogue sent, and the server's answer."""

    redemption_id: str
    device_id: int
    trick: str
    token_id: str
    amount_cents: int
    captured_at: datetime
    #: the window (ContactWindow.index) it was sent in
    window: int
    #: the blocklist cursor the till had been served when it sent this
    blocklist_cursor: int
    #: accepted, conflict, rejected, or unanswered
    answer: str
    code: str | None


@dataclass
class RogueBook:
    """What every rogue did, for the checks."""

    windows: list[ContactWindow] = field(default_factory=list)
    captures: list[RogueCapture] = field(default_factory=list)
    tricks: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    def error(self, text: str) -> None:
        if len(self.errors) < 30:
            self.errors.append(text)


@dataclass(frozen=True)
class Planned:
    trick: str
    code: PayCode
    amount_cents: int
    captured_at: datetime


class RogueTill:
    def __init__(
        self,
        *,
        device_id: int,
        credential: str,
        paired_at: datetime,
        pairing_limits: dict[str, int],
        rng: random.Random,
        customers: list[Phone],
        seen_at_shop: list[PayCode],
        shown_at_honest_shops: list[PayCode],
        book: RogueBook,
    ) -> None:
        self.device_id, self.credential, self.rng, self.book = device_id, credential, rng, book
        self.customers, self.seen, self.honest = customers, seen_at_shop, shown_at_honest_shops
        self.window = self._open_window(0, paired_at, pairing_limits)
        self.cursor = 0
        self.sent = 0
        self.stopped = False
        self._plan: list[str] = []
        self._owner: dict[str, Phone] = {}

    # --- a turn ----------------------------------------------------------------------------
    def turn(self, server_url: str) -> None:
        """One trick, the next of a seeded order that tries every trick in each round."""
        if self.stopped:
            return
        if not self._plan:
            self._plan = self.rng.sample(TRICKS, len(TRICKS))
        trick = self._plan.pop(0)
        self.book.tricks[trick] += 1
        client = ServerClient(server_url, self.credential, timeout=30)
        # the first turn moves to the rogue limits; later, a heartbeat to reset the count
        opens_window = self.window.index == 0 or trick == RESET_AND_FLOOD
        if opens_window and not self.contact(client):
            return
        planned = getattr(self, f"_{trick}")(server_url, client)
        if planned:
            self._send(client, planned, server_url)

    def contact(self, client: ServerClient) -> bool:
        """A synced heartbeat: the server opens a new window. False (and the rogue stops) if
        no answer came: whether the contact was recorded is unknown."""
        asked_at = datetime.now(UTC)
        for _ in range(RESENDS):
            try:
                answer = client.heartbeat(0, 0, synced=True)
            except ServerUnreachable:
                continue
            except ServerRefused as refusal:
                self.book.error(f"rogue {self.device_id} heartbeat refused: {refusal}")
                self.stopped = True
                return False
            self.window = self._open_window(
                self.window.index + 1, asked_at, answer["offline_limits"]
            )
            return True
        self.book.error(f"rogue {self.device_id}: heartbeat unanswered, the rogue stops")
        self.stopped = True
        return False

    def _open_window(self, index: int, opened: datetime, limits: dict[str, int]) -> ContactWindow:
        window = ContactWindow(
            device_id=self.device_id,
            index=index,
            opened_after=opened,
            max_amount_cents=int(limits["max_amount_cents"]),
            max_count=int(limits["max_count"]),
            max_total_cents=int(limits["max_total_cents"]),
            clock_skew_seconds=int(limits["clock_skew_seconds"]),
        )
        self.book.windows.append(window)
        return window

    # --- the tricks: each plans captures ---------------------------------------------------
    def _honest(self, url: str, client: ServerClient) -> list[Planned]:
        """Within every limit: the server pays these (the window allowing)."""
        return [
            Planned(HONEST, code, self._amount_within(code), self._now())
            for code in self._fresh(url, self.rng.randint(1, 2))
        ]

    def _replay(self, url: str, client: ServerClient) -> list[Planned]:
        """A fresh code twice in one batch, and codes this shop's tills sent before."""
        planned = [
            Planned(REPLAY, code, self._amount_within(code), self._now())
            for code in self._fresh(url, 1)
            for _ in range(2)
        ]
        earlier = self.rng.sample(self.seen, min(2, len(self.seen)))
        return planned + [
            Planned(REPLAY, code, self._amount_within(code), self._now()) for code in earlier
        ]

    def _back_date(self, url: str, client: ServerClient) -> list[Planned]:
        skew = timedelta(seconds=self.window.clock_skew_seconds)
        before = self.window.opened_after - skew - timedelta(minutes=self.rng.randint(1, 90))
        return [
            Planned(BACK_DATE, code, self._amount_within(code), before)
            for code in self._fresh(url, 1)
        ]

    def _future(self, url: str, client: ServerClient) -> list[Planned]:
        skew = timedelta(seconds=self.window.clock_skew_seconds)
        later = self._now() + skew + timedelta(minutes=self.rng.randint(1, 90))
        return [
            Planned(FUTURE, code, self._amount_within(code), later) for code in self._fresh(url, 1)
        ]

    def _over_amount(self, url: str, client: ServerClient) -> list[Planned]:
        return [
            Planned(
                OVER_AMOUNT,
                code,
                self.rng.randint(self.window.max_amount_cents + 1, code.cap_cents),
                self._now(),
            )
            for code in self._fresh(url, 1)
            if code.cap_cents > self.window.max_amount_cents
        ]

    def _flood(self, url: str, client: ServerClient, trick: str = FLOOD) -> list[Planned]:
        """More payments, and more cents, than one window allows."""
        top = self.window.max_amount_cents
        return [
            Planned(trick, code, min(code.cap_cents, self.rng.randint(top // 2, top)), self._now())
            for code in self._fresh(url, self.window.max_count + 2)
        ]

    def _reset_and_flood(self, url: str, client: ServerClient) -> list[Planned]:
        return self._flood(url, client, RESET_AND_FLOOD)

    def _cash_honest(self, url: str, client: ServerClient) -> list[Planned]:
        """Codes honest participants showed at honest shops, cashed here too."""
        codes = self.rng.sample(self.honest, min(2, len(self.honest)))
        return [
            Planned(CASH_HONEST, code, self._amount_within(code), self._now()) for code in codes
        ]

    def _revoked(self, url: str, client: ServerClient) -> list[Planned]:
        """A code its owner cancelled, fetched on the blocklist, then back-dated to before."""
        planned: list[Planned] = []
        for code in self._fresh(url, 1):
            owner = self._owner.pop(code.token_id)  # cancelled here, not again after
            if not _cancel(url, owner, code) or not self._fetch_blocklist(client):
                continue
            captured = max(self._now() - timedelta(seconds=20), self.window.opened_after)
            planned.append(Planned(REVOKED, code, self._amount_within(code), captured))
        return planned

    # --- the wire --------------------------------------------------------------------------
    def _send(self, client: ServerClient, planned: list[Planned], url: str) -> None:
        bodies: list[dict[str, Any]] = []
        for item in planned:
            self.sent += 1
            bodies.append(
                {
                    "redemption_id": f"rogue-{self.device_id}-{self.sent:06d}",
                    "token": item.code.text,
                    "amount_cents": item.amount_cents,
                    "captured_at": item.captured_at.isoformat(),
                    "mode": "offline",
                }
            )
        answers = self._answers(client, bodies)
        for item, body in zip(planned, bodies, strict=True):
            answer = answers.get(body["redemption_id"], {"status": "unanswered"})
            self.book.captures.append(
                RogueCapture(
                    redemption_id=body["redemption_id"],
                    device_id=self.device_id,
                    trick=item.trick,
                    token_id=item.code.token_id,
                    amount_cents=item.amount_cents,
                    captured_at=item.captured_at,
                    window=self.window.index,
                    blocklist_cursor=self.cursor,
                    answer=answer["status"],
                    code=answer.get("code"),
                )
            )
        self._tidy(planned, [answers.get(body["redemption_id"], {}) for body in bodies], url)

    def _tidy(self, planned: list[Planned], answers: list[dict[str, Any]], url: str) -> None:
        """Paid codes join what this shop's tills replay; a fresh code refused everywhere is
        cancelled by its owner (a participant holds only a few open codes at a time)."""
        for item, answer in zip(planned, answers, strict=True):
            if answer.get("status") in PAID_ANSWERS and item.code not in self.seen:
                self.seen.append(item.code)
        paid = {code.token_id for code in self.seen}
        for item, answer in zip(planned, answers, strict=True):
            owner = self._owner.get(item.code.token_id)
            if answer.get("status") == "rejected" and owner and item.code.token_id not in paid:
                del self._owner[item.code.token_id]
                _cancel(url, owner, item.code)

    def _answers(
        self, client: ServerClient, bodies: list[dict[str, Any]]
    ) -> dict[str, dict[str, Any]]:
        for _ in range(RESENDS):
            try:
                return {r["redemption_id"]: r for r in client.redeem_batch(bodies)}
            except ServerUnreachable:
                continue
            except ServerRefused as refusal:
                self.book.error(f"rogue {self.device_id} batch refused: {refusal}")
                return {}
        # the server may still judge it later: no new window may open after it
        self.book.error(f"rogue {self.device_id}: a batch went unanswered, the rogue stops")
        self.stopped = True
        return {}

    def _fetch_blocklist(self, client: ServerClient) -> bool:
        try:
            while True:
                page = client.blocklist(self.cursor)
                if not page["entries"]:
                    return True
                self.cursor = int(page["next_cursor"])
        except (ServerUnreachable, ServerRefused) as error:
            self.book.error(f"rogue {self.device_id} blocklist: {error}")
            return False

    def _fresh(self, url: str, count: int) -> list[PayCode]:
        codes = []
        for _ in range(count):
            customer = self.rng.choice(self.customers)
            code = customer.issue(url)
            if code is not None:
                codes.append(code)
                self._owner[code.token_id] = customer
        return codes

    def _amount_within(self, code: PayCode) -> int:
        return self.rng.randint(1, min(code.cap_cents, self.window.max_amount_cents))

    @staticmethod
    def _now() -> datetime:
        return datetime.now(UTC)


def _cancel(url: str, customer: Phone, code: PayCode) -> bool:
    request = urllib.request.Request(
        url + CANCEL_PATH.format(token_id=code.token_id),
        data=json.dumps({}).encode(),
        headers={
            "Authorization": f"Bearer {customer.credential}",
            "Content-Type": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30):  # nosec B310
            return True
    except OSError:
        return False
