"""The soak's table per endpoint and its JSON summary."""

from typing import Any

from bench.report import cell, headline_run, table
from bench.soak.checks import SAMPLES, SoakRun
from bench.soak.fixture import (
    ALLOCATED_MONTH,
    OFFLINE_TILLS,
    ONLINE_TILLS,
    PARTICIPANTS,
    PHONES,
)
from bench.soak.monitor import SLICES
from bench.soak.traffic import OFFLINE_BATCH

NAME = "soak"


def summary(runs: list[SoakRun], seconds: int) -> dict[str, Any]:
    headline = headline_run(runs)
    figures = headline.as_dict() if headline else {}
    return {
        "bench": NAME,
        "seconds": seconds,
        "db": headline.db if headline else None,
        "ok": all(run.status != "failed" for run in runs),
        "requests": figures.get("requests"),
        "errors": figures.get("errors"),
        "ledger_ok": figures.get("ledger_ok"),
        "allocation_ok": figures.get("allocation_ok"),
        "money_ok": figures.get("money_ok"),
        "endpoints": figures.get("endpoints", {}),
        "per_second_by_slice": figures.get("per_second_by_slice"),
        "server_cpu_ms_by_slice": figures.get("server_cpu_ms_by_slice"),
        "allocation": figures.get("allocation"),
        "runs": [run.as_dict() for run in runs],
    }


def _endpoint_table(run: SoakRun) -> list[str]:
    rows = [
        [
            name,
            cell(figures["count"]),
            cell(figures["errors"]),
            cell(figures["per_second"], 1),
            cell(figures["p50_ms"], 1),
            cell(figures["p99_ms"], 1),
        ]
        for name, figures in run.endpoints().items()
    ]
    load = run.load
    if load is not None:
        rows.append(
            [
                "all",
                cell(run.requests),
                cell(run.errors),
                cell((run.requests or 0) / load.seconds if load.seconds > 0 else None, 1),
                "",
                "",
            ]
        )
    return table(["endpoint", "requests", "errors", "req/s", "p50 ms", "p99 ms"], rows, left=1)


def _verdict(value: bool | None) -> str:
    return "-" if value is None else ("ok" if value else "FAILED")


def _run_lines(run: SoakRun) -> list[str]:
    lines = [f"{run.db}: {run.status}"]
    load, allocation = run.load, run.allocation
    if load is not None:
        lines += _endpoint_table(run)
        lines.append(
            f"  payments accepted: {load.successes:,} for {load.amount_cents:,} cents; "
            f"redemptions stored {cell(run.stored_redemptions)}, shops credited "
            f"{cell(run.credited_cents)} cents, conflicts {cell(run.conflicts)}: "
            f"money {_verdict(run.money_ok)}"
        )
    if run.slices:
        rates = ", ".join(cell(piece.per_second, 1) for piece in run.slices)
        costs = ", ".join(cell(piece.server_cpu_ms, 1) for piece in run.slices)
        lines.append(
            f"  by {SLICES} equal slices of the run: req/s {rates}; "
            f"gunicorn CPU ms per request {costs}"
        )
    if allocation is not None:
        timing = allocation.as_dict()
        lines.append(
            f"  caisse allocate --month {allocation.month}: started at "
            f"{cell(allocation.started_s, 1)} s, took {cell(timing['seconds'], 1)} s, "
            f"{cell(run.allocated_wallets)}/{PARTICIPANTS:,} wallets, "
            f"{cell(allocation.requests_during)} requests answered meanwhile: "
            f"{_verdict(run.allocation_ok)}"
        )
    if run.ledger is not None:
        verdict = run.ledger.json() or {}
        lines.append(
            f"  caisse ledger verify: {_verdict(run.ledger_ok)} "
            f"({cell(verdict.get('accounts'))} accounts, "
            f"{cell(verdict.get('transfers'))} transfers)"
        )
    if load is not None:
        lines.append(
            f"  load generator {cell(load.client_cores, 2)} cores, gunicorn "
            f"{cell(run.server_cores, 2)} cores; setup {cell(run.setup_seconds, 1)} s"
        )
        lines += [f"  error: {kind} × {count}" for kind, count in load.errors.most_common()]
        lines += [f"  sample: {sample}" for sample in load.samples[:SAMPLES]]
    if run.reason:
        lines.append(f"  {run.status}: {run.reason}")
    return lines


def report_lines(runs: list[SoakRun], seconds: int) -> list[str]:
    header = (
        f"{NAME}: {seconds} s of mixed load through gunicorn (2 workers): {ONLINE_TILLS} "
        f"online tills, {OFFLINE_TILLS} offline tills syncing batches of {OFFLINE_BATCH}, 1 "
        f"app reader, {PHONES} phones; caisse allocate --month {ALLOCATED_MONTH} for "
        f"{PARTICIPANTS:,} wallets half-way; latencies in ms"
    )
    return [header, *(line for run in runs for line in _run_lines(run))]
