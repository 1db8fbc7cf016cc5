"""What the soak's clients do: phones, online tills, offline tills and app readers.

Each client thread (bench.load.clients) plays one of them with its own keep-alive http.client
connection and its own wallets. Every request goes through `Call`, which times it under its
endpoint's name and counts anything but the expected answer as an error of that endpoint: a
5xx, an unexpected 4xx, a dropped connection, or a 200 whose content is wrong (a redemption
not accepted, an amount not the one asked). Accepted payments add to the client's
`successes` and `amount_cents`, which the checks compare with what the shops were credited.
"""

import json
import random
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.client import HTTPException
from itertools import cycle
from typing import Any

from bench.load.clients import ClientStats, Http, Step
from paytoken import Blocklist, Keyset, TokenError, verify_token

ISSUE = "POST /api/v1/me/tokens"
REDEEM = "POST /api/v1/pos/redemptions"
SYNC = "POST /api/v1/pos/redemptions/batch"
KEYSET = "GET /api/v1/keyset"
BLOCKLIST = "GET /api/v1/blocklist"
HEARTBEAT = "POST /api/v1/pos/heartbeat"
WALLET = "GET /api/v1/me"
HISTORY = "GET /api/v1/me/history"
PAIR = "POST /api/v1/pos/pair"
#: in report order
ENDPOINTS = (ISSUE, REDEEM, SYNC, KEYSET, BLOCKLIST, HEARTBEAT, WALLET, HISTORY)

#: payments an offline till takes between two syncs (also bounded by its server limits)
OFFLINE_BATCH = 10
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


class Tally:
    """Requests and errors so far, all clients together: for progress lines, to count what
    the server answered while the allocation ran, and for the run's slices."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests = 0
        self._errors = 0

    def add(self, *, error: bool) -> None:
        with self._lock:
            self._requests += 1
            self._errors += error

    def error(self) -> None:
        """A wrong answer found after its request was already counted as fine."""
        with self._lock:
            self._errors += 1

    def snapshot(self) -> tuple[int, int]:
        with self._lock:
            return self._requests, self._errors


@dataclass(frozen=True)
class Call:
    """One client's way of sending a request and judging the answer's status."""

    http: Http
    stats: ClientStats
    tally: Tally

    def __call__(
        self,
        endpoint: str,
        path: str,
        expected: int,
        body: Any = None,
        headers: Mapping[str, str] = JSON_HEADERS,
    ) -> Any:
        """The decoded JSON answer, or None when this request counts as an error."""
        method = endpoint.split(" ", 1)[0]
        payload = None if body is None else json.dumps(body).encode()
        started = time.perf_counter()
        try:
            status, answer = self.http.call(method, path, payload, headers)
        except (OSError, HTTPException) as error:
            self.stats.record(endpoint, time.perf_counter() - started)
            self.fail(endpoint, type(error).__name__, str(error))
            return None
        self.stats.record(endpoint, time.perf_counter() - started)
        if status != expected:
            self.fail(endpoint, str(status), answer)
            return None
        try:
            decoded = json.loads(answer)
        except ValueError:
            self.fail(endpoint, f"{status} not JSON", answer)
            return None
        self.tally.add(error=False)
        return decoded

    def fail(self, endpoint: str, kind: str, detail: bytes | str, *, counted: bool = False) -> None:
        """Count an error of `endpoint`; `counted` when its request was already tallied."""
        self.stats.error(f"{endpoint} {kind}", detail)
        if counted:
            self.tally.error()
        else:
            self.tally.add(error=True)


def bearer(credential: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {credential}", **JSON_HEADERS}


def _redemption(till_id: int, token: str, amount: int, mode: str) -> dict[str, Any]:
    """A till's request: a fresh id of the form the real till journals, the capture time."""
    return {
        "redemption_id": f"{till_id}-rd-{uuid.uuid4().hex}",
        "token": token,
        "amount_cents": amount,
        "captured_at": datetime.now(UTC).isoformat(),
        "mode": mode,
    }


def _accepted(receipt: Any, request: Mapping[str, Any]) -> bool:
    return (
        isinstance(receipt, dict)
        and receipt.get("status") == "accepted"
        and receipt.get("redemption_id") == request["redemption_id"]
        and receipt.get("amount_cents") == request["amount_cents"]
    )


@dataclass
class PairedTill:
    """A till as pairing left it: its id, credential and the limits the server set."""

    device_id: int
    credential: str
    max_amount_cents: int
    max_count: int
    clock_skew_seconds: int


def pair_till(http: Http, code: str, name: str) -> PairedTill:
    """Pair through the API, as `caisse-pos pair` does; not part of the measured load."""
    status, body = http.call(
        "POST", "/api/v1/pos/pair", json.dumps({"code": code, "name": name}).encode(), JSON_HEADERS
    )
    if status != 201:
        raise RuntimeError(f"{PAIR} answered {status}: {body[:300]!r}")
    paired = json.loads(body)
    limits = paired["offline_limits"]
    return PairedTill(
        device_id=paired["device_id"],
        credential=paired["credential"],
        max_amount_cents=limits["max_amount_cents"],
        max_count=limits["max_count"],
        clock_skew_seconds=limits["clock_skew_seconds"],
    )


def online_till(phones: Sequence[str], till: PairedTill, seed: int, tally: Tally) -> Step:
    """A till online: each customer's phone issues a pay code, the till redeems it."""
    customers = cycle([bearer(phone) for phone in phones])
    till_headers = bearer(till.credential)
    rng = random.Random(seed)

    def pay(http: Http, stats: ClientStats) -> None:
        call = Call(http, stats, tally)
        code = call(ISSUE, "/api/v1/me/tokens", 201, {"offline": False}, next(customers))
        if code is None:
            return
        request = _redemption(
            till.device_id, code["token"], rng.randint(1, int(code["cap_cents"])), "online"
        )
        receipt = call(REDEEM, "/api/v1/pos/redemptions", 200, request, till_headers)
        if receipt is None:
            return
        if not _accepted(receipt, request):
            call.fail(REDEEM, "200 not accepted", json.dumps(receipt), counted=True)
            return
        stats.successes += 1
        stats.amount_cents += request["amount_cents"]

    return pay


@dataclass
class OfflineTill:
    """A till whose line is down: it accepts pay codes against its cached keyset and
    blocklist, then syncs them in one batch and refreshes its caches, as pos_client.sync
    does."""

    till: PairedTill
    phones: Sequence[str]
    seed: int
    tally: Tally
    keyset: Keyset = field(default_factory=Keyset)
    blocklist: Blocklist = field(default_factory=Blocklist)
    cursor: int = 0

    def __post_init__(self) -> None:
        self._customers = cycle([bearer(phone) for phone in self.phones])
        self._headers = bearer(self.till.credential)
        self._rng = random.Random(self.seed)

    def step(self, http: Http, stats: ClientStats) -> None:
        call = Call(http, stats, self.tally)
        taken = [
            request
            for _ in range(min(OFFLINE_BATCH, self.till.max_count))
            if (request := self._accept_offline(call)) is not None
        ]
        unsynced = self._sync(call, stats, taken) if taken else []
        self.refresh(call, unsynced)

    def _accept_offline(self, call: Call) -> dict[str, Any] | None:
        code = call(ISSUE, "/api/v1/me/tokens", 201, {"offline": True}, next(self._customers))
        if code is None:
            return None
        try:
            claims = verify_token(
                code["token"],
                self.keyset,
                blocklist=self.blocklist,
                clock_skew=self.till.clock_skew_seconds,
            )
        except TokenError as error:  # a fresh code from our own server: never expected
            call.fail(ISSUE, f"201 refused offline: {error.code}", str(error), counted=True)
            return None
        amount = self._rng.randint(1, min(claims.cap_cents, self.till.max_amount_cents))
        return _redemption(self.till.device_id, code["token"], amount, "offline")

    def _sync(
        self, call: Call, stats: ClientStats, taken: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Upload the batch; return what is still unsynced (all of it if the request failed:
        an error the run fails on, so the soak does not retry it)."""
        answer = call(
            SYNC, "/api/v1/pos/redemptions/batch", 200, {"redemptions": taken}, self._headers
        )
        if answer is None:
            return taken
        results = {result["redemption_id"]: result for result in answer["results"]}
        for request in taken:
            result = results.get(request["redemption_id"], {})
            if not _accepted(result.get("receipt"), request):
                call.fail(
                    SYNC, f"200 item {result.get('status')}", json.dumps(result), counted=True
                )
                continue
            stats.successes += 1
            stats.amount_cents += request["amount_cents"]
        return []

    def refresh(self, call: Call, unsynced: Sequence[Mapping[str, Any]] = ()) -> None:
        """Keyset, blocklist after the cursor, then the heartbeat that reports what the
        journal still holds and brings the limits back."""
        keys = call(KEYSET, "/api/v1/keyset", 200)
        if keys is not None:
            self.keyset = Keyset.from_json(keys["keys"])
        page = call(BLOCKLIST, f"/api/v1/blocklist?since={self.cursor}", 200, None, self._headers)
        if page is not None:
            self.blocklist.add(
                token_ids=[bytes.fromhex(e["token_id"]) for e in page["entries"] if e["token_id"]],
                wallets=[e["wallet"] for e in page["entries"] if e["wallet"]],
            )
            self.cursor = page["next_cursor"]
        report = {
            "unsynced_count": len(unsynced),
            "unsynced_cents": sum(request["amount_cents"] for request in unsynced),
            "synced": not unsynced,
        }
        till = call(HEARTBEAT, "/api/v1/pos/heartbeat", 200, report, self._headers)
        if till is not None:
            self.till.max_amount_cents = till["offline_limits"]["max_amount_cents"]
            self.till.max_count = till["offline_limits"]["max_count"]


def app_reader(phones: Sequence[str], tally: Tally) -> Step:
    """The participant app opened: the wallet's balance, then its last movements."""
    readers = cycle([bearer(phone) for phone in phones])

    def read(http: Http, stats: ClientStats) -> None:
        call = Call(http, stats, tally)
        headers = next(readers)
        call(WALLET, "/api/v1/me", 200, headers=headers)
        call(HISTORY, "/api/v1/me/history?limit=20", 200, headers=headers)

    return read
