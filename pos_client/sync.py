"""Store-and-forward: the till's journal goes to the server, its caches come back.

One pass uploads what is pending (payments in batches with their own `redemption_id`s, then
refunds), settles attempts the cashier was told had failed, refreshes the keyset, the
blocklist and the offline limits, and reports what is left to the server. The worker repeats
passes, soon after a payment and with exponential backoff and jitter while the server is out
of reach.
"""

import random
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pos_client.journal import JournalEntry, JournalState
from pos_client.server import ServerClient, ServerRefused, ServerUnreachable
from pos_client.till import Till, redemption_body
from pos_client.tillfiles import TillFiles

BATCH_SIZE = 100
#: an online attempt still on the cashier's screen is never synced behind its back; past
#: this age (far beyond the request's timeout) it can only be a crash's leftover
ATTEMPT_SETTLED = timedelta(seconds=60)
_STATE_OF = {
    "accepted": JournalState.SYNCED,
    "conflict": JournalState.CONFLICT,
    "rejected": JournalState.REJECTED,
}


@dataclass
class SyncReport:
    online: bool = False
    uploaded: int = 0
    accepted: int = 0
    conflicts: int = 0
    rejected: int = 0
    refunds: int = 0
    settled_attempts: int = 0
    unsynced_count: int = 0
    unsynced_cents: int = 0
    error: str | None = None
    started_at: datetime | None = None
    details: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        document = dict(self.__dict__)
        document["started_at"] = self.started_at.isoformat() if self.started_at else None
        return document


class Sync:
    def __init__(
        self,
        till: Till,
        *,
        batch_size: int = BATCH_SIZE,
        attempt_settled: timedelta = ATTEMPT_SETTLED,
    ) -> None:
        self.till = till
        self.batch_size = batch_size
        self.attempt_settled = attempt_settled
        self._lock = threading.Lock()  # one pass at a time

    def once(self) -> SyncReport:
        with self._lock:
            report = SyncReport(started_at=self.till.clock())
            try:
                complete = self._upload(report)
                self._settle_abandoned(report)
                self._refresh(report, complete)
            except ServerUnreachable as error:
                self.till.lost_server()
                report.error = f"unreachable: {error}"
            except ServerRefused as refusal:
                self.till.reached_server()
                report.online = True
                report.error = f"refused: {refusal.code}"
            else:
                self.till.reached_server()
                report.online = True
            report.unsynced_count, report.unsynced_cents = self.till.journal.pending_totals()
            return report

    def _upload(self, report: SyncReport) -> bool:
        """Send everything pending; True when nothing pending was left behind."""
        journal = self.till.journal
        while True:
            cutoff = self.till.clock() - self.attempt_settled
            entries = journal.unsynced(self.batch_size, attempts_before=cutoff)
            if not entries:
                count, _ = journal.pending_totals()
                return count == 0
            payments = _leading_payments(entries)
            if payments:
                self._upload_payments(payments, report)
                continue
            entry = entries[0]
            if entry.kind == "refund":
                payment = journal.get(entry.refund_of or "")
                if payment is not None and payment.state == JournalState.PENDING_SYNC:
                    return False  # its payment is an attempt still settling: next pass
                self._upload_refund(entry, report)
            else:  # a PIN payment a crash left unanswered: the PIN is gone, only ask
                self._settle_pin(entry, report)

    def _upload_payments(self, entries: list[JournalEntry], report: SyncReport) -> None:
        results = self.till.server.redeem_batch([redemption_body(e) for e in entries])
        by_id = {result["redemption_id"]: result for result in results}
        outcomes: list[tuple[str, JournalState, dict[str, Any], bool]] = []
        for entry in entries:
            result = by_id.get(entry.redemption_id)
            if result is None:  # the server must answer each; never mark what it skipped
                raise ServerUnreachable(f"no answer for {entry.redemption_id}")
            state = _STATE_OF[result["status"]]
            # a rejection after the cashier saw success must reach the cashier's screen
            outcomes.append((entry.redemption_id, state, result, state == JournalState.SYNCED))
            report.uploaded += 1
            report.accepted += state == JournalState.SYNCED
            report.conflicts += state == JournalState.CONFLICT
            report.rejected += state == JournalState.REJECTED
            if state != JournalState.SYNCED:
                report.details.append(
                    {"redemption_id": entry.redemption_id, "status": result["status"]}
                )
        self.till.journal.mark_many(outcomes)

    def _upload_refund(self, entry: JournalEntry, report: SyncReport) -> None:
        assert entry.refund_of is not None
        try:
            answer = self.till.server.refund(
                entry.redemption_id, entry.refund_of, entry.amount_cents
            )
        except ServerRefused as refusal:
            if refusal.status in {401, 403, 429}:
                raise  # refused for now (this till, its shop, or too soon): try later
            words = {"code": refusal.code, "messages": refusal.messages}
            self.till.journal.mark(entry.redemption_id, JournalState.REJECTED, words)
            report.rejected += 1
            return
        self.till.journal.mark(entry.redemption_id, JournalState.SYNCED, answer, acknowledged=True)
        report.refunds += 1

    def _settle_pin(self, entry: JournalEntry, report: SyncReport) -> None:
        receipt = self._lookup(entry.redemption_id)
        if receipt is None:
            self.till.journal.mark(
                entry.redemption_id,
                JournalState.REJECTED,
                {"code": "not_received"},
                acknowledged=True,
            )
        else:
            self.till.journal.mark(entry.redemption_id, JournalState.SYNCED, receipt)
        report.settled_attempts += 1

    def _settle_abandoned(self, report: SyncReport) -> None:
        """The cashier was told "not paid" after an unanswered request: if the server did
        receive it, give the money back to the wallet."""
        journal = self.till.journal
        for entry in journal.abandoned(self.till.clock() - self.attempt_settled):
            receipt = self._lookup(entry.redemption_id)
            if receipt is None:
                journal.mark(
                    entry.redemption_id,
                    JournalState.REJECTED,
                    {"code": "not_received"},
                    acknowledged=True,
                )
            else:
                journal.record(
                    redemption_id=f"{entry.redemption_id}.void",
                    kind="refund",
                    refund_of=entry.redemption_id,
                    amount_cents=entry.amount_cents,
                    captured_at=self.till.clock(),
                    mode="online",
                )
                journal.mark(
                    entry.redemption_id,
                    JournalState.SYNCED,
                    {**receipt, "code": "auto_refunded"},
                    acknowledged=True,
                )
            report.settled_attempts += 1
        self._upload(report)  # the refunds just recorded

    def _lookup(self, redemption_id: str) -> dict[str, Any] | None:
        try:
            return self.till.server.redemption(redemption_id)
        except ServerRefused as refusal:
            if refusal.status == 404:
                return None
            raise

    def _refresh(self, report: SyncReport, complete: bool) -> None:
        files = self.till.files
        server = self.till.server
        files.save_keyset(server.keyset())
        fetch_blocklist(files, server)
        count, cents = self.till.journal.pending_totals()
        synced = complete and count == 0
        till = server.heartbeat(count, cents, synced=synced)
        files.save_policy(till["offline_limits"], complete_contact=synced)
        if complete and count == 0 and report.started_at is not None:
            # counted from the pass's start: a payment taken meanwhile still counts
            files.save_last_sync(report.started_at)


def fetch_blocklist(files: TillFiles, server: ServerClient) -> None:
    """Every blocklist entry after the cached cursor, page by page."""
    _, cursor = files.blocklist()
    while True:
        page = server.blocklist(cursor)
        files.extend_blocklist(page["entries"], page["next_cursor"])
        if not page["entries"] or page["next_cursor"] == cursor:
            return
        cursor = page["next_cursor"]


def _leading_payments(entries: list[JournalEntry]) -> list[JournalEntry]:
    """The run of pay-code payments at the head of the queue (refunds and PIN leftovers
    go one by one, in their turn)."""
    run: list[JournalEntry] = []
    for entry in entries:
        if entry.kind != "redemption" or entry.mode == "pin":
            break
        run.append(entry)
    return run


class SyncWorker(threading.Thread):
    """Passes in the background: every `interval` seconds, or soon after a new payment,
    and with backoff while the server is out of reach."""

    def __init__(
        self,
        sync: Sync,
        *,
        interval: float = 15.0,
        first_retry: float = 2.0,
        max_backoff: float = 300.0,
    ) -> None:
        super().__init__(name="caisse-pos-sync", daemon=True)
        self.sync = sync
        self.interval = interval
        self.first_retry = first_retry
        self.max_backoff = max_backoff
        self.stopping = threading.Event()
        self.last_report: SyncReport | None = None

    def stop(self) -> None:
        self.stopping.set()
        self.sync.till.sync_wanted.set()

    def run(self) -> None:
        failures = 0
        while not self.stopping.is_set():
            self.sync.till.sync_wanted.clear()
            try:
                report = self.sync.once()
            except Exception as error:  # a bug must not stop the sync for good
                report = SyncReport(error=f"{type(error).__name__}: {error}")
            self.last_report = report
            if report.online:
                failures = 0
                self.sync.till.sync_wanted.wait(self.interval)
            else:
                failures += 1
                self.stopping.wait(self.backoff(failures))

    def backoff(self, failures: int) -> float:
        """Exponential, capped, with full jitter so a shop's tills do not retry in step."""
        ceiling = min(self.max_backoff, self.first_retry * 2 ** (failures - 1))
        return random.uniform(ceiling / 2, ceiling)
