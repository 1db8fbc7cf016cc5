"""manifest.json: what an archive holds, the ledger's figures when it was taken, and the
SHA-256 of every other member. A manifest read back is validated field by field: a restore
trusts nothing it has not checked.
"""

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any

from wallet_server.backup.errors import BackupError
from wallet_server.backup.figures import LedgerFigures

MANIFEST_NAME = "manifest.json"
FORMAT = "caisse-backup"
FORMAT_VERSION = 1
#: a manifest is a few kilobytes per key file; anything far larger is not ours
MAX_MANIFEST_BYTES = 1 << 20
KEYS_PREFIX = "keys/"
KINDS = ("sqlite", "postgresql")
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class DatabaseInfo:
    #: "sqlite" or "postgresql"
    kind: str
    #: the Alembic revision the database was at (several, comma-separated, on branches)
    alembic_revision: str
    #: PostgreSQL only: the one schema dumped, or None for the whole database
    schema: str | None = None

    @property
    def member(self) -> str:
        return DATABASE_MEMBERS[self.kind]


@dataclass(frozen=True)
class Manifest:
    created_at: datetime
    database: DatabaseInfo
    ledger: LedgerFigures
    #: member name → SHA-256 (hex) of its bytes, for every member but the manifest
    members: dict[str, str]

    @property
    def key_members(self) -> list[str]:
        return sorted(name for name in self.members if name.startswith(KEYS_PREFIX))

    def to_json(self) -> bytes:
        document = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": self.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "database": {
                "kind": self.database.kind,
                "alembic_revision": self.database.alembic_revision,
                "schema": self.database.schema,
                "member": self.database.member,
            },
            "ledger": self.ledger.as_dict(),
            "members": dict(sorted(self.members.items())),
        }
        return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()

    @classmethod
    def from_json(cls, raw: bytes) -> "Manifest":
        try:
            document = json.loads(raw.decode())
            return cls._from_document(document)
        except BackupError:
            raise
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            raise BackupError("backup_manifest_invalid", reason=str(error)[:200]) from None

    @classmethod
    def _from_document(cls, document: dict[str, Any]) -> "Manifest":
        if document.get("format") != FORMAT:
            raise ValueError("not a caisse backup manifest")
        if document.get("format_version") != FORMAT_VERSION:
            raise BackupError(
                "backup_format_unsupported", format_version=document.get("format_version")
            )
        database = document["database"]
        info = DatabaseInfo(
            kind=_choice(database["kind"], KINDS),
            alembic_revision=_text(database["alembic_revision"]),
            schema=None if database["schema"] is None else _text(database["schema"]),
        )
        members = {
            _member_name(name): _sha256(digest) for name, digest in document["members"].items()
        }
        if info.member not in members or database["member"] != info.member:
            raise ValueError("the database member is not listed")
        if any(name != info.member and not name.startswith(KEYS_PREFIX) for name in members):
            raise ValueError("unexpected member listed")
        return cls(
            created_at=datetime.strptime(document["created_at"], "%Y-%m-%dT%H:%M:%SZ").replace(
                tzinfo=UTC
            ),
            database=info,
            ledger=_figures(document["ledger"]),
            members=members,
        )


def _figures(values: dict[str, Any]) -> LedgerFigures:
    if not isinstance(values["ok"], bool):
        raise TypeError("ledger.ok must be true or false")
    by_kind = values["balance_by_kind_cents"]
    return LedgerFigures(
        ok=values["ok"],
        accounts=_integer(values["accounts"]),
        transfers=_integer(values["transfers"]),
        total_balance_cents=_integer(values["total_balance_cents"]),
        balance_by_kind_cents={_text(kind): _integer(cents) for kind, cents in by_kind.items()},
        total_posted_cents=_integer(values["total_posted_cents"]),
        total_pending_cents=_integer(values["total_pending_cents"]),
        accounts_sha256=_sha256(values["accounts_sha256"]),
    )


def _integer(value: object) -> int:
    # money and counts are integers: a float or a boolean here means a forged or broken file
    if type(value) is not int:
        raise TypeError(f"not an integer: {value!r}")
    return value


def _text(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise TypeError(f"not a text: {value!r}")
    return value


def _choice(value: object, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"unknown value: {value!r}")
    return str(value)


def _sha256(value: object) -> str:
    if not isinstance(value, str) or not _SHA256.fullmatch(value):
        raise ValueError(f"not a SHA-256: {value!r}")
    return value


def _member_name(name: str) -> str:
    """Only plain relative names: nothing a restore could write outside its folders."""
    path = PurePosixPath(name)
    if (
        not name
        or path.is_absolute()
        or any(part in ("", ".", "..") for part in name.split("/"))
        or "\\" in name
        or "\x00" in name
        or name == MANIFEST_NAME
    ):
        raise ValueError(f"unsafe member name: {name!r}")
    return name
