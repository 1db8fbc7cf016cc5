"""deploy/gunicorn.conf.py serves the fund with the workers, address and log it promises."""

import json
import re

from tests.deploy.servers import Gunicorn


def test_gunicorn_with_the_deploy_config_answers_healthz_and_stops_cleanly(tmp_path):
    server = Gunicorn(tmp_path)
    server.start()
    try:
        status, body = server.get("/healthz")
        assert status == 200
        assert json.loads(body) == {"status": "ok", "database": "ok"}
    finally:
        returncode = server.stop()
    assert returncode == 0, server.stderr.read_text()
    errors = server.stderr.read_text()
    assert f"Listening at: http://127.0.0.1:{server.port}" in errors
    assert len(re.findall(r"Booting worker with pid", errors)) == 2  # CAISSE_WORKERS
    # the access log goes to stdout, one line a request, with the time it took
    access = server.stdout.read_text().splitlines()
    assert any(
        re.fullmatch(r'127\.0\.0\.1 - "GET /healthz HTTP/1\.1" 200 \d+ \d+ms "[^"]*"', line)
        for line in access
    ), access
