"""deploy/Containerfile and deploy/compose.yaml, read (no container engine runs the tests):
what they copy exists, and every `caisse` command they run exists with its options."""

import re
import shlex
import subprocess

import pytest
import yaml

from tests.deploy.servers import DEPLOY, REPO, VENV_BIN, clean_environment

COMPOSE = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
CONTAINERFILE = (DEPLOY / "Containerfile").read_text()


def compose_commands() -> list[tuple[str, list[str]]]:
    return [
        (name, service["command"])
        for name, service in COMPOSE["services"].items()
        if "command" in service
    ]


def test_the_containerfile_copies_files_that_exist():
    copied = re.findall(r"^COPY (\S+)", CONTAINERFILE, flags=re.MULTILINE)
    assert copied
    for source in copied:
        if source != "pyproject.toml":
            assert (REPO / source).exists(), source
    assert (REPO / "pyproject.toml").exists()
    cmd = re.search(r"^CMD (.+)$", CONTAINERFILE, flags=re.MULTILINE)
    assert cmd is not None
    assert yaml.safe_load(cmd.group(1)) == [
        "gunicorn",
        "-c",
        "/opt/caisse/src/deploy/gunicorn.conf.py",
    ]
    assert "COPY deploy/gunicorn.conf.py deploy/gunicorn.conf.py" in CONTAINERFILE
    assert re.search(r"^USER caisse$", CONTAINERFILE, flags=re.MULTILINE)
    assert "/healthz" in re.search(r"HEALTHCHECK[^\n]*\n[^\n]*", CONTAINERFILE).group(0)


def test_compose_builds_from_the_containerfile_and_waits_for_the_schema():
    migrate = COMPOSE["services"]["migrate"]
    assert (DEPLOY / migrate["build"]["context"] / migrate["build"]["dockerfile"]).exists()
    assert migrate["command"] == ["caisse", "db", "upgrade"]
    server = COMPOSE["services"]["server"]
    assert server["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert server["depends_on"]["db"]["condition"] == "service_healthy"
    assert COMPOSE["services"]["db"]["image"].endswith("postgres:15")
    assert server["ports"] == ["127.0.0.1:8000:8000"]
    for secret in COMPOSE["secrets"].values():
        assert secret["file"].startswith("./secrets/")
        assert secret["file"].removeprefix("./") in (DEPLOY / "README.md").read_text()


@pytest.mark.parametrize(("service", "command"), compose_commands())
def test_every_compose_command_exists_with_its_options(service, command, tmp_path):
    assert command[0] == "caisse", service
    done = subprocess.run(
        [str(VENV_BIN / "caisse"), *command[1:], "--help"],
        env=clean_environment(CAISSE_INSTANCE_DIR=str(tmp_path), CAISSE_SECRET_KEY="test"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"{service}: {shlex.join(command)}\n{done.stderr}"
