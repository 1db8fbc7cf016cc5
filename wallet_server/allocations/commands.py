"""The allocations' CLI commands: policy set | show, and allocate."""

import sys

import click

from wallet_server import clock
from wallet_server.allocations.models import AllocationMode
from wallet_server.allocations.operations import policy_for, run_allocation, set_policy
from wallet_server.cli.base import (
    CliContext,
    actor_option,
    pass_context,
    print_json,
    print_table,
    refusals_as_messages,
)
from wallet_server.cli.params import AMOUNT, MONTH
from wallet_server.ledger import format_cents


@click.group("policy")
def policy_group() -> None:
    """Allocation policy (a committee decision, versioned by month)."""


@policy_group.command("set")
@click.option(
    "--month",
    "effective_month",
    type=MONTH,
    required=True,
    help="First month the policy applies to.",
)
@click.option(
    "--amount", type=AMOUNT, default="100", show_default=True, help="Per participant, in euros."
)
@click.option(
    "--extra-member",
    type=AMOUNT,
    default="0",
    show_default=True,
    help="Per household member beyond the first.",
)
@click.option(
    "--mode", type=click.Choice([m.value for m in AllocationMode]), default="add", show_default=True
)
@click.option(
    "--carry-over-cap",
    type=AMOUNT,
    default=None,
    help="Most a wallet keeps into a new month; the excess returns to the fund.",
)
@click.option("--note", default="")
@actor_option
@pass_context
@refusals_as_messages
def policy_set(
    ctx: CliContext,
    effective_month: str,
    amount: int,
    extra_member: int,
    mode: str,
    carry_over_cap: int | None,
    note: str,
    actor: str,
) -> None:
    """Record a new allocation policy."""
    ctx.run(
        lambda s: set_policy(
            s,
            effective_month=effective_month,
            amount_cents=amount,
            decided_by=actor,
            extra_member_cents=extra_member,
            mode=AllocationMode(mode),
            carry_over_cap_cents=carry_over_cap,
            note=note,
        )
    )
    click.echo(f"Règle enregistrée / policy recorded from {effective_month}")


@policy_group.command("show")
@click.option("--month", type=MONTH, default=clock.this_month)
@click.option("--json", "as_json", is_flag=True)
@pass_context
@refusals_as_messages
def policy_show(ctx: CliContext, month: str, as_json: bool) -> None:
    """Show the policy in force for a month."""
    policy = ctx.run(lambda s: policy_for(s, month))
    values = {
        "effective_month": policy.effective_month,
        "amount_cents": policy.amount_cents,
        "extra_member_cents": policy.extra_member_cents,
        "mode": policy.mode,
        "carry_over_cap_cents": policy.carry_over_cap_cents,
    }
    if as_json:
        print_json(values)
        return
    print_table(["", ""], [(key, value) for key, value in values.items()])


@click.command("allocate")
@click.option("--month", type=MONTH, required=True)
@click.option("--dry-run", is_flag=True, help="Compute and show; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object, no progress bar.")
@actor_option
@pass_context
@refusals_as_messages
def allocate(ctx: CliContext, month: str, dry_run: bool, as_json: bool, actor: str) -> None:
    """Allocate a month to every active participant, once per wallet."""
    show_bar = not as_json and sys.stderr.isatty()
    bar = click.progressbar(length=1, label="Allocation", file=sys.stderr) if show_bar else None

    def progress(done: int, total: int) -> None:
        if bar is not None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

    try:
        summary = run_allocation(
            ctx.sessions, month=month, actor=actor, dry_run=dry_run, progress=progress
        )
    finally:
        if bar is not None:
            bar.render_finish()
    if as_json:
        print_json(summary.as_dict())
        return
    title = "Aperçu (rien n'est écrit) / preview (nothing written)" if dry_run else "Allocation"
    click.echo(f"{title} — {month}")
    print_table(
        ["", ""],
        [
            ("participants éligibles / eligible", summary.participants),
            (
                "seront alloués / to be allocated" if dry_run else "alloués / allocated",
                summary.allocated,
            ),
            ("déjà alloués / already allocated", summary.skipped),
            ("total", format_cents(summary.total_cents)),
            ("repris (plafond de report) / reclaimed", format_cents(summary.reclaimed_cents)),
        ],
    )


COMMANDS = [policy_group, allocate]
