"""A wallet server on a real port, a real till process, and a network between them that a
test can cut.

The server runs in a thread of the test process on real HTTP and the real database. The
`Network` is a TCP relay: `up`, `down` (connections refused: the shop's line is out) or
`answers_lost` (requests reach the server, whose answers never come back: a timeout after
the server did the work, the case a till cannot tell from `down`).
"""

import http.client
import json
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from werkzeug.serving import make_server

from testsupport.network import ANSWERS_LOST, DOWN, UP, Line


class LiveServer:
    def __init__(self, app) -> None:
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(5)


class Network(Line):
    """The shop's line (testsupport.network.Line, shared with the fault simulation), with the
    states as attributes and a block that sets one for a while."""

    UP = UP
    DOWN = DOWN
    ANSWERS_LOST = ANSWERS_LOST

    @contextmanager
    def state_for(self, state: str) -> Iterator[None]:
        previous, self.state = self.state, state
        try:
            yield
        finally:
            self.state = previous


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TillProcess:
    """`caisse-pos run` as a cashier starts it, in its own process."""

    def __init__(self, folder, port: int) -> None:
        self.folder, self.port = folder, port
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pos_client",
                "--data-dir",
                str(self.folder),
                "run",
                "--port",
                str(self.port),
                "--sync-interval",
                "0.3",
                "--online-timeout",
                "1",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/status", timeout=1):
                    return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("the till did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def pay(self, token: str, amount: int) -> dict | None:
        """The cashier's screen's answer, or None if the till died before answering."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/api/pay",
            data=json.dumps({"token": token, "amount_cents": amount}).encode(),
            headers={"Content-Type": "application/json", "X-Caisse-POS": "1"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.load(response)
        except (OSError, http.client.HTTPException, json.JSONDecodeError):
            return None
