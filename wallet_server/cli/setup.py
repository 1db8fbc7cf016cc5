"""init, db, demo and serve."""

import os
import secrets
import subprocess
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import pyotp
import qrcode
from gunicorn.app.base import BaseApplication
from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet_server import migrations
from wallet_server.allocations.models import AllocationPolicy
from wallet_server.allocations.operations import set_policy
from wallet_server.api.wallet import ACTIVATION_PATH
from wallet_server.cli.base import CliContext, pass_context, refusals_as_messages
from wallet_server.demo import DEMO_ADMIN, first_participant, first_shop, seed_demo
from wallet_server.fund import ensure_fund_accounts
from wallet_server.ledger.sweeper import sweep_periodically
from wallet_server.participants.activation import create_activation_code
from wallet_server.pos.pairing import create_pairing_code
from wallet_server.tokens.blocklist import sweep_expired
from wallet_server.tokens.commands import ensure_signing_key
from wallet_server.tokens.keystore import KeyStore
from wallet_server.users.models import Role, User
from wallet_server.users.operations import NewUser, create_user
from wallet_server.web.app import create_app

if TYPE_CHECKING:
    from wallet_server.demo import MonthFigures

#: the demo's admin account (wallet_server.demo.DEMO_ADMIN, without importing the demo here)
DEMO_ADMIN_NAME = "admin"
#: the demo fund's own (sample) bank account, the debtor of its payout files, where the
#: environment gives none (settings overrides: fund_name, fund_iban, fund_bic)
DEMO_FUND_ACCOUNT = {
    "name": "Caisse Commune (démo)",
    "iban": "FR7630004000031234567890143",
    "bic": "BNPAFRPP",
}


@click.group("db")
def db_group() -> None:
    """Database schema (Alembic migrations)."""


@db_group.command("upgrade")
@pass_context
def db_upgrade(ctx: CliContext) -> None:
    """Bring the database schema to the latest version."""
    migrations.upgrade(ctx.settings.database_url)
    click.echo("Schéma à jour / schema up to date")


@db_group.command("check")
@pass_context
def db_check(ctx: CliContext) -> None:
    """Fail if the models and the migrations differ (the database must be at head)."""
    migrations.check(ctx.settings.database_url)
    click.echo("Modèles et migrations concordent / models and migrations match")


def prepare_database(ctx: CliContext, *, signing_key: bool = True) -> None:
    """Schema at head, fund accounts present, a default allocation policy in force, and a
    signing key (unless `signing_key` is False: the demo makes its own, dated a year ago)."""
    migrations.upgrade(ctx.settings.database_url)

    def seed(session: Session) -> None:
        ensure_fund_accounts(session)
        if session.scalar(select(AllocationPolicy.id).limit(1)) is None:
            set_policy(
                session,
                effective_month="2000-01",
                amount_cents=10000,
                decided_by="default",
                note="100 € par participant (défaut)",
            )

    ctx.run(seed)
    if signing_key:
        ensure_signing_key(ctx)


def show_totp(new_user: NewUser) -> None:
    click.echo(f"TOTP: {new_user.totp_uri}")
    click.echo(f"Secret TOTP / TOTP secret: {new_user.user.totp_secret}")
    if sys.stdout.isatty():
        code = qrcode.QRCode(border=1)
        code.add_data(new_user.totp_uri)
        code.print_ascii(invert=True)
    click.echo(
        "Scannez ce code avec une application d'authentification.\n"
        "Scan this code with an authenticator app."
    )


@click.command("init")
@click.option("--admin", "username", default="admin", show_default=True)
@click.option(
    "--password",
    envvar="CAISSE_ADMIN_PASSWORD",
    default=None,
    help="Default: asked on the terminal (or CAISSE_ADMIN_PASSWORD).",
)
@pass_context
@refusals_as_messages
def init(ctx: CliContext, username: str, password: str | None) -> None:
    """Create the database and a first admin; print the admin's TOTP enrolment."""
    prepare_database(ctx)

    def has_admin(session: Session) -> bool:
        return session.scalar(select(User.id).where(User.role == Role.ADMIN.value)) is not None

    if ctx.run(has_admin):
        click.echo("Un administrateur existe déjà / an admin already exists: nothing to do.")
        return
    if password is None:
        password = click.prompt(
            "Mot de passe / password", hide_input=True, confirmation_prompt=True
        )
    new_user = ctx.run(
        lambda session: create_user(
            session, username=username, password=password, role=Role.ADMIN, display_name=username
        )
    )
    click.echo(f"Administrateur créé / admin created: {new_user.user.username}")
    show_totp(new_user)


@click.command("demo")
@click.option("--seed-only", is_flag=True, help="Seed the demo fund and exit.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@pass_context
@refusals_as_messages
def demo(ctx: CliContext, seed_only: bool, host: str, port: int) -> None:
    """A demo fund that has lived a year: 3 shops, 48 households, twelve months of payments."""

    prepare_database(ctx, signing_key=False)
    credentials_file = ctx.settings.instance_dir / "demo-credentials.txt"
    exists = ctx.run(lambda s: s.scalar(select(User.id).where(User.username == DEMO_ADMIN)))
    if exists is None:
        password = secrets.token_urlsafe(12)
        click.echo("Douze mois de vie de la caisse / twelve months of the fund's life:", err=True)
        seeded = seed_demo(
            ctx.sessions,
            password=password,
            keystore=KeyStore(ctx.settings.key_dir),
            settings=ctx.settings.tokens,
            progress=_show_month,
        )
        _write_private(
            credentials_file,
            f"username: {DEMO_ADMIN}\npassword: {password}\n"
            f"totp_secret: {seeded.admin.user.totp_secret}\n"
            f"totp_uri: {seeded.admin.totp_uri}\n"
            f"participant: {seeded.participant_public_id}\n"
            f"participant_credential: {seeded.participant_credential}\n"
            f"till_credential: {seeded.till_credential}\n"
            + "".join(
                f"staff: {member.user.username} {member.user.role} {member.user.totp_secret}\n"
                for member in seeded.staff
            ),
        )
        click.echo(
            f"Fonds de démonstration créé / demo fund seeded: {seeded.participants} "
            f"participants, {seeded.shops} commerces/shops, {seeded.payments} "
            f"paiements/payments, mois/months {seeded.first_month} – {seeded.month}"
        )
        click.echo(f"Admin: {DEMO_ADMIN} / mot de passe-password: {password}")
        show_totp(seeded.admin)
    else:
        click.echo("Données de démonstration déjà présentes / demo data already present.")
    ensure_signing_key(ctx)  # the demo's own, or one made now for a fund that has none
    click.echo(f"Identifiants / credentials: {credentials_file}")
    click.echo(
        f"Console: http://{host}:{port}/console/  (code à 6 chiffres / 6-digit code:"
        " caisse demo-code admin ; autres rôles / other roles: coordination, comite, cagette)"
    )
    click.echo(
        "Application participant / participant app: "
        f"http://{host}:{port}{_demo_activation_path(ctx)}"
    )
    if not seed_only:
        start_demo_till(ctx, server_url=f"http://{host}:{port}")
        # a sample bank account for the fund, so that the demo's payouts export a SEPA file
        account = ctx.settings.fund_account
        sample = {
            f"fund_{name}": getattr(account, name) or value
            for name, value in DEMO_FUND_ACCOUNT.items()
        }
        serve_app(ctx, host=host, port=port, workers=2, overrides=sample)


def _show_month(month: "MonthFigures") -> None:
    """One line per month seeded, on stderr: the seeding takes a few seconds."""
    click.echo(
        f"  {month.month}  {month.households:3d} foyers/households  "
        f"{month.payments:4d} paiements/payments ({month.offline} hors ligne/offline, "
        f"{month.refunds} remboursements/refunds)  "
        f"{month.contributions:3d} cotisations/contributions",
        err=True,
    )


@click.command("demo-code")
@click.argument("username", default=DEMO_ADMIN_NAME)
@pass_context
def demo_code(ctx: CliContext, username: str) -> None:
    """The current 6-digit code of a DEMO account (read from the demo credentials file only)."""
    credentials_file = ctx.settings.instance_dir / "demo-credentials.txt"
    if not credentials_file.exists():
        raise click.ClickException(
            "Pas de fonds de démonstration ici : lancez « make demo ». / "
            "No demo fund here: run `make demo`."
        )
    secrets_by_user: dict[str, str] = {}
    lines = credentials_file.read_text().splitlines()
    for line in lines:
        key, _, value = line.partition(": ")
        if key == "totp_secret":
            secrets_by_user[DEMO_ADMIN_NAME] = value.strip()
        elif key == "staff":
            name, _role, secret = value.split()
            secrets_by_user[name] = secret
    if username not in secrets_by_user:
        raise click.ClickException(f"{username}: compte de démo inconnu / unknown demo account")
    click.echo(pyotp.TOTP(secrets_by_user[username]).now())


def _demo_activation_path(ctx: CliContext) -> str:
    """A fresh one-time activation link for the first demo participant."""

    code = ctx.run(lambda s: create_activation_code(s, first_participant(s), actor="demo").code)
    return ACTIVATION_PATH.format(code=code)


def start_demo_till(ctx: CliContext, *, server_url: str, port: int = 8700) -> None:
    """The cashier screen of the first demo shop on http://127.0.0.1:8700, in its own
    process: it pairs once the server answers (a fresh code if it never paired) and stops
    with the demo (same process group, so Ctrl-C reaches it)."""

    folder = ctx.settings.instance_dir / "pos"
    command = [sys.executable, "-m", "pos_client", "--data-dir", str(folder), "run"]
    command += ["--port", str(port)]
    if not (folder / "till.json").exists():
        code = ctx.run(lambda s: create_pairing_code(s, first_shop(s), actor="demo").code)
        command += ["--pair-server", server_url, "--pair-code", code, "--pair-name", "Caisse démo"]
    subprocess.Popen(command)  # noqa: S603 (our own interpreter and module)
    click.echo(f"Caisse / till: http://127.0.0.1:{port}/")


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("--workers", default=2, show_default=True)
@pass_context
def serve(ctx: CliContext, host: str, port: int, workers: int) -> None:
    """Serve the API with gunicorn."""
    prepare_database(ctx)
    serve_app(ctx, host=host, port=port, workers=workers)


def serve_app(
    ctx: CliContext, *, host: str, port: int, workers: int, overrides: dict[str, Any] | None = None
) -> None:
    overrides = {**(overrides or {}), "database_url": ctx.settings.database_url}

    def start_sweeper(worker: Any) -> None:
        # Each worker sweeps with its own connections (nothing crosses a fork); two sweeps
        # of the same hold are one, since the void's id is derived from the hold's.
        threading.Thread(
            target=sweep_periodically,
            daemon=True,
            name="hold-sweeper",
            kwargs={
                "session_factory": worker.wsgi.extensions["caisse.sessions"],
                "every_seconds": 60,
                "stop": threading.Event(),
                "sweep": lambda sessions: sweep_expired(sessions, ctx.settings.tokens),
            },
        ).start()

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", "-")
            self.cfg.set("post_worker_init", start_sweeper)

        def load(self) -> object:
            return create_app(overrides)

    click.echo(f"http://{host}:{port}/healthz")
    Server().run()


COMMANDS = [db_group, init, demo, demo_code, serve]
