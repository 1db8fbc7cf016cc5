"""Writing and reading the audit log of staff actions. Services flush, never commit."""

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from wallet_server import clock
from wallet_server.audit.models import AuditEntry

Snapshot = dict[str, Any]


def record_action(
    session: Session,
    *,
    actor: str,
    role: str,
    action: str,
    target: str = "",
    before: Snapshot | None = None,
    after: Snapshot | None = None,
    outcome: str = "done",
) -> AuditEntry:
    entry = AuditEntry(
        at=clock.now(),
        actor=_storable(actor, "actor"),
        role=_storable(role, "role"),
        action=_storable(action, "action"),
        target=_storable(target, "target"),
        outcome=outcome,
        before=before,
        after=after,
    )
    session.add(entry)
    session.flush()
    return entry


def _storable(text: str, column: str) -> str:
    """What the column can keep of `text`: a refused request's target is whatever was typed
    in a URL, and a NUL or a text longer than the column would make the refusal a server
    error (PostgreSQL refuses both) and lose its trace."""
    limit: int = getattr(AuditEntry.__table__.c[column].type, "length", None) or len(text)
    return "".join(char if char.isprintable() else "?" for char in text[:limit])


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""
    #: a prefix: "payout" matches "payout.prepare" and "payout.mark_paid"
    action: str = ""
    target: str = ""
    outcome: str = ""
    since: date | None = None
    #: inclusive
    until: date | None = None


def _query(filters: AuditFilter) -> Select[AuditEntry]:
    query = select(AuditEntry)
    if filters.actor:
        query = query.where(AuditEntry.actor == filters.actor.strip().lower())
    if filters.action:
        query = query.where(AuditEntry.action.startswith(filters.action.strip()))
    if filters.target:
        query = query.where(AuditEntry.target.contains(filters.target.strip()))
    if filters.outcome:
        query = query.where(AuditEntry.outcome == filters.outcome)
    if filters.since:
        query = query.where(AuditEntry.at >= datetime.combine(filters.since, time(), UTC))
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), time(), UTC)
        query = query.where(AuditEntry.at < end)
    return query.order_by(AuditEntry.id.desc())


def find_entries(
    session: Session, filters: AuditFilter, *, limit: int = 100, offset: int = 0
) -> list[AuditEntry]:
    return list(session.scalars(_query(filters).limit(limit).offset(offset)))


def iter_entries(
    session: Session, filters: AuditFilter, *, batch: int = 1000
) -> Iterator[AuditEntry]:
    """Every matching entry, newest first, read in batches so an export stays small in memory."""
    offset = 0
    while True:
        rows = find_entries(session, filters, limit=batch, offset=offset)
        yield from rows
        if len(rows) < batch:
            return
        offset += batch


def changed_fields(before: Snapshot | None, after: Snapshot | None) -> list[str]:
    """The keys whose value differs, for a one-line summary of an update."""
    before, after = before or {}, after or {}
    return sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))


def export_rows(entries: Iterable[AuditEntry]) -> Iterator[list[str]]:
    for entry in entries:
        yield [
            entry.at.isoformat(timespec="seconds"),
            entry.actor,
            entry.role,
            entry.action,
            entry.target,
            entry.outcome,
            json.dumps(entry.before, ensure_ascii=False, sort_keys=True) if entry.before else "",
            json.dumps(entry.after, ensure_ascii=False, sort_keys=True) if entry.after else "",
        ]


EXPORT_HEADER = ["at", "actor", "role", "action", "target", "outcome", "before", "after"]
