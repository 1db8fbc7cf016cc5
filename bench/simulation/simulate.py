"""`python -m bench simulate --seed N --devices 50 --payments 10000`: a seeded fault simulation.

In the spirit of TigerBeetle's VOPR, on the real thing: gunicorn and a real database, till
processes running the real `Till` and `Sync`, each behind a line that can fail. The seed
draws the workload and a fault plan (network partitions, till crashes by SIGKILL, server
restarts graceful or by SIGKILL, clock skew, duplicated and reordered syncs); after the
last payment every fault heals and every till syncs. Then the run checks (bench.simulation.checks)
that the books balance (`caisse ledger verify`, the real command), that every payment a
cashier saw accepted was credited once to its shop, that only recorded conflicts took a
wallet below zero, and that their loss stays within the worst-case exposure. Any failed
check fails the run (exit 1); the same seed replays the same plan.
"""

import json
import random
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.core import BenchReport, RunConfig
from bench.databases import DatabaseUnavailable, open_database
from bench.report import table
from bench.simulation.checks import Verdict, check, read_journals
from bench.simulation.faults import KINDS, plan_faults
from bench.simulation.fund import TOKEN_CAP_CENTS, cents_each, seed_fund
from bench.simulation.rogue_checks import RogueVerdict, check_rogues
from bench.simulation.rogue_till import ROGUE_LIMITS, RogueBook, RogueTill
from bench.simulation.run import Simulation, Tally
from bench.simulation.world import ServerControl, Tills
from pos_client.pairing import pair
from pos_client.server import ServerClient
from testsupport.network import Line
from wallet_server import migrations
from wallet_server.config import TokenSettings
from wallet_server.db import make_engine, make_session_factory
from wallet_server.pos.devices import set_offline_limits
from wallet_server.pos.models import PosDevice

NAME = "simulate"
SCHEMA = "bench_simulate"
#: till host processes: the machine has 2 cores, more would only queue
MAX_HOSTS = 4
SERVER_ENVIRONMENT = {"CAISSE_TOKEN_CAP_CENTS": str(TOKEN_CAP_CENTS)}


@dataclass
class SimRun:
    db: str
    seed: int
    status: str = "ok"
    reason: str = ""
    seconds: float | None = None
    tally: Tally | None = None
    verdict: Verdict | None = None
    rogues: int = 0
    rogue_verdict: RogueVerdict | None = None
    rogue_book: RogueBook | None = None
    ledger_ok: bool | None = None
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        tally, verdict = self.tally, self.verdict
        return {
            "db": self.db,
            "status": self.status,
            "seconds": None if self.seconds is None else round(self.seconds, 1),
            "payments": tally.attempted if tally else None,
            "accepted_online": tally.accepted["online"] if tally else None,
            "accepted_offline": tally.accepted["offline"] if tally else None,
            "faults": sum(tally.faults.values()) if tally else None,
            "fault_kinds": dict(tally.faults) if tally else None,
            "lost": verdict.lost if verdict else None,
            "duplicated": verdict.duplicated if verdict else None,
            "already_paid_at_shop": verdict.already_paid_at_shop if verdict else None,
            "conflicts": verdict.conflicts if verdict else None,
            "conflict_loss_cents": verdict.conflict_loss_cents if verdict else None,
            "exposure_cents": verdict.exposure_cents if verdict else None,
            **self._rogue_dict(),
            "ledger_ok": self.ledger_ok,
            "reason": self.reason or None,
        }

    def _rogue_dict(self) -> dict[str, Any]:
        rogue, book = self.rogue_verdict, self.rogue_book
        return {
            "rogues": self.rogues,
            "paid_beyond_limits": rogue.paid_beyond_limits if rogue else None,
            "rogue_refused": dict(sorted(rogue.refused.items())) if rogue else None,
            "rogue_tricks": dict(sorted(book.tricks.items())) if book else None,
            "rogue_honoured": rogue.honoured if rogue else None,
            "rogue_honoured_cents": rogue.honoured_cents if rogue else None,
            "rogue_conflict_cents": rogue.rogue_conflict_cents if rogue else None,
            "honest_conflict_after_rogue_cents": (
                rogue.honest_conflict_after_rogue_cents if rogue else None
            ),
            "conflict_cents": rogue.conflict_cents if rogue else None,
            "held_back_cents": rogue.held_back_cents if rogue else None,
            "fund_loss_cents": rogue.fund_loss_cents if rogue else None,
            "fund_exposure_cents": rogue.exposure_cents if rogue else None,
        }


def rogue_count(option: int, tills: int) -> int:
    """`--rogues`: as asked, or by default (-1) a tenth of the tills, at least 1 from 3."""
    if option >= 0:
        return option
    return max(1, tills // 10) if tills >= 3 else 0


def _ledger_verified(url: str) -> bool:
    """The real `caisse ledger verify`, in its own process, as an operator runs it."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from wallet_server.cli.main import main; main()",
            "ledger",
            "verify",
        ],
        env={"DATABASE_URL": url, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return done.returncode == 0


def _simulate(db: str, url: str, config: RunConfig, run: SimRun) -> None:
    seed, payments = run.seed, config.size
    tills_count = config.options.get("devices", 50)
    run.rogues = rogue_count(config.options.get("rogues", -1), tills_count)
    hosts = max(1, min(MAX_HOSTS, tills_count))
    participants = max(30, tills_count * 4)
    rng = random.Random(seed)
    faults = plan_faults(rng, payments=payments, tills=tills_count, hosts=hosts)
    log = config.log
    log(
        f"[{NAME}/{db}] seed {seed}: {tills_count} tills, {participants} participants, "
        f"{payments} payments, {len(faults)} faults planned"
    )
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    with tempfile.TemporaryDirectory(prefix="caisse-simulate-") as folder:
        instance = Path(folder)
        migrations.upgrade(url)
        with sessions() as session:
            fund = seed_fund(
                session,
                instance / "keys",
                tills=tills_count,
                participants=participants,
                cents_each=cents_each(payments, participants),
                rogues=run.rogues,
            )
            session.commit()
        server = ServerControl(url, instance, SERVER_ENVIRONMENT, log)
        port = server.start()
        lines = [Line(port) for _ in range(tills_count)]
        folders = [instance / f"till-{index:03d}" for index in range(tills_count)]
        tills = Tills(lines, folders, hosts, instance, log)
        try:
            for index, code in enumerate(fund.pairing_codes):
                pair(lines[index].url, code, name=f"Caisse {index}", folder=folders[index])
            for host in tills.hosts:
                tills.start_host(host)
            started = time.perf_counter()
            simulation = Simulation(
                rng=rng,
                server=server,
                tills=tills,
                phones=fund.phones,
                faults=faults,
                payments=payments,
                log=log,
                rogue_rng=random.Random(f"rogues:{seed}"),
            )
            run.rogue_book = RogueBook()
            simulation.rogues = _pair_rogues(server.url, sessions, fund, simulation, run.rogue_book)
            run.tally = simulation.run()
            run.seconds = time.perf_counter() - started
        finally:
            tills.close()
            device_ids = {}
            for path in folders:
                if (path / "till.json").exists():
                    device_ids[json.loads((path / "till.json").read_text())["device_id"]] = path
            server.stop()
        log(f"[{NAME}/{db}] checks")
        with sessions() as session:
            run.verdict = check(
                session,
                read_journals(device_ids),
                run.tally.shown_accepted,
                TokenSettings(cap_cents=TOKEN_CAP_CENTS),
                unjournaled=frozenset(w.device_id for w in run.rogue_book.windows),
            )
            run.rogue_verdict = check_rogues(session, run.rogue_book)
        run.ledger_ok = _ledger_verified(url)
    engine.dispose()
    run.problems += run.tally.errors + run.verdict.problems + run.rogue_verdict.problems
    run.problems += run.rogue_book.errors
    if not run.ledger_ok:
        run.problems.append("caisse ledger verify failed")
    if not run.verdict.ok or not run.rogue_verdict.ok or run.problems:
        run.status, run.reason = "failed", "; ".join(run.problems[:5])


def _pair_rogues(
    url: str, sessions: Any, fund: Any, simulation: Simulation, book: RogueBook
) -> list[RogueTill]:
    """Pair the rogue tills through the API, as honest ones are, then give them the rogue
    limits (a coordinator's change: each receives them at its first synced heartbeat)."""
    rogues = []
    for shop, codes in enumerate(fund.rogue_pairing_codes):
        seen_at_shop: list[Any] = []  # the codes this shop's colluding tills share
        for index, code in enumerate(codes):
            asked_at = datetime.now(UTC)
            till = ServerClient(url, timeout=15).pair(code, f"Caisse voyou {shop}.{index}")
            rogues.append(
                RogueTill(
                    device_id=int(till["device_id"]),
                    credential=till["credential"],
                    paired_at=asked_at,
                    pairing_limits=till["offline_limits"],
                    rng=random.Random(f"rogue:{simulation.rogue_rng.random()}"),
                    customers=fund.customers,
                    seen_at_shop=seen_at_shop,
                    shown_at_honest_shops=simulation.shown_codes,
                    book=book,
                )
            )
    with sessions() as session:
        for rogue in rogues:
            device = session.get(PosDevice, rogue.device_id)
            set_offline_limits(
                session, device, ROGUE_LIMITS, TokenSettings(cap_cents=TOKEN_CAP_CENTS)
            )
        session.commit()
    return rogues


def _run_on(db: str, config: RunConfig) -> SimRun:
    run = SimRun(db=db, seed=config.options.get("seed", 1))
    try:
        with open_database(db, config.log, schema=SCHEMA) as url:
            _simulate(db, url, config, run)
    except DatabaseUnavailable as error:
        run.status, run.reason = "skipped", str(error)
    except Exception as error:
        config.log(traceback.format_exc(limit=12)[-4000:])
        run.status, run.reason = "failed", repr(error)[:600]
    return run


def _lines(runs: list[SimRun], config: RunConfig) -> list[str]:
    lines = [
        f"{NAME}: seed {config.options.get('seed', 1)}, "
        f"{config.options.get('devices', 50)} tills, {config.size} payments",
        *table(
            [
                "db",
                "status",
                "payments",
                "online",
                "offline",
                "refused",
                "faults",
                "lost",
                "duplicated",
                "conflicts",
                "loss €",
                "exposure €",
                "rogues",
                "beyond limits",
                "rogue refused",
                "fund loss €",
                "fund exposure €",
                "ledger",
                "seconds",
            ],
            [_row(run) for run in runs],
        ),
    ]
    for run in runs:
        if run.tally is None:
            continue
        tally = run.tally
        lines.append("")
        lines.append(f"{run.db}: faults injected ({sum(tally.faults.values())})")
        lines += [f"  {kind}: {tally.faults[kind]}" for kind in KINDS]
        lines.append(f"  {', '.join(tally.fault_log)}")
        lines.append(
            f"{run.db}: refused {dict(tally.refused)}; unanswered (till killed) "
            f"{tally.unanswered}, tried again {tally.retried}; double spends tried "
            f"{tally.double_spends_tried}, accepted offline {tally.double_spends_accepted}; "
            f"refunds {dict(tally.refunds)}; syncs {tally.syncs}; replayed {dict(tally.replayed)}"
        )
        lines.append(
            f"{run.db}: seconds by phase "
            + ", ".join(f"{phase} {seconds:.1f}" for phase, seconds in tally.seconds.items())
        )
    for run in runs:
        lines += _rogue_lines(run)
    lines += [f"{run.db} {run.status}: {run.reason}" for run in runs if run.reason]
    for run in runs:
        lines += [f"  problem: {problem}" for problem in run.problems[:20]]
    return lines


def _rogue_lines(run: SimRun) -> list[str]:
    verdict, rogue, book = run.verdict, run.rogue_verdict, run.rogue_book
    if verdict is None or rogue is None or book is None:
        return []
    return [
        f"{run.db}: rogue tills {run.rogues}: tricks {dict(sorted(book.tricks.items()))}",
        f"{run.db}: rogue refused {sum(rogue.refused.values())}: "
        f"{dict(sorted(rogue.refused.items()))}",
        f"{run.db}: rogue honoured {rogue.honoured} payments, {_euros(rogue.honoured_cents)} €; "
        f"conflicts {_euros(rogue.conflict_cents)} € (rogues' "
        f"{_euros(rogue.rogue_conflict_cents)} €, honest tills' after a rogue was paid first "
        f"{_euros(rogue.honest_conflict_after_rogue_cents)} €); "
        f"held back {_euros(rogue.held_back_cents)} €",
        f"{run.db}: fund loss {_euros(rogue.fund_loss_cents)} € (wallets below zero less what "
        "the shops' payouts hold back for open conflicts, at most each shop's balance) "
        f"≤ exposure {_euros(rogue.exposure_cents)} € "
        "(Σ over active tills of min(max total, max count × max amount)): "
        + ("yes" if rogue.fund_loss_cents <= rogue.exposure_cents else "NO"),
        f"{run.db}: same-shop second uses refused, not lost (already_paid_at_shop): "
        f"{verdict.already_paid_at_shop}",
        f"lost: {verdict.lost}, duplicated: {verdict.duplicated}, "
        f"paid_beyond_limits: {rogue.paid_beyond_limits}",
    ]


def _euros(cents: int | None) -> str:
    return "-" if cents is None else f"{cents // 100},{cents % 100:02d}"


def _row(run: SimRun) -> list[str]:
    tally, verdict, rogue = run.tally, run.verdict, run.rogue_verdict
    return [
        run.db,
        run.status,
        str(tally.attempted) if tally else "-",
        str(tally.accepted["online"]) if tally else "-",
        str(tally.accepted["offline"]) if tally else "-",
        str(sum(tally.refused.values())) if tally else "-",
        str(sum(tally.faults.values())) if tally else "-",
        str(verdict.lost) if verdict else "-",
        str(verdict.duplicated) if verdict else "-",
        str(verdict.conflicts) if verdict else "-",
        _euros(verdict.conflict_loss_cents) if verdict else "-",
        _euros(verdict.exposure_cents) if verdict else "-",
        str(run.rogues),
        str(rogue.paid_beyond_limits) if rogue else "-",
        str(sum(rogue.refused.values())) if rogue else "-",
        _euros(rogue.fund_loss_cents) if rogue else "-",
        _euros(rogue.exposure_cents) if rogue else "-",
        {True: "ok", False: "FAILED", None: "-"}[run.ledger_ok],
        "-" if run.seconds is None else f"{run.seconds:.0f}",
    ]


def run(config: RunConfig) -> BenchReport:
    runs = [_run_on(db, config) for db in config.databases]
    done = [r for r in runs if r.tally is not None]
    headline = done[0] if done else None
    summary = {
        "bench": NAME,
        "seed": config.options.get("seed", 1),
        "devices": config.options.get("devices", 50),
        "payments": headline.tally.attempted if headline and headline.tally else 0,
        "faults": sum(headline.tally.faults.values()) if headline and headline.tally else 0,
        "lost": sum(r.verdict.lost for r in runs if r.verdict),
        "duplicated": sum(r.verdict.duplicated for r in runs if r.verdict),
        "paid_beyond_limits": sum(
            r.rogue_verdict.paid_beyond_limits for r in runs if r.rogue_verdict
        ),
        "rogue_refused": dict(
            sorted(
                sum((r.rogue_verdict.refused for r in runs if r.rogue_verdict), Counter()).items()
            )
        ),
        "runs": [r.as_dict() for r in runs],
    }
    return BenchReport(
        name=NAME,
        summary=summary,
        lines=_lines(runs, config),
        ok=all(r.status != "failed" for r in runs),
    )
