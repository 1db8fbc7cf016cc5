"""`caisse keys rotate --if-older-than DAYS`, as caisse-keys.timer runs it every day."""

import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.deploy.servers import VENV_BIN, clean_environment
from wallet_server import clock
from wallet_server.db import make_engine, make_session_factory
from wallet_server.tokens.keystore import KeyStore
from wallet_server.tokens.models import SigningKeyRecord
from wallet_server.tokens.operations import rotate_signing_key


@pytest.fixture
def key_dir(tmp_path):
    return tmp_path / "keys"


@pytest.fixture
def rotate(db_url, key_dir, tmp_path):
    """The command as the timer runs it: its own process (which also closes its database
    connections on exit, as the in-process runner would not)."""

    def run(*options: str) -> subprocess.CompletedProcess[str]:
        environment = clean_environment(
            DATABASE_URL=db_url,
            CAISSE_KEY_DIR=str(key_dir),
            CAISSE_INSTANCE_DIR=str(tmp_path),
            CAISSE_SECRET_KEY="test-only",
        )
        return subprocess.run(
            [str(VENV_BIN / "caisse"), "keys", "rotate", *options],
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    return run


@pytest.fixture
def keys(db_url):
    """Every signing key record, oldest first."""
    engine = make_engine(db_url)
    sessions = make_session_factory(engine)

    def read() -> list[SigningKeyRecord]:
        with sessions() as session:
            return list(
                session.scalars(select(SigningKeyRecord).order_by(SigningKeyRecord.valid_from))
            )

    yield read
    engine.dispose()


def make_key(db_url: str, key_dir, *, age_days: int) -> str:
    engine = make_engine(db_url)
    try:
        with make_session_factory(engine)() as session:
            record = rotate_signing_key(
                session, KeyStore(key_dir), now=clock.now() - timedelta(days=age_days)
            )
            session.commit()
            return record.kid
    finally:
        engine.dispose()


def test_a_key_older_than_the_limit_is_replaced(db_url, key_dir, rotate, keys):
    old = make_key(db_url, key_dir, age_days=40)
    result = rotate("--if-older-than", "30")
    assert result.returncode == 0, result.stderr
    first, second = keys()
    assert first.kid == old and first.valid_until is not None
    assert second.valid_until is None and second.kid != old
    assert result.stdout.strip() == (
        f"Clé {old} âgée de 40 jour(s), plus de 30 : nouvelle clé {second.kid} / key {old} "
        f"was 40 day(s) old, older than 30: new key {second.kid} ({key_dir})"
    )
    private = key_dir / f"{second.kid}.pem"
    assert private.stat().st_mode & 0o777 == 0o600
    KeyStore(key_dir).load(bytes.fromhex(second.kid))  # the new current key can sign


def test_the_next_day_the_fresh_key_is_kept(db_url, key_dir, rotate, keys):
    make_key(db_url, key_dir, age_days=40)
    assert rotate("--if-older-than", "30").returncode == 0
    again = rotate("--if-older-than", "30")
    assert again.returncode == 0, again.stderr
    current = keys()[-1]
    assert len(keys()) == 2
    assert again.stdout.strip() == (
        f"Clé courante {current.kid} âgée de 0 jour(s), pas plus de 30 : rien à faire / "
        f"current key {current.kid} is 0 day(s) old, not older than 30: nothing to do"
    )


def test_a_key_younger_than_the_limit_is_kept(db_url, key_dir, rotate, keys):
    kid = make_key(db_url, key_dir, age_days=29)
    result = rotate("--if-older-than", "30")
    assert result.returncode == 0, result.stderr
    assert [(k.kid, k.valid_until) for k in keys()] == [(kid, None)]
    assert "rien à faire / " in result.stdout and "29 day(s) old" in result.stdout
    assert sorted(p.name for p in key_dir.iterdir()) == [f"{kid}.pem"]


def test_a_fund_without_a_key_gets_its_first(rotate, keys, key_dir):
    result = rotate("--if-older-than", "30")
    assert result.returncode == 0, result.stderr
    (only,) = keys()
    assert result.stdout.strip() == (
        f"Aucune clé courante : nouvelle clé {only.kid} / no current key: "
        f"new key {only.kid} ({key_dir})"
    )


def test_without_the_option_rotate_always_rotates(db_url, key_dir, rotate, keys):
    make_key(db_url, key_dir, age_days=0)
    result = rotate()
    assert result.returncode == 0, result.stderr
    assert len(keys()) == 2
    assert result.stdout.startswith("Nouvelle clé / new key: ")


def test_a_negative_age_is_a_usage_error(rotate, keys):
    result = rotate("--if-older-than", "-1")
    assert result.returncode == 2
    assert keys() == []
