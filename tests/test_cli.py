"""The `caisse` command as a coordinator runs it, in a real subprocess."""

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from tests.database_copies import copy_database, drop_postgres_schema, new_postgres_schema
from wallet_server import migrations
from wallet_server.allocations.models import AllocationRun
from wallet_server.db import make_engine
from wallet_server.months import next_month

CAISSE = [sys.executable, "-c", "from wallet_server.cli.main import main; main()"]


def caisse(db_url: str, tmp_path: Path, *args: str, ok: bool = True, **extra_env: str):
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "CAISSE_INSTANCE_DIR": str(tmp_path),
        "CAISSE_ACTOR": "coord:test",
        **extra_env,
    }
    # a generous bound, not a measure: seeding the demo's year on PostgreSQL takes some ten
    # seconds alone and minutes on a loaded CI machine; it only stops a hung command
    done = subprocess.run(
        [*CAISSE, *args], capture_output=True, text=True, env=env, timeout=900, check=False
    )
    if ok:
        assert done.returncode == 0, done.stderr
    return done


class DemoSeeds:
    """The demo fund seeded once per backend for this module (a year of history: 10 to 25 s),
    then copied into each test's own empty database and instance folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.seeded: dict[str, tuple[str, Path]] = {}
        self.failed: set[str] = set()
        self.schema = f"test_{os.getpid()}_demo"

    def source(self, backend: str) -> tuple[str, Path]:
        if backend in self.failed:
            pytest.fail(f"seeding the demo on {backend} failed in an earlier test")
        if backend not in self.seeded:
            self.failed.add(backend)  # until it is done
            instance = self.folder / backend / "instance"
            instance.mkdir(parents=True)
            if backend == "sqlite":
                url = f"sqlite:///{self.folder / backend / 'demo.sqlite3'}"
                migrations.upgrade(url)
            else:
                url = new_postgres_schema(os.environ["TEST_DATABASE_URL"], self.schema)
            caisse(url, instance, "demo", "--seed-only")
            self.seeded[backend] = (url, instance)
            self.failed.discard(backend)
        return self.seeded[backend]


@pytest.fixture(scope="module")
def demo_seeds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoSeeds]:
    seeds = DemoSeeds(tmp_path_factory.mktemp("demo-seeds"))
    yield seeds
    if "postgresql" in seeds.seeded or "postgresql" in seeds.failed:
        drop_postgres_schema(os.environ["TEST_DATABASE_URL"], seeds.schema)


@pytest.fixture
def demo(db_url, tmp_path, demo_seeds):
    source, instance = demo_seeds.source(make_url(db_url).get_backend_name())
    copy_database(source, db_url)
    shutil.copytree(instance, tmp_path, dirs_exist_ok=True)
    return db_url


def test_demo_seed_balances_and_second_allocation_allocates_nothing(demo, tmp_path):
    verified = caisse(demo, tmp_path, "ledger", "verify", "--json")
    report = json.loads(verified.stdout)
    assert report["ok"] and report["accounts"] == 6 + 3 + 48  # fund, shops, wallets
    month = json.loads(
        caisse(demo, tmp_path, "allocate", "--month", _demo_month(demo), "--json").stdout
    )
    assert (month["allocated"], month["already_allocated"], month["total_cents"]) == (0, 48, 0)
    assert set(month) >= {"month", "eligible", "allocated", "already_allocated", "total_cents"}
    credentials = tmp_path / "demo-credentials.txt"
    assert credentials.stat().st_mode & 0o077 == 0
    shops = json.loads(caisse(demo, tmp_path, "shop", "list", "--json").stdout)
    assert [s["status"] for s in shops] == ["approved"] * 3


def _demo_month(db_url: str) -> str:
    """The month the demo allocated last (read back, never recomputed from today's date: the
    seeding and the test may straddle a month's end)."""

    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            month = connection.execute(select(func.max(AllocationRun.month))).scalar_one()
    finally:
        engine.dispose()
    assert month is not None
    return month


def test_demo_seeding_is_done_once(demo, tmp_path):
    again = caisse(demo, tmp_path, "demo", "--seed-only")
    assert "already present" in again.stdout


def _allocate(db_url, tmp_path, month: str, *flags: str) -> dict:
    return json.loads(caisse(db_url, tmp_path, "allocate", "--month", month, *flags).stdout)


def test_a_dry_run_reports_exactly_what_the_run_then_books(demo, tmp_path):
    month = _demo_month(demo)
    caisse(demo, tmp_path, "participant", "add", "--household-size", "2", "--month", month)
    preview = _allocate(demo, tmp_path, month, "--dry-run", "--json")
    real = _allocate(demo, tmp_path, month, "--json")
    fields = ("eligible", "allocated", "already_allocated", "total_cents", "reclaimed_cents")
    assert preview["dry_run"] is True and real["dry_run"] is False
    assert [preview[f] for f in fields] == [real[f] for f in fields]
    # the demo's 48 wallets had the month already: only the newcomer is booked
    assert (real["eligible"], real["allocated"], real["already_allocated"]) == (49, 1, 48)
    assert caisse(demo, tmp_path, "ledger", "verify").returncode == 0


def test_allocate_dry_run_json_then_real_run_of_the_next_month(demo, tmp_path):
    month = next_month(_demo_month(demo))
    caisse(demo, tmp_path, "participant", "add", "--household-size", "2", "--month", month)
    caisse(
        demo, tmp_path, "policy", "set", "--month", month, "--amount", "100,00",
        "--extra-member", "25,50",
    )  # fmt: skip
    preview = _allocate(demo, tmp_path, month, "--dry-run", "--json")
    assert preview["dry_run"] is True and preview["eligible"] == 49
    real = _allocate(demo, tmp_path, month, "--json")
    assert real["total_cents"] == preview["total_cents"] and real["allocated"] == 49
    assert real["allocated"] == preview["allocated"] and real["already_allocated"] == 0
    again = _allocate(demo, tmp_path, month, "--dry-run", "--json")
    assert (again["allocated"], again["already_allocated"], again["total_cents"]) == (0, 49, 0)
    assert caisse(demo, tmp_path, "ledger", "verify").returncode == 0


def test_csv_import_with_a_bad_row_writes_nothing_and_says_where(demo, tmp_path):
    bad = tmp_path / "people.csv"
    bad.write_text("name;household_size\nAlice;2\nBob;beaucoup\n", encoding="utf-8")
    done = caisse(demo, tmp_path, "participant", "import", str(bad), ok=False)
    assert done.returncode == 2
    assert "ligne/row 3" in done.stderr and "Invalid household size" in done.stderr
    listed = json.loads(caisse(demo, tmp_path, "participant", "list", "--json").stdout)
    assert len(listed) == 48
    good = tmp_path / "good.csv"
    good.write_text("name,household_size\nAlice,2\nBob,1\n", encoding="utf-8")
    caisse(demo, tmp_path, "participant", "import", str(good))
    assert len(json.loads(caisse(demo, tmp_path, "participant", "list", "--json").stdout)) == 50


def test_bad_amount_is_refused_in_both_languages_without_traceback(demo, tmp_path):
    done = caisse(
        demo, tmp_path, "fund", "subsidy", "--funder", "Ville", "--amount", "12,345", ok=False
    )
    assert done.returncode == 2
    assert "montant invalide / invalid amount" in done.stderr
    assert "Traceback" not in done.stderr


def test_contribution_payment_and_behind_list(demo, tmp_path):
    people = json.loads(caisse(demo, tmp_path, "contribution", "behind", "--json").stdout)
    assert people, "the demo leaves a few participants behind"
    first = people[0]
    caisse(
        demo,
        tmp_path,
        "contribution",
        "pay",
        first["public_id"].lower(),
        "--amount",
        f"{first['owed_cents'] // 100},{first['owed_cents'] % 100:02d}",
        "--method",
        "cash",
    )
    after = json.loads(caisse(demo, tmp_path, "contribution", "behind", "--json").stdout)
    assert first["public_id"] not in {p["public_id"] for p in after}
    unknown = caisse(
        demo,
        tmp_path,
        "contribution",
        "pay",
        "P-0000-0000",
        "--amount",
        "1",
        "--method",
        "cash",
        ok=False,
    )
    assert "Participant introuvable. / Participant not found." in unknown.stderr


def test_ledger_verify_fails_on_a_tampered_counter(demo, tmp_path):

    engine = make_engine(demo)
    with engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE accounts SET credits_posted = credits_posted + 1 "
                "WHERE code = 'fund:payouts'"
            )
        )
    engine.dispose()
    done = caisse(demo, tmp_path, "ledger", "verify", ok=False)
    assert done.returncode == 1
    assert "fund:payouts credits_posted" in done.stdout


def test_shop_lifecycle_from_application_to_approval(demo, tmp_path):
    added = caisse(demo, tmp_path, "shop", "add", "Ferme du Mas", "--category", "producteur")
    public_id = added.stdout.split(": ")[1].split()[0]
    caisse(demo, tmp_path, "shop", "approve", public_id)
    again = caisse(demo, tmp_path, "shop", "approve", public_id, ok=False)
    assert again.returncode == 2 and "[invalid_transition]" in again.stderr


def test_init_creates_the_first_admin_once_and_prints_the_totp_enrolment(db_url, tmp_path):
    password = {"CAISSE_ADMIN_PASSWORD": "a long enough secret"}
    first = caisse(db_url, tmp_path, "init", **password)
    second = caisse(db_url, tmp_path, "init", **password)
    assert "otpauth://totp/Caisse%20Commune:admin?secret=" in first.stdout
    assert "already exists" in second.stdout
    assert caisse(db_url, tmp_path, "ledger", "verify").returncode == 0


def test_init_refuses_a_short_password(db_url, tmp_path):
    done = caisse(db_url, tmp_path, "init", ok=False, CAISSE_ADMIN_PASSWORD="short")
    assert done.returncode == 2 and "[password_too_short]" in done.stderr
