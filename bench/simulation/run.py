"""One simulation run: payments across the tills, faults from the plan, then a full heal.

The run advances in ticks: each tick, every live till host takes one payment on one of its
tills (hosts run in parallel, one command at a time each), sometimes a refund or a sync.
Before a tick, the faults due strike and the healed ones end. A till host killed mid-payment
leaves the cashier without an answer: the cashier tries the same pay code again later.
"""

import random
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from bench.core import Log, Throttle
from bench.simulation.faults import (
    CLOCK_SKEW,
    DUPLICATE_SYNC,
    PARTITION,
    REORDERED_SYNC,
    SERVER_RESTART,
    TILL_CRASH,
    Fault,
)
from bench.simulation.fund import PayCode, Phone, pick_amount
from bench.simulation.rogue_till import RogueTill
from bench.simulation.tills import HostDied, TillHost
from bench.simulation.world import ServerControl, Tills
from pos_client.journal import Journal, JournalEntry, JournalState
from pos_client.server import ServerClient, ServerRefused, ServerUnreachable
from pos_client.till import redemption_body
from pos_client.tillfiles import TillFiles
from testsupport.network import UP

#: refusals after which the participant keeps the code and shows it again later
KEEP_CODE = {"offline_limit", "offline_too_long"}
#: how often a payment at a till whose line is down is a fraudster's second use of a code
FRAUD_AT_OFFLINE_TILL = 0.3
REFUND_RATE = 0.02
SYNC_RATE = 0.25
RETRY_RATE = 0.7
#: how often, after a tick, one of the rogue tills plays one of its tricks
ROGUE_TURN_RATE = 0.5
#: rounds of syncing every till at the end, until none has anything left to send
HEAL_ROUNDS = 20


@dataclass
class Payment:
    till: int
    code: PayCode
    amount: int
    phone: Phone | None
    #: set when the cashier presents a code that was already accepted elsewhere
    double_spend: bool = False


@dataclass
class Tally:
    attempted: int = 0
    accepted: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)
    unanswered: int = 0
    retried: int = 0
    double_spends_tried: int = 0
    double_spends_accepted: int = 0
    refunds: Counter[str] = field(default_factory=Counter)
    syncs: int = 0
    replayed: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)
    fault_log: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    #: wall-clock seconds by phase (issuing codes, tills at work, faults, the final sync)
    seconds: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    #: every payment a cashier was shown as accepted: redemption id → amount
    shown_accepted: dict[str, int] = field(default_factory=dict)

    def error(self, text: str) -> None:
        if len(self.errors) < 30:
            self.errors.append(text)


class Simulation:
    def __init__(
        self,
        *,
        rng: random.Random,
        server: ServerControl,
        tills: Tills,
        phones: list[Phone],
        faults: list[Fault],
        payments: int,
        log: Log,
        rogues: list[RogueTill] | None = None,
        rogue_rng: random.Random | None = None,
    ) -> None:
        self.rng, self.server, self.tills, self.phones = rng, server, tills, phones
        self.faults, self.payments, self.log = list(faults), payments, log
        #: rogue tills play between ticks, with their own random numbers: the honest tills'
        #: workload and faults are the same with or without them
        self.rogues, self.rogue_rng = rogues or [], rogue_rng or random.Random(0)
        #: pay codes accepted at honest tills, for the rogues to cash again
        self.shown_codes: list[PayCode] = []
        self.tally = Tally()
        self.partitions: list[tuple[int, int, str]] = []  # (ends at, till, state)
        self.host_back_at: dict[int, int] = {}
        self.server_back_at: int | None = None
        self.crash_mid_payment: set[int] = set()
        self.server_crash_mid_tick = False
        #: pay codes accepted once, by the till that took them (for double spends)
        self.spent: list[tuple[int, PayCode]] = []
        #: payments whose till died before answering, for the cashier to try again
        self.unanswered: list[Payment] = []
        self.paid_at: dict[int, list[tuple[str, int]]] = {}
        self._pool = ThreadPoolExecutor(max_workers=len(tills.hosts) + 4)
        self._lock = threading.Lock()

    # --- the run ---------------------------------------------------------------------------
    def run(self) -> Tally:
        progress = Throttle(self.log)
        try:
            while self.tally.attempted < self.payments:
                with self._timed("faults"):
                    self._strike_and_heal()
                self._tick()
                with self._timed("rogue tills"):
                    self._rogue_turn()
                progress(f"  {self.tally.attempted}/{self.payments} payments")
            with self._timed("final sync"):
                self._heal_everything()
        finally:
            self._pool.shutdown(wait=True)
        return self.tally

    def _tick(self) -> None:
        plans = self._plan_tick()
        codes_needed = [p for p in plans if p.phone is not None and not p.phone.codes]
        if codes_needed and self.server.up:
            started, url = time.perf_counter(), self.server.url
            issued = list(
                self._pool.map(lambda p: p.phone.issue(url) if p.phone else None, codes_needed)
            )
            for plan, code in zip(codes_needed, issued, strict=True):
                if code is not None and plan.phone is not None:
                    plan.phone.codes.append(code)
            self.tally.seconds["issuing codes"] += time.perf_counter() - started
        ready: list[Payment] = []
        for plan in plans:
            if plan.phone is not None:
                if not plan.phone.codes:  # the server was down or refused: no code to show
                    self.tally.refused["no_pay_code"] += 1
                    continue
                plan.code = plan.phone.codes.pop(0)
                plan.amount = pick_amount(self.rng, plan.code)
            ready.append(plan)
        by_host: dict[int, list[Payment]] = {}
        for payment in ready:
            by_host.setdefault(payment.till % len(self.tills.hosts), []).append(payment)
        extras = {h: self._extras(h) for h in by_host}
        kill_delays = {h: self.rng.uniform(0.0, 0.03) for h in self.crash_mid_payment}
        crash: threading.Timer | None = None
        if self.server_crash_mid_tick:
            crash = threading.Timer(self.rng.uniform(0.0, 0.03), self.server.crash)
            crash.start()
        started = time.perf_counter()
        jobs = [
            self._pool.submit(self._run_host, h, by_host[h], extras[h], kill_delays.get(h))
            for h in by_host
        ]
        for job in jobs:
            job.result()
        self.tally.seconds["tills at work"] += time.perf_counter() - started
        if crash is not None:
            crash.join()
            self.server.stop()
            self.server_crash_mid_tick = False
        self.crash_mid_payment -= set(by_host)
        if not ready:
            time.sleep(0.05)  # nothing could pay this tick (server down, no codes): wait

    def _rogue_turn(self) -> None:
        """Between ticks, on the main thread: the server is neither stopped nor killed
        while a rogue talks to it, so every request of a rogue gets its answer."""
        if not self.rogues or not self.server.up or self.rogue_rng.random() >= ROGUE_TURN_RATE:
            return
        self.rogue_rng.choice(self.rogues).turn(self.server.url)

    @contextmanager
    def _timed(self, phase: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.tally.seconds[phase] += time.perf_counter() - started

    def _plan_tick(self) -> list[Payment]:
        plans: list[Payment] = []
        for host in self.tills.hosts:
            if not host.alive or len(plans) + self.tally.attempted >= self.payments:
                continue
            till = self.rng.choice(self.tills.tills_of(host.index))
            plans.append(self._plan_payment(till))
        self.tally.attempted += len(plans)
        return plans

    def _plan_payment(self, till: int) -> Payment:
        retry = next((p for p in self.unanswered if p.till == till), None)
        if retry is not None and self.rng.random() < RETRY_RATE:
            self.unanswered.remove(retry)
            self.tally.retried += 1
            return retry
        offline_tills = {t for _, t, state in self.partitions if state != UP}
        elsewhere = [(t, code) for t, code in self.spent if t != till]
        if elsewhere and till in offline_tills and self.rng.random() < FRAUD_AT_OFFLINE_TILL:
            _, code = self.rng.choice(elsewhere)
            self.tally.double_spends_tried += 1
            return Payment(till, code, pick_amount(self.rng, code), None, double_spend=True)
        phone = self.rng.choice(self.phones)
        placeholder = PayCode("", "", 0)
        return Payment(till, placeholder, 0, phone)

    def _extras(self, host: int) -> list[dict[str, Any]]:
        """A refund or a sync that this host's cashier does after the payment, sometimes."""
        extras: list[dict[str, Any]] = []
        tills = self.tills.tills_of(host)
        if self.rng.random() < REFUND_RATE:
            till = self.rng.choice(tills)
            if self.paid_at.get(till):
                redemption_id, amount = self.rng.choice(self.paid_at[till])
                part = self.rng.randint(1, amount)
                extras.append(
                    {"op": "refund", "till": till, "redemption_id": redemption_id, "amount": part}
                )
        if self.rng.random() < SYNC_RATE:
            extras.append({"op": "sync", "till": self.rng.choice(tills)})
        return extras

    def _run_host(
        self,
        host: int,
        payments: list[Payment],
        extras: list[dict[str, Any]],
        kill_after: float | None,
    ) -> None:
        handle = self.tills.hosts[host]
        for payment in payments:
            command = {"op": "pay", "token": payment.code.text, "amount": payment.amount}
            if kill_after is not None:
                self._pay_and_kill(handle, payment, command, kill_after)
                return
            answer = self.tills.command(payment.till, command)
            self._record_payment(payment, answer)
        for extra in extras:
            till = extra.pop("till")
            answer = self.tills.command(till, extra)
            if answer is None:
                return
            with self._lock:
                if extra["op"] == "refund":
                    self.tally.refunds[answer.get("code", "error")] += 1
                else:
                    self.tally.syncs += 1
                if "failure" in answer:
                    self.tally.error(f"till {till} {extra['op']}: {answer['failure']}")

    def _pay_and_kill(
        self, handle: TillHost, payment: Payment, command: dict[str, Any], delay: float
    ) -> None:
        """The till's power goes while the cashier waits: maybe before, maybe after the
        journal write, maybe while the server is being asked."""
        index = Tills.local_index(payment.till, len(self.tills.hosts))
        try:
            handle.send({**command, "till": index})
            time.sleep(delay)
            handle.kill()
        except HostDied:
            handle.kill()
        self._record_payment(payment, None)

    def _record_payment(self, payment: Payment, answer: dict[str, Any] | None) -> None:
        with self._lock:  # host threads report at the same time
            self._record_locked(payment, answer)

    def _record_locked(self, payment: Payment, answer: dict[str, Any] | None) -> None:
        tally = self.tally
        if answer is None:
            tally.unanswered += 1
            self.unanswered.append(payment)
            return
        if "failure" in answer:
            tally.error(f"till {payment.till} pay: {answer['failure']}")
            return
        if answer["result"] == "accepted":
            tally.accepted[answer["mode"]] += 1
            tally.shown_accepted[answer["redemption_id"]] = payment.amount
            self.paid_at.setdefault(payment.till, []).append(
                (answer["redemption_id"], payment.amount)
            )
            self.shown_codes.append(payment.code)
            if payment.double_spend:
                tally.double_spends_accepted += 1
            elif payment.phone is not None and payment.phone.fraudster:
                self.spent.append((payment.till, payment.code))
            return
        tally.refused[answer["code"]] += 1
        if payment.phone is not None and answer["code"] in KEEP_CODE:
            payment.phone.codes.append(payment.code)

    # --- faults ----------------------------------------------------------------------------
    def _strike_and_heal(self) -> None:
        now = self.tally.attempted
        self.partitions = [p for p in self.partitions if p[0] > now]
        for host, back_at in list(self.host_back_at.items()):
            if back_at <= now:
                self.tills.start_host(self.tills.hosts[host])
                del self.host_back_at[host]
        if self.server_back_at is not None and self.server_back_at <= now:
            self.tills.retarget(self.server.start())
            self.server_back_at = None
        while self.faults and self.faults[0].at <= now:
            self._strike(self.faults.pop(0), now)
        self.tills.set_lines({till: state for _, till, state in sorted(self.partitions)})

    def _strike(self, fault: Fault, now: int) -> None:
        applied = {
            PARTITION: self._partition,
            TILL_CRASH: self._crash_till,
            SERVER_RESTART: self._restart_server,
            CLOCK_SKEW: self._skew,
            DUPLICATE_SYNC: self._replay,
            REORDERED_SYNC: self._replay,
        }[fault.kind](fault, now)
        if applied:
            self.tally.faults[fault.kind] += 1
            self.tally.fault_log.append(fault.describe())

    def _partition(self, fault: Fault, now: int) -> bool:
        self.partitions.append((now + fault.lasts, fault.target, fault.detail))
        return True

    def _crash_till(self, fault: Fault, now: int) -> bool:
        host = self.tills.hosts[fault.target]
        if not host.alive:
            return False
        if fault.detail == "mid_payment":
            self.crash_mid_payment.add(fault.target)
        else:
            host.kill()
        self.host_back_at[fault.target] = now + max(1, fault.lasts)
        return True

    def _restart_server(self, fault: Fault, now: int) -> bool:
        if not self.server.up:
            return False
        if fault.detail == "kill":
            self.server_crash_mid_tick = True
        else:
            self.server.stop()
        self.server_back_at = now + max(1, fault.lasts)
        return True

    def _skew(self, fault: Fault, now: int) -> bool:
        seconds = int(fault.detail)
        self.tills.skews[fault.target] = seconds
        self.tills.command(fault.target, {"op": "skew", "seconds": seconds})
        return True

    def _replay(self, fault: Fault, now: int) -> bool:
        """Send again, out of order, payments a till journaled: as a network that duplicates
        requests (synced ones), or one that lets a later batch overtake an earlier one (ones
        still waiting), would. The planned till first, else the first other one that has some."""
        if not self.server.up:
            return False
        wanted = (
            {JournalState.SYNCED, JournalState.CONFLICT}
            if fault.kind == DUPLICATE_SYNC
            else {JournalState.PENDING_SYNC}
        )
        others = [t for t in range(len(self.tills.folders)) if t != fault.target]
        for till in [fault.target, *self.rng.sample(others, len(others))]:
            entries = self._journaled(till, wanted)
            if entries:
                self._send_again(till, entries)
                return True
        return False

    def _journaled(self, till: int, states: set[JournalState]) -> list[JournalEntry]:
        journal = Journal(TillFiles(self.tills.folders[till]).journal_path)
        entries = [
            e
            for e in journal.all_entries()
            if e.kind == "redemption" and e.token is not None and e.state in states
        ]
        journal.close()
        return entries

    def _send_again(self, till: int, entries: list[JournalEntry]) -> None:
        sample = self.rng.sample(entries, min(len(entries), 60))
        self.rng.shuffle(sample)
        credential = TillFiles(self.tills.folders[till]).pairing().credential
        client = ServerClient(self.server.url, credential, timeout=30)
        while sample:
            size = self.rng.randint(1, 20)
            batch, sample = sample[:size], sample[size:]
            try:
                results = client.redeem_batch([redemption_body(e) for e in batch])
            except (ServerUnreachable, ServerRefused) as error:
                self.tally.error(f"replay of till {till}'s payments: {error}")
                return
            for result in results:
                self.tally.replayed[result["status"]] += 1

    # --- the end ---------------------------------------------------------------------------
    def _heal_everything(self) -> None:
        """Every line up, the server and every till back, then sync until nothing is left."""
        self.partitions = []
        self.tills.set_lines({})
        if not self.server.up:
            self.tills.retarget(self.server.start())
        self.server_back_at = None
        for index in list(self.host_back_at):
            self.tills.start_host(self.tills.hosts[index])
        self.host_back_at.clear()
        for payment in self.unanswered:  # the cashier's last try, now that all is well
            self._record_payment(
                payment, self.tills.command(payment.till, self._pay_command(payment))
            )
        self.unanswered = []
        problems: list[str] = []
        for round_number in range(HEAL_ROUNDS):
            left, problems = self._sync_all()
            self.log(f"  final sync round {round_number + 1}: {left} entries left")
            if left == 0 and not problems:
                return
        for problem in problems:
            self.tally.error(problem)
        self.tally.error(f"tills still hold unsynced entries after {HEAL_ROUNDS} rounds")

    @staticmethod
    def _pay_command(payment: Payment) -> dict[str, Any]:
        return {"op": "pay", "token": payment.code.text, "amount": payment.amount}

    def _sync_all(self) -> tuple[int, list[str]]:
        """One sync of every till, hosts in parallel: entries left, and what went wrong."""
        problems: list[str] = []

        def sync_host(host: int) -> int:
            left = 0
            for till in self.tills.tills_of(host):
                report = self.tills.command(till, {"op": "sync"})
                if report is None or "failure" in report or report.get("error"):
                    problems.append(f"final sync of till {till}: {report}")
                    left += 1
                    continue
                with self._lock:
                    self.tally.syncs += 1
                left += int(report["unsynced_count"])
            return left

        left = sum(self._pool.map(sync_host, range(len(self.tills.hosts))))
        return left, problems
