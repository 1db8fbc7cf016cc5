"""A wallet server on a real port, and a network between it and the tills that a test can cut.

The server runs in a thread of the test process on real HTTP and the real database. The
`Network` is a TCP relay: `up`, `down` (connections refused: the shop's line is out) or
`answers_lost` (requests reach the server, whose answers never come back: a timeout after
the server did the work, the case a till cannot tell from `down`).
"""

import socket
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from werkzeug.serving import make_server


class LiveServer:
    def __init__(self, app) -> None:
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(5)


class Network:
    UP = "up"
    DOWN = "down"
    ANSWERS_LOST = "answers_lost"

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.state = self.UP
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @contextmanager
    def state_for(self, state: str) -> Iterator[None]:
        previous, self.state = self.state, state
        try:
            yield
        finally:
            self.state = previous

    def close(self) -> None:
        self._closed = True
        self._listener.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self.state == self.DOWN:
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                client.close()  # reset: the till sees its connection refused
                continue
            threading.Thread(target=self._relay, args=(client, self.state), daemon=True).start()

    def _relay(self, client: socket.socket, state: str) -> None:
        try:
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
        except OSError:
            client.close()
            return
        forward = threading.Thread(target=_pipe, args=(client, upstream), daemon=True)
        forward.start()
        if state == self.ANSWERS_LOST:
            # read and drop the answer: the server did the work, the till never hears of it
            while _chunk(upstream):
                pass
            client.close()
        else:
            _pipe(upstream, client)
        forward.join(5)
        upstream.close()
        client.close()


def _chunk(sock: socket.socket) -> bytes:
    try:
        return sock.recv(65536)
    except OSError:
        return b""


def _pipe(source: socket.socket, target: socket.socket) -> None:
    while data := _chunk(source):
        try:
            target.sendall(data)
        except OSError:
            return
    with suppress(OSError):
        target.shutdown(socket.SHUT_WR)
