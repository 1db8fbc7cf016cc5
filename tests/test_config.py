"""Settings are read from the environment in wallet_server/config.py only: each variable maps
to one setting, each override key to the same setting, and an unknown key is refused."""

import ast
import os
from dataclasses import dataclass
from functools import reduce
from pathlib import Path
from typing import Any

import pytest

from wallet_server import config
from wallet_server.config import Settings
from wallet_server.web.app import create_app

PACKAGE = Path(config.__file__).parent


@dataclass(frozen=True)
class Variable:
    name: str
    #: the override key that sets the same setting; None: the environment only
    key: str | None
    raw: str
    #: where the setting is, from a Settings: "tokens.cap_cents"
    path: str
    #: the setting's value; None: `raw` itself
    value: Any = None

    @property
    def expected(self) -> Any:
        return self.raw if self.value is None else self.value


LIMIT = "1 per hour"
IBAN = "FR7630004000031234567890143"
VARIABLES = [
    Variable("DATABASE_URL", "database_url", "sqlite:////a.sqlite3", "database_url"),
    Variable("DATABASE_URL_FILE", None, "sqlite:////b.sqlite3", "database_url"),
    Variable("CAISSE_INSTANCE_DIR", "instance_dir", "/srv/c", "instance_dir", Path("/srv/c")),
    Variable("CAISSE_SECRET_KEY", "secret_key", "from-the-env", "secret_key"),
    Variable("CAISSE_SECRET_KEY_FILE", None, "from-a-file", "secret_key"),
    Variable("CAISSE_LANG", "default_lang", "en", "default_lang"),
    Variable("CAISSE_SESSION_SECONDS", "session_seconds", "60", "session_seconds", 60),
    Variable("CAISSE_KEY_DIR", "key_dir", "/srv/keys", "key_dir", Path("/srv/keys")),
    Variable("CAISSE_TOKEN_CAP_CENTS", "token_cap_cents", "7", "tokens.cap_cents", 7),
    Variable(
        "CAISSE_TOKEN_ONLINE_SECONDS", "token_online_seconds", "7", "tokens.online_seconds", 7
    ),
    Variable(
        "CAISSE_TOKEN_OFFLINE_SECONDS", "token_offline_seconds", "7", "tokens.offline_seconds", 7
    ),
    Variable(
        "CAISSE_TOKEN_SYNC_GRACE_SECONDS",
        "token_sync_grace_seconds",
        "7",
        "tokens.sync_grace_seconds",
        7,
    ),
    Variable(
        "CAISSE_TOKEN_MAX_OUTSTANDING", "token_max_outstanding", "7", "tokens.max_outstanding", 7
    ),
    Variable(
        "CAISSE_TOKEN_CLOCK_SKEW_SECONDS",
        "token_clock_skew_seconds",
        "7",
        "tokens.clock_skew_seconds",
        7,
    ),
    Variable(
        "CAISSE_TOKEN_VOUCHER_SECONDS", "token_voucher_seconds", "7", "tokens.voucher_seconds", 7
    ),
    Variable(
        "CAISSE_TOKEN_REFUND_WINDOW_DAYS",
        "token_refund_window_days",
        "7",
        "tokens.refund_window_days",
        7,
    ),
    Variable("CAISSE_PUBLIC_URL", "public_url", "https://caisse.example.org", "public_url"),
    Variable("CAISSE_TIMEZONE", None, "America/Cayenne", "timezone"),
    Variable("CAISSE_RATELIMIT_ENABLED", "ratelimit_enabled", "0", "rate_limits.enabled", False),
    Variable(
        "CAISSE_RATELIMIT_STORAGE_URI",
        "ratelimit_storage_uri",
        "redis://a",
        "rate_limits.storage_uri",
    ),
    Variable("CAISSE_RATELIMIT_STORAGE_URI_FILE", None, "redis://b", "rate_limits.storage_uri"),
    Variable(
        "CAISSE_RATELIMIT_LOGIN_PER_USER_IP",
        "ratelimit_login_per_user_ip",
        LIMIT,
        "rate_limits.login_per_user_ip",
    ),
    Variable(
        "CAISSE_RATELIMIT_LOGIN_PER_IP", "ratelimit_login_per_ip", LIMIT, "rate_limits.login_per_ip"
    ),
    Variable(
        "CAISSE_RATELIMIT_PIN_PER_TILL", "ratelimit_pin_per_till", LIMIT, "rate_limits.pin_per_till"
    ),
    Variable(
        "CAISSE_RATELIMIT_PIN_PER_PARTICIPANT",
        "ratelimit_pin_per_participant",
        LIMIT,
        "rate_limits.pin_per_participant",
    ),
    Variable(
        "CAISSE_RATELIMIT_ACTIVATION_PER_IP",
        "ratelimit_activation_per_ip",
        LIMIT,
        "rate_limits.activation_per_ip",
    ),
    Variable(
        "CAISSE_RATELIMIT_PAIRING_PER_IP",
        "ratelimit_pairing_per_ip",
        LIMIT,
        "rate_limits.pairing_per_ip",
    ),
    Variable(
        "CAISSE_PIN_PAYMENT_MAX_CENTS",
        "till_pin_payment_max_cents",
        "5000",
        "tills.pin_payment_max_cents",
        5000,
    ),
    Variable("CAISSE_MAX_TILLS_PER_SHOP", "till_max_per_shop", "5", "tills.max_per_shop", 5),
    Variable("CAISSE_TRUSTED_PROXIES", "trusted_proxies", "2", "trusted_proxies", 2),
    Variable("CAISSE_SECURE_COOKIES", "secure_cookies", "1", "secure_cookies", True),
    Variable("CAISSE_FUND_NAME", "fund_name", "Caisse Commune", "fund_account.name"),
    Variable("CAISSE_FUND_IBAN", "fund_iban", IBAN, "fund_account.iban"),
    Variable("CAISSE_FUND_BIC", "fund_bic", "BNPAFRPP", "fund_account.bic"),
    Variable("CAISSE_PWA_DIR", "pwa_dir", "/srv/pwa", "pwa_dir", Path("/srv/pwa")),
    Variable(
        "CAISSE_TILL_SCREEN_DIR", "till_screen_dir", "/srv/s", "till_screen_dir", Path("/srv/s")
    ),
    Variable("CAISSE_STRICT_TEXTS", "strict_texts", "1", "strict_texts", True),
]

#: reads of the environment outside config.py, each with why it is not a setting read
NOT_SETTINGS = {
    ("wallet_server/backup/postgres.py", "os.environ"): (
        "passes the whole environment on to pg_dump and pg_restore, PGPASSWORD added"
    ),
    ("wallet_server/cli/setup.py", "envvar=CAISSE_ADMIN_PASSWORD"): (
        "the first admin's password, an input of `caisse init` alone, not a setting of the fund"
    ),
}
ENVIRONMENT_READERS = frozenset({"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"})


def read(settings: Settings, path: str) -> Any:
    return reduce(getattr, path.split("."), settings)


@pytest.fixture
def environment(monkeypatch, tmp_path):
    """No setting in the environment but a secret key and an instance folder in tmp_path."""
    for variable in VARIABLES:
        monkeypatch.delenv(variable.name, raising=False)
    monkeypatch.delenv("CAISSE_ACTOR", raising=False)
    monkeypatch.setenv("CAISSE_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("CAISSE_SECRET_KEY", "base-secret")
    return monkeypatch


def test_an_unknown_override_key_is_refused_with_its_name_and_the_known_ones(environment):
    with pytest.raises(ValueError, match="unknown setting: secure_cookie, token_cap") as refused:
        Settings.from_env({"token_cap": 100, "secure_cookie": True, "public_url": "https://a.org"})
    message = str(refused.value)
    assert "réglage inconnu" in message
    assert "token_cap_cents" in message and "secure_cookies" in message
    assert ", ".join(Settings.override_keys()) in message
    with pytest.raises(ValueError, match="unknown setting: databse_url"):
        create_app({"databse_url": "sqlite://"})


def test_the_time_zone_is_not_an_override_the_clock_would_not_see(environment):
    with pytest.raises(ValueError, match="unknown setting: timezone"):
        Settings.from_env({"timezone": "America/Cayenne"})


@pytest.mark.parametrize("variable", VARIABLES, ids=lambda variable: variable.name)
def test_each_variable_sets_its_setting(variable, environment, tmp_path):
    assert read(Settings.from_env(), variable.path) != variable.expected
    if variable.name.endswith("_FILE"):
        secret = tmp_path / "secret"
        secret.write_text(variable.raw + "\n")
        environment.delenv(variable.name.removesuffix("_FILE"), raising=False)
        environment.setenv(variable.name, str(secret))
    else:
        environment.setenv(variable.name, variable.raw)
    assert read(Settings.from_env(), variable.path) == variable.expected


@pytest.mark.parametrize(
    "variable", [v for v in VARIABLES if v.key], ids=lambda variable: str(variable.key)
)
def test_each_override_key_sets_the_same_setting_as_its_variable(variable, environment):
    assert read(Settings.from_env({variable.key: variable.raw}), variable.path) == variable.expected


def test_every_override_key_has_its_variable():
    assert sorted(v.key for v in VARIABLES if v.key) == sorted(Settings.override_keys())


def test_the_cli_actor_comes_from_caisse_actor(environment):
    assert config.cli_actor() is None
    environment.setenv("CAISSE_ACTOR", "coord:alice")
    assert config.cli_actor() == "coord:alice"


class RecordingEnvironment(dict[str, str]):
    """A stand-in for os.environ that notes every name read."""

    def __init__(self, values: dict[str, str]) -> None:
        super().__init__(values)
        self.names: set[str] = set()

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        self.names.add(name)
        return super().get(name, default)

    def __getitem__(self, name: str) -> str:
        self.names.add(name)
        return super().__getitem__(name)

    def __contains__(self, name: object) -> bool:
        self.names.add(str(name))
        return super().__contains__(name)


def test_config_reads_no_variable_but_those_above(environment, tmp_path):
    recording = RecordingEnvironment(
        {"CAISSE_INSTANCE_DIR": str(tmp_path), "CAISSE_SECRET_KEY": "base-secret"}
    )
    with environment.context() as patch:
        patch.setattr(os, "environ", recording)
        Settings.from_env()
        config.timezone_name()
        config.cli_actor()
        config.default_instance_dir()
    assert recording.names == {v.name for v in VARIABLES} | {"CAISSE_ACTOR"}


def environment_reads(path: Path) -> set[str]:
    """What a module reads of the environment: os.environ, os.getenv…, click's envvar=."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "os"
            and node.attr in ENVIRONMENT_READERS
        ):
            found.add(f"os.{node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            found |= {f"os.{a.name}" for a in node.names if a.name in ENVIRONMENT_READERS}
        elif isinstance(node, ast.keyword) and node.arg in ("envvar", "auto_envvar_prefix"):
            value = node.value.value if isinstance(node.value, ast.Constant) else "?"
            found.add(f"{node.arg}={value}")
    return found


def test_no_module_but_config_reads_the_environment():
    found = {
        (path.relative_to(PACKAGE.parent).as_posix(), what)
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != PACKAGE / "config.py"
        for what in environment_reads(path)
    }
    assert found == set(NOT_SETTINGS), "read the setting in wallet_server/config.py instead"
    assert environment_reads(PACKAGE / "config.py") == {"os.environ"}
