"""SQLite: copies through the online backup API, so a running server is not disturbed (the
copy is one consistent read, however the server writes meanwhile)."""

import sqlite3
from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from wallet_server.backup.database import Snapshot
from wallet_server.backup.errors import BackupError
from wallet_server.backup.figures import alembic_revision, ledger_figures
from wallet_server.backup.tables import first_table_with_rows


class SqliteDatabase:
    kind = "sqlite"
    schema: str | None = None

    def __init__(self, url: str) -> None:
        database = make_url(url).database
        if not database or database == ":memory:" or database.startswith("file:"):
            raise BackupError("backup_kind_unsupported", kind=f"sqlite ({database or 'memory'})")
        self.path = Path(database)

    def snapshot(self, into: Path) -> Snapshot:
        # sqlite3.connect would create a missing file: a typo must not back up an empty fund
        if not self.path.is_file():
            raise BackupError("backup_database_missing", path=str(self.path))
        _copy(self.path, into)
        engine = _plain_engine(into)
        try:
            with Session(engine) as session:
                revision = alembic_revision(session.connection())
                if revision is None:
                    raise BackupError("backup_database_missing", path=str(self.path))
                return Snapshot(ledger_figures(session), revision)
        except SQLAlchemyError as error:
            raise BackupError("backup_dump_failed", reason=str(error)[:300]) from None
        finally:
            engine.dispose()

    def refuse_unless_empty(self) -> None:
        if not self.path.exists():
            return
        engine = _plain_engine(self.path)
        try:
            with engine.connect() as connection:
                table = first_table_with_rows(connection)
        except SQLAlchemyError as error:  # not a SQLite file: certainly not an empty fund
            raise BackupError(
                "restore_target_not_empty", database=str(self.path), reason=str(error)[:200]
            ) from None
        finally:
            engine.dispose()
        if table is not None:
            raise BackupError("restore_target_not_empty", table=table, database=str(self.path))

    def restore(self, copy: Path) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _copy(copy, self.path)


def _copy(source_path: Path, target_path: Path) -> None:
    try:
        source = sqlite3.connect(source_path)
        try:
            target = sqlite3.connect(target_path)
            try:
                source.backup(target)
                # the copy stands alone: no -wal file beside it holds part of its pages
                target.execute("PRAGMA journal_mode=DELETE")
            finally:
                target.close()
        finally:
            source.close()
    except sqlite3.Error as error:
        raise BackupError("backup_sqlite_failed", reason=str(error)) from None


def _plain_engine(path: Path) -> Engine:
    # Not db.make_engine: that one switches the file to WAL, a write we do not want here.
    return create_engine(f"sqlite:///{path}", poolclass=NullPool)
