"""The shops' CLI commands: shop add | approve | suspend | list | pairing-code."""

import click

from wallet_server.cli.base import (
    CliContext,
    actor_option,
    pass_context,
    print_json,
    print_table,
    refusals_as_messages,
)
from wallet_server.pos.pairing import create_pairing_code
from wallet_server.shops.models import ShopStatus
from wallet_server.shops.operations import add_shop, change_shop_status, find_shop, list_shops


@click.group("shop")
def shop_group() -> None:
    """Conventioned shops."""


@shop_group.command("add")
@click.argument("name")
@click.option("--address", default="")
@click.option("--hours", "opening_hours", default="", help='e.g. "mar.–sam. 9h–19h"')
@click.option("--category", "categories", multiple=True, help="Repeat for several.")
@pass_context
@refusals_as_messages
def add(
    ctx: CliContext, name: str, address: str, opening_hours: str, categories: tuple[str, ...]
) -> None:
    """Record a shop's application (it cannot take payments until approved)."""
    public_id = ctx.run(
        lambda s: (
            add_shop(
                s, name=name, address=address, opening_hours=opening_hours, categories=categories
            ).public_id
        )
    )
    click.echo(f"Commerce enregistré / shop recorded: {public_id} (en attente / applied)")


def _status_command(name: str, status: ShopStatus, doc: str) -> click.Command:
    @click.command(name, help=doc)
    @click.argument("shop")
    @pass_context
    @refusals_as_messages
    def command(ctx: CliContext, shop: str) -> None:
        def work(session):  # type: ignore[no-untyped-def]
            found = change_shop_status(session, find_shop(session, shop), status)
            return found.public_id, found.name

        public_id, shop_name = ctx.run(work)
        click.echo(f"{shop_name} ({public_id}): {status.value}")

    return command


@shop_group.command("list")
@click.option("--status", type=click.Choice([s.value for s in ShopStatus]), default=None)
@click.option("--json", "as_json", is_flag=True)
@pass_context
def list_command(ctx: CliContext, status: str | None, as_json: bool) -> None:
    """List shops."""
    shops = ctx.run(lambda s: list_shops(s, status=status))
    if as_json:
        print_json(
            [
                {
                    "public_id": s.public_id,
                    "name": s.name,
                    "status": s.status,
                    "address": s.address,
                    "opening_hours": s.opening_hours,
                    "categories": s.categories,
                }
                for s in shops
            ]
        )
        return
    print_table(
        ["id", "nom/name", "statut/status", "adresse/address"],
        [(s.public_id, s.name, s.status, s.address) for s in shops],
    )


shop_group.add_command(
    _status_command(
        "approve", ShopStatus.APPROVED, "Committee decision: the shop may take payments."
    )
)
shop_group.add_command(
    _status_command(
        "suspend", ShopStatus.SUSPENDED, "Committee decision: the shop may no longer take payments."
    )
)


@shop_group.command("pairing-code")
@click.argument("shop")
@actor_option
@pass_context
@refusals_as_messages
def pairing_code(ctx: CliContext, shop: str, actor: str) -> None:
    """A one-time code (15 minutes) to pair a new till for SHOP."""
    created = ctx.run(lambda s: create_pairing_code(s, find_shop(s, shop), actor=actor))
    click.echo(
        f"Code d'appairage / pairing code: {created.code} "
        f"(expire / expires {created.expires_at.isoformat(timespec='minutes')})"
    )


COMMANDS = [shop_group]
