"""A process holding some of the simulation's tills: `python -m bench.simulation.till_host DIR...`.

Each argument is a paired till's data folder. The process runs the real `Till` and `Sync`
on them and obeys one JSON command per line on stdin, answering one JSON line on stdout:

    {"op": "pay", "till": 0, "token": "CC1:...", "amount": 1250}  -> the cashier's outcome
    {"op": "refund", "till": 0, "redemption_id": "...", "amount": 100}
    {"op": "sync", "till": 0}                                       -> the sync report
    {"op": "skew", "till": 0, "seconds": -120}                      -> the till's clock moves
    {"op": "quit"}

A command that raises answers {"failure": "..."}: the simulation counts it as a failed run.

The simulation SIGKILLs this process to crash its tills mid-payment or mid-sync; a new one
reopens the same folders, as a till restarted after a power cut does. One command at a time:
no payment is ever in flight while the same till syncs, which is also true of the real
cashier screen for any attempt younger than the sync's settling age.
"""

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pos_client.sync import Sync
from pos_client.till import Till
from pos_client.tillfiles import TillFiles

#: the online attempt's timeout: short, since the simulation's line drops answers on purpose
ONLINE_TIMEOUT = 0.5
#: attempts journaled before (now + this) are settled at a sync: with one command at a time,
#: any attempt found at a sync is a crash's leftover, even one captured by a clock since moved
#: back (clock skew changes during the run)
SETTLE_EVERY_ATTEMPT = timedelta(hours=-1)


class SkewedClock:
    """The till's own clock: right, or off by a few minutes as tablets are."""

    def __init__(self) -> None:
        self.skew = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.skew


class Host:
    def __init__(self, folders: list[Path]) -> None:
        self.clocks = [SkewedClock() for _ in folders]
        self.tills = [
            Till(TillFiles(folder), online_timeout=ONLINE_TIMEOUT, clock=clock)
            for folder, clock in zip(folders, self.clocks, strict=True)
        ]
        self.syncs = [Sync(till, attempt_settled=SETTLE_EVERY_ATTEMPT) for till in self.tills]

    def obey(self, command: dict[str, Any]) -> dict[str, Any]:
        op, index = command["op"], command.get("till", 0)
        if op == "pay":
            return dict(self.tills[index].pay(command["token"], command["amount"]).as_json())
        if op == "refund":
            outcome = self.tills[index].refund(command["redemption_id"], command["amount"])
            return {"accepted": outcome.accepted, "code": outcome.code}
        if op == "sync":
            report = dict(self.syncs[index].once().as_json())
            report.pop("details", None)
            return report
        if op == "skew":
            self.clocks[index].skew = timedelta(seconds=command["seconds"])
            return {"skew": command["seconds"]}
        raise ValueError(f"unknown op {op!r}")

    def close(self) -> None:
        for till in self.tills:
            till.close()


def main(arguments: list[str]) -> int:
    host = Host([Path(argument) for argument in arguments])
    print(json.dumps({"ready": len(host.tills)}), flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        if command["op"] == "quit":
            break
        try:
            answer = host.obey(command)
        except Exception as error:  # reported to the simulation, which counts it as a failure
            answer = {"failure": f"{type(error).__name__}: {error}"}
        print(json.dumps(answer), flush=True)
    host.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
