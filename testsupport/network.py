"""The shop's line, one per till: a TCP relay to the wallet server that the simulation can cut.

States: `up` relays both ways; `down` resets every new connection (the till sees its request
refused, as when the shop's box is off); `answers_lost` lets requests reach the server but
drops its answers (the till times out after the server did the work: the case it cannot
tell from `down`, and the one that tests idempotency). The relay follows the server to its
new port when the simulation restarts it.
"""

import socket
import struct
import threading
from contextlib import suppress

UP = "up"
DOWN = "down"
ANSWERS_LOST = "answers_lost"
STATES = (UP, DOWN, ANSWERS_LOST)
HOST = "127.0.0.1"


class Line:
    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.state = UP
        self._listener = socket.create_server((HOST, 0))
        self.port: int = self._listener.getsockname()[1]
        self._closed = False
        threading.Thread(target=self._accept, daemon=True, name=f"line-{self.port}").start()

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def close(self) -> None:
        self._closed = True
        with suppress(OSError):
            self._listener.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            state = self.state
            if state == DOWN:
                _reset(client)
                continue
            threading.Thread(
                target=self._relay, args=(client, state, self.target_port), daemon=True
            ).start()

    def _relay(self, client: socket.socket, state: str, target_port: int) -> None:
        try:
            upstream = socket.create_connection((HOST, target_port), timeout=30)
        except OSError:
            _reset(client)  # the server is restarting: to the till, the line is down
            return
        upstream.settimeout(None)
        forward = threading.Thread(target=_pipe, args=(client, upstream), daemon=True)
        forward.start()
        if state == ANSWERS_LOST:
            while _chunk(upstream):  # the server's answer, read and dropped
                pass
            # The request was whole (the server answered it): end it on the server's side
            # at once, or gunicorn lingers seconds on the socket waiting for our close.
            with suppress(OSError):
                upstream.shutdown(socket.SHUT_WR)
            _reset(client)
        else:
            _pipe(upstream, client)
        forward.join(5)
        upstream.close()
        client.close()


def _reset(sock: socket.socket) -> None:
    """Close with RST rather than FIN: the peer sees a refused/reset connection at once.
    The read side is shut first, which wakes a relay thread blocked reading it (a plain
    close would leave that thread waiting on a closed descriptor)."""
    with suppress(OSError):
        sock.shutdown(socket.SHUT_RD)
    with suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


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
