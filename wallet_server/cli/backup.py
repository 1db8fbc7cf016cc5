"""backup and restore (the work is in wallet_server.backup)."""

import sys
from pathlib import Path

import click

from wallet_server.backup.archive import read_archive
from wallet_server.backup.figures import LedgerFigures
from wallet_server.backup.manifest import Manifest
from wallet_server.backup.restore import RestoreOutcome, restore_backup
from wallet_server.backup.take import take_backup
from wallet_server.cli.base import CliContext, pass_context, print_table, refusals_as_messages
from wallet_server.ledger import format_cents

ARCHIVE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _progress(line: str) -> None:
    click.echo(line, err=True)


@click.command("backup")
@click.option(
    "--output",
    default=None,
    help="Folder (default: instance/backups) or archive file to write.",
)
@click.option(
    "--check",
    "check_archive",
    type=ARCHIVE,
    default=None,
    help="Only check an existing archive (checksums and manifest); write nothing.",
)
@pass_context
@refusals_as_messages
def backup_command(ctx: CliContext, output: str | None, check_archive: Path | None) -> None:
    """Write the database, the signing keys and a manifest into one archive (mode 0600)."""
    if check_archive is not None:
        if output is not None:
            raise click.UsageError("--check et/and --output: l'un ou l'autre / one or the other")
        _show_check(check_archive)
        return
    taken = take_backup(ctx.settings, output, _progress)
    click.echo(f"Sauvegarde écrite / backup written: {taken.path} ({taken.size} octets/bytes)")


@click.command("restore")
@click.argument("archive", type=ARCHIVE)
@click.option("--check", is_flag=True, help="Only check the archive; restore nothing.")
@click.option(
    "--upgrade",
    is_flag=True,
    help="If the backup predates this version's schema, run the migrations after restoring.",
)
@pass_context
@refusals_as_messages
def restore_command(ctx: CliContext, archive: Path, check: bool, upgrade: bool) -> None:
    """Restore ARCHIVE into an empty database and key directory, then verify the ledger.

    Exit 1 if the restored ledger does not match the backup's figures."""
    if check:
        _show_check(archive)
        return
    outcome = restore_backup(ctx.settings, archive, upgrade=upgrade, progress=_progress)
    _show_outcome(outcome)
    sys.exit(0 if outcome.nothing_lost else 1)


def _show_check(archive: Path) -> None:
    manifest = read_archive(archive)
    click.echo(f"Archive intacte / archive intact: {archive}")
    _show_manifest(manifest)


def _show_manifest(manifest: Manifest) -> None:
    info, figures = manifest.database, manifest.ledger
    schema = f", schéma/schema {info.schema}" if info.schema else ""
    print_table(
        ["", ""],
        [
            ("créée / created", manifest.created_at.isoformat()),
            ("base / database", f"{info.kind}{schema}, révision/revision {info.alembic_revision}"),
            ("comptes / accounts", figures.accounts),
            ("écritures / transfers", figures.transfers),
            ("grand livre / ledger", "OK" if figures.ok else "ÉCART / MISMATCH"),
            ("clés / keys", len(manifest.key_members)),
        ],
    )


def _figure_rows(figures: LedgerFigures) -> list[tuple[str, str]]:
    """The figures a restore compares, labelled for people (amounts in euros)."""
    rows = [
        ("grand livre / ledger", "OK" if figures.ok else "ÉCART / MISMATCH"),
        ("comptes / accounts", str(figures.accounts)),
        ("écritures / transfers", str(figures.transfers)),
        ("somme des soldes / sum of balances", format_cents(figures.total_balance_cents)),
    ]
    rows += [
        (f"soldes {kind} / {kind} balances", format_cents(cents))
        for kind, cents in sorted(figures.balance_by_kind_cents.items())
    ]
    rows += [
        ("total comptabilisé / total posted", format_cents(figures.total_posted_cents)),
        ("total réservé / total held", format_cents(figures.total_pending_cents)),
        ("empreinte des comptes / accounts digest", figures.accounts_sha256[:16]),
    ]
    return rows


def _show_outcome(outcome: RestoreOutcome) -> None:
    before = dict(_figure_rows(outcome.manifest.ledger))
    after = dict(_figure_rows(outcome.figures))
    print_table(
        ["", "sauvegarde/backup", "restauré/restored", ""],
        [
            (label, before.get(label, "-"), after.get(label, "-"), _same(before, after, label))
            for label in dict.fromkeys([*before, *after])
        ],
    )
    if outcome.was_behind and not outcome.upgraded:
        click.echo(
            "Sauvegarde d'un schéma plus ancien : lancez « caisse db upgrade ». / "
            "The backup predates this schema: run `caisse db upgrade`."
        )
    elif outcome.upgraded:
        click.echo("Schéma mis à jour / schema upgraded")
    if outcome.nothing_lost:
        click.echo("OK : restauration vérifiée, rien n'est perdu / restore verified, nothing lost")
    elif outcome.differences:
        click.echo(
            "ÉCART : la base restaurée ne correspond pas à la sauvegarde / "
            "MISMATCH: the restored database does not match the backup"
        )
    else:
        as_before = outcome.manifest.ledger.ok is False
        click.echo(
            "ÉCART : les chiffres concordent mais le grand livre restauré ne se vérifie pas"
            + (" (déjà à la sauvegarde)" if as_before else "")
            + " ; voir « caisse ledger verify ». / MISMATCH: the figures match but the restored"
            " ledger does not verify"
            + (" (nor did it at backup time)" if as_before else "")
            + "; see `caisse ledger verify`."
        )


def _same(before: dict[str, str], after: dict[str, str], label: str) -> str:
    return "=" if before.get(label) == after.get(label) else "≠"


COMMANDS = [backup_command, restore_command]
