"""Throw-away databases to benchmark on: a `bench` schema on PostgreSQL, a temp SQLite file.

PostgreSQL runs in its own schema because the test suite uses the same `test` database and
rebuilds its `public` schema: `search_path=bench` on every connection keeps our tables (and
Alembic's version table) apart, and dropping the schema at the end leaves nothing behind.
"""

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.engine import URL, make_url

from bench.core import Log, log_to_stderr
from wallet_server.db import make_engine
from wallet_server.models import Base

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SCHEMA = "bench"
#: seconds before an unreachable server counts as absent, rather than hanging the run
CONNECT_TIMEOUT = 5


class DatabaseUnavailable(Exception):
    """The database cannot be reached: the benchmark reports it as skipped."""


def postgres_url() -> str:
    return (
        os.environ.get("BENCH_DATABASE_URL")
        or os.environ.get("TEST_DATABASE_URL")
        or DEFAULT_POSTGRES_URL
    )


def _with_options(url: URL, *, schema: str | None) -> URL:
    """Add a connect timeout and, if asked, pin `search_path` through libpq's `options`."""
    if url.drivername == "postgresql":  # SQLAlchemy would pick psycopg2, not installed here
        url = url.set(drivername="postgresql+psycopg")
    query: dict[str, str] = {"connect_timeout": str(CONNECT_TIMEOUT)}
    if schema is not None:
        existing = url.query.get("options")
        given = existing if isinstance(existing, str) else " ".join(existing or ())
        query["options"] = f"{given} -csearch_path={schema}".strip()
    return url.update_query_dict(query)


def _render(url: URL) -> str:
    # Alembic and make_engine take strings; keep the password that render hides by default.
    return url.render_as_string(hide_password=False)


def _admin_engine(base: URL) -> Engine:
    engine = make_engine(_render(_with_options(base, schema=None)))
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:
        engine.dispose()
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        raise DatabaseUnavailable(f"PostgreSQL unreachable: {first_line}") from error
    return engine


@contextmanager
def postgres_database(log: Log = log_to_stderr, schema: str = SCHEMA) -> Iterator[str]:
    """Yield a URL whose connections see only a fresh, empty `schema`; drop it afterwards.

    The schema's name ends with this process's id: two runs of one benchmark on the same
    database (a test run and a developer's run, say) never drop each other's tables."""
    schema = f"{schema}_{os.getpid()}"
    try:
        base = make_url(postgres_url())
    except Exception as error:
        raise DatabaseUnavailable(f"invalid PostgreSQL URL: {error}") from error
    admin = _admin_engine(base)
    try:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        yield _render(_with_options(base, schema=schema))
    finally:
        try:
            with admin.begin() as connection:
                connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        except Exception as error:  # never hide the benchmark's own outcome behind cleanup
            log(f"warning: could not drop schema {schema}: {error}")
        admin.dispose()


@contextmanager
def sqlite_database() -> Iterator[str]:
    """A file (not :memory:) so that WAL and fsyncs cost what they cost in production."""
    with tempfile.TemporaryDirectory(prefix="caisse-bench-") as folder:
        yield f"sqlite:///{Path(folder) / 'bench.sqlite3'}"


@contextmanager
def open_database(name: str, log: Log = log_to_stderr, schema: str = SCHEMA) -> Iterator[str]:
    """Yield a SQLAlchemy URL for an empty database of kind `name`.

    `schema` names the PostgreSQL schema: each benchmark takes its own, so that two of them
    run at the same time never drop each other's tables.
    """
    if name == "postgresql":
        with postgres_database(log, schema) as url:
            yield url
    elif name == "sqlite":
        with sqlite_database() as url:
            yield url
    else:
        raise ValueError(f"unknown database {name!r}")


def analyze(engine: Engine) -> None:
    """Give PostgreSQL's planner statistics of the tables as a benchmark's setup filled them.

    Without this, a timing would depend on whether autovacuum (off on some test servers)
    happened to run since. Tables are named so that only the benchmark's schema is analysed.
    SQLite plans without them.
    """
    if engine.dialect.name != "postgresql":
        return
    names = ", ".join(table.name for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"ANALYZE {names}"))
