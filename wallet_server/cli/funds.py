"""fund, ledger and holds."""

import sys
import threading
from datetime import date

import click

from wallet_server import clock
from wallet_server.cli.base import (
    CliContext,
    actor_option,
    pass_context,
    print_json,
    refusals_as_messages,
)
from wallet_server.cli.params import AMOUNT
from wallet_server.contributions.operations import record_subsidy
from wallet_server.ledger import format_cents, verify
from wallet_server.ledger.sweeper import sweep_periodically
from wallet_server.tokens.blocklist import sweep_expired


@click.group("fund")
def fund_group() -> None:
    """The fund's inflows."""


@fund_group.command("subsidy")
@click.option("--funder", required=True)
@click.option("--amount", type=AMOUNT, required=True)
@click.option("--date", "received_on", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--subsidy-id", default=None, help="Idempotency key.")
@actor_option
@pass_context
@refusals_as_messages
def subsidy(
    ctx: CliContext,
    funder: str,
    amount: int,
    received_on: object,
    subsidy_id: str | None,
    actor: str,
) -> None:
    """Record a subsidy received from a funder."""
    day: date = received_on.date() if hasattr(received_on, "date") else clock.today()
    ctx.run(
        lambda s: record_subsidy(
            s,
            funder=funder,
            amount_cents=amount,
            received_on=day,
            actor=actor,
            subsidy_id=subsidy_id,
        )
    )
    click.echo(f"Subvention enregistrée / subsidy recorded: {format_cents(amount)} ({funder})")


@click.group("ledger")
def ledger_group() -> None:
    """The books."""


@ledger_group.command("verify")
@click.option("--json", "as_json", is_flag=True)
@pass_context
def ledger_verify(ctx: CliContext, as_json: bool) -> None:
    """Recompute every counter from the transfers; exit 1 on any difference."""
    report = ctx.run(verify)
    if as_json:
        print_json(report.as_dict())
    else:
        verdict = (
            "OK : les comptes sont justes / books balance" if report.ok else "ÉCART / MISMATCH"
        )
        click.echo(
            f"{verdict} — {report.accounts} comptes/accounts, "
            f"{report.transfers} écritures/transfers"
        )
        for mismatch in report.mismatches[:50]:
            click.echo(
                f"  {mismatch.account} {mismatch.counter}: stocké/stored "
                f"{mismatch.stored} ≠ recalculé/recomputed {mismatch.recomputed}"
            )
        for problem in report.problems[:50]:
            click.echo(f"  {problem}")
    sys.exit(0 if report.ok else 1)


@click.group("holds")
def holds_group() -> None:
    """Reservations (holds) on wallets."""


@holds_group.command("sweep")
@click.option(
    "--every",
    "every_seconds",
    type=click.IntRange(1, None),
    default=None,
    help="Keep running, sweeping every N seconds (instead of a timer).",
)
@pass_context
def holds_sweep(ctx: CliContext, every_seconds: int | None) -> None:
    """Release every hold whose expiry has passed, and take off the tills' blocklist the
    codes expired past the sync grace."""
    tokens = ctx.settings.tokens
    released, pruned = sweep_expired(ctx.sessions, tokens)
    click.echo(f"{released} réservation(s) libérée(s) / hold(s) released")
    click.echo(f"{pruned} code(s) retiré(s) de la liste des caisses / pruned from the blocklist")
    if every_seconds is not None:
        stop = threading.Event()
        try:
            sweep_periodically(
                ctx.sessions,
                every_seconds=every_seconds,
                stop=stop,
                on_error=lambda error: click.echo(f"sweep: {error}", err=True),
                sweep=lambda sessions: sweep_expired(sessions, tokens),
            )
        except KeyboardInterrupt:
            stop.set()


COMMANDS = [fund_group, ledger_group, holds_group]
