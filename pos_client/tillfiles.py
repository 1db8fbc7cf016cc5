"""The till's data folder: its credential, the cached keyset, blocklist and offline limits.

Everything a till needs to accept a payment offline lives here. Files are written whole
(temporary file, fsync, rename) so a crash leaves the old or the new version, never half;
the folder is 0700 and every file 0600, since the credential lets anyone act as this till.
"""

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from offline_rules import OfflineLimits
from paytoken import Blocklist, Keyset
from pos_client.journal import Journal

#: a revoked code expired this long ago cannot be taken by any till's clock any more
FORGET_REVOKED_AFTER = timedelta(days=1)
DEFAULT_DIR = Path(os.environ.get("CAISSE_POS_DIR", Path.home() / ".local/share/caisse-pos"))


class NotPaired(Exception):
    """The data folder holds no credential yet: run `caisse-pos pair`."""


@dataclass(frozen=True)
class Pairing:
    server_url: str
    credential: str
    device_id: int
    device_name: str
    shop_public_id: str
    shop_name: str


class TillFiles:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        #: parsed files by name, with the (mtime, size) they were read at: every offline
        #: payment reads the caches, which change only at a sync, perhaps in another process
        self._parsed: dict[str, tuple[tuple[int, int], dict[str, Any]]] = {}

    def create(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.folder.chmod(0o700)

    @property
    def journal_path(self) -> Path:
        return self.folder / "journal.sqlite3"

    def open_journal(self) -> Journal:
        return Journal(self.journal_path)

    def is_paired(self) -> bool:
        return (self.folder / "till.json").exists()

    # --- pairing ---------------------------------------------------------------------------
    def pairing(self) -> Pairing:
        document = self._read("till.json")
        if document is None:
            raise NotPaired(str(self.folder))
        return Pairing(**document)

    def save_pairing(self, pairing: Pairing) -> None:
        self._write("till.json", pairing.__dict__)

    # --- what the server sends, cached -----------------------------------------------------
    def keyset(self) -> Keyset:
        document = self._read("keyset.json") or {"keys": []}
        return Keyset.from_json(document["keys"])

    def keyset_digest(self) -> str | None:
        document = self._read("keyset.json")
        return document.get("digest") if document else None

    def save_keyset(self, document: dict[str, Any]) -> None:
        Keyset.from_json(document["keys"])  # refuse to cache what we could not use
        self._write("keyset.json", {"keys": document["keys"], "digest": document["digest"]})

    def blocklist(self) -> tuple[Blocklist, int]:
        """The cached blocklist and the cursor to ask the server from."""
        document = self._blocklist_document()
        blocklist = Blocklist(
            token_ids={bytes.fromhex(t) for t in document["tokens"]},
            wallets=set(document["wallets"]),
        )
        return blocklist, int(document["cursor"])

    def extend_blocklist(
        self, entries: list[dict[str, Any]], cursor: int, now: datetime | None = None
    ) -> None:
        """Add the server's new entries; forget revoked codes long expired, which this till
        refuses as expired anyway (the server prunes them from its list likewise)."""
        document = self._blocklist_document()
        tokens: dict[str, str | None] = document["tokens"]
        for entry in entries:
            if entry.get("token_id"):
                tokens[entry["token_id"]] = entry.get("expires_at")
        forget_before = (now or datetime.now(UTC)) - FORGET_REVOKED_AFTER
        self._write(
            "blocklist.json",
            {
                "tokens": {
                    token: expires
                    for token, expires in sorted(tokens.items())
                    if expires is None or datetime.fromisoformat(expires) >= forget_before
                },
                "wallets": sorted(
                    set(document["wallets"]) | {e["wallet"] for e in entries if e.get("wallet")}
                ),
                "cursor": cursor,
            },
        )

    def _blocklist_document(self) -> dict[str, Any]:
        document = self._read("blocklist.json") or {"tokens": {}, "wallets": [], "cursor": 0}
        if "token_ids" in document:  # written before entries carried their expiry
            document["tokens"] = dict.fromkeys(document.pop("token_ids"))
        return document

    def policy(self) -> OfflineLimits:
        document = self._read("limits.json")
        return OfflineLimits(**document) if document else OfflineLimits()

    def save_policy(self, limits: dict[str, int], *, complete_contact: bool = True) -> None:
        """Keep the limits the server sent. Only a complete contact (pairing, or a heartbeat
        with nothing left to send) may raise them: the server pays an offline payment by
        the limits of the till's last complete contact, so limits raised in between would
        let the till accept what the server then refuses. They may always be lowered."""
        given = OfflineLimits(**limits)
        if not complete_contact and self._read("limits.json") is not None:
            kept = self.policy()
            given = OfflineLimits(
                **{name: min(value, getattr(kept, name)) for name, value in given.__dict__.items()}
            )
        self._write("limits.json", dict(given.__dict__))

    # --- sync state ------------------------------------------------------------------------
    def last_sync(self) -> datetime | None:
        """When the journal was last uploaded in full (the offline limits count from it)."""
        document = self._read("sync.json")
        return datetime.fromisoformat(document["last_sync_at"]) if document else None

    def save_last_sync(self, moment: datetime) -> None:
        self._write("sync.json", {"last_sync_at": moment.astimezone(UTC).isoformat()})

    # --- files -----------------------------------------------------------------------------
    def _read(self, name: str) -> dict[str, Any] | None:
        try:
            status = os.stat(self.folder / name)
            version = (status.st_mtime_ns, status.st_size)
            cached = self._parsed.get(name)
            if cached is not None and cached[0] == version:
                return cached[1]
            with open(self.folder / name, encoding="utf-8") as file:
                document: dict[str, Any] = json.load(file)
        except FileNotFoundError:
            return None
        self._parsed[name] = (version, document)
        return document

    def _write(self, name: str, document: dict[str, Any]) -> None:
        self.create()
        target = self.folder / name
        temporary = target.with_suffix(".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            json.dump(document, file, indent=1, sort_keys=True)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
        self._parsed.pop(name, None)  # read back from disk next time, whatever the clock
        directory = os.open(self.folder, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
