"""Running `caisse` in a real subprocess, and reading a database the way a bookkeeper would."""

import os
import re
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, inspect, select
from sqlalchemy.pool import NullPool

from wallet_server.db import make_engine
from wallet_server.ledger import Account
from wallet_server.models import Base

CAISSE = [sys.executable, "-c", "from wallet_server.cli.main import main; main()"]
REFUSAL = re.compile(r"\[([a-z_]+)\]")


def caisse(db_url: str, instance: Path, *args: str, ok: bool = True):
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "CAISSE_INSTANCE_DIR": str(instance),
        "CAISSE_ACTOR": "coord:test",
    }
    env.pop("CAISSE_KEY_DIR", None)
    done = subprocess.run(
        [*CAISSE, *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )
    if ok:
        assert done.returncode == 0, done.stderr
    return done


def refusal_code(stderr: str) -> str | None:
    found = REFUSAL.findall(stderr)
    return found[-1] if found else None


def accounts_of(url: str) -> dict[str, tuple[int, int, int, int]]:
    """Every account's four counters, by code."""
    engine = make_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                Account.code,
                Account.debits_posted,
                Account.credits_posted,
                Account.debits_pending,
                Account.credits_pending,
            )
        )
        counters = {code: (dp, cp, dpend, cpend) for code, dp, cp, dpend, cpend in rows}
    engine.dispose()
    return counters


def row_counts(url: str) -> dict[str, int]:
    """How many rows each of our tables holds."""
    engine = make_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        counts = {
            table.name: connection.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }
    engine.dispose()
    return counts


def tables_in(url: str) -> list[str]:
    """The tables visible on the URL's search path (none in an untouched database)."""
    engine = make_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        names = inspect(connection).get_table_names()
    engine.dispose()
    return names


def files_under(folder: Path) -> dict[str, bytes]:
    if not folder.exists():
        return {}
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
