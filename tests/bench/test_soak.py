"""The soak benchmark, run for real and short: gunicorn, the mixed load, the allocation run
half-way through it, `caisse ledger verify`, and the money checks."""

import json
import os
from collections import Counter

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bench.core import RunConfig
from bench.load.clients import LoadResult
from bench.soak.checks import SoakRun, check
from bench.soak.cli import CommandResult
from bench.soak.fixture import ALLOCATED_MONTH, PARTICIPANTS
from bench.soak.soak import run, soak_databases
from bench.soak.traffic import ENDPOINTS, ISSUE

SOAK_DATABASES = ["sqlite", *(["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])]


@pytest.mark.slow
@pytest.mark.parametrize("db", SOAK_DATABASES)
def test_short_soak_has_no_error_verified_books_and_a_month_allocated_under_load(db: str) -> None:
    progress: list[str] = []
    report = run(RunConfig(size=8, databases=(db,), quick=True, log=progress.append))

    soak = report.summary["runs"][0]
    assert report.ok, soak["reason"]
    assert soak["status"] == "ok"  # not skipped: the database was there
    assert soak["errors"] == 0 and soak["error_kinds"] is None
    assert soak["ledger_ok"] is True
    assert soak["money_ok"] is True
    assert soak["accepted_payments"] > 0
    assert soak["stored_redemptions"] == soak["accepted_payments"]
    assert soak["credited_cents"] == soak["accepted_cents"]
    allocation = soak["allocation"]
    assert allocation["returncode"] == 0
    assert allocation["summary"]["allocated"] == PARTICIPANTS
    assert allocation["month"] == ALLOCATED_MONTH
    assert allocation["requests_during"] > 0
    assert soak["allocated_wallets"] == PARTICIPANTS
    assert set(soak["endpoints"]) == set(ENDPOINTS)
    assert all(figures["count"] > 0 for figures in soak["endpoints"].values())
    assert len(soak["per_second_by_slice"]) == 5
    summary = json.loads(json.dumps(report.summary))  # the command's last line
    assert summary["bench"] == "soak" and summary["db"] == db
    assert summary["errors"] == 0 and summary["ledger_ok"] is True
    assert any("requests" in line for line in progress)
    assert any(line.startswith(ISSUE) for line in report.lines)


def test_both_databases_mean_postgresql_and_one_asked_for_is_kept() -> None:
    assert soak_databases(RunConfig(size=1)) == ("postgresql",)
    assert soak_databases(RunConfig(size=1, databases=("sqlite",))) == ("sqlite",)


def test_checks_fail_on_errors_missing_traffic_unpaid_shops_and_no_allocation(
    sessions: sessionmaker[Session],
) -> None:
    soak = SoakRun(db="sqlite", seconds=1)
    soak.load = LoadResult(
        clients=1,
        seconds=1.0,
        successes=1,
        latencies={ISSUE: [0.01]},
        errors=Counter({f"{ISSUE} 500": 1}),
        samples=[f"{ISSUE} 500: boom"],
        amount_cents=250,
        client_cpu_seconds=0.0,
    )
    soak.ledger = CommandResult(1, '{"ok": false}', "")

    check(sessions, soak)

    found = "; ".join(soak.problems)
    assert "1 errors" in found
    assert "no traffic on POST /api/v1/pos/redemptions" in found
    assert "0 redemptions stored, 1 accepted by the clients" in found
    assert "shops credited 0 cents, clients paid 250" in found
    assert "the allocation never started" in found
    assert "caisse ledger verify failed" in found
    assert soak.money_ok is False and soak.ledger_ok is False
