"""A real till process, killed with SIGKILL at random instants while it takes 200 payments
and the shop's line comes and goes: nothing it showed as accepted is lost or counted twice."""

import json
import os
import random
import subprocess
import sys
import threading
from collections import Counter

import pytest
from sqlalchemy import select

from pos_client.journal import Journal, JournalState
from pos_client.pairing import pair
from pos_client.sync import Sync
from pos_client.till import Till
from pos_client.tillfiles import TillFiles
from tests.payments import new_signing_key, new_wallet, payment_app
from tests.pos_client.conftest import pairing_code, pay_code, set_limits
from tests.pos_client.live import LiveServer, Network, TillProcess, free_port
from wallet_server.ledger import Account, verify
from wallet_server.pos.models import Redemption, Refund

PAYMENTS = 200
KILLS = 6


@pytest.mark.slow
def test_sigkilled_till_loses_and_duplicates_nothing(db_url, tmp_path, sessions):
    app = payment_app(db_url, tmp_path / "server", token_cap_cents=1_000, token_max_outstanding=10)
    new_signing_key(sessions, tmp_path / "server")
    server = LiveServer(app)
    network = Network(server.port)
    client = app.test_client()
    code, shop_account = pairing_code(sessions, "La Cagette")
    folder = tmp_path / "till"
    pairing = pair(network.url, code, name="caisse", folder=folder)
    set_limits(sessions, pairing.device_id, max_count=10_000, max_total_cents=10_000_000)
    setup = Till(TillFiles(folder))
    assert Sync(setup).once().online  # the till starts with these limits
    setup.close()
    wallets = [new_wallet(sessions, balance=10_000) for _ in range(PAYMENTS // 10)]
    tokens = [pay_code(client, wallets[i % len(wallets)]) for i in range(PAYMENTS)]
    rng = random.Random(int(os.environ.get("CRASH_SEED", "7")))

    till = TillProcess(folder, free_port())
    till.start()
    stop_flapping = threading.Event()

    def flap() -> None:  # the shop's line: up, down, answers lost
        while not stop_flapping.is_set():
            network.state = rng.choice([Network.UP, Network.UP, Network.DOWN, Network.ANSWERS_LOST])
            stop_flapping.wait(rng.uniform(0.1, 0.5))

    flapper = threading.Thread(target=flap, daemon=True)
    flapper.start()
    kill_after = sorted(rng.sample(range(10, PAYMENTS), KILLS))
    shown_accepted: dict[str, int] = {}
    modes: Counter[str] = Counter()
    pending = list(enumerate(tokens))
    kills = 0
    try:
        while pending:
            index, token = pending.pop(0)
            if kills < KILLS and index >= kill_after[kills]:
                # kill while a payment is in flight, at a random instant
                killer = threading.Timer(rng.uniform(0.0, 0.05), till.kill)
                killer.start()
                answer = till.pay(token, 100 + index)
                killer.join()
                kills += 1
                till.start()
            else:
                answer = till.pay(token, 100 + index)
            if answer is None:
                pending.append((index, token))  # the cashier scans it again
            elif answer["result"] == "accepted":
                assert answer["redemption_id"] not in shown_accepted
                shown_accepted[answer["redemption_id"]] = answer["amount_cents"]
                modes[answer["mode"]] += 1
            else:
                modes[f"refused:{answer['code']}"] += 1
    finally:
        stop_flapping.set()
        flapper.join()
        network.state = Network.UP
        if till.process and till.process.poll() is None:
            till.kill()
    assert kills == KILLS
    assert modes["online"] > 0 and modes["offline"] > 0, modes  # both paths were taken

    for _ in range(5):  # the final sync, by the command a cashier would run
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pos_client",
                "--data-dir",
                str(folder),
                "sync",
                "--json",
                "--settle-after",
                "0",
            ],
            capture_output=True,
            check=False,
            text=True,
            timeout=120,
        )
        if json.loads(done.stdout.splitlines()[-1])["unsynced_count"] == 0:
            break
    assert json.loads(done.stdout.splitlines()[-1])["unsynced_count"] == 0, done.stdout

    journal = Journal(folder / "journal.sqlite3")
    entries = {e.redemption_id: e for e in journal.all_entries()}
    journal.close()
    with sessions() as session:
        redemptions = session.scalars(
            select(Redemption).where(Redemption.device_id == pairing.device_id)
        ).all()
        on_server = Counter(r.redemption_id for r in redemptions)
        refunded = sum(session.scalars(select(Refund.amount_cents)).all())
        shop = session.get(Account, shop_account)
        report = verify(session)
    assert report.ok, report
    assert max(on_server.values()) == 1
    amount_on_server = {r.redemption_id: r.amount_cents for r in redemptions}
    for redemption_id, amount in shown_accepted.items():
        assert on_server[redemption_id] == 1, redemption_id  # nothing shown is lost
        assert amount_on_server[redemption_id] == amount
    assert set(on_server) <= set(entries)  # nothing the till did not journal
    assert len({r.token_id for r in redemptions}) == len(redemptions)  # one use per code
    for redemption in redemptions:
        assert entries[redemption.redemption_id].state in (
            JournalState.SYNCED,
            JournalState.CONFLICT,
        )
        assert entries[redemption.redemption_id].amount_cents == redemption.amount_cents
    assert shop.balance == sum(r.amount_cents for r in redemptions) - refunded
    assert len(shown_accepted) >= PAYMENTS - 2 * KILLS, modes
    network.close()
    server.stop()
    app.extensions["caisse.engine"].dispose()
