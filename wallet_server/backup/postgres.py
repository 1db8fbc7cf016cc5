"""PostgreSQL: pg_dump (custom format) and pg_restore, run as subprocesses.

The dump and the manifest's figures come from one snapshot: a read-only REPEATABLE READ
transaction exports its snapshot, computes the figures, and stays open while pg_dump reads
through `--snapshot`. The password travels in PGPASSWORD, never on a command line.
"""

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from wallet_server.backup.database import Snapshot
from wallet_server.backup.errors import BackupError
from wallet_server.backup.figures import LedgerFigures, alembic_revision, ledger_figures
from wallet_server.backup.tables import first_table_with_rows
from wallet_server.db import make_engine

_SEARCH_PATH = re.compile(r"-c\s*search_path\s*=\s*(\S+)")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: how much of a tool's error output a refusal repeats
_STDERR_TAIL = 800


@dataclass(frozen=True)
class LibpqTarget:
    """A SQLAlchemy URL as the libpq tools take it: a URI without the password."""

    uri: str
    password: str | None

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.password is not None:
            env["PGPASSWORD"] = self.password
        return env


def pinned_schema(url: URL) -> str | None:
    """The schema `options=-csearch_path=NAME` pins, or None (the whole database)."""
    options = url.query.get("options")
    if options is None:
        return None
    found = _SEARCH_PATH.search(options if isinstance(options, str) else " ".join(options))
    if found is None:
        return None
    name = found.group(1)
    if not _IDENTIFIER.fullmatch(name):
        # a list or a quoted name: which schema holds the fund would be a guess
        raise BackupError("backup_schema_unsupported", search_path=name)
    return name.lower()  # as PostgreSQL folds an unquoted name


def libpq_target(url: URL) -> LibpqTarget:
    """postgresql+psycopg://user:pw@host:port/db?options=… → postgresql://user@host:port/db?…

    The driver suffix goes, the password moves to PGPASSWORD, and a search_path option goes
    (the tools are told the schema with --schema); every other libpq parameter stays."""
    user = quote(url.username or "", safe="")
    host = url.host or ""
    if ":" in host:
        host = f"[{host}]"
    authority = f"{user}@{host}" if user else host
    if url.port is not None:
        authority += f":{url.port}"
    params: list[tuple[str, str]] = []
    for key, value in url.query.items():
        for one in (value,) if isinstance(value, str) else value:
            kept = _SEARCH_PATH.sub("", one).strip() if key == "options" else one
            if kept:
                params.append((key, kept))
    query = f"?{urlencode(params, quote_via=quote)}" if params else ""
    return LibpqTarget(
        uri=f"postgresql://{authority}/{quote(url.database or '', safe='')}{query}",
        password=url.password if isinstance(url.password, str) else None,
    )


class PostgresDatabase:
    kind = "postgresql"

    def __init__(self, url: str) -> None:
        self.url = url
        parsed = make_url(url)
        self.schema = pinned_schema(parsed)
        self.target = libpq_target(parsed)

    def snapshot(self, into: Path) -> Snapshot:
        pg_dump = _tool("pg_dump")
        engine = make_engine(self.url, poolclass=NullPool, isolation_level="REPEATABLE READ")
        try:
            with _connected(engine) as connection:
                connection.execution_options(postgresql_readonly=True)
                figures, revision = self._dump_in_snapshot(connection, pg_dump, into)
        except SQLAlchemyError as error:
            raise BackupError("backup_dump_failed", reason=str(error)[:300]) from None
        finally:
            engine.dispose()
        return Snapshot(figures, revision, self.schema)

    def _dump_in_snapshot(
        self, connection: Connection, pg_dump: str, into: Path
    ) -> tuple[LedgerFigures, str]:
        with connection.begin():
            exported = connection.scalar(text("SELECT pg_export_snapshot()"))
            with Session(bind=connection) as session:
                revision = alembic_revision(session.connection())
                if revision is None:
                    raise BackupError("backup_database_missing", path=self._where())
                figures = ledger_figures(session)
            # pg_dump reads the very snapshot the figures were computed on, while it is open
            command = [pg_dump, "--format=custom", "--no-password", f"--snapshot={exported}"]
            if self.schema is not None:
                command.append(f"--schema={self.schema}")
            command += [f"--file={into}", f"--dbname={self.target.uri}"]
            _run("pg_dump", command, self.target.environment())
        return figures, revision

    def refuse_unless_empty(self) -> None:
        engine = make_engine(self.url, poolclass=NullPool)
        try:
            with _connected(engine) as connection:
                table = first_table_with_rows(connection)
        finally:
            engine.dispose()
        if table is not None:
            raise BackupError("restore_target_not_empty", table=table, database=self._where())

    def restore(self, copy: Path) -> None:
        pg_restore = _tool("pg_restore")
        command = [pg_restore, "--no-owner", "--no-privileges", "--exit-on-error"]
        command += ["--single-transaction", "--no-password", f"--dbname={self.target.uri}"]
        if self.schema is not None and self._schema_exists():
            # The dump creates its schema; an existing (empty) one gets only its objects.
            command.append(f"--schema={self.schema}")
        _run("pg_restore", [*command, str(copy)], self.target.environment())

    def _schema_exists(self) -> bool:
        engine = make_engine(self.url, poolclass=NullPool)
        try:
            with _connected(engine) as connection:
                found = connection.scalar(
                    text("SELECT 1 FROM pg_namespace WHERE nspname = :name"),
                    {"name": self.schema},
                )
        finally:
            engine.dispose()
        return found is not None

    def _where(self) -> str:
        where = make_url(self.url).render_as_string(hide_password=True)
        return where if self.schema is None else f"{where} (schema {self.schema})"


@contextmanager
def _connected(engine: Engine) -> Iterator[Connection]:
    try:
        connection = engine.connect()
    except OperationalError as error:
        raise BackupError("backup_database_unreachable", reason=str(error.orig)[:300]) from None
    with connection:
        yield connection


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError("backup_tool_missing", tool=name)
    return found


def _run(tool: str, command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(  # noqa: S603 (a PostgreSQL tool found on PATH, arguments built here)
        command,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        code = "backup_dump_failed" if tool == "pg_dump" else "restore_failed"
        raise BackupError(
            code, tool=tool, exit_code=done.returncode, stderr=done.stderr[-_STDERR_TAIL:].strip()
        )
