"""gunicorn with deploy/gunicorn.conf.py, in its own process, as systemd would start it.

Only the settings a deployment sets come from the environment given here; nothing of the
test runner's own CAISSE_* or DATABASE_URL leaks in.
"""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
#: the virtualenv the tests run in: its caisse, caisse-pos and gunicorn
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_environment(**settings: str) -> dict[str, str]:
    """This process's environment without its fund settings, plus `settings`; console texts
    stay strict, as in every app the tests make (tests/conftest.py)."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("CAISSE_", "DATABASE_URL", "TEST_DATABASE_URL"))
    }
    return {**inherited, "CAISSE_STRICT_TEXTS": "1", **settings}


def wait_for_port(port: int, process: subprocess.Popen, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{what} exited early with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{what} did not listen on {port}")


class Gunicorn:
    """`gunicorn -c deploy/gunicorn.conf.py` on a fresh SQLite fund in `folder`."""

    def __init__(self, folder: Path, **settings: str) -> None:
        self.folder = folder
        self.port = free_port()
        self.stdout = folder / "gunicorn.stdout"
        self.stderr = folder / "gunicorn.stderr"
        self.environment = clean_environment(
            DATABASE_URL=f"sqlite:///{folder / 'caisse.sqlite3'}",
            CAISSE_INSTANCE_DIR=str(folder),
            CAISSE_BIND=f"127.0.0.1:{self.port}",
            CAISSE_WORKERS="2",
            CAISSE_TRUSTED_PROXIES="1",
            **settings,
        )
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        # the schema first, as deploy/README.md has the administrator do
        subprocess.run(
            [str(VENV_BIN / "caisse"), "db", "upgrade"],
            env=self.environment,
            check=True,
            capture_output=True,
            timeout=120,
        )
        with self.stdout.open("wb") as out, self.stderr.open("wb") as err:
            self.process = subprocess.Popen(
                [str(VENV_BIN / "gunicorn"), "-c", str(DEPLOY / "gunicorn.conf.py")],
                env=self.environment,
                cwd=self.folder,
                stdout=out,
                stderr=err,
            )
        wait_for_port(self.port, self.process, "gunicorn")

    def get(self, path: str) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def wait_for_access_log(self, needle: str, seconds: float = 30) -> str:
        """The access log once it holds `needle`: a worker writes the line only after the
        client has its answer."""
        deadline = time.monotonic() + seconds
        while True:
            log = self.stdout.read_text()
            if needle in log or time.monotonic() > deadline:
                return log
            time.sleep(0.05)

    def stop(self) -> int:
        """SIGTERM, as systemd stops it; gunicorn's exit status."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(60)
        return self.process.returncode
