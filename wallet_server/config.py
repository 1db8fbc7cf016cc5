"""Settings read from the environment in one place, typed."""

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def default_instance_dir() -> Path:
    return Path(os.environ.get("CAISSE_INSTANCE_DIR", Path.cwd() / "instance"))


@dataclass(frozen=True)
class TokenSettings:
    """Pay code limits (DESIGN §4); each overridable by a CAISSE_TOKEN_* variable."""

    #: the most one pay code can pay, in cents
    cap_cents: int = 20_000
    online_seconds: int = 5 * 60
    offline_seconds: int = 24 * 3600
    #: a hold outlives its token by this much, so an offline payment can still sync
    sync_grace_seconds: int = 72 * 3600
    max_outstanding: int = 3
    #: tolerated difference between a till's clock and ours
    clock_skew_seconds: int = 300
    #: how long a printed paper voucher stays valid (two months: it is handed over in person)
    voucher_seconds: int = 62 * 24 * 3600

    @classmethod
    def from_env(cls, overrides: dict[str, Any]) -> "TokenSettings":
        values: dict[str, int] = {}
        for name in cls.__dataclass_fields__:
            raw = overrides.pop(f"token_{name}", os.environ.get(f"CAISSE_TOKEN_{name.upper()}"))
            if raw is not None:
                values[name] = int(raw)
        return cls(**values)


@dataclass(frozen=True)
class Settings:
    #: SQLAlchemy URL; the embedded default is a SQLite file under the instance folder
    database_url: str
    instance_dir: Path
    #: signs Flask sessions; read from CAISSE_SECRET_KEY or the file CAISSE_SECRET_KEY_FILE
    secret_key: str
    #: default language for messages when the client expresses no preference
    default_lang: str = "fr"
    #: how long a coordinator API session lasts, in seconds
    session_seconds: int = 8 * 3600
    #: private signing keys, outside the database (CAISSE_KEY_DIR; default instance/keys)
    key_dir: Path = Path("instance/keys")
    tokens: TokenSettings = field(default_factory=TokenSettings)
    #: the address participants reach, printed in activation letters (CAISSE_PUBLIC_URL);
    #: empty: the address the coordinator's browser used
    public_url: str = ""
    #: the fund's local time, for dates shown in the console (CAISSE_TIMEZONE)
    timezone: str = "Europe/Paris"
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, overrides: dict[str, Any] | None = None) -> "Settings":
        overrides = dict(overrides or {})
        instance_dir = Path(overrides.pop("instance_dir", default_instance_dir()))
        database_url = overrides.pop("database_url", None) or os.environ.get("DATABASE_URL")
        if not database_url:
            database_url = f"sqlite:///{instance_dir / 'caisse.sqlite3'}"
        secret_key = overrides.pop("secret_key", None) or _secret_key(instance_dir)
        return cls(
            database_url=database_url,
            instance_dir=instance_dir,
            secret_key=secret_key,
            default_lang=overrides.pop("default_lang", os.environ.get("CAISSE_LANG", "fr")),
            session_seconds=int(
                overrides.pop("session_seconds", os.environ.get("CAISSE_SESSION_SECONDS", "28800"))
            ),
            key_dir=Path(
                overrides.pop("key_dir", os.environ.get("CAISSE_KEY_DIR", instance_dir / "keys"))
            ),
            tokens=TokenSettings.from_env(overrides),
            public_url=overrides.pop("public_url", os.environ.get("CAISSE_PUBLIC_URL", "")),
            timezone=overrides.pop("timezone", os.environ.get("CAISSE_TIMEZONE", "Europe/Paris")),
            extra=overrides,
        )


def _secret_key(instance_dir: Path) -> str:
    if value := os.environ.get("CAISSE_SECRET_KEY"):
        return value
    if path := os.environ.get("CAISSE_SECRET_KEY_FILE"):
        return Path(path).read_text().strip()
    # Embedded default: a random key kept in the instance folder, readable by its owner only.
    key_file = instance_dir / "secret_key"
    if not key_file.exists():
        import secrets

        instance_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return key_file.read_text().strip()
