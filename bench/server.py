"""The server under test: gunicorn in a real subprocess, started and stopped as production does.

In-process test clients skip the WSGI server, the sockets and the worker processes, which is
exactly where a request's time may go on a small machine. So the benchmark starts
`<venv>/bin/gunicorn -w N -b 127.0.0.1:PORT wallet_server.wsgi:app` with the environment
pointing at its own database, instance folder and key folder, waits until /healthz answers,
and stops it on the way out whatever happened.
"""

import contextlib
import ctypes
import ctypes.util
import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from bench.core import Log, log_to_stderr

HOST = "127.0.0.1"
#: the folder holding `wallet_server`: gunicorn imports the application from there
PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: seconds for the workers to import the application and answer /healthz
STARTUP_SECONDS = 60.0
#: seconds for a graceful stop before the process group is killed
STOP_SECONDS = 15.0
#: gunicorn config module that profiles the workers (see bench.gunicorn_profile)
PROFILE_CONFIG = "python:bench.gunicorn_profile"
#: Linux's prctl option asking for a signal when the parent dies
PR_SET_PDEATHSIG = 1


class ServerFailed(Exception):
    """gunicorn did not start, or did not answer: the message ends with its log's tail."""


@dataclass
class Server:
    host: str
    port: int
    process: "subprocess.Popen[bytes]"
    log_path: Path

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.strip().splitlines()[-lines:])

    def cpu_seconds(self) -> float | None:
        """User and system CPU of the master and its workers so far; None off Linux.

        Workers are found through /proc's `children` list, so one that was replaced during
        the run loses its account: the figure is for the steady state, not an audit.
        """
        try:
            ticks = os.sysconf("SC_CLK_TCK")
            master = self.process.pid
            children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
            pids = [master, *map(int, children)]
            return sum(_cpu_ticks(pid) for pid in pids) / ticks
        except (OSError, ValueError):
            return None


def _cpu_ticks(pid: int) -> int:
    # Fields after the command name, which may hold spaces: utime and stime are 14th and 15th.
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return int(fields[11]) + int(fields[12])


def free_port() -> int:
    """A port free right now; another process could take it before gunicorn binds it, in
    which case gunicorn fails to start and says so in its log."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def gunicorn_executable() -> Path:
    """The gunicorn of the virtualenv running us, so that it imports the same packages."""
    beside = Path(sys.executable).parent / "gunicorn"
    if beside.exists():
        return beside
    found = shutil.which("gunicorn")
    if found is None:
        raise ServerFailed("gunicorn not found beside the Python interpreter nor on PATH")
    return Path(found)


def server_environment(database_url: str, instance_dir: Path) -> dict[str, str]:
    """The variables `create_app` reads, pointing at the benchmark's database and folders."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "CAISSE_INSTANCE_DIR": str(instance_dir),
        "CAISSE_KEY_DIR": str(instance_dir / "keys"),
        "CAISSE_SECRET_KEY": secrets.token_hex(32),
    }


def _healthy(host: str, port: int) -> bool:
    connection = http.client.HTTPConnection(host, port, timeout=5)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def _wait_until_healthy(server: Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServerFailed(
                f"gunicorn exited with status {server.process.returncode}:\n{server.log_tail()}"
            )
        if _healthy(server.host, server.port):
            return
        time.sleep(0.1)
    raise ServerFailed(f"/healthz did not answer within {timeout:.0f} s:\n{server.log_tail()}")


def _die_with_parent() -> Callable[[], None] | None:
    """On Linux, a `preexec_fn` asking the kernel to SIGTERM gunicorn's master if we die.

    Our `finally` stops gunicorn on errors, Ctrl-C and SIGTERM; this covers SIGKILL too, so
    that no benchmark leaves a server holding connections to the shared database.
    """
    if not sys.platform.startswith("linux"):
        return None
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    libc = ctypes.CDLL(name, use_errno=True)

    def ask() -> None:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)

    return ask


@contextlib.contextmanager
def _terminated_as_exit() -> Iterator[None]:
    """Turn SIGTERM (a CI timeout, `kill`) into SystemExit, so that `finally` blocks run."""

    def leave(signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    try:
        previous = signal.signal(signal.SIGTERM, leave)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _stop(process: "subprocess.Popen[bytes]", log: Log) -> None:
    """SIGTERM (gunicorn's graceful stop), then SIGKILL to its process group if it lingers."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_SECONDS)
        return
    except subprocess.TimeoutExpired:
        log(f"warning: gunicorn {process.pid} ignored SIGTERM for {STOP_SECONDS:.0f} s; killing")
    # start_new_session made the master the leader of a group holding it and its workers
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@contextmanager
def gunicorn(
    database_url: str,
    instance_dir: Path,
    *,
    workers: int = 2,
    log: Log = log_to_stderr,
    profile_dir: Path | None = None,
    profile_name: str = "gunicorn",
    environment: Mapping[str, str] | None = None,
) -> Iterator[Server]:
    """Run gunicorn on a free local port until the block ends; yield it once /healthz answers.

    `environment` adds or overrides variables of the server's (token limits, say).

    With `profile_dir`, each worker writes the cProfile stats of its API requests there when
    it exits (bench.gunicorn_profile).
    """
    port = free_port()
    log_path = instance_dir / f"gunicorn-{port}.log"
    command = [str(gunicorn_executable()), "-w", str(workers), "-b", f"{HOST}:{port}"]
    environment = {**server_environment(database_url, instance_dir), **(environment or {})}
    if profile_dir is not None:
        profile_dir.mkdir(parents=True, exist_ok=True)
        command += ["-c", PROFILE_CONFIG]
        environment["BENCH_PROFILE_DIR"] = str(profile_dir.resolve())
        environment["BENCH_PROFILE_NAME"] = profile_name
    command.append("wallet_server.wsgi:app")
    with _terminated_as_exit(), log_path.open("wb") as log_file:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a Ctrl-C reaches us, and we stop it in order
            preexec_fn=_die_with_parent(),  # noqa: PLW1509 (before any client thread)
        )
        server = Server(HOST, port, process, log_path)
        try:
            _wait_until_healthy(server, STARTUP_SECONDS)
            log(f"  gunicorn {process.pid} up on {HOST}:{port} with {workers} workers")
            yield server
        finally:
            _stop(process, log)
