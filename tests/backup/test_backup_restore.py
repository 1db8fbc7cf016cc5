"""`caisse backup` and `caisse restore` in real subprocesses, on SQLite and PostgreSQL: a fund
restored into an empty database has every account, every row and every key it had."""

import hashlib
import io
import json
import os
import re
import stat
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from paytoken import Keyset, verify_token
from tests.backup.conftest import (
    Fund,
    _admin,
    assert_untouched,
    is_sqlite,
    pay_code,
    redeem,
)
from tests.backup.helpers import accounts_of, caisse, files_under, refusal_code, row_counts
from tests.factories import fund, wallet
from tests.payments import new_signing_key, payment_app
from wallet_server import migrations
from wallet_server.backup.figures import alembic_revision
from wallet_server.db import make_engine, make_session_factory
from wallet_server.fund import ensure_fund_accounts
from wallet_server.ledger import get_account

HEAD = ScriptDirectory.from_config(migrations.alembic_config("sqlite://")).get_current_head()
#: a revision before head whose ledger tables are the same (they have not changed since)
OLDER = "04b3437e29c3"


def _small_fund(db_url: str, instance: Path) -> None:
    """A signing key and a funded wallet: enough for the refusals, quicker than the demo."""
    engine = make_engine(db_url, poolclass=NullPool)
    sessions = make_session_factory(engine)
    new_signing_key(sessions, instance)
    with sessions() as session:
        wallet(session, "wallet:P-TEST-0001", funded=12_345)
        session.commit()
    engine.dispose()


def _backup(db_url: str, instance: Path, archive: Path) -> Path:
    done = caisse(db_url, instance, "backup", "--output", str(archive))
    assert str(archive) in done.stdout
    assert "Copie de la base / copying the database" in done.stderr
    return archive


def _rewrite(archive: Path, into: Path, change: Callable[[str, bytes], bytes]) -> Path:
    """The same archive, each member passed through `change` (the manifest kept as it is)."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(into, "w:gz") as target:
        for member in source.getmembers():
            content = source.extractfile(member)
            assert content is not None
            data = change(member.name, content.read())
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    return into


def _flip_middle_byte(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :]


def test_a_restored_fund_has_every_balance_and_row_and_its_keys_still_sign(
    demo_fund: Fund, new_database, tmp_path
):
    accounts_before = accounts_of(demo_fund.url)
    rows_before = row_counts(demo_fund.url)
    keys_before = files_under(demo_fund.instance / "keys")
    assert len(keys_before) == 2  # the demo's key and the rotated one
    assert any(pending for _, _, pending, _ in accounts_before.values())  # an open hold
    # the demo's year, then the fixture's three payments and one refund
    seeded = demo_fund.seeded_rows
    assert rows_before["refunds"] == seeded["refunds"] + 1
    assert rows_before["redemptions"] == seeded["redemptions"] + 3
    source_app = payment_app(demo_fund.url, demo_fund.instance)
    keyset_before = source_app.test_client().get("/api/v1/keyset").json
    source_app.extensions["caisse.engine"].dispose()

    archive = _backup(demo_fund.url, demo_fund.instance, tmp_path / "fund.tar.gz")
    target, restored = new_database(), tmp_path / "restored"
    done = caisse(target, restored, "restore", str(archive))

    assert "rien n'est perdu / restore verified, nothing lost" in done.stdout
    assert "≠" not in done.stdout
    verified = caisse(target, restored, "ledger", "verify", "--json")
    assert json.loads(verified.stdout)["ok"] is True
    assert accounts_of(target) == accounts_before
    assert row_counts(target) == rows_before
    assert files_under(restored / "keys") == keys_before
    assert stat.S_IMODE((restored / "keys").stat().st_mode) == 0o700
    for key in (restored / "keys").iterdir():
        assert stat.S_IMODE(key.stat().st_mode) == 0o600

    app = payment_app(target, restored)
    client = app.test_client()
    served = client.get("/api/v1/keyset").json
    assert served["digest"] == keyset_before["digest"]
    redeem(client, demo_fund.till_headers, demo_fund.outstanding_code, 260)
    fresh = pay_code(client, demo_fund.phone_headers)
    claims = verify_token(fresh, Keyset.from_json(served["keys"]))
    assert claims.wallet == demo_fund.participant
    redeem(client, demo_fund.till_headers, fresh, 100)
    app.extensions["caisse.engine"].dispose()
    assert json.loads(caisse(target, restored, "ledger", "verify", "--json").stdout)["ok"]


def test_the_archive_is_private_and_its_manifest_matches_every_member(db_url, tmp_path):
    instance = tmp_path / "source"
    _small_fund(db_url, instance)
    done = caisse(db_url, instance, "backup")

    folder = instance / "backups"
    [archive] = folder.iterdir()  # nothing else: no temporary file left behind
    assert re.fullmatch(r"caisse-backup-\d{8}T\d{6}Z\.tar\.gz", archive.name)
    assert f"{archive} ({archive.stat().st_size} octets/bytes)" in done.stdout
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    with tarfile.open(archive, "r:gz") as tar:
        names = tar.getnames()
        contents = {}
        for name in names:
            member = tar.extractfile(name)
            assert member is not None
            contents[name] = member.read()
    manifest = json.loads(contents.pop("manifest.json"))
    assert names[0] == "manifest.json"
    assert manifest["members"] == {
        name: hashlib.sha256(data).hexdigest() for name, data in contents.items()
    }
    kind = "sqlite" if is_sqlite(db_url) else "postgresql"
    assert manifest["database"]["kind"] == kind
    assert manifest["database"]["alembic_revision"] == HEAD
    assert len([name for name in contents if name.startswith("keys/")]) == 1
    counters = accounts_of(db_url)
    assert manifest["ledger"]["ok"] is True
    assert manifest["ledger"]["accounts"] == len(counters)
    assert manifest["ledger"]["balance_by_kind_cents"]["wallet"] == 12_345
    assert manifest["ledger"]["total_balance_cents"] == 0  # double entry: the books balance

    for command in (("backup", "--check", str(archive)), ("restore", "--check", str(archive))):
        checked = caisse(db_url, instance, *command)
        assert "archive intact" in checked.stdout


def test_a_member_changed_by_one_byte_is_refused_and_nothing_is_written(
    db_url, new_database, tmp_path
):
    instance = tmp_path / "source"
    _small_fund(db_url, instance)
    archive = _backup(db_url, instance, tmp_path / "fund.tar.gz")
    database_member = "database.sqlite3" if is_sqlite(db_url) else "database.pgdump"

    untouched = _rewrite(archive, tmp_path / "copy.tar.gz", lambda name, data: data)
    assert caisse(db_url, instance, "backup", "--check", str(untouched)).returncode == 0
    tampered = _rewrite(
        archive,
        tmp_path / "tampered.tar.gz",
        lambda name, data: _flip_middle_byte(data) if name == database_member else data,
    )
    target, restored = new_database(), tmp_path / "restored"
    checked = caisse(target, restored, "backup", "--check", str(tampered), ok=False)
    done = caisse(target, restored, "restore", str(tampered), ok=False)

    for refused in (checked, done):
        assert refused.returncode == 2
        assert refusal_code(refused.stderr) == "backup_checksum_mismatch"
        assert "Somme de contrôle fausse" in refused.stderr
        assert "Checksum mismatch" in refused.stderr
    assert_untouched(target)
    assert not (restored / "keys").exists()


def test_a_damaged_archive_file_is_refused_and_nothing_is_written(db_url, new_database, tmp_path):
    instance = tmp_path / "source"
    _small_fund(db_url, instance)
    archive = _backup(db_url, instance, tmp_path / "fund.tar.gz")
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(_flip_middle_byte(archive.read_bytes()))

    target, restored = new_database(), tmp_path / "restored"
    done = caisse(target, restored, "restore", str(damaged), ok=False)

    assert done.returncode == 2
    assert refusal_code(done.stderr) in {
        "backup_archive_unreadable",
        "backup_checksum_mismatch",
        "backup_members_mismatch",
    }
    assert "rien n'a été restauré" in done.stderr and "nothing was restored" in done.stderr
    assert_untouched(target)
    assert not (restored / "keys").exists()


def test_restoring_into_a_database_that_holds_a_fund_is_refused_and_changes_nothing(
    db_url, tmp_path
):
    instance = tmp_path / "source"
    _small_fund(db_url, instance)
    archive = _backup(db_url, instance, tmp_path / "fund.tar.gz")
    engine = make_engine(db_url, poolclass=NullPool)
    with make_session_factory(engine)() as session:  # activity after the backup
        fund(session, get_account(session, "wallet:P-TEST-0001"), 655, transfer_id="later")
        session.commit()
    engine.dispose()
    accounts, rows = accounts_of(db_url), row_counts(db_url)
    keys = files_under(instance / "keys")

    done = caisse(db_url, instance, "restore", str(archive), ok=False)

    assert done.returncode == 2
    assert refusal_code(done.stderr) == "restore_target_not_empty"
    assert "contient déjà une caisse" in done.stderr and "already holds a fund" in done.stderr
    assert accounts_of(db_url) == accounts and row_counts(db_url) == rows
    assert accounts["wallet:P-TEST-0001"][1] == 12_345 + 655
    assert files_under(instance / "keys") == keys


def test_a_different_key_file_with_the_same_name_is_refused_before_anything_is_written(
    db_url, new_database, tmp_path
):
    instance = tmp_path / "source"
    _small_fund(db_url, instance)
    archive = _backup(db_url, instance, tmp_path / "fund.tar.gz")
    [key_name] = files_under(instance / "keys")
    restored = tmp_path / "restored"
    (restored / "keys").mkdir(parents=True)
    (restored / "keys" / key_name).write_bytes(b"another key\n")

    target = new_database()
    done = caisse(target, restored, "restore", str(archive), ok=False)

    assert done.returncode == 2
    assert refusal_code(done.stderr) == "restore_key_conflict"
    assert (restored / "keys" / key_name).read_bytes() == b"another key\n"
    assert_untouched(target)


def test_restoring_into_the_other_kind_of_database_is_refused(db_url, tmp_path):
    instance = tmp_path / "source"
    _small_fund(db_url, instance)
    archive = _backup(db_url, instance, tmp_path / "fund.tar.gz")
    if is_sqlite(db_url):
        if not os.environ.get("TEST_DATABASE_URL"):
            pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")
        other = os.environ["TEST_DATABASE_URL"]
    else:
        other = f"sqlite:///{tmp_path / 'other' / 'caisse.sqlite3'}"

    done = caisse(other, tmp_path / "restored", "restore", str(archive), ok=False)

    assert done.returncode == 2
    assert refusal_code(done.stderr) == "restore_kind_mismatch"
    assert "SQLite ↔ PostgreSQL" in done.stderr
    assert not (tmp_path / "other").exists()


def test_a_failing_pg_dump_leaves_no_archive_and_says_so_in_both_languages(db_url, tmp_path):
    if is_sqlite(db_url):
        pytest.skip("pg_dump is PostgreSQL's")

    url = make_url(db_url)
    options = url.query["options"]
    assert isinstance(options, str)
    schema = options.split("=", 1)[1]
    # A real pg_dump refused for real: this role may read the ledger (so the figures are
    # computed) but not the other tables, which pg_dump must lock and read.
    role = f"caisse_backup_{os.getpid()}"
    _admin(f"DROP ROLE IF EXISTS {role}")
    _admin(f"CREATE ROLE {role} LOGIN")
    try:
        _admin(f"GRANT USAGE ON SCHEMA {schema} TO {role}")
        for table in ("accounts", "transfers", "open_holds", "alembic_version"):
            _admin(f"GRANT SELECT ON {schema}.{table} TO {role}")
        limited = url.set(username=role).render_as_string(hide_password=False)
        output = tmp_path / "backups"
        output.mkdir()

        done = caisse(limited, tmp_path / "instance", "backup", "--output", f"{output}/", ok=False)
    finally:
        _admin(f"DROP OWNED BY {role}")
        _admin(f"DROP ROLE {role}")

    assert done.returncode == 2
    assert refusal_code(done.stderr) == "backup_dump_failed"
    assert "aucune archive n'a été écrite" in done.stderr
    assert "no archive was written" in done.stderr
    assert "permission denied" in done.stderr
    assert list(output.iterdir()) == []


def _revision(url: str) -> str | None:
    engine = make_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        revision = alembic_revision(connection)
    engine.dispose()
    return revision


def test_a_backup_of_an_older_schema_is_restored_then_upgraded_on_request(new_database, tmp_path):
    source, instance = new_database("old", with_schema=True), tmp_path / "source"
    migrations.upgrade(source, OLDER)
    engine = make_engine(source, poolclass=NullPool)
    with make_session_factory(engine)() as session:
        ensure_fund_accounts(session)
        wallet(session, "wallet:P-OLD-0001", funded=4_200)
        session.commit()
    engine.dispose()
    archive = _backup(source, instance, tmp_path / "old.tar.gz")

    kept = new_database("restore")
    done = caisse(kept, tmp_path / "kept", "restore", str(archive))
    assert "caisse db upgrade" in done.stdout and "nothing lost" in done.stdout
    assert _revision(kept) == OLDER

    upgraded = new_database("upgraded")
    done = caisse(upgraded, tmp_path / "upgraded", "restore", "--upgrade", str(archive))
    assert "schema upgraded" in done.stdout and "nothing lost" in done.stdout
    assert _revision(upgraded) == HEAD
    assert accounts_of(upgraded) == accounts_of(source)
    caisse(upgraded, tmp_path / "upgraded", "ledger", "verify")
