"""The end-of-day report: what this till took and gave back on one local day."""

from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

from pos_client.journal import Journal, JournalState


@dataclass(frozen=True)
class DayReport:
    day: str
    payments_count: int
    payments_cents: int
    synced_count: int
    synced_cents: int
    unsynced_count: int
    unsynced_cents: int
    refunds_count: int
    refunds_cents: int
    rejected_count: int
    conflict_count: int

    def as_json(self) -> dict[str, object]:
        return asdict(self)


def day_report(journal: Journal, day: date) -> DayReport:
    """Payments the shop is owed (accepted, in conflict or still to send) and refunds; what
    the server refused is counted apart, never in the totals."""
    start = datetime.combine(day, time(0)).astimezone()  # the till's own time zone
    end = datetime.combine(day + timedelta(days=1), time(0)).astimezone()
    owed = (JournalState.SYNCED, JournalState.CONFLICT, JournalState.PENDING_SYNC)
    entries = journal.between(start, end)
    payments = [e for e in entries if e.kind == "redemption" and e.state in owed]
    refunds = [e for e in entries if e.kind == "refund" and e.state != JournalState.REJECTED]
    synced = [e for e in payments if e.state != JournalState.PENDING_SYNC]
    unsynced = [e for e in payments if e.state == JournalState.PENDING_SYNC]
    return DayReport(
        day=day.isoformat(),
        payments_count=len(payments),
        payments_cents=sum(e.amount_cents for e in payments),
        synced_count=len(synced),
        synced_cents=sum(e.amount_cents for e in synced),
        unsynced_count=len(unsynced),
        unsynced_cents=sum(e.amount_cents for e in unsynced),
        refunds_count=len(refunds),
        refunds_cents=sum(e.amount_cents for e in refunds),
        # refused by the server at the sync, after the cashier saw success
        rejected_count=sum(
            e.state == JournalState.REJECTED and (e.server_answer or {}).get("status") == "rejected"
            for e in entries
        ),
        conflict_count=sum(e.state == JournalState.CONFLICT for e in entries),
    )
