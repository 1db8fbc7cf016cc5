"""Fixtures: every database test runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set.

The schema is always built with Alembic (`upgrade head`), never with create_all, so the tests
exercise the migrations that production runs.

A test that needs a program beyond the virtualenv says so with
`tests.system_programs.require`; the run then ends with one line naming what was missing.
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from tests.database_copies import drop_postgres_schema, new_postgres_schema
from tests.system_programs import INSTALL_COMMAND, missing_in
from wallet_server import migrations
from wallet_server.db import make_engine, make_session_factory
from wallet_server.fund import ensure_fund_accounts
from wallet_server.models import Base

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite", *(["postgresql"] if POSTGRES_URL else [])]


def pytest_configure(config: pytest.Config) -> None:
    # Every app the tests make, here or in a server they start, fails on a console text
    # missing from the catalogue instead of showing its key.
    os.environ.setdefault("CAISSE_STRICT_TEXTS", "1")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    template = tmp_path_factory.mktemp("template") / "template.sqlite3"
    migrations.upgrade(f"sqlite:///{template}")
    return template


@pytest.fixture(scope="session")
def postgres_ready() -> Iterator[str]:
    """A schema of our own in the test database, so parallel test runs never collide."""
    assert POSTGRES_URL is not None
    schema = f"test_{os.getpid()}"
    yield new_postgres_schema(POSTGRES_URL, schema)
    drop_postgres_schema(POSTGRES_URL, schema)


def _truncate_postgres(url: str) -> None:
    engine = make_engine(url)
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database with the fund's accounts, on each backend in turn."""
    if request.param == "sqlite":
        path = tmp_path / "caisse.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_ready")
        _truncate_postgres(url)
    engine = make_engine(url)
    with Session(engine) as session:
        ensure_fund_accounts(session)
        session.commit()
    engine.dispose()
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as session:
        yield session
        session.rollback()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> Iterator[None]:
    """One plain line when tests were skipped (or failed, in CI) for a missing program: the
    last before pytest's counts (outermost wrapper: after its short test summary)."""
    yield
    for outcome, stats in (("skipped", ["skipped"]), ("failed", ["failed", "error"])):
        tests, programs = 0, dict[str, None]()
        for key in stats:
            for report in terminalreporter.stats.get(key, []):
                named = missing_in(getattr(report, "longreprtext", ""))
                if named:
                    tests += 1
                    programs.update(dict.fromkeys(named))
        if tests:
            terminalreporter.write_line(
                f"{tests} test{'s' if tests > 1 else ''} {outcome}: missing program"
                f"{'s' if len(programs) > 1 else ''} {', '.join(programs)}"
                f" — install {'them' if len(programs) > 1 else 'it'} with: {INSTALL_COMMAND}"
            )
