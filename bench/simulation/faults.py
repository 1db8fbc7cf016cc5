"""The simulation's fault plan: which fault, where, from which payment on, for how long.

Pure: drawn from the run's seed alone, so the same seed replays the same plan (the
operating system's scheduling still varies between runs: the plan is reproducible, the
interleavings within a fault are not, which is why every run checks the same invariants).
"""

import random
from dataclasses import dataclass

PARTITION = "partition"
TILL_CRASH = "till_crash"
SERVER_RESTART = "server_restart"
CLOCK_SKEW = "clock_skew"
DUPLICATE_SYNC = "duplicate_sync"
REORDERED_SYNC = "reordered_sync"
KINDS = (PARTITION, TILL_CRASH, SERVER_RESTART, CLOCK_SKEW, DUPLICATE_SYNC, REORDERED_SYNC)

#: how far a till's clock may be off: inside the server's tolerance (300 s by default), so
#: that every payment the till accepts is one the server must honour
MAX_SKEW_SECONDS = 240


@dataclass(frozen=True)
class Fault:
    kind: str
    #: the payment count at which it strikes
    at: int
    #: a till (partition, skew, syncs) or a till host (crash); unused for the server
    target: int
    #: payments until it heals (partition), the process comes back (crash, restart); 0 else
    lasts: int
    #: "down" / "answers_lost" (partition), "kill" / "graceful" (crash, restart: whether it
    #: strikes mid-payment / mid-request), the skew in seconds
    detail: str

    def describe(self) -> str:
        where = "" if self.kind == SERVER_RESTART else f" #{self.target}"
        span = f" for {self.lasts} payments" if self.lasts else ""
        return f"@{self.at} {self.kind}{where} {self.detail}{span}"


def plan_faults(rng: random.Random, *, payments: int, tills: int, hosts: int) -> list[Fault]:
    """Faults in proportion to the run's length, at least one of each kind."""
    counts = {
        PARTITION: 1 + payments // 80,
        TILL_CRASH: 1 + payments // 250,
        SERVER_RESTART: 1 + payments // 1500,
        CLOCK_SKEW: 1 + min(tills, payments // 200),
        DUPLICATE_SYNC: 1 + payments // 300,
        REORDERED_SYNC: 1 + payments // 300,
    }
    # nothing in the first twentieth (the tills have synced something to replay) nor in the
    # last tenth (the run ends with every fault healed and a full sync)
    first, last = payments // 20, max(payments // 20 + 1, payments * 9 // 10)
    faults: list[Fault] = []
    for kind, count in counts.items():
        for _ in range(count):
            at = rng.randrange(first, last)
            faults.append(_draw(rng, kind, at, payments=payments, tills=tills, hosts=hosts))
    faults.sort(key=lambda fault: (fault.at, KINDS.index(fault.kind), fault.target))
    return faults


def _draw(
    rng: random.Random, kind: str, at: int, *, payments: int, tills: int, hosts: int
) -> Fault:
    scale = max(10, payments // 50)
    if kind == PARTITION:
        state = rng.choice(("down", "down", "answers_lost"))
        # answers_lost costs every payment a timeout: keep those partitions short
        lasts = rng.randint(scale // 4, scale if state == "down" else scale // 2)
        return Fault(kind, at, rng.randrange(tills), max(1, lasts), state)
    if kind == TILL_CRASH:
        return Fault(
            kind,
            at,
            rng.randrange(hosts),
            rng.randint(0, scale // 2),
            rng.choice(("mid_payment",) * 3 + ("idle",)),
        )
    if kind == SERVER_RESTART:
        return Fault(kind, at, 0, rng.randint(0, scale // 2), rng.choice(("kill", "graceful")))
    if kind == CLOCK_SKEW:
        return Fault(
            kind, at, rng.randrange(tills), 0, str(rng.randint(-MAX_SKEW_SECONDS, MAX_SKEW_SECONDS))
        )
    return Fault(kind, at, rng.randrange(tills), 0, "")
