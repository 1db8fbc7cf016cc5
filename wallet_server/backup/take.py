"""Take a backup: database copy, key files and manifest in one archive."""

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from wallet_server.backup.archive import Member, write_archive
from wallet_server.backup.backends import database_for
from wallet_server.backup.errors import BackupError
from wallet_server.backup.keys import copy_keys
from wallet_server.backup.manifest import DATABASE_MEMBERS, DatabaseInfo, Manifest
from wallet_server.config import Settings

#: receives one bilingual line per step
Progress = Callable[[str], None]


@dataclass(frozen=True)
class TakenBackup:
    path: Path
    size: int
    manifest: Manifest


def default_name(moment: datetime) -> str:
    return f"caisse-backup-{moment.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}.tar.gz"


def destination_for(settings: Settings, output: str | None, moment: datetime) -> Path:
    """--output names a folder (existing, or written with a trailing slash) or the file."""
    if output is None:
        folder = settings.instance_dir / "backups"
    elif output.endswith(("/", os.sep)) or Path(output).is_dir():
        folder = Path(output)
    else:
        file = Path(output)
        file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        return file
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder / default_name(moment)


def take_backup(settings: Settings, output: str | None, progress: Progress) -> TakenBackup:
    created_at = datetime.now(UTC).replace(microsecond=0)
    database = database_for(settings.database_url)
    try:
        destination = destination_for(settings, output, created_at)
    except OSError as error:
        raise BackupError("backup_write_failed", path=output, reason=str(error)) from None
    where = f", schéma/schema {database.schema}" if database.schema else ""
    progress(f"Copie de la base / copying the database ({database.kind}{where})…")
    # the work folder sits beside the archive: a large dump never fills a small /tmp
    with tempfile.TemporaryDirectory(prefix=".caisse-backup-", dir=destination.parent) as work:
        database_file = Path(work) / DATABASE_MEMBERS[database.kind]
        snapshot = database.snapshot(database_file)
        figures = snapshot.figures
        progress(
            f"Grand livre / ledger: {figures.accounts} comptes/accounts, "
            f"{figures.transfers} écritures/transfers, "
            + ("vérifié / verified OK" if figures.ok else "ÉCART / MISMATCH (caisse ledger verify)")
        )
        keys = copy_keys(settings.key_dir, Path(work) / "keys")
        progress(f"Clés de signature / signing keys: {len(keys)} fichier(s)/file(s)")
        members = [Member(DATABASE_MEMBERS[database.kind], database_file), *keys]
        manifest = Manifest(
            created_at=created_at,
            database=DatabaseInfo(database.kind, snapshot.alembic_revision, snapshot.schema),
            ledger=figures,
            members={member.name: member.sha256() for member in members},
        )
        progress("Écriture de l'archive / writing the archive…")
        size = write_archive(destination, manifest, members)
    return TakenBackup(destination, size, manifest)
