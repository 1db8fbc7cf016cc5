"""The contributions' CLI commands: contribution scale | pay | behind."""

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet_server import clock
from wallet_server.cli.base import (
    CliContext,
    actor_option,
    pass_context,
    print_json,
    print_table,
    refusals_as_messages,
)
from wallet_server.cli.params import AMOUNT, MONTH
from wallet_server.contributions.models import PaymentMethod
from wallet_server.contributions.operations import (
    ContributionError,
    record_payment,
    scale_for,
    set_scale,
    who_is_behind,
)
from wallet_server.ledger import format_cents, parse_cents
from wallet_server.participants.models import Participant
from wallet_server.participants.operations import EnrollmentError
from wallet_server.public_ids import normalize_public_id


@click.group("contribution")
def contribution_group() -> None:
    """Contributions by means: the scale, payments, who is behind."""


@contribution_group.command("scale")
@click.option(
    "--month",
    "effective_month",
    type=MONTH,
    default=None,
    help="With --tiers: first month of the new scale.",
)
@click.option("--tiers", default=None, help='New scale in euros, e.g. "1,5,10,20" (levels 1…).')
@actor_option
@pass_context
@refusals_as_messages
def scale(ctx: CliContext, effective_month: str | None, tiers: str | None, actor: str) -> None:
    """Show the scale in force, or record a new one with --month and --tiers."""
    if tiers is not None:
        if effective_month is None:
            raise click.UsageError("--tiers needs --month")
        try:
            amounts = [
                parse_cents(part) for part in tiers.replace(";", ",").split(",") if part.strip()
            ]
        except ValueError:
            raise ContributionError("invalid_amount", tiers=tiers) from None
        ctx.run(
            lambda s: set_scale(
                s, effective_month=effective_month, tiers_cents=amounts, decided_by=actor
            )
        )
    month = effective_month or clock.this_month()
    levels = ctx.run(lambda s: scale_for(s, month))
    print_table(
        ["niveau/level", "par mois/monthly"],
        [(level, format_cents(cents)) for level, cents in sorted(levels.items())],
    )


@contribution_group.command("pay")
@click.argument("public_id")
@click.option("--amount", type=AMOUNT, required=True)
@click.option("--method", type=click.Choice([m.value for m in PaymentMethod]), required=True)
@click.option(
    "--date", "paid_on", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Default: today."
)
@click.option("--payment-id", default=None, help="Idempotency key (e.g. the bank reference).")
@actor_option
@pass_context
@refusals_as_messages
def pay(
    ctx: CliContext,
    public_id: str,
    amount: int,
    method: str,
    paid_on: object,
    payment_id: str | None,
    actor: str,
) -> None:
    """Record a household's contribution (euros into the fund)."""
    day = paid_on.date() if hasattr(paid_on, "date") else clock.today()

    def work(session: Session) -> None:
        participant = _participant(session, public_id)
        record_payment(
            session,
            participant,
            amount_cents=amount,
            method=PaymentMethod(method),
            paid_on=day,
            actor=actor,
            payment_id=payment_id,
        )

    ctx.run(work)
    click.echo(f"Cotisation enregistrée / contribution recorded: {format_cents(amount)}")


@contribution_group.command("behind")
@click.option("--month", type=MONTH, default=clock.this_month)
@click.option("--json", "as_json", is_flag=True)
@pass_context
def behind(ctx: CliContext, month: str, as_json: bool) -> None:
    """Who has paid less than their level asks, up to a month."""
    rows = ctx.run(lambda s: who_is_behind(s, as_of_month=month))
    if as_json:
        print_json(
            [
                {
                    "public_id": r.public_id,
                    "name": r.name,
                    "level": r.level,
                    "expected_cents": r.expected_cents,
                    "paid_cents": r.paid_cents,
                    "owed_cents": r.owed_cents,
                }
                for r in rows
            ]
        )
        return
    print_table(
        ["id", "nom/name", "niveau/level", "dû/owed"],
        [(r.public_id, r.name or "", r.level, format_cents(r.owed_cents)) for r in rows],
    )


def _participant(session: Session, public_id: str) -> Participant:
    try:
        normalized = normalize_public_id(public_id)
    except ValueError:
        raise EnrollmentError("participant_not_found", value=public_id) from None
    found = session.scalar(select(Participant).where(Participant.public_id == normalized))
    if found is None:
        raise EnrollmentError("participant_not_found", value=public_id)
    return found


COMMANDS = [contribution_group]
