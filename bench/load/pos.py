"""The till: offline acceptance latency, and store-and-forward sync throughput.

Offline acceptance is what a cashier waits for when the line is down: `Till.pay` with the
server known to be out of reach, i.e. parse, signature against the cached keyset, expiry,
blocklist, this till's journal and limits, then the journal insert with its fsync
(synchronous=FULL), over 2,000 scans of distinct pay codes. Its baseline, in the same run
and the same folder: a bare insert into a SQLite file with the same pragmas, i.e. the cost
of the durable write alone.

Sync is what a till does when the line comes back after a long day offline: N redemptions
already in its journal (10,000; not timed) uploaded by `Sync.once()` in batches of 100 to
gunicorn (2 workers) on PostgreSQL, then SQLite. Its baseline, same server, same run: as
many sequential GET /healthz round trips as there were batches, from the same client, so
the per-request cost of HTTP and the database connection is visible next to the batches'.
Checks (failing the run): every entry synced and accepted, the server holds exactly N
redemptions crediting the shop N payments, `ledger verify` passes.
"""

import statistics
import tempfile
import time
import traceback
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bench.core import BenchReport, RunConfig, figure
from bench.databases import DatabaseUnavailable, open_database
from bench.percentiles import rounded_rank
from bench.report import headline_run, table
from bench.server import gunicorn
from offline_rules import OfflineLimits
from paytoken import (
    FLAG_OFFLINE,
    KeyEntry,
    Keyset,
    PaymentClaims,
    SigningKey,
    issue_token,
    unverified_claims,
)
from pos_client.journal import Journal, JournalState
from pos_client.pairing import pair
from pos_client.sync import Sync
from pos_client.till import Till
from pos_client.tillfiles import Pairing, TillFiles
from testsupport.fund import add_signing_key, approved_shop, funded_participants, pairing_codes
from wallet_server import migrations
from wallet_server.config import TokenSettings
from wallet_server.db import make_engine, make_session_factory
from wallet_server.ledger import Account
from wallet_server.ledger import verify as verify_ledger
from wallet_server.pos.limits import record_contact
from wallet_server.pos.models import PosDevice, Redemption
from wallet_server.tokens.keystore import KeyStore
from wallet_server.tokens.operations import (
    current_signing_key,
    draft_pay_code,
    reserve_pay_code,
)

NAME = "pos"
SCHEMA = "bench_pos"
ACTOR = "bench"
SCANS = 2_000
QUICK_SCANS = 300
CODES_PER_WALLET = 20
CAP_CENTS = 2_000
TARGET_P99_MS = 10.0
TARGET_SYNC_PER_S = 500.0


# --- offline acceptance --------------------------------------------------------------------


def offline_acceptance(scans: int) -> dict[str, float]:
    """p50/p99 of Till.pay offline, and of a bare durable insert, in milliseconds."""
    key = SigningKey.generate()
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="caisse-bench-pos-") as folder:
        files = TillFiles(Path(folder) / "till")
        files.create()
        files.save_keyset(
            {
                "keys": Keyset([KeyEntry(key.public_key, now - timedelta(days=1))]).as_json(),
                "digest": "",
            }
        )
        files.extend_blocklist([], 0)
        files.save_policy(OfflineLimits(max_count=scans + 1, max_total_cents=10**12).__dict__)
        files.save_last_sync(now)
        # port 9 (discard) on loopback: never listened on, and the till is told it is offline
        files.save_pairing(Pairing("http://127.0.0.1:9/", "bench", 1, "bench", "S-BENCH", "Bench"))
        till = Till(files)
        codes = [_offline_code(key, now) for _ in range(scans)]
        accept_ms: list[float] = []
        for code in codes:
            till.lost_server()
            start = time.perf_counter()
            outcome = till.pay(code, 100)
            accept_ms.append((time.perf_counter() - start) * 1000)
            if not outcome.accepted:
                raise RuntimeError(f"offline payment refused: {outcome.code}")
        till.close()
        insert_ms = _bare_inserts(Path(folder) / "baseline.sqlite3", scans)
    return {
        "offline_accept_p50_ms": rounded_rank(accept_ms, 50),
        "offline_accept_p99_ms": rounded_rank(accept_ms, 99),
        "offline_accept_mean_ms": statistics.fmean(accept_ms),
        "baseline_insert_p50_ms": rounded_rank(insert_ms, 50),
        "baseline_insert_p99_ms": rounded_rank(insert_ms, 99),
    }


def _offline_code(key: SigningKey, now: datetime) -> str:
    claims = PaymentClaims.new(
        wallet="P-BENC-H000",
        cap_cents=CAP_CENTS,
        issued_at=int(now.timestamp()),
        expires_at=int((now + timedelta(hours=24)).timestamp()),
        flags=FLAG_OFFLINE,
    )
    return issue_token(claims, key)


def _bare_inserts(path: Path, count: int) -> list[float]:
    journal = Journal(path)  # the same pragmas and schema
    timings: list[float] = []
    now = datetime.now(UTC)
    for index in range(count):
        start = time.perf_counter()
        journal.record(
            redemption_id=f"baseline-{index:08d}",
            kind="redemption",
            amount_cents=100,
            captured_at=now,
            mode="offline",
        )
        timings.append((time.perf_counter() - start) * 1000)
    journal.close()
    return timings


# --- sync ----------------------------------------------------------------------------------


@dataclass
class SyncRun:
    db: str
    redemptions: int
    status: str = "ok"
    reason: str = ""
    setup_seconds: float | None = None
    sync_seconds: float | None = None
    healthz_per_s: float | None = None
    batches: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def sync_per_s(self) -> float | None:
        return self.redemptions / self.sync_seconds if self.sync_seconds else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "db": self.db,
            "status": self.status,
            "redemptions": self.redemptions,
            "batches": self.batches,
            "sync_seconds": figure(self.sync_seconds),
            "sync_per_s": figure(self.sync_per_s),
            "healthz_per_s": figure(self.healthz_per_s),
            "batches_per_s": figure(
                self.batches / self.sync_seconds if self.sync_seconds else None
            ),
            "setup_seconds": figure(self.setup_seconds),
            "reason": self.reason or None,
        }


def _seed(session: Session, key_dir: Path, count: int) -> tuple[str, list[str]]:
    """A shop with a pairing code, and `count` offline pay codes held on funded wallets."""
    wallets = -(-count // CODES_PER_WALLET)
    people = funded_participants(session, wallets, CODES_PER_WALLET * CAP_CENTS, actor=ACTOR)
    [code] = pairing_codes(session, approved_shop(session, "Bench shop"), 1, actor=ACTOR)
    add_signing_key(session, key_dir)
    signer = current_signing_key(session, KeyStore(key_dir))
    settings = TokenSettings(cap_cents=CAP_CENTS, max_outstanding=CODES_PER_WALLET)
    tokens: list[str] = []
    for person in people:
        for _ in range(CODES_PER_WALLET):
            if len(tokens) == count:
                break
            draft = draft_pay_code(session, person, signer=signer, settings=settings, offline=True)
            reserve_pay_code(session, person, draft, settings=settings)
            tokens.append(draft.text)
    return code, tokens


def _queue(files: TillFiles, tokens: list[str], device_id: int) -> None:
    """A day offline: every code journaled as the till does, to be synced."""

    journal = files.open_journal()
    now = datetime.now(UTC)
    for token in tokens:
        journal.record(
            redemption_id=f"{device_id}-rd-{uuid.uuid4().hex}",
            kind="redemption",
            token=token,
            token_id=unverified_claims(token).token_id.hex(),
            amount_cents=CAP_CENTS // 2,
            captured_at=now,
            mode="offline",
        )
    journal.close()


def _healthz_per_s(url: str, requests: int) -> float:
    start = time.perf_counter()
    for _ in range(requests):
        with urllib.request.urlopen(f"{url}/healthz", timeout=10) as response:  # nosec B310
            response.read()
    return requests / (time.perf_counter() - start)


def _measure_sync(db: str, url: str, config: RunConfig) -> SyncRun:
    run, log = SyncRun(db=db, redemptions=config.size), config.log
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    try:
        with tempfile.TemporaryDirectory(prefix="caisse-bench-pos-") as folder:
            instance = Path(folder)
            log(f"[{NAME}/{db}] setup: schema, {config.size} offline pay codes, a till")
            start = time.perf_counter()
            migrations.upgrade(url)
            with sessions() as session:
                code, tokens = _seed(session, instance / "keys", config.size)
                session.commit()
            with gunicorn(url, instance, workers=2, log=log) as server:
                base = f"http://{server.host}:{server.port}"
                pairing = pair(base, code, name="bench", folder=instance / "till")
                with sessions() as session:
                    device = session.get(PosDevice, pairing.device_id)
                    assert device is not None
                    device.offline_max_count = config.size
                    device.offline_max_total_cents = config.size * CAP_CENTS
                    # as if the till had been told these limits at its pairing: the server
                    # judges an offline stretch by the limits of the contact that began it
                    assert device.contact_at is not None
                    record_contact(device, now=device.contact_at)
                    session.commit()
                files = TillFiles(instance / "till")
                _queue(files, tokens, pairing.device_id)
                run.setup_seconds = time.perf_counter() - start
                till = Till(files, online_timeout=30)
                sync = Sync(till)
                log(f"[{NAME}/{db}] sync of {config.size} queued redemptions")
                start = time.perf_counter()
                report = sync.once()
                run.sync_seconds = time.perf_counter() - start
                run.batches = -(-config.size // sync.batch_size)
                run.healthz_per_s = _healthz_per_s(base, max(run.batches, 50))
                _check(run, report.as_json(), till, sessions, pairing.device_id)
                till.close()
    finally:
        engine.dispose()
    if run.problems:
        run.status, run.reason = "failed", "; ".join(run.problems)
    return run


def _check(run: SyncRun, report: dict[str, Any], till: Till, sessions: Any, device: int) -> None:
    if report["accepted"] != run.redemptions or report["unsynced_count"] != 0:
        run.problems.append(f"sync report {report}")
    states = {e.state for e in till.journal.all_entries()}
    if states != {JournalState.SYNCED}:
        run.problems.append(f"journal states {states}")
    with sessions() as session:
        stored = session.scalar(
            select(func.count()).select_from(Redemption).where(Redemption.device_id == device)
        )
        shop_credit = session.scalar(
            select(func.sum(Account.credits_posted)).where(Account.code.like("shop:%"))
        )
        verified = verify_ledger(session)
    if stored != run.redemptions:
        run.problems.append(f"{stored} redemptions stored, {run.redemptions} queued")
    if shop_credit != run.redemptions * (CAP_CENTS // 2):
        run.problems.append(f"shop credited {shop_credit}")
    if not verified.ok:
        run.problems.append("ledger verify failed")


def _sync_on(db: str, config: RunConfig) -> SyncRun:
    try:
        with open_database(db, config.log, schema=SCHEMA) as url:
            return _measure_sync(db, url, config)
    except DatabaseUnavailable as error:
        return SyncRun(db=db, redemptions=config.size, status="skipped", reason=str(error))
    except Exception as error:
        config.log(traceback.format_exc(limit=8)[-4000:])
        return SyncRun(db=db, redemptions=config.size, status="failed", reason=repr(error)[:600])


def run(config: RunConfig) -> BenchReport:
    scans = QUICK_SCANS if config.quick else SCANS
    config.log(f"[{NAME}] offline acceptance over {scans} scans")
    offline = offline_acceptance(scans)
    runs = [_sync_on(db, config) for db in config.databases]
    headline = headline_run(runs)
    summary = {
        "bench": NAME,
        "offline_accept_p50_ms": figure(offline["offline_accept_p50_ms"]),
        "offline_accept_p99_ms": figure(offline["offline_accept_p99_ms"]),
        "sync_per_s": figure(headline.sync_per_s) if headline else None,
        "sync_db": headline.db if headline else None,
        "scans": scans,
        "baseline_insert_p50_ms": figure(offline["baseline_insert_p50_ms"]),
        "baseline_insert_p99_ms": figure(offline["baseline_insert_p99_ms"]),
        "runs": [r.as_dict() for r in runs],
    }
    lines = [
        f"{NAME}: offline acceptance over {scans} scans (target p99 ≤ {TARGET_P99_MS:.0f} ms); "
        f"sync of {config.size} queued redemptions (target ≥ {TARGET_SYNC_PER_S:.0f}/s on "
        "PostgreSQL)",
        *table(
            ["measure", "p50 ms", "p99 ms", "target"],
            [
                [
                    "offline accept (Till.pay)",
                    f"{offline['offline_accept_p50_ms']:.2f}",
                    f"{offline['offline_accept_p99_ms']:.2f}",
                    "met" if offline["offline_accept_p99_ms"] <= TARGET_P99_MS else "MISSED",
                ],
                [
                    "baseline: durable insert",
                    f"{offline['baseline_insert_p50_ms']:.2f}",
                    f"{offline['baseline_insert_p99_ms']:.2f}",
                    "",
                ],
            ],
        ),
        *table(
            ["db", "status", "synced/s", "seconds", "batches", "healthz/s (1 client)", "target"],
            [
                [
                    r.db,
                    r.status,
                    "-" if r.sync_per_s is None else f"{r.sync_per_s:,.0f}",
                    "-" if r.sync_seconds is None else f"{r.sync_seconds:.1f}",
                    str(r.batches),
                    "-" if r.healthz_per_s is None else f"{r.healthz_per_s:,.0f}",
                    "-"
                    if r.sync_per_s is None
                    else ("met" if r.sync_per_s >= TARGET_SYNC_PER_S else "MISSED"),
                ]
                for r in runs
            ],
            left=2,
        ),
        *[f"{r.db} {r.status}: {r.reason}" for r in runs if r.reason],
    ]
    return BenchReport(
        name=NAME, summary=summary, lines=lines, ok=all(r.status != "failed" for r in runs)
    )
