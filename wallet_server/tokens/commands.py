"""keys rotate | list: the pay code signing keys."""

from datetime import datetime, timedelta

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet_server import clock
from wallet_server.cli.base import (
    CliContext,
    pass_context,
    print_table,
    refusals_as_messages,
)
from wallet_server.tokens.keystore import KeyStore
from wallet_server.tokens.models import SigningKeyRecord
from wallet_server.tokens.operations import rotate_signing_key


@click.group("keys")
def keys_group() -> None:
    """Pay code signing keys (private halves in the key directory, mode 0600)."""


@keys_group.command("rotate")
@click.option(
    "--if-older-than",
    "max_age_days",
    type=click.IntRange(min=0),
    default=None,
    metavar="DAYS",
    help="Rotate only when the current key is older than DAYS days (for a timer); "
    "exit 0 either way.",
)
@pass_context
@refusals_as_messages
def rotate(ctx: CliContext, max_age_days: int | None) -> None:
    """Make a new signing key current; the previous one keeps verifying its tokens."""
    keystore = KeyStore(ctx.settings.key_dir)
    if max_age_days is None:
        record = ctx.run(lambda session: rotate_signing_key(session, keystore))
        click.echo(f"Nouvelle clé / new key: {record.kid} ({ctx.settings.key_dir})")
        return
    max_age = timedelta(days=max_age_days)

    def rotate_if_old(session: Session) -> tuple[SigningKeyRecord | None, SigningKeyRecord | None]:
        # Read and rotate in one transaction, so the age checked is the key replaced.
        current = session.scalar(
            select(SigningKeyRecord)
            .where(SigningKeyRecord.valid_until.is_(None))
            .order_by(SigningKeyRecord.valid_from.desc())
            .limit(1)
        )
        if current is not None and clock.now() - current.valid_from <= max_age:
            return current, None
        return current, rotate_signing_key(session, keystore)

    current, new = ctx.run(rotate_if_old)
    if new is None:
        assert current is not None
        age = _age_in_days(current)
        click.echo(
            f"Clé courante {current.kid} âgée de {age} jour(s), pas plus de {max_age_days} : "
            f"rien à faire / current key {current.kid} is {age} day(s) old, "
            f"not older than {max_age_days}: nothing to do"
        )
    elif current is None:
        click.echo(
            f"Aucune clé courante : nouvelle clé {new.kid} / no current key: "
            f"new key {new.kid} ({ctx.settings.key_dir})"
        )
    else:
        age = _age_in_days(current, now=new.valid_from)
        click.echo(
            f"Clé {current.kid} âgée de {age} jour(s), plus de {max_age_days} : nouvelle clé "
            f"{new.kid} / key {current.kid} was {age} day(s) old, older than {max_age_days}: "
            f"new key {new.kid} ({ctx.settings.key_dir})"
        )


def _age_in_days(record: SigningKeyRecord, now: datetime | None = None) -> int:
    return ((now or clock.now()) - record.valid_from).days


@keys_group.command("list")
@pass_context
def list_keys(ctx: CliContext) -> None:
    """Every signing key with its validity."""
    rows = ctx.run(
        lambda s: list(s.scalars(select(SigningKeyRecord).order_by(SigningKeyRecord.valid_from)))
    )
    print_table(
        ["kid", "depuis/from", "jusqu'à/until"],
        [
            (
                r.kid,
                r.valid_from.isoformat(timespec="seconds"),
                r.valid_until.isoformat(timespec="seconds")
                if r.valid_until
                else "courante/current",
            )
            for r in rows
        ],
    )


def ensure_signing_key(ctx: CliContext) -> None:
    """A fresh fund gets its first key, so that pay codes work out of the box."""

    def has_key(session: Session) -> bool:
        return session.scalar(select(SigningKeyRecord.kid).limit(1)) is not None

    if not ctx.run(has_key):
        keystore = KeyStore(ctx.settings.key_dir)
        ctx.run(lambda session: rotate_signing_key(session, keystore))


COMMANDS = [keys_group]
