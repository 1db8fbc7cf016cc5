"""The command group, its shared context, and how refusals are shown on a terminal."""

import functools
import getpass
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click
from sqlalchemy.orm import Session, sessionmaker

from wallet_server.config import Settings, cli_actor
from wallet_server.db import make_engine, make_session_factory
from wallet_server.ledger import run_in_transaction
from wallet_server.messages import bilingual
from wallet_server.refusals import Refusal

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


class CliContext:
    def __init__(self, database_url: str | None) -> None:
        overrides = {"database_url": database_url} if database_url else None
        self.settings = Settings.from_env(overrides)
        self._sessions: sessionmaker[Session] | None = None

    @property
    def sessions(self) -> sessionmaker[Session]:
        if self._sessions is None:
            self._sessions = make_session_factory(make_engine(self.settings.database_url))
        return self._sessions

    def run(self, work: Callable[[Session], T]) -> T:
        """One unit of work, committed, retried on serialization failures."""
        return run_in_transaction(self.sessions, work)


pass_context = click.make_pass_decorator(CliContext)


def default_actor() -> str:
    return cli_actor() or f"cli:{getpass.getuser()}"


actor_option = click.option(
    "--actor",
    default=default_actor,
    show_default="cli:$USER",
    help="Who is doing this, recorded with every transfer.",
)


def refusals_as_messages(command: F) -> F:
    """Show domain refusals in French and English and exit 2, never with a traceback."""

    @functools.wraps(command)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except Refusal as error:
            click.echo(f"Refusé / Refused: {bilingual(error.code)} [{error.code}]", err=True)
            details = {k: v for k, v in error.details.items() if v is not None}
            if details:
                click.echo(f"  {details}", err=True)
            sys.exit(2)

    return wrapped  # type: ignore[return-value]


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[str(c) for c in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for index, row in enumerate(cells):
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
        if index == 0:
            click.echo("  ".join("-" * width for width in widths))


def print_json(value: object) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, default=str))
