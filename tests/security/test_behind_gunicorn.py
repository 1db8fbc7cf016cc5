"""The real thing: gunicorn on a port, requests shaped as nginx forwards them, the
production limits. What matters here is what gunicorn does with X-Forwarded-* before our
ProxyFix sees them."""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(db_url, tmp_path):
    port = _free_port()
    log = (tmp_path / "gunicorn.log").open("wb")
    environment = {
        **os.environ,
        "DATABASE_URL": db_url,
        "CAISSE_INSTANCE_DIR": str(tmp_path / "instance"),
        "CAISSE_SECRET_KEY": "gunicorn-test-key-0123456789",
        "CAISSE_TRUSTED_PROXIES": "1",
    }
    command = [str(GUNICORN), "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    process = subprocess.Popen(
        [*command, "wallet_server.wsgi:app"],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(300):
            if process.poll() is not None:
                pytest.fail((tmp_path / "gunicorn.log").read_text())
            try:
                if _request(port, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not answer")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _request(port: int, method: str, path: str, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        sent = {"Content-Type": "application/json", **(headers or {})}
        connection.request(method, path, body=payload, headers=sent)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


@pytest.mark.slow
def test_gunicorn_behind_nginx_limits_each_client_and_marks_https(server):
    def login(client_address: str) -> tuple[int, object]:
        status, headers, _ = _request(
            server,
            "POST",
            "/api/v1/auth/login",
            {"username": "ana", "password": "guess guess", "totp": "123456"},
            {"X-Forwarded-For": client_address, "X-Forwarded-Proto": "https"},
        )
        return status, headers

    assert [login("203.0.113.10")[0] for _ in range(5)] == [401] * 5
    status, headers = login("203.0.113.10")
    assert status == 429 and int(headers["Retry-After"]) > 0
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert login("198.51.100.10")[0] == 401  # another client behind the same nginx

    _, page, _ = _request(server, "GET", "/console/login", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in page["Set-Cookie"] and "HttpOnly" in page["Set-Cookie"]
    _, plain, _ = _request(server, "GET", "/console/login")
    assert "Secure" not in plain["Set-Cookie"]
    assert "Strict-Transport-Security" not in plain
