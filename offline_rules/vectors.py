"""The shared offline-rule vectors: a JSON file of inputs and the verdict every engine gives.

Format (`vectors.json`, UTF-8): an object with
- `keyset`: the till's cached keyset, as `GET /api/v1/keyset` returns its `keys`;
- `vectors`: a list, each with
  - `name`: what it shows;
  - `token` (text), `amount_cents`, `captured_at` and `received_at` (ISO 8601, UTC);
  - `limits`: the till's offline limits (`max_amount_cents`, `max_count`, `max_total_cents`,
    `max_hours_since_sync`, `clock_skew_seconds`);
  - `window`: `since` (ISO 8601), `count`, `total_cents`: the offline stretch so far;
  - `blocklist`: `token_ids` (hex) and `wallets` the till knew;
  - `taken_here`: whether this code was already taken here;
  - `expected`: `"accept"`, or the refusal code.

    python -m offline_rules.vectors [FILE] [--json]

runs the Python engine over FILE (default: the vectors shipped here) and prints each verdict;
the exit status is 1 when any verdict differs from the expected one.
"""

import argparse
import json
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from offline_rules.judge import Capture, OfflineRefusal, OfflineWindow, judge_offline
from offline_rules.limits import OfflineLimits
from paytoken import Blocklist, Keyset

VECTORS = Path(__file__).with_name("vectors.json")


@dataclass(frozen=True)
class Verdict:
    name: str
    expected: str
    got: str

    @property
    def agrees(self) -> bool:
        return self.expected == self.got


def load(path: Path = VECTORS) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def python_verdict(vector: dict[str, Any], keyset: Keyset) -> str:
    """What the Python engine (`judge_offline`, used by the till and the server) says."""
    window = vector["window"]
    blocklist = Blocklist()
    blocklist.add(
        token_ids=[bytes.fromhex(t) for t in vector["blocklist"]["token_ids"]],
        wallets=vector["blocklist"]["wallets"],
    )
    try:
        judge_offline(
            Capture(
                vector["token"],
                vector["amount_cents"],
                datetime.fromisoformat(vector["captured_at"]),
            ),
            received_at=datetime.fromisoformat(vector["received_at"]),
            keyset=keyset,
            blocklist=blocklist,
            limits=OfflineLimits(**vector["limits"]),
            window=OfflineWindow(
                datetime.fromisoformat(window["since"]), window["count"], window["total_cents"]
            ),
            taken_here=vector["taken_here"],
        )
    except OfflineRefusal as refusal:
        return refusal.code
    return "accept"


def run(document: dict[str, Any]) -> list[Verdict]:
    keyset = Keyset.from_json(document["keyset"])
    return [
        Verdict(vector["name"], vector["expected"], python_verdict(vector, keyset))
        for vector in document["vectors"]
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m offline_rules.vectors")
    parser.add_argument("file", nargs="?", type=Path, default=VECTORS)
    parser.add_argument("--json", action="store_true", help="one JSON object per verdict")
    options = parser.parse_args(argv)
    verdicts = run(load(options.file))
    for verdict in verdicts:
        if options.json:
            print(json.dumps({**verdict.__dict__, "agrees": verdict.agrees}))
        else:
            mark = "ok  " if verdict.agrees else "DIFF"
            print(f"{mark} {verdict.name}: expected {verdict.expected}, python {verdict.got}")
    differing = sum(not v.agrees for v in verdicts)
    print(f"{len(verdicts)} vectors, {differing} differing", file=sys.stderr)
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
