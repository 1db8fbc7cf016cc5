"""The till: takes a payment online if it can, offline within its limits if it must.

Every payment is journaled durably before the cashier sees success. Online first, with a
short timeout; an unanswered attempt falls back to the offline rules with the same
`redemption_id`, so the server counts it once whether or not the first try reached it.
"""

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from paytoken import TokenError, unverified_claims
from pos_client.journal import JournalEntry, JournalState
from pos_client.messages import message
from pos_client.offline import OfflineRefusal, accept_offline
from pos_client.server import ServerClient, ServerRefused, ServerUnreachable
from pos_client.tillfiles import TillFiles

#: after an unanswered request, go straight to the offline rules for this long (the sync
#: worker's next successful contact ends it earlier): a cashier should not wait for a
#: timeout on every payment while the shop's line is down
OFFLINE_HOLD_DOWN = timedelta(seconds=20)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Outcome:
    """What the cashier sees."""

    accepted: bool
    code: str
    messages: dict[str, str]
    amount_cents: int = 0
    mode: str | None = None
    redemption_id: str | None = None
    receipt_number: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        if self.accepted:
            return {
                "result": "accepted",
                "mode": self.mode,
                "amount_cents": self.amount_cents,
                "redemption_id": self.redemption_id,
                "receipt_number": self.receipt_number,
                "message": self.messages,
            }
        return {"result": "refused", "code": self.code, "message": self.messages}


def _refused(code: str, messages: dict[str, str] | None = None) -> Outcome:
    return Outcome(False, code, messages or message(code).as_json())


def _server_words(refusal: ServerRefused) -> dict[str, str]:
    if refusal.messages.get("fr") and refusal.messages.get("en"):
        return refusal.messages
    return message(refusal.code).as_json()


class Till:
    def __init__(
        self,
        files: TillFiles,
        *,
        online_timeout: float = 3.0,
        clock: Callable[[], datetime] = utc_now,
        server: ServerClient | None = None,
    ) -> None:
        self.files = files
        self.pairing = files.pairing()
        self.journal = files.open_journal()
        self.clock = clock
        self.server = server or ServerClient(
            self.pairing.server_url, self.pairing.credential, timeout=online_timeout
        )
        #: one payment at a time: the token check and the journal insert must not interleave
        self._lock = threading.Lock()
        self._offline_until: datetime | None = None
        self.online: bool | None = None
        #: set when there is something new to sync; the sync worker waits on it
        self.sync_wanted = threading.Event()

    def close(self) -> None:
        self.journal.close()

    # --- connection state ------------------------------------------------------------------
    def reached_server(self) -> None:
        self.online = True
        self._offline_until = None

    def lost_server(self) -> None:
        self.online = False
        self._offline_until = self.clock() + OFFLINE_HOLD_DOWN

    def _known_offline(self, now: datetime) -> bool:
        return self._offline_until is not None and now < self._offline_until

    # --- payments --------------------------------------------------------------------------
    def pay(self, token: str, amount_cents: int) -> Outcome:
        """Take a pay code for `amount_cents`; the outcome is on disk before it returns."""
        if amount_cents <= 0:
            return _refused("amount_missing")
        token = token.strip()
        try:
            token_id = unverified_claims(token).token_id.hex()
        except TokenError as error:
            return _refused(error.code)
        with self._lock:
            if self.journal.token_used(token_id):
                return _refused("token_already_used")
            now = self.clock()
            redemption_id = self._new_id("rd")
            if self._known_offline(now):
                return self._offline(token, token_id, amount_cents, redemption_id, now, None)
            entry = self._journal_payment(
                redemption_id, token, token_id, amount_cents, now, "online"
            )
            body = redemption_body(entry)
            try:
                receipt = self.server.redeem(body)
            except ServerRefused as refusal:
                return self._refused_by_server(redemption_id, refusal)
            except ServerUnreachable:
                self.lost_server()
                return self._offline(token, token_id, amount_cents, redemption_id, now, now)
            return self._paid_online(redemption_id, amount_cents, receipt)

    def _journal_payment(
        self,
        redemption_id: str,
        token: str,
        token_id: str,
        amount_cents: int,
        now: datetime,
        mode: str,
    ) -> JournalEntry:
        return self.journal.record(
            redemption_id=redemption_id,
            kind="redemption",
            token=token,
            token_id=token_id,
            amount_cents=amount_cents,
            captured_at=now,
            mode=mode,
        )

    def _refused_by_server(self, redemption_id: str, refusal: ServerRefused) -> Outcome:
        self.reached_server()
        answer = {"code": refusal.code, "messages": refusal.messages}
        self.journal.mark(redemption_id, JournalState.REJECTED, answer, acknowledged=True)
        return _refused(refusal.code, _server_words(refusal))

    def _paid_online(
        self, redemption_id: str, amount_cents: int, receipt: dict[str, Any]
    ) -> Outcome:
        self.reached_server()
        self.journal.mark(redemption_id, JournalState.SYNCED, receipt, acknowledged=True)
        return Outcome(
            True,
            "accepted_online",
            message("accepted_online").as_json(),
            amount_cents=amount_cents,
            mode="online",
            redemption_id=redemption_id,
            receipt_number=receipt.get("receipt_number"),
        )

    def _offline(
        self,
        token: str,
        token_id: str,
        amount_cents: int,
        redemption_id: str,
        now: datetime,
        attempted_at: datetime | None,
    ) -> Outcome:
        """The offline rules; `attempted_at` when an unanswered online try is journaled."""
        blocklist, _ = self.files.blocklist()
        try:
            accept_offline(
                token,
                amount_cents,
                keyset=self.files.keyset(),
                blocklist=blocklist,
                journal=self.journal,
                policy=self.files.policy(),
                last_sync=self.files.last_sync() or now,
                now=now,
                attempt=redemption_id if attempted_at else None,
            )
        except OfflineRefusal as refusal:
            if attempted_at is not None:
                # The server may yet have received it: the sync worker asks, and refunds.
                self.journal.mark(
                    redemption_id,
                    JournalState.ABANDONED,
                    {"code": refusal.code},
                    acknowledged=True,
                )
            return _refused(refusal.code)
        if attempted_at is None:
            self._journal_payment(redemption_id, token, token_id, amount_cents, now, "offline")
        else:
            self.journal.go_offline(redemption_id)
        self.sync_wanted.set()
        return Outcome(
            True,
            "accepted_offline",
            message("accepted_offline").as_json(),
            amount_cents=amount_cents,
            mode="offline",
            redemption_id=redemption_id,
        )

    def pay_by_pin(self, participant_id: str, pin: str, amount_cents: int) -> Outcome:
        """Online only: the PIN never leaves memory, so nothing can be retried later."""
        if amount_cents <= 0:
            return _refused("amount_missing")
        with self._lock:
            now = self.clock()
            redemption_id = self._new_id("pn")
            self.journal.record(
                redemption_id=redemption_id,
                kind="redemption",
                amount_cents=amount_cents,
                captured_at=now,
                mode="pin",
            )
            body = {
                "redemption_id": redemption_id,
                "participant_public_id": participant_id.strip(),
                "pin": pin,
                "amount_cents": amount_cents,
            }
            try:
                receipt = self.server.pay_by_pin(body)
            except ServerRefused as refusal:
                return self._refused_by_server(redemption_id, refusal)
            except ServerUnreachable:
                self.lost_server()
                self.journal.mark(
                    redemption_id,
                    JournalState.ABANDONED,
                    {"code": "pin_needs_connection"},
                    acknowledged=True,
                )
                return _refused("pin_needs_connection")
            return self._paid_online(redemption_id, amount_cents, receipt)

    # --- refunds ---------------------------------------------------------------------------
    def refund(self, redemption_id: str, amount_cents: int) -> Outcome:
        """Give back all or part of one of this till's payments; sent now or at the next
        sync, never lost."""
        with self._lock:
            payment = self.journal.get(redemption_id)
            if payment is None or payment.kind != "redemption":
                return _refused("payment_not_found")
            if payment.state in (JournalState.REJECTED, JournalState.ABANDONED):
                return _refused("payment_not_refundable")
            left = payment.amount_cents - self.journal.refunded_cents(redemption_id)
            if amount_cents <= 0:
                return _refused("amount_missing")
            if amount_cents > left:
                return _refused("refund_too_large")
            refund_id = self._new_id("rf")
            self.journal.record(
                redemption_id=refund_id,
                kind="refund",
                refund_of=redemption_id,
                amount_cents=amount_cents,
                captured_at=self.clock(),
                mode="offline" if payment.state == JournalState.PENDING_SYNC else "online",
            )
            if payment.state == JournalState.PENDING_SYNC:
                # the server does not know the payment yet: the refund follows it at the sync
                self.sync_wanted.set()
                return Outcome(
                    True, "refund_queued", message("refund_queued").as_json(), amount_cents
                )
            return self._send_refund(refund_id, redemption_id, amount_cents)

    def _send_refund(self, refund_id: str, redemption_id: str, amount_cents: int) -> Outcome:
        try:
            answer = self.server.refund(refund_id, redemption_id, amount_cents)
        except ServerRefused as refusal:
            return self._refused_by_server(refund_id, refusal)
        except ServerUnreachable:
            self.lost_server()
            self.sync_wanted.set()
            return Outcome(True, "refund_queued", message("refund_queued").as_json(), amount_cents)
        self.reached_server()
        self.journal.mark(refund_id, JournalState.SYNCED, answer, acknowledged=True)
        return Outcome(True, "refund_accepted", message("refund_accepted").as_json(), amount_cents)

    def _new_id(self, kind: str) -> str:
        return f"{self.pairing.device_id}-{kind}-{uuid.uuid4().hex}"


def redemption_body(entry: JournalEntry) -> dict[str, Any]:
    """The request for a journaled payment: identical on every retry, whatever the mode."""
    assert entry.token is not None
    return {
        "redemption_id": entry.redemption_id,
        "token": entry.token,
        "amount_cents": entry.amount_cents,
        "captured_at": entry.captured_at.isoformat(),
        "mode": "offline" if entry.mode == "offline" else "online",
    }
