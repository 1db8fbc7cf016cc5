"""Secrets come from the environment or from files (NAME_FILE), never from a default in the
code; the security settings are read from their variables and refused when unreadable."""

import stat

import pytest

from wallet_server.config import Settings
from wallet_server.web.app import create_app

SECRET_VARIABLES = ("DATABASE_URL", "CAISSE_SECRET_KEY", "CAISSE_RATELIMIT_STORAGE_URI")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in SECRET_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(f"{name}_FILE", raising=False)
    for name in ("CAISSE_TRUSTED_PROXIES", "CAISSE_SECURE_COOKIES", "CAISSE_RATELIMIT_ENABLED"):
        monkeypatch.delenv(name, raising=False)


def _secret_file(tmp_path, name: str, content: str):
    path = tmp_path / name
    path.write_text(content)
    path.chmod(0o400)
    return path


def test_the_server_runs_on_a_database_address_read_from_a_file(db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL_FILE", str(_secret_file(tmp_path, "db", db_url + "\n")))
    monkeypatch.setenv(
        "CAISSE_SECRET_KEY_FILE", str(_secret_file(tmp_path, "key", "from-a-file-0123456789"))
    )
    app = create_app({"instance_dir": tmp_path / "instance"})
    try:
        assert app.config["SECRET_KEY"] == "from-a-file-0123456789"
        health = app.test_client().get("/healthz")
        assert health.json == {"status": "ok", "database": "ok"}
    finally:
        app.extensions["caisse.engine"].dispose()


def test_the_rate_limit_storage_address_may_come_from_a_file(tmp_path, monkeypatch):
    uri = "redis://:s3cret@127.0.0.1:6379/2"
    monkeypatch.setenv(
        "CAISSE_RATELIMIT_STORAGE_URI_FILE", str(_secret_file(tmp_path, "redis", uri))
    )
    settings = Settings.from_env({"instance_dir": tmp_path})
    assert settings.rate_limits.storage_uri == uri


def test_a_value_and_a_file_for_the_same_secret_are_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:///one.sqlite3")
    monkeypatch.setenv("DATABASE_URL_FILE", str(_secret_file(tmp_path, "db", "sqlite:///two")))
    with pytest.raises(ValueError, match="keep only one") as refused:
        Settings.from_env({"instance_dir": tmp_path})
    assert "gardez-en un seul" in str(refused.value)


@pytest.mark.parametrize("content", [None, "", "  \n"])
def test_a_missing_or_empty_secret_file_is_refused(tmp_path, monkeypatch, content):
    path = tmp_path / "key"
    if content is not None:
        path.write_text(content)
    monkeypatch.setenv("CAISSE_SECRET_KEY_FILE", str(path))
    with pytest.raises(ValueError, match="CAISSE_SECRET_KEY_FILE"):
        Settings.from_env({"instance_dir": tmp_path})


def test_without_a_configured_key_each_instance_makes_its_own_random_one(tmp_path):
    first = Settings.from_env({"instance_dir": tmp_path / "a"})
    second = Settings.from_env({"instance_dir": tmp_path / "b"})
    assert first.secret_key != second.secret_key
    assert len(first.secret_key) == 64 and int(first.secret_key, 16) >= 0
    assert Settings.from_env({"instance_dir": tmp_path / "a"}).secret_key == first.secret_key
    mode = stat.S_IMODE((tmp_path / "a" / "secret_key").stat().st_mode)
    assert mode == 0o600


def test_defaults_carry_no_credentials(tmp_path):
    settings = Settings.from_env({"instance_dir": tmp_path})
    assert settings.database_url == f"sqlite:///{tmp_path / 'caisse.sqlite3'}"
    assert settings.rate_limits.storage_uri == "memory://"
    assert settings.rate_limits.enabled is True
    assert (settings.trusted_proxies, settings.secure_cookies) == (0, None)


def test_security_settings_are_read_from_their_variables(tmp_path, monkeypatch):
    monkeypatch.setenv("CAISSE_TRUSTED_PROXIES", "2")
    monkeypatch.setenv("CAISSE_SECURE_COOKIES", "1")
    monkeypatch.setenv("CAISSE_RATELIMIT_ENABLED", "0")
    monkeypatch.setenv("CAISSE_RATELIMIT_PIN_PER_TILL", "3 per hour")
    settings = Settings.from_env({"instance_dir": tmp_path})
    assert (settings.trusted_proxies, settings.secure_cookies) == (2, True)
    assert settings.rate_limits.enabled is False
    assert settings.rate_limits.pin_per_till == "3 per hour"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("CAISSE_TRUSTED_PROXIES", "-1"),
        ("CAISSE_TRUSTED_PROXIES", "nginx"),
        ("CAISSE_SECURE_COOKIES", "maybe"),
        ("CAISSE_RATELIMIT_ENABLED", "perhaps"),
        ("CAISSE_RATELIMIT_LOGIN_PER_IP", "a lot"),
    ],
)
def test_unreadable_security_settings_stop_the_start(tmp_path, monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValueError, match=variable):
        Settings.from_env({"instance_dir": tmp_path})
