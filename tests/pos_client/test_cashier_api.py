"""The cashier screen's JSON API (pos_client.web) on a till paired with a live server, and the
`caisse-pos` command in real subprocesses."""

import json
import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from paytoken import TokenError
from pos_client.messages import MESSAGES
from pos_client.web import create_cashier_app
from tests.pos_client.conftest import pairing_code, pay_code

HEADERS = {"X-Caisse-POS": "1"}


@pytest.fixture
def cashier(open_till):
    till, sync, _ = open_till()
    app = create_cashier_app(till)
    return app.test_client(), till, sync


def test_pay_recent_refund_report_and_status(cashier, client, wallet, network):
    screen, _, sync = cashier
    paid = screen.post(
        "/api/pay", json={"token": pay_code(client, wallet), "amount_cents": 2_000}, headers=HEADERS
    ).json
    assert paid["result"] == "accepted" and paid["mode"] == "online"
    refund = screen.post(
        "/api/refund",
        json={"redemption_id": paid["redemption_id"], "amount_cents": 500},
        headers=HEADERS,
    ).json
    assert refund["result"] == "accepted" and refund["message"]["fr"]
    with network.state_for(network.DOWN):
        offline = screen.post(
            "/api/pay",
            json={"token": pay_code(client, wallet), "amount_cents": 700},
            headers=HEADERS,
        ).json
        status = screen.get("/api/status").json
    assert offline["mode"] == "offline"
    assert (status["online"], status["unsynced_count"], status["unsynced_cents"]) == (False, 1, 700)
    [newest, oldest] = screen.get("/api/recent").json["payments"]
    assert (newest["state"], oldest["refunded_cents"]) == ("pending_sync", 500)
    today = datetime.now().astimezone().date().isoformat()
    report = screen.get(f"/api/report?day={today}").json
    assert (report["payments_count"], report["payments_cents"]) == (2, 2_700)
    assert (report["unsynced_count"], report["refunds_cents"]) == (1, 500)
    sync.once()
    assert screen.get(f"/api/report?day={today}").json["synced_cents"] == 2_700


def test_money_is_integer_cents_only(cashier, client, wallet):
    screen, _, _ = cashier
    token = pay_code(client, wallet)
    for amount in (12.4, "1240", True, None):
        answer = screen.post(
            "/api/pay",
            json={"token": token, "amount_cents": amount},
            headers=HEADERS,
        ).json
        assert answer["code"] == "amount_missing", amount


def test_a_problem_stays_on_screen_until_seen(cashier, client, wallet, network, sessions):
    screen, till, sync = cashier
    till.clock.offset = timedelta(minutes=30)  # far ahead: the server rejects it
    with network.state_for(network.DOWN):
        screen.post(
            "/api/pay",
            json={"token": pay_code(client, wallet), "amount_cents": 100},
            headers=HEADERS,
        )
    sync.once()
    [problem] = screen.get("/api/status").json["problems"]
    assert problem["state"] == "rejected" and problem["message"]["en"]
    screen.post(f"/api/problems/{problem['redemption_id']}/seen", headers=HEADERS)
    assert screen.get("/api/status").json["problems"] == []


def test_requests_from_elsewhere_are_refused(cashier):
    screen, _, _ = cashier
    assert screen.post("/api/pay", json={}).status_code == 403  # no header: another page
    assert screen.get("/api/status", headers={"Host": "evil.example"}).status_code == 403


def test_every_code_the_till_may_show_has_both_wordings():
    offline_codes = {
        "offline_too_long",
        "offline_limit",
        "token_online_only",
        "token_already_used",
        "amount_exceeds_cap",
    }
    for code in TokenError.CODES | offline_codes:
        assert MESSAGES[code].fr and MESSAGES[code].en, code


def _pos(folder, *args):
    return subprocess.run(
        [sys.executable, "-m", "pos_client", "--data-dir", str(folder), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_command_line_pair_status_report(network, sessions, tmp_path):
    folder = tmp_path / "till"
    refused = _pos(folder, "pair", "--server", network.url, "--code", "WRONG-CODE")
    assert refused.returncode == 2 and "Refusé / Refused" in refused.stderr
    assert "Traceback" not in refused.stderr
    not_paired = _pos(folder, "status")
    assert not_paired.returncode == 2 and "pair" in not_paired.stderr
    code, _ = pairing_code(sessions, "Marché")
    assert _pos(folder, "pair", "--server", network.url, "--code", code).returncode == 0
    again = _pos(folder, "pair", "--server", network.url, "--code", code)
    assert again.returncode == 2  # already paired
    status = json.loads(_pos(folder, "status", "--json").stdout)
    assert status["online"] is True and status["unsynced_count"] == 0
    report = json.loads(_pos(folder, "report", "--json", "--day", "2026-11-23").stdout)
    assert report["payments_count"] == 0
    assert _pos(folder, "report", "--day", "yesterday").returncode == 2
    with network.state_for(network.DOWN):
        assert json.loads(_pos(folder, "status", "--json").stdout)["online"] is False
        assert _pos(folder, "sync").returncode == 1
