"""One interface over the two kinds of database a fund runs on: take a consistent copy with
the ledger's figures of that same instant, check that a target is empty, restore a copy."""

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from wallet_server.backup.figures import LedgerFigures


@dataclass(frozen=True)
class Snapshot:
    """What a copy of the database held: figures and revision read from that very copy."""

    figures: LedgerFigures
    alembic_revision: str
    #: PostgreSQL only: the one schema copied (None: the whole database)
    schema: str | None = None


class Database(Protocol):
    kind: str
    #: PostgreSQL only: the schema the URL pins with options=-csearch_path=NAME
    schema: str | None

    def snapshot(self, into: Path) -> Snapshot:
        """Copy the database into the file `into` and read its figures at that instant."""
        ...

    def refuse_unless_empty(self) -> None:
        """Raise `restore_target_not_empty` if the database already holds a fund."""
        ...

    def restore(self, copy: Path) -> None:
        """Load a copy made by `snapshot` into this (empty) database."""
        ...
