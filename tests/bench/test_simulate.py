"""The seeded fault simulation, short: every fault kind strikes and nothing is lost or paid
twice, on SQLite and on PostgreSQL (real gunicorn, real till processes, real SIGKILLs); three
rogue tills of one shop cheat next to the honest ones and are never paid beyond their limits."""

import os
import random

import pytest

from bench.core import RunConfig
from bench.simulation.faults import (
    CLOCK_SKEW,
    DUPLICATE_SYNC,
    KINDS,
    MAX_SKEW_SECONDS,
    PARTITION,
    SERVER_RESTART,
    TILL_CRASH,
    plan_faults,
)
from bench.simulation.simulate import run

BACKENDS = ["sqlite", *(["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])]


def test_the_same_seed_plans_the_same_faults_and_every_kind_is_planned():
    first = plan_faults(random.Random(42), payments=2_000, tills=50, hosts=4)
    again = plan_faults(random.Random(42), payments=2_000, tills=50, hosts=4)
    other = plan_faults(random.Random(43), payments=2_000, tills=50, hosts=4)
    assert first == again
    assert first != other
    assert {fault.kind for fault in first} == set(KINDS)
    assert all(100 <= fault.at < 1_800 for fault in first)  # warm-up and cool-down are calm
    skews = [int(f.detail) for f in first if f.kind == CLOCK_SKEW]
    assert all(abs(skew) <= MAX_SKEW_SECONDS for skew in skews)


@pytest.mark.parametrize("db", BACKENDS)
def test_a_short_seeded_run_loses_nothing_pays_nothing_twice_nor_rogues_beyond_limits(db):
    options = {"seed": 11, "devices": 6, "rogues": 3}
    report = run(RunConfig(size=240, databases=(db,), options=options))
    outcome = report.summary["runs"][0]
    assert report.ok, "\n".join(report.lines)
    assert outcome["status"] == "ok"
    assert outcome["lost"] == 0 and outcome["duplicated"] == 0
    assert outcome["ledger_ok"] is True
    assert outcome["payments"] == 240
    assert outcome["accepted_offline"] > 0  # the partitions did send tills offline
    assert outcome["conflict_loss_cents"] <= outcome["exposure_cents"]
    struck = set(outcome["fault_kinds"])
    assert {PARTITION, TILL_CRASH, SERVER_RESTART, CLOCK_SKEW, DUPLICATE_SYNC} <= struck
    assert report.summary["payments"] == 240
    assert outcome["rogues"] == 3
    assert outcome["paid_beyond_limits"] == 0 and report.summary["paid_beyond_limits"] == 0
    refused = outcome["rogue_refused"]
    assert refused.get("token_already_used", 0) > 0  # replays
    assert refused.get("offline_limit", 0) > 0  # floods, amounts over the limit
    assert outcome["fund_loss_cents"] <= outcome["fund_exposure_cents"]
    assert "lost: 0, duplicated: 0, paid_beyond_limits: 0" in report.lines
