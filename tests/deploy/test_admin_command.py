"""deploy/bin/caisse (the administrator's `caisse`, installed as /usr/local/bin/caisse) with
the settings of deploy/caisse.env.example, on each database: the steps deploy/README.md
walks through, in the order it gives them."""

import getpass
import subprocess
from pathlib import Path

import pytest

from tests.deploy.servers import DEPLOY, VENV_BIN, clean_environment


@pytest.fixture
def env_file(db_url, tmp_path) -> Path:
    """The example settings file, its paths moved into this test's folder."""
    (tmp_path / "secret_key").write_text("a-test-only-secret\n")
    text = (DEPLOY / "caisse.env.example").read_text()
    replacements = {
        "DATABASE_URL=postgresql+psycopg://caisse@/caisse": f"DATABASE_URL={db_url}",
        "/var/lib/caisse": str(tmp_path / "state"),
        "/etc/caisse/secret_key": str(tmp_path / "secret_key"),
    }
    for placeholder, value in replacements.items():
        assert placeholder in text, placeholder
        text = text.replace(placeholder, value)
    path = tmp_path / "caisse.env"
    path.write_text(text)
    return path


def admin_caisse(env_file: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    environment = clean_environment(
        CAISSE_ENV_FILE=str(env_file),
        # the test runs as whoever runs it: the wrapper then runs caisse directly
        CAISSE_USER=getpass.getuser(),
        CAISSE_VENV=str(VENV_BIN.parent),
        **extra,
    )
    return subprocess.run(
        [str(DEPLOY / "bin" / "caisse"), *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_the_readme_steps_run_with_the_example_settings(env_file, tmp_path):
    upgraded = admin_caisse(env_file, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert "schema up to date" in upgraded.stdout

    created = admin_caisse(
        env_file, "init", "--admin", "alice", CAISSE_ADMIN_PASSWORD="pw-12345678"
    )
    assert created.returncode == 0, created.stderr
    assert "admin created: alice" in created.stdout
    assert "otpauth://totp/" in created.stdout
    # init made the first signing key, in the example's CAISSE_KEY_DIR, private
    (key,) = (tmp_path / "state" / "keys").iterdir()
    assert key.stat().st_mode & 0o777 == 0o600

    kept = admin_caisse(env_file, "keys", "rotate", "--if-older-than", "30")
    assert kept.returncode == 0, kept.stderr
    assert "nothing to do" in kept.stdout

    verified = admin_caisse(env_file, "ledger", "verify")
    assert verified.returncode == 0, verified.stderr
    assert "books balance" in verified.stdout


def test_a_refusal_keeps_its_exit_status_through_the_wrapper(env_file):
    assert admin_caisse(env_file, "db", "upgrade").returncode == 0
    refused = admin_caisse(env_file, "shop", "approve", "NO-SUCH-SHOP")
    assert refused.returncode == 2
    assert "Refusé / Refused" in refused.stderr
