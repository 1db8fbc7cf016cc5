"""Restore a backup into an empty database and key directory, then prove nothing was lost.

Nothing is touched before the whole archive checks out and every refusal has been ruled out:
the kind of database, the schema, the schema revision, an empty target, no clashing key file.
"""

import tempfile
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from wallet_server import migrations
from wallet_server.backup.archive import read_archive
from wallet_server.backup.backends import database_for
from wallet_server.backup.database import Database
from wallet_server.backup.errors import BackupError
from wallet_server.backup.figures import LedgerFigures, ledger_figures
from wallet_server.backup.keys import refuse_key_conflicts, restore_keys
from wallet_server.backup.manifest import Manifest
from wallet_server.backup.take import Progress
from wallet_server.config import Settings
from wallet_server.db import make_engine


@dataclass(frozen=True)
class RestoreOutcome:
    manifest: Manifest
    #: the figures recomputed from the restored database
    figures: LedgerFigures
    keys_written: int
    #: the archive's schema revision is older than this code's
    was_behind: bool
    upgraded: bool

    @property
    def differences(self) -> list[tuple[str, object, object]]:
        return self.manifest.ledger.differences(self.figures)

    @property
    def nothing_lost(self) -> bool:
        return self.figures.ok and not self.differences


def restore_backup(
    settings: Settings, archive: Path, *, upgrade: bool, progress: Progress
) -> RestoreOutcome:
    with tempfile.TemporaryDirectory(prefix="caisse-restore-") as work:
        extracted = Path(work)
        progress("Vérification de l'archive / checking the archive…")
        manifest = read_archive(archive, into=extracted)
        database = database_for(settings.database_url)
        behind = _refuse_incompatible(manifest, database, settings.database_url)
        database.refuse_unless_empty()
        refuse_key_conflicts(settings.key_dir, extracted, manifest.key_members)

        progress(f"Restauration de la base / restoring the database ({database.kind})…")
        database.restore(extracted / manifest.database.member)
        keys_written = restore_keys(settings.key_dir, extracted, manifest.key_members)
        progress(f"Clés / keys: {keys_written} restaurée(s)/restored dans/into {settings.key_dir}")
    if behind and upgrade:
        progress("Mise à jour du schéma / upgrading the schema…")
        migrations.upgrade(settings.database_url)
    progress("Vérification du grand livre / verifying the ledger…")
    return RestoreOutcome(
        manifest=manifest,
        figures=_figures_of(settings.database_url),
        keys_written=keys_written,
        was_behind=behind,
        upgraded=behind and upgrade,
    )


def _refuse_incompatible(manifest: Manifest, database: Database, url: str) -> bool:
    """Refuse what cannot be restored here; True when the archive's schema is older."""
    info = manifest.database
    if info.kind != database.kind:
        raise BackupError("restore_kind_mismatch", archive=info.kind, target=database.kind)
    if info.schema != database.schema:
        raise BackupError(
            "restore_schema_mismatch",
            archive=info.schema or "(base entière / whole database)",
            target=database.schema or "(base entière / whole database)",
        )
    scripts = ScriptDirectory.from_config(migrations.alembic_config(url))
    revisions = tuple(info.alembic_revision.split(","))
    try:
        for revision in revisions:
            if scripts.get_revision(revision) is None:
                raise BackupError("restore_revision_unknown", revision=revision)
    except CommandError:  # a revision these migrations never had: a newer caisse wrote it
        raise BackupError("restore_revision_unknown", revision=info.alembic_revision) from None
    return set(revisions) != set(scripts.get_heads())


def _figures_of(url: str) -> LedgerFigures:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return ledger_figures(session)
    except SQLAlchemyError as error:
        raise BackupError("restore_unverified", reason=str(error)[:300]) from None
    finally:
        engine.dispose()
