"""The `caisse` group and every command under it: the one module that imports them all.

A slice's commands live in its folder (`<slice>/commands.py`), the rest in `cli/`; every
command module imports `cli.base` (the context, the refusal printer, the table and JSON
printers) and never this module, so registering them makes no import cycle.
"""

import click

from wallet_server.allocations import commands as allocations_commands
from wallet_server.cli import backup, funds, setup
from wallet_server.cli.base import CliContext
from wallet_server.contributions import commands as contributions_commands
from wallet_server.participants import commands as participants_commands
from wallet_server.shops import commands as shops_commands
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
    for module in (
        setup,
        participants_commands,
        shops_commands,
        allocations_commands,
        funds,
        contributions_commands,
        tokens_commands,
        backup,
    ):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
