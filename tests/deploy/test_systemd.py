"""The systemd units in deploy/systemd: every command they start exists with the options they
give it, every timer starts a unit that exists, the hardening is there, and systemd's own
`systemd-analyze verify` accepts them."""

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.deploy.servers import DEPLOY, REPO, VENV_BIN, clean_environment
from tests.system_programs import PROGRAMS, require

UNITS = DEPLOY / "systemd"
SERVICES = sorted(UNITS.glob("*.service"))
TIMERS = sorted(UNITS.glob("*.timer"))
#: where deploy/README.md installs the virtualenv and the source tree
INSTALLED_VENV_BIN = "/opt/caisse/venv/bin/"
INSTALLED_SOURCE = "/opt/caisse/src/"
EXEC_KEYS = ("ExecStartPre", "ExecStart", "ExecStartPost", "ExecReload", "ExecStop")


def parse_unit(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Sections and their (key, value) lines, repeated keys kept in order, as systemd reads
    them (configparser would keep only the last SystemCallFilter=)."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] | None = None
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
            continue
        assert current is not None, f"{path.name}: {line!r} before any section"
        key, equals, value = line.partition("=")
        assert equals, f"{path.name}: not a key=value line: {line!r}"
        current.append((key.strip(), value.strip()))
    return sections


def values(unit: dict[str, list[tuple[str, str]]], section: str, key: str) -> list[str]:
    return [value for name, value in unit.get(section, []) if name == key]


def one(unit: dict[str, list[tuple[str, str]]], section: str, key: str) -> str:
    found = values(unit, section, key)
    assert len(found) == 1, f"[{section}] {key}: {found}"
    return found[0]


def exec_lines() -> list[tuple[str, str, str]]:
    return [
        (service.name, key, value)
        for service in SERVICES
        for key in EXEC_KEYS
        for value in values(parse_unit(service), "Service", key)
    ]


def local_argv(command_line: str) -> list[str]:
    """The command as it runs from this checkout: the installed virtualenv and source tree
    are this test run's."""
    argv = shlex.split(command_line.lstrip("-@+!:"))
    return [
        str(VENV_BIN / word.removeprefix(INSTALLED_VENV_BIN))
        if word.startswith(INSTALLED_VENV_BIN)
        else str(REPO / word.removeprefix(INSTALLED_SOURCE))
        if word.startswith(INSTALLED_SOURCE)
        else word
        for word in argv
    ]


def env_example() -> dict[str, str]:
    settings = {}
    for line in (DEPLOY / "caisse.env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            settings[name] = value.strip('"')
    return settings


def test_there_are_the_units_the_readme_installs():
    names = {path.name for path in [*SERVICES, *TIMERS]}
    assert names == {
        "caisse-server.service",
        "caisse-sweep.service",
        "caisse-sweep.timer",
        "caisse-keys.service",
        "caisse-keys.timer",
        "caisse-backup.service",
        "caisse-backup.timer",
        "caisse-pos.service",
    }
    readme = (DEPLOY / "README.md").read_text()
    for name in names:
        assert name in readme, f"deploy/README.md never mentions {name}"


@pytest.mark.parametrize(("service", "key", "command_line"), exec_lines())
def test_every_command_a_unit_starts_exists_with_its_options(service, key, command_line, tmp_path):
    argv = local_argv(command_line)
    program = Path(argv[0])
    assert program.is_absolute(), f"{service} {key}: systemd wants an absolute path"
    if program.name in PROGRAMS:  # a system program (kill) that a bare Debian may lack
        require(program.name)
    assert program.exists() and shutil.which(str(program)), f"{service}: {program} missing"
    # the settings a unit reads from /etc/caisse/caisse.env, pointed at this test's folder
    environment = clean_environment(
        DATABASE_URL=f"sqlite:///{tmp_path / 'caisse.sqlite3'}",
        CAISSE_INSTANCE_DIR=str(tmp_path),
        CAISSE_SECRET_KEY="test-only",
    )
    if program.name in ("caisse", "caisse-pos"):
        # click parses every option before --help answers: an unknown one exits 2
        done = subprocess.run(
            [*argv, "--help"],
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, f"{service}: {command_line}\n{done.stderr}"
        assert done.stdout.startswith("Usage:")
    elif program.name == "gunicorn":
        done = subprocess.run(
            [*argv, "--check-config"],
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert argv[argv.index("-c") + 1] == str(DEPLOY / "gunicorn.conf.py")


@pytest.mark.parametrize("timer", TIMERS, ids=lambda path: path.name)
def test_every_timer_starts_a_service_that_exists(timer):
    unit = parse_unit(timer)
    service = one(unit, "Timer", "Unit")
    assert (UNITS / service).exists()
    assert service == timer.name.replace(".timer", ".service")
    assert values(unit, "Timer", "OnCalendar")
    assert one(unit, "Install", "WantedBy") == "timers.target"
    assert "Install" not in parse_unit(UNITS / service), "a timer's service is started by it only"


@pytest.mark.parametrize("service", SERVICES, ids=lambda path: path.name)
def test_every_service_runs_hardened_as_its_own_user(service):
    unit = parse_unit(service)
    user = one(unit, "Service", "User")
    assert user == ("caisse-pos" if service.name == "caisse-pos.service" else "caisse")
    assert one(unit, "Service", "Group") == user
    for key, expected in (
        ("NoNewPrivileges", "yes"),
        ("ProtectSystem", "strict"),
        ("ProtectHome", "yes"),
        ("PrivateTmp", "yes"),
        ("PrivateDevices", "yes"),
        ("UMask", "0077"),
        ("CapabilityBoundingSet", ""),
    ):
        assert one(unit, "Service", key) == expected, f"{service.name}: {key}"
    assert values(unit, "Service", "SystemCallFilter") == [
        "@system-service",
        "~@privileged @resources",
    ]
    if user == "caisse":
        assert one(unit, "Service", "EnvironmentFile") == "/etc/caisse/caisse.env"


def test_services_may_write_only_where_their_work_is():
    settings = env_example()
    writable = {
        service.name: values(parse_unit(service), "Service", "ReadWritePaths")
        for service in SERVICES
    }
    assert writable["caisse-server.service"] == []  # reads the keys, writes no file
    assert writable["caisse-sweep.service"] == []
    assert writable["caisse-keys.service"] == [settings["CAISSE_KEY_DIR"]]
    backup = parse_unit(UNITS / "caisse-backup.service")
    output = shlex.split(one(backup, "Service", "ExecStart"))
    assert writable["caisse-backup.service"] == [output[output.index("--output") + 1]]
    pos = parse_unit(UNITS / "caisse-pos.service")
    assert one(pos, "Service", "StateDirectory") == "caisse-pos"
    assert "--data-dir /var/lib/caisse-pos run" in one(pos, "Service", "ExecStart")


def test_the_till_always_comes_back():
    pos = parse_unit(UNITS / "caisse-pos.service")
    assert one(pos, "Service", "Restart") == "always"
    assert one(pos, "Service", "ExecStart").endswith("run --host 127.0.0.1 --port 8700")


def test_the_server_binds_where_nginx_proxies():
    settings = env_example()
    upstream = re.search(
        r"upstream caisse_app \{\s*server ([^;]+);", (DEPLOY / "nginx" / "caisse.conf").read_text()
    )
    assert upstream is not None
    assert settings["CAISSE_BIND"] == upstream.group(1)
    server = parse_unit(UNITS / "caisse-server.service")
    assert one(server, "Service", "Type") == "notify"  # gunicorn says when it is ready


def test_systemd_analyze_verify_accepts_the_units(tmp_path):
    analyze = require("systemd-analyze")
    rendered = []
    for unit in [*SERVICES, *TIMERS]:
        text = unit.read_text().replace(INSTALLED_VENV_BIN, f"{VENV_BIN}/")
        text = text.replace(INSTALLED_SOURCE, f"{REPO}/")
        (tmp_path / unit.name).write_text(text)
        rendered.append(str(tmp_path / unit.name))
    done = subprocess.run(
        [analyze, "verify", "--man=no", *rendered],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    # systemd only warns about a key it does not know, and then ignores it: a typo in a
    # hardening option would silently remove the protection
    for complaint in ("Unknown key", "Unknown section", "Failed to parse", "Invalid", "ignoring"):
        assert complaint not in output, output
