"""The wheel, built from a copy of the repository as `pip install` builds it: it carries every
file the server serves or runs (the participant app, the tills' screens, the console's pages,
the migrations), and neither bench/ nor tests/. Installed on its own, away from any checkout,
it serves the participant app, the browser till and the console."""

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.deploy.servers import DEPLOY, REPO, clean_environment

#: the folders whose every file the wheel must carry: what the server serves or runs
DATA_FOLDERS = [
    "wallet_server/pwa/static",
    "wallet_server/till_web/static",
    "pos_client/static",
    "wallet_server/console/static",
    "wallet_server/migrations",
    "wallet_server/translations",
    # every slice's own templates, and the console's
    *sorted(str(folder.relative_to(REPO)) for folder in REPO.glob("wallet_server/*/templates")),
]
#: named here too, so that an emptied or moved folder cannot pass unseen
NAMED_FILES = [
    "wallet_server/pwa/static/index.html",
    "wallet_server/pwa/static/manifest.webmanifest",
    "wallet_server/pwa/static/sw.js",
    "wallet_server/till_web/static/engine/index.js",
    "wallet_server/till_web/static/manifest.webmanifest",
    "wallet_server/till_web/static/sw.js",
    "wallet_server/till_web/static/vendor/noble-ed25519/index.js",
    "pos_client/static/index.html",
    "pos_client/static/vendor/qr-scanner/qr-scanner.min.js",
    "wallet_server/console/templates/console/base.html",
    "wallet_server/vouchers/templates/console/vouchers/sheet.html",
    "wallet_server/pos/templates/console/conflicts/list.html",
    "wallet_server/console/static/console.css",
    "wallet_server/alembic.ini",
    "wallet_server/migrations/env.py",
    "offline_rules/vectors.json",
]
#: how to refresh the vendored libraries: for maintainers, never asked for by a screen
NOT_SHIPPED = {
    "pos_client/static/vendor/README.md",
    "wallet_server/till_web/static/vendor/README.md",
}
PACKAGES = {"wallet_server", "paytoken", "offline_rules", "pos_client"}
#: what an installed server answers from the wheel's files alone
SERVED = [
    "/app/",
    "/app/manifest.webmanifest",
    "/app/sw.js",
    "/app/views/pay.js",
    "/app/icons/icon-192.png",
    "/till/",
    "/till/engine/index.js",
    "/till/vendor/noble-ed25519/index.js",
    "/till/vendor/qr-scanner/qr-scanner.min.js",
    "/console/login",
    "/console/static/console.css",
]
PIP = [sys.executable, "-m", "pip", "--quiet", "--disable-pip-version-check"]
NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis",
    "instance",
)  # fmt: skip


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel of a fresh copy (a build folder left in the checkout would leak old files)."""
    folder = tmp_path_factory.mktemp("wheel")
    source = folder / "source"
    shutil.copytree(REPO, source, ignore=NOT_COPIED)
    built = subprocess.run(
        [
            *PIP,
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(folder / "out"),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    (path,) = (folder / "out").glob("caisse_commune-*.whl")
    return path


def names_in(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_the_wheel_carries_every_file_the_server_serves_or_runs(wheel):
    names = names_in(wheel)
    on_disk = [
        path.relative_to(REPO).as_posix()
        for folder in DATA_FOLDERS
        for path in (REPO / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    ]
    assert len(on_disk) > 100
    assert sorted(set(on_disk) - names - NOT_SHIPPED) == []
    assert sorted(set(NAMED_FILES) - names) == []


def test_the_wheel_holds_the_packages_and_neither_bench_nor_tests(wheel):
    tops = {name.split("/")[0] for name in names_in(wheel)}
    assert {top for top in tops if not top.endswith(".dist-info")} == PACKAGES


def test_the_container_copies_every_package_of_the_wheel_and_nothing_else():
    copied = re.findall(r"^COPY (\S+)/ ", (DEPLOY / "Containerfile").read_text(), re.MULTILINE)
    assert set(copied) == PACKAGES


def test_the_deploy_kit_never_points_into_the_source_tree_for_the_apps():
    for path in [DEPLOY / "caisse.env.example", DEPLOY / "Containerfile", DEPLOY / "compose.yaml"]:
        text = path.read_text()
        assert "CAISSE_PWA_DIR" not in text and "mobile_pwa" not in text, path


def test_an_installed_wheel_serves_the_apps_away_from_any_checkout(wheel, tmp_path):
    site = tmp_path / "site"
    installed = subprocess.run(
        [*PIP, "install", "--no-deps", "--target", str(site), str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr
    script = f"""
import wallet_server
from wallet_server import migrations, pwa
from wallet_server.web.app import create_app

assert wallet_server.__file__.startswith({str(site)!r}), wallet_server.__file__
assert pwa.PWA_DIR.is_relative_to({str(site)!r}), pwa.PWA_DIR
url = "sqlite:///{tmp_path}/caisse.sqlite3"
migrations.upgrade(url)
client = create_app({{"database_url": url}}).test_client()
for path in {SERVED!r}:
    print(path, client.get(path).status_code)
"""
    served = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=clean_environment(
            PYTHONPATH=str(site),
            CAISSE_INSTANCE_DIR=str(tmp_path / "instance"),
            CAISSE_SECRET_KEY="test",
        ),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert served.returncode == 0, served.stderr
    assert served.stdout.splitlines() == [f"{path} 200" for path in SERVED]
