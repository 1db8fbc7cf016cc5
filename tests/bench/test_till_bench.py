"""The browser till's benchmark, quick and on SQLite: Chromium pairs, takes the scans
offline, syncs them, and every figure the report gives is there."""

import bench.browser.till
from bench.core import RunConfig
from tests.system_programs import require


def test_a_quick_till_run_accepts_every_scan_and_syncs_every_queued_payment(monkeypatch):
    monkeypatch.setattr(bench.browser.till, "CHROMIUM", require("chromium"))

    report = bench.browser.till.run(
        RunConfig(size=20, databases=("sqlite",), quick=True, log=lambda _: None)
    )

    summary = report.summary
    assert report.ok, summary
    assert summary["problems"] == []
    assert summary["accepted"] == summary["scans"] == 20
    assert summary["synced"] == summary["queued"] == bench.browser.till.QUICK_QUEUED
    for measure in (
        "first_load_bytes",
        "first_load_kb",
        "offline_accept_p50_ms",
        "offline_accept_p99_ms",
        "offline_accept_max_ms",
        "sync_seconds",
        "sync_per_s",
    ):
        assert summary[measure] > 0, measure
    assert summary["offline_accept_p50_ms"] <= summary["offline_accept_p99_ms"]
    assert {"till/app.js", "till/offline_rules.js"} <= set(summary["files"])
