"""`caisse-pos`: pair a till, run the cashier screen with its sync worker, sync, status,
report. Refusals are printed in French and English and exit with status 2."""

import json
import signal
import sys
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import click
from werkzeug.serving import make_server

from pos_client.pairing import AlreadyPaired, pair
from pos_client.report import day_report
from pos_client.server import ServerClient, ServerRefused, ServerUnreachable
from pos_client.sync import ATTEMPT_SETTLED, Sync, SyncWorker
from pos_client.till import Till
from pos_client.tillfiles import DEFAULT_DIR, NotPaired, TillFiles
from pos_client.web import create_cashier_app


def _euros(cents: int) -> str:
    units, rest = divmod(abs(cents), 100)
    return f"{'-' if cents < 0 else ''}{units},{rest:02d} €"


def _refuse(fr: str, en: str) -> None:
    click.echo(f"Refusé / Refused: {fr} / {en}", err=True)
    sys.exit(2)


def _open_till(folder: Path, timeout: float = 3.0) -> Till:
    try:
        return Till(TillFiles(folder), online_timeout=timeout)
    except NotPaired:
        _refuse(
            f"cette caisse n'est pas appairée ({folder}) : lancez « caisse-pos pair »",
            f"this till is not paired ({folder}): run 'caisse-pos pair'",
        )
        raise  # unreachable: _refuse exits


@click.group()
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_DIR,
    show_default="$CAISSE_POS_DIR or ~/.local/share/caisse-pos",
    help="Where the till keeps its credential, caches and journal.",
)
@click.pass_context
def main(ctx: click.Context, data_dir: Path) -> None:
    """Caisse Commune till (point of sale)."""
    ctx.obj = data_dir


@main.command("pair")
@click.option("--server", "server_url", required=True, help="The wallet server, https://…")
@click.option("--code", required=True, help="The one-time pairing code from the coordinators.")
@click.option("--name", default="", help="A name for this till, e.g. 'Caisse 1'.")
@click.option("--replace", is_flag=True, help="Replace an existing pairing in this folder.")
@click.pass_obj
def pair_command(folder: Path, server_url: str, code: str, name: str, replace: bool) -> None:
    """Pair this till with a shop, using a one-time code."""
    try:
        pairing = pair(server_url, code, name=name, folder=folder, replace=replace)
    except AlreadyPaired:
        _refuse(
            "cette caisse est déjà appairée (--replace pour recommencer)",
            "this till is already paired (--replace to start over)",
        )
        return
    except ValueError as error:
        _refuse(f"adresse du serveur invalide : {error}", f"invalid server address: {error}")
        return
    except ServerUnreachable as error:
        _refuse(f"serveur injoignable ({error})", f"server unreachable ({error})")
        return
    except ServerRefused as refusal:
        _refuse(refusal.messages.get("fr", refusal.code), refusal.messages.get("en", refusal.code))
        return
    click.echo(
        f"Caisse appairée / till paired: {pairing.shop_name} ({pairing.shop_public_id}),"
        f" appareil / device {pairing.device_id}"
    )


@main.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8700, show_default=True, type=int)
@click.option("--sync-interval", default=15.0, show_default=True, help="Seconds between syncs.")
@click.option("--online-timeout", default=3.0, show_default=True, help="Seconds to wait online.")
@click.option("--pair-server", default=None, help="Pair first with this server, if not paired.")
@click.option("--pair-code", default=None, help="The pairing code for --pair-server.")
@click.option("--pair-name", default="", help="A name for this till, when pairing.")
@click.pass_obj
def run_command(
    folder: Path,
    host: str,
    port: int,
    sync_interval: float,
    online_timeout: float,
    pair_server: str | None,
    pair_code: str | None,
    pair_name: str,
) -> None:
    """The cashier screen on http://HOST:PORT and the background sync."""

    if pair_server and pair_code and not TillFiles(folder).is_paired():
        _pair_when_reachable(folder, pair_server, pair_code, pair_name)
    till = _open_till(folder, online_timeout)
    worker = SyncWorker(Sync(till), interval=sync_interval)
    server = make_server(host, port, create_cashier_app(till), threaded=True)

    def shutdown(signum: int, frame: Any) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    worker.start()
    click.echo(f"Caisse / till: http://{host}:{port}/  ({till.pairing.shop_name})", err=True)
    try:
        server.serve_forever()
    finally:
        worker.stop()
        worker.join(timeout=10)
        till.close()


def _pair_when_reachable(folder: Path, server_url: str, code: str, name: str) -> None:
    """Pair as soon as the server answers (it may be starting beside us), for a minute."""

    for _ in range(60):
        try:
            pair(server_url, code, name=name, folder=folder)
            return
        except ServerUnreachable:
            time.sleep(1)
        except ServerRefused as refusal:
            _refuse(refusal.messages.get("fr", refusal.code), refusal.messages.get("en", ""))
    _refuse("serveur injoignable", "server unreachable")


@main.command("sync")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.option(
    "--settle-after",
    default=int(ATTEMPT_SETTLED.total_seconds()),
    show_default=True,
    help="Age in seconds after which an unanswered attempt is settled with the server;"
    " lower it only when no cashier screen is running.",
)
@click.pass_obj
def sync_command(folder: Path, as_json: bool, settle_after: int) -> None:
    """Send the journal to the server now and refresh keys, blocklist and limits."""
    till = _open_till(folder, timeout=10)
    report = Sync(till, attempt_settled=timedelta(seconds=settle_after)).once()
    till.close()
    if as_json:
        click.echo(json.dumps(report.as_json()))
    else:
        click.echo(
            f"{'en ligne / online' if report.online else 'hors ligne / offline'}:"
            f" {report.uploaded} envoyés / sent, {report.conflicts} conflits / conflicts,"
            f" {report.rejected} refusés / rejected, {report.refunds} remboursements / refunds;"
            f" reste / left {report.unsynced_count} ({_euros(report.unsynced_cents)})"
        )
        if report.error:
            click.echo(f"  {report.error}", err=True)
    sys.exit(0 if report.online and report.error is None else 1)


@main.command("status")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.pass_obj
def status_command(folder: Path, as_json: bool) -> None:
    """Online?, last sync, what is left to send."""
    files = TillFiles(folder)
    till = _open_till(folder)
    count, cents = till.journal.pending_totals()
    client = ServerClient(till.pairing.server_url, till.pairing.credential, timeout=3)
    try:
        client.heartbeat(count, cents, synced=False)
        online = True
    except (ServerUnreachable, ServerRefused):
        online = False
    last_sync = files.last_sync()
    till.close()
    status = {
        "online": online,
        "shop_name": till.pairing.shop_name,
        "device_id": till.pairing.device_id,
        "last_sync_at": last_sync.isoformat() if last_sync else None,
        "unsynced_count": count,
        "unsynced_cents": cents,
    }
    if as_json:
        click.echo(json.dumps(status))
        return
    click.echo(
        f"{till.pairing.shop_name}: {'en ligne / online' if online else 'hors ligne / offline'}\n"
        f"dernière synchro / last sync: {status['last_sync_at'] or '-'}\n"
        f"à envoyer / to send: {count} ({_euros(cents)})"
    )


@main.command("report")
@click.option("--day", default=None, help="YYYY-MM-DD (default: today)")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.pass_obj
def report_command(folder: Path, day: str | None, as_json: bool) -> None:
    """The end-of-day report of this till."""
    try:
        chosen = date.fromisoformat(day) if day else datetime.now().astimezone().date()
    except ValueError:
        _refuse("date invalide, attendu AAAA-MM-JJ", "invalid date, expected YYYY-MM-DD")
        return
    till = _open_till(folder)
    report = day_report(till.journal, chosen)
    till.close()
    if as_json:
        click.echo(json.dumps(report.as_json()))
        return
    click.echo(f"{till.pairing.shop_name} — {report.day}")
    rows = [
        ("Paiements / payments", report.payments_count, report.payments_cents),
        ("  envoyés / synced", report.synced_count, report.synced_cents),
        ("  à envoyer / to send", report.unsynced_count, report.unsynced_cents),
        ("Remboursements / refunds", report.refunds_count, report.refunds_cents),
    ]
    for label, count, cents in rows:
        click.echo(f"{label:<28} {count:>5}  {_euros(cents):>12}")
    click.echo(f"{'Refusés au serveur / rejected':<28} {report.rejected_count:>5}")
    click.echo(f"{'Conflits / conflicts':<28} {report.conflict_count:>5}")
