"""The `caisse` group and every command under it: the one module that imports them all.

Command modules import `cli.base` (the context, the refusal printer, the table and JSON
printers) and never this module, so registering them makes no import cycle.
"""

import click

from wallet_server.cli import backup, funds, people, setup, shops
from wallet_server.cli.base import CliContext
from wallet_server.tokens import commands as tokens_commands


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--database-url",
    default=None,
    help="SQLAlchemy URL; default: DATABASE_URL (or DATABASE_URL_FILE), else a SQLite file"
    " under ./instance",
)
@click.pass_context
def main(ctx: click.Context, database_url: str | None) -> None:
    """Caisse Commune: the fund's wallet server."""
    ctx.obj = CliContext(database_url)


def _register() -> None:
    for module in (setup, people, shops, funds, tokens_commands, backup):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
