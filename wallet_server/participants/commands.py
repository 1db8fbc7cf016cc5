"""The participants' commands: participant add | import | list | device | pin."""

from pathlib import Path

import click
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
from wallet_server.cli.params import MONTH
from wallet_server.ledger import format_cents
from wallet_server.messages import bilingual
from wallet_server.participants.devices import bind_device
from wallet_server.participants.operations import (
    Enrollment,
    enroll,
    enroll_many,
    find_participants,
    parse_participants_csv,
)
from wallet_server.pos.pin import find_participant, set_pin, unlock_pin


@click.group("participant")
def participant_group() -> None:
    """Enroll and list participants."""


@participant_group.command("add")
@click.option("--name", default=None, help="Seen by coordinators only.")
@click.option("--contact", default=None, help="Phone or e-mail, coordinators only.")
@click.option("--household-size", type=click.IntRange(1, 20), default=1, show_default=True)
@click.option(
    "--level",
    "contribution_level",
    type=click.IntRange(1, None),
    default=None,
    help="Level in the contribution scale (1 = smallest).",
)
@click.option(
    "--month",
    type=MONTH,
    default=clock.this_month,
    show_default="this month",
    help="First month of allocation.",
)
@click.option("--json", "as_json", is_flag=True)
@actor_option
@pass_context
@refusals_as_messages
def add(
    ctx: CliContext,
    name: str | None,
    contact: str | None,
    household_size: int,
    contribution_level: int | None,
    month: str,
    as_json: bool,
    actor: str,
) -> None:
    """Enroll one participant; prints their pseudonymous public id."""
    enrollment = Enrollment(
        enrolled_month=month,
        name=name,
        contact=contact,
        household_size=household_size,
        contribution_level=contribution_level,
    )
    public_id = ctx.run(lambda session: enroll(session, enrollment, actor=actor).public_id)
    if as_json:
        print_json({"public_id": public_id})
    else:
        click.echo(f"Participant inscrit / enrolled: {public_id}")


@participant_group.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--month", type=MONTH, default=clock.this_month, show_default="this month")
@click.option("--dry-run", is_flag=True, help="Check the file and write nothing.")
@actor_option
@pass_context
@refusals_as_messages
def import_csv(ctx: CliContext, csv_file: Path, month: str, dry_run: bool, actor: str) -> None:
    """Enroll everyone in a CSV (columns: name, contact, household_size, contribution_level).

    Every row is checked first; if any is wrong, nothing is written.
    """
    try:
        text = csv_file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        text = csv_file.read_text(encoding="cp1252")  # spreadsheets saved the Windows way
    parsed = parse_participants_csv(text, enrolled_month=month)
    if parsed.errors:
        click.echo(
            f"{len(parsed.errors)} ligne(s) en erreur, rien n'a été enregistré / "
            f"{len(parsed.errors)} bad row(s), nothing was written:",
            err=True,
        )
        for error in parsed.errors:
            click.echo(
                f"  ligne/row {error.row}, {error.column}: {error.value!r} — "
                f"{bilingual(error.code)}",
                err=True,
            )
        raise SystemExit(2)
    if dry_run:
        click.echo(
            f"{len(parsed.enrollments)} ligne(s) valides / valid row(s); rien écrit / "
            "nothing written"
        )
        return

    def work(session: Session) -> list[str]:
        return [p.public_id for p in enroll_many(session, parsed.enrollments, actor=actor)]

    ids = ctx.run(work)
    click.echo(f"{len(ids)} participant(s) inscrit(s) / enrolled")


@participant_group.command("list")
@click.option("--search", default=None)
@click.option("--status", type=click.Choice(["active", "suspended", "closed"]), default=None)
@click.option("--limit", default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_context
def list_participants(
    ctx: CliContext, search: str | None, status: str | None, limit: int, as_json: bool
) -> None:
    """List participants with their available balance."""
    rows = ctx.run(lambda s: find_participants(s, search=search, status=status, limit=limit))
    if as_json:
        print_json(
            [
                {
                    "public_id": p.public_id,
                    "name": p.name,
                    "status": p.status,
                    "household_size": p.household_size,
                    "level": p.contribution_level,
                    "available_cents": a.available,
                }
                for p, a in rows
            ]
        )
        return
    print_table(
        ["id", "nom/name", "statut/status", "foyer/household", "disponible/available"],
        [
            (p.public_id, p.name or "", p.status, p.household_size, format_cents(a.available))
            for p, a in rows
        ],
    )


@participant_group.command("device")
@click.argument("public_id")
@click.option("--label", default="")
@pass_context
@refusals_as_messages
def participant_device(ctx: CliContext, public_id: str, label: str) -> None:
    """Bind a device to a participant; prints its credential once."""
    credential = ctx.run(
        lambda s: bind_device(s, find_participant(s, public_id), label=label).credential
    )
    click.echo(credential)


@participant_group.command("pin")
@click.argument("public_id")
@click.option("--unlock", is_flag=True, help="Unlock after too many wrong PINs.")
@pass_context
@refusals_as_messages
def participant_pin(ctx: CliContext, public_id: str, unlock: bool) -> None:
    """Set (asked on the terminal) or unlock a participant's PIN for paying without a phone."""
    if unlock:
        ctx.run(lambda s: unlock_pin(find_participant(s, public_id)))
        click.echo("PIN débloqué / PIN unlocked")
        return
    pin = click.prompt("PIN (4-6 chiffres/digits)", hide_input=True, confirmation_prompt=True)
    ctx.run(lambda s: set_pin(find_participant(s, public_id), pin))
    click.echo("PIN enregistré / PIN set")


COMMANDS = [participant_group]
