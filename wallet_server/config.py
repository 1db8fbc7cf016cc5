"""Settings read from the environment in one place, typed.

No other module of wallet_server reads the environment (tests/test_config.py checks it):
the app gets a `Settings` (`create_app`, the CLI's context), and the code that runs outside
any app asks the accessors at the end of this module (the fund's time zone, the CLI's actor).

A setting that carries a secret (the session key, a database or rate-limit storage address
with its password) is read from NAME or from the file named by NAME_FILE (a systemd
credential, a container secret), never from a default written in the code.
"""

import os
import secrets
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from limits import parse_many

#: the fund's time zone when CAISSE_TIMEZONE is not set
DEFAULT_TIMEZONE = "Europe/Paris"


def default_instance_dir() -> Path:
    return Path(os.environ.get("CAISSE_INSTANCE_DIR", Path.cwd() / "instance"))


@dataclass(frozen=True)
class TokenSettings:
    """Pay code limits (ARCHITECTURE §4); each overridable by a CAISSE_TOKEN_* variable."""

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
    #: how long after a payment its till may still refund it; later, coordinators do
    refund_window_days: int = 30

    @classmethod
    def from_env(cls, overrides: dict[str, Any]) -> "TokenSettings":
        values: dict[str, int] = {}
        for name in cls.__dataclass_fields__:
            raw = overrides.pop(f"token_{name}", os.environ.get(f"CAISSE_TOKEN_{name.upper()}"))
            if raw is not None:
                values[name] = int(raw)
        return cls(**values)


@dataclass(frozen=True)
class TillSettings:
    """What a shop's tills may do beyond pay codes (docs/SECURITY.md explains each number)."""

    #: the most one PIN payment may be, in cents: a guessed PIN pays at most this
    pin_payment_max_cents: int = 10_000
    #: active tills a shop manager may pair for their shop; the fund's staff may pair more.
    #: Each till adds its offline limits to what a double spend can cost the fund.
    max_per_shop: int = 3

    #: each setting's environment variable
    VARIABLES: ClassVar[dict[str, str]] = {
        "pin_payment_max_cents": "CAISSE_PIN_PAYMENT_MAX_CENTS",
        "max_per_shop": "CAISSE_MAX_TILLS_PER_SHOP",
    }

    @classmethod
    def from_env(cls, overrides: dict[str, Any]) -> "TillSettings":
        values: dict[str, int] = {}
        for name, variable in cls.VARIABLES.items():
            raw = overrides.pop(f"till_{name}", os.environ.get(variable))
            if raw is None or raw == "":
                continue
            try:
                values[name] = int(str(raw).strip())
            except ValueError:
                values[name] = -1
            if values[name] < (1 if name == "pin_payment_max_cents" else 0):
                raise ValueError(
                    f"{variable} : un nombre entier positif / a positive whole number, not {raw!r}"
                )
        return cls(**values)


@dataclass(frozen=True)
class RateLimitSettings:
    """How many refused attempts a client gets (docs/SECURITY.md explains each number).

    Each limit is a `limits` expression ("10 per hour; 20 per day"), overridable by a
    CAISSE_RATELIMIT_* variable; only refused attempts count, so a busy till or an office of
    coordinators behind one address is never slowed by its successes.
    """

    #: off only for a load test: CAISSE_RATELIMIT_ENABLED=0
    enabled: bool = True
    #: where the counters live: memory:// is per worker process; redis://… shares them
    storage_uri: str = "memory://"
    #: staff login (API and console together), per client address and username typed
    login_per_user_ip: str = "5 per 15 minutes; 20 per day"
    #: staff login, per client address whatever the username (password spraying, CPU)
    login_per_ip: str = "30 per 15 minutes; 100 per day"
    #: wrong PINs (and unknown participant ids) per till
    pin_per_till: str = "10 per hour; 20 per day"
    #: wrong PINs per participant, whichever tills they come from
    pin_per_participant: str = "10 per day"
    #: refused phone activations per client address
    activation_per_ip: str = "20 per hour"
    #: refused till pairings per client address
    pairing_per_ip: str = "10 per hour"

    @classmethod
    def from_env(cls, overrides: dict[str, Any]) -> "RateLimitSettings":
        values: dict[str, Any] = {}
        for name in cls.__dataclass_fields__:
            variable = f"CAISSE_RATELIMIT_{name.upper()}"
            raw = overrides.pop(f"ratelimit_{name}", None)
            if raw is None:
                raw = (
                    secret_from_env(variable) if name == "storage_uri" else os.environ.get(variable)
                )
            if raw is None or raw == "":
                continue
            if name == "enabled":
                values[name] = raw if isinstance(raw, bool) else _flag(variable, str(raw))
                continue
            values[name] = str(raw)
            if name != "storage_uri":
                try:
                    parse_many(values[name])
                except ValueError:
                    raise ValueError(
                        f"{variable}: limite illisible / unreadable limit: {raw!r}"
                        " (ex. « 10 per hour; 20 per day »)"
                    ) from None
        return cls(**values)

    def expressions(self) -> dict[str, str]:
        """Each named limit's expression (its rule: wallet_server/web/security/rate_limits.py)."""
        return {
            name: getattr(self, name)
            for name in self.__dataclass_fields__
            if name not in ("enabled", "storage_uri")
        }


@dataclass(frozen=True)
class FundAccountSettings:
    """The fund's own bank account, the debtor of every payout file, as the environment gives it.

    Checked only when a payout file is built (`wallet_server.reimbursements.settings`): a fund
    that never pays by SEPA file needs none of it, and a missing or wrong value is then
    reported to the admin by its variable's name.
    """

    #: the debtor's name, as the fund's bank knows it
    name: str = ""
    iban: str = ""
    #: optional: SEPA transfers are IBAN-only since 2016
    bic: str = ""

    #: each setting's environment variable
    VARIABLES: ClassVar[dict[str, str]] = {
        "name": "CAISSE_FUND_NAME",
        "iban": "CAISSE_FUND_IBAN",
        "bic": "CAISSE_FUND_BIC",
    }

    @classmethod
    def from_env(cls, overrides: dict[str, Any]) -> "FundAccountSettings":
        return cls(
            **{
                name: str(overrides.pop(f"fund_{name}", os.environ.get(variable, "")))
                for name, variable in cls.VARIABLES.items()
            }
        )


@dataclass(frozen=True)
class Settings:
    #: SQLAlchemy URL (DATABASE_URL or the file DATABASE_URL_FILE); the embedded default is a
    #: SQLite file under the instance folder
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
    #: the fund's time zone (CAISSE_TIMEZONE), in which every calendar decision is taken;
    #: `wallet_server.clock` reads it through `timezone_name()` (every process shares the
    #: environment, and the clock runs outside any app); checked here at start, and not
    #: overridable, since the clock would not see the override
    timezone: str = DEFAULT_TIMEZONE
    rate_limits: RateLimitSettings = field(default_factory=RateLimitSettings)
    tills: TillSettings = field(default_factory=TillSettings)
    #: how many reverse proxies (nginx) stand in front and add X-Forwarded-* headers
    #: (CAISSE_TRUSTED_PROXIES); 0: the client's address is the connection's
    trusted_proxies: int = 0
    #: the session cookie's Secure flag (CAISSE_SECURE_COOKIES): None decides per request
    #: (HTTPS, or a public address in https://), True or False forces it
    secure_cookies: bool | None = None
    fund_account: FundAccountSettings = field(default_factory=FundAccountSettings)
    #: the participant app's folder (CAISSE_PWA_DIR); None: its own (`wallet_server.pwa`).
    #: Only to serve another build of the app, such as a copy with content-hashed file names
    #: (tests/deploy/test_nginx.py)
    pwa_dir: Path | None = None
    #: the cashier screen the browser till shares with the Python till
    #: (CAISSE_TILL_SCREEN_DIR); None: pos_client/static, installed beside wallet_server
    till_screen_dir: Path | None = None
    #: a console text missing from the catalogue is an error rather than its key shown
    #: (CAISSE_STRICT_TEXTS=1; the tests turn it on, as do `app.testing` and `app.debug`)
    strict_texts: bool = False

    #: the groups of settings, and the prefix of their override keys (token_cap_cents, …)
    GROUPS: ClassVar[dict[str, tuple[str, type]]] = {
        "tokens": ("token_", TokenSettings),
        "rate_limits": ("ratelimit_", RateLimitSettings),
        "tills": ("till_", TillSettings),
        "fund_account": ("fund_", FundAccountSettings),
    }

    @classmethod
    def override_keys(cls) -> list[str]:
        """Every key `from_env` accepts in its overrides, in the order of the fields."""
        keys: list[str] = []
        for name in (setting.name for setting in fields(cls)):
            if name in cls.GROUPS:
                prefix, group = cls.GROUPS[name]
                keys += [prefix + setting.name for setting in fields(group)]
            elif name != "timezone":
                keys.append(name)
        return keys

    @classmethod
    def from_env(cls, overrides: dict[str, Any] | None = None) -> "Settings":
        """The settings from the environment, each key of `overrides` replacing one of them.

        An unknown key is refused: a misspelt override would otherwise leave the setting it
        meant to change at its environment's value, silently.
        """
        overrides = dict(overrides or {})
        known = cls.override_keys()
        unknown = sorted(set(overrides) - set(known))
        if unknown:
            raise ValueError(
                f"réglage inconnu / unknown setting: {', '.join(unknown)}"
                f" (known settings: {', '.join(known)})"
            )
        instance_dir = Path(overrides.pop("instance_dir", default_instance_dir()))
        database_url = overrides.pop("database_url", None) or secret_from_env("DATABASE_URL")
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
            timezone=_checked_timezone(timezone_name()),
            rate_limits=RateLimitSettings.from_env(overrides),
            tills=TillSettings.from_env(overrides),
            trusted_proxies=_trusted_proxies(
                overrides.pop("trusted_proxies", os.environ.get("CAISSE_TRUSTED_PROXIES", "0"))
            ),
            secure_cookies=_secure_cookies(
                overrides.pop("secure_cookies", os.environ.get("CAISSE_SECURE_COOKIES", ""))
            ),
            fund_account=FundAccountSettings.from_env(overrides),
            pwa_dir=_folder(overrides.pop("pwa_dir", os.environ.get("CAISSE_PWA_DIR"))),
            till_screen_dir=_folder(
                overrides.pop("till_screen_dir", os.environ.get("CAISSE_TILL_SCREEN_DIR"))
            ),
            strict_texts=_strict_texts(
                overrides.pop("strict_texts", os.environ.get("CAISSE_STRICT_TEXTS", ""))
            ),
        )


def secret_from_env(name: str) -> str | None:
    """NAME's value, or the content of the file NAME_FILE names; None when neither is set.

    Both at once is refused: which one wins would be a guess, and a stale secret a surprise.
    """
    value = os.environ.get(name) or None
    path = os.environ.get(f"{name}_FILE") or None
    if value is not None and path is not None:
        raise ValueError(
            f"{name} et {name}_FILE sont tous deux définis : gardez-en un seul."
            f" / {name} and {name}_FILE are both set: keep only one."
        )
    if path is None:
        return value
    try:
        content = Path(path).read_text().strip()
    except OSError as error:
        raise ValueError(
            f"{name}_FILE : fichier illisible / unreadable file: {path} ({error.strerror})"
        ) from None
    if not content:
        raise ValueError(f"{name}_FILE : fichier vide / empty file: {path}")
    return content


_TRUE = frozenset({"1", "true", "yes", "on", "oui"})
_FALSE = frozenset({"0", "false", "no", "off", "non"})


def _flag(variable: str, raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"{variable}: 1 ou 0 attendu / expected 1 or 0, not {raw!r}")


def _trusted_proxies(raw: object) -> int:
    try:
        hops = int(str(raw).strip() or "0")
    except ValueError:
        hops = -1
    if hops < 0:
        raise ValueError(
            f"CAISSE_TRUSTED_PROXIES : un nombre entier ≥ 0 / a whole number ≥ 0, not {raw!r}"
        )
    return hops


def _secure_cookies(raw: object) -> bool | None:
    if raw is None or isinstance(raw, bool):
        return raw
    text = str(raw).strip()
    return None if text in ("", "auto") else _flag("CAISSE_SECURE_COOKIES", text)


def _folder(raw: object) -> Path | None:
    return None if raw is None or raw == "" else Path(str(raw))


def _strict_texts(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip()
    return text != "" and _flag("CAISSE_STRICT_TEXTS", text)


def zone_named(name: str) -> ZoneInfo:
    """An IANA zone by name; a clear refusal (French and English) for an unknown one."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"CAISSE_TIMEZONE : fuseau horaire inconnu / unknown time zone: {name!r}"
            " (ex. Europe/Paris)"
        ) from None


def _checked_timezone(name: str) -> str:
    return zone_named(name).key


def _secret_key(instance_dir: Path) -> str:
    if value := secret_from_env("CAISSE_SECRET_KEY"):
        return value
    # Embedded default: a random key kept in the instance folder, readable by its owner only.
    key_file = instance_dir / "secret_key"
    if not key_file.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return key_file.read_text().strip()


# Read outside any app, by code that has no Settings to hand.


def timezone_name() -> str:
    """The fund's time zone's name (CAISSE_TIMEZONE, default Europe/Paris), read at each call.

    `wallet_server.clock` asks for it: every process of a fund (server, CLI, timers) shares
    the environment, and a calendar decision may be taken outside any app.
    """
    return os.environ.get("CAISSE_TIMEZONE", "").strip() or DEFAULT_TIMEZONE


def cli_actor() -> str | None:
    """Who the `caisse` command records as the actor of its operations (CAISSE_ACTOR), or None:
    then the user running it (`cli:$USER`)."""
    return os.environ.get("CAISSE_ACTOR") or None
