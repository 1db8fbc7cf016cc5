"""A light load generator: client threads, each with its own http.client connection.

It shares the machine's cores with the server it measures, so it stays small: the standard
library's http.client, no framework, and results kept in per-client objects merged once the
clients have stopped. A unit of work (one payment, one /healthz) is a `Step`; a client runs
its step in a loop until the deadline, then finishes the step it is in.

gunicorn's default sync workers answer `Connection: close`, so http.client reconnects for
each request whatever we ask; a threaded worker class would keep the connection open.
"""

import http.client
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from bench.percentiles import nearest_rank

#: seconds before a request without an answer counts as an error
REQUEST_TIMEOUT = 30.0
#: error bodies kept for the report, per client
ERROR_SAMPLES = 3


class Http:
    """One client's connection; reopened by http.client whenever the server closed it."""

    def __init__(self, host: str, port: int, timeout: float = REQUEST_TIMEOUT) -> None:
        self._connection = http.client.HTTPConnection(host, port, timeout=timeout)

    def call(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, bytes]:
        try:
            self._connection.request(method, path, body=body, headers=dict(headers or {}))
            response = self._connection.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            self._connection.close()  # the next call starts on a fresh socket
            raise

    def close(self) -> None:
        self._connection.close()


@dataclass
class ClientStats:
    """What one client saw; only the client's own thread writes it."""

    #: units of work that went through entirely (a payment: 201 then 200)
    successes: int = 0
    #: seconds per success, by name ("redeem", "payment", ...)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    #: failures by kind, e.g. "POST /api/v1/pos/redemptions 409"
    errors: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)
    #: money moved by the successes, to check against the ledger
    amount_cents: int = 0

    def record(self, name: str, seconds: float) -> None:
        self.latencies.setdefault(name, []).append(seconds)

    def error(self, kind: str, detail: bytes | str = b"") -> None:
        self.errors[kind] += 1
        if len(self.samples) < ERROR_SAMPLES:
            text = detail.decode(errors="replace") if isinstance(detail, bytes) else detail
            self.samples.append(f"{kind}: {text.strip()[:300]}")


#: one unit of work: uses the connection, records into the stats
Step = Callable[[Http, ClientStats], None]


@dataclass
class LoadResult:
    clients: int
    #: from the common start to the moment the last client stopped
    seconds: float
    successes: int
    latencies: dict[str, list[float]]
    errors: Counter[str]
    samples: list[str]
    amount_cents: int
    #: CPU this process (the load generator) used meanwhile, all threads together
    client_cpu_seconds: float

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def per_s(self) -> float | None:
        return self.successes / self.seconds if self.seconds > 0 else None

    @property
    def client_cores(self) -> float | None:
        return self.client_cpu_seconds / self.seconds if self.seconds > 0 else None

    def percentile_ms(self, name: str, percent: float) -> float | None:
        return percentile_ms(self.latencies.get(name, []), percent)


def percentile_ms(seconds: Sequence[float], percent: float) -> float | None:
    """Nearest-rank percentile in milliseconds: a latency some request really had."""
    found = nearest_rank(seconds, percent)
    return None if found is None else found * 1000


def _client_loop(
    step: Step,
    host: str,
    port: int,
    stats: ClientStats,
    start: threading.Barrier,
    window: list[float],
) -> None:
    connection = Http(host, port)
    try:
        start.wait()
        deadline = window[0]
        while time.perf_counter() < deadline:
            try:
                step(connection, stats)
            except Exception as error:  # a dropped connection is an error to count, not a crash
                stats.error(type(error).__name__, traceback.format_exception_only(error)[-1])
    finally:
        connection.close()
        window.append(time.perf_counter())  # list.append is atomic: one end time per client


def run_clients(steps: Sequence[Step], host: str, port: int, seconds: float) -> LoadResult:
    """Run one client thread per step, all starting together, for `seconds`."""
    stats = [ClientStats() for _ in steps]
    start = threading.Barrier(len(steps) + 1)
    window: list[float] = []  # the deadline, then each client's end time
    threads = [
        threading.Thread(
            target=_client_loop,
            args=(step, host, port, client, start, window),
            name=f"bench-client-{index}",
            daemon=True,
        )
        for index, (step, client) in enumerate(zip(steps, stats, strict=True))
    ]
    for thread in threads:
        thread.start()
    cpu_before = time.process_time()
    began = time.perf_counter()
    window.append(began + seconds)
    start.wait()
    for thread in threads:
        thread.join()
    ended = max(window[1:], default=time.perf_counter())
    cpu = time.process_time() - cpu_before
    latencies: dict[str, list[float]] = {}
    errors: Counter[str] = Counter()
    for client in stats:
        for name, values in client.latencies.items():
            latencies.setdefault(name, []).extend(values)
        errors.update(client.errors)
    return LoadResult(
        clients=len(steps),
        seconds=ended - began,
        successes=sum(client.successes for client in stats),
        latencies=latencies,
        errors=errors,
        samples=[sample for client in stats for sample in client.samples],
        amount_cents=sum(client.amount_cents for client in stats),
        client_cpu_seconds=cpu,
    )
