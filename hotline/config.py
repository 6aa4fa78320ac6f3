"""Settings from the environment: each has one name, one default, one line of docs.

A bad value fails at start-up with a message naming the variable.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

#: Where the repository's ``locales/`` is when running from a checkout.
PACKAGE_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    """Every setting of a hotline process. Field docs are the README's table."""

    env: str = "development"
    """HOTLINE_ENV: ``development`` (embedded defaults) or ``production`` (secrets required)."""
    secret_key: str = ""
    """HOTLINE_SECRET_KEY: keys the HMAC of phone numbers; generated under var/ if unset
    in development."""
    encryption_keys: str = ""
    """HOTLINE_ENCRYPTION_KEYS: comma-separated Fernet keys, newest first (rotation);
    derived from the secret key if unset."""
    var_dir: str = "var"
    """HOTLINE_VAR_DIR: where the embedded Redis, SQLite file and generated secret live."""
    redis_url: str = ""
    """REDIS_URL: a Redis server; empty starts an embedded one under var/."""
    redis_prefix: str = "hl:"
    """REDIS_PREFIX: prefix of every key the hotline writes (not RQ's own keys)."""
    redis_timeout: float = 0.5
    """REDIS_TIMEOUT_SECONDS: connect/read timeout of each Redis call on the request path."""
    database_url: str = ""
    """DATABASE_URL: SQLAlchemy URL; empty means SQLite at var/hotline.db."""
    twilio_auth_token: str = ""
    """TWILIO_AUTH_TOKEN: verifies X-Twilio-Signature; ``dev-token`` in development."""
    public_base_url: str = ""
    """PUBLIC_BASE_URL: the https origin Twilio calls (behind proxies), e.g.
    https://hotline.example.org."""
    languages: tuple[str, ...] = ("en", "es", "ko")
    """ENABLED_LANGUAGES: comma-separated locales offered to workers, in menu order."""
    locales_dir: str = ""
    """LOCALES_DIR: where the catalogs are; the checkout's locales/ by default."""
    session_idle_minutes: int = 120
    """SESSION_IDLE_MINUTES: silence after which the next message starts a new
    conversation."""
    report_keep_hours: int = 72
    """REPORT_KEEP_HOURS: how long an unfinished report waits to be resumed."""
    language_keep_days: int = 365
    """LANGUAGE_KEEP_DAYS: how long a sender's language choice is remembered."""
    center_phone: str = ""
    """CENTER_PHONE: the center's phone number told to workers; empty leaves it out."""
    alerts_queue: str = "alerts"
    """ALERTS_QUEUE: the RQ queue alert jobs go to."""
    sms_fold_accents: bool = True
    """SMS_FOLD_ACCENTS: send "informacion" not "información" by SMS when that keeps a
    message GSM-7 (about half the cost); WhatsApp keeps accents."""
    retention_days: int = 365
    """RETENTION_DAYS: cases older than this lose their personal data (daily job)."""
    log_level: str = "INFO"
    """LOG_LEVEL: Python logging level name."""

    @property
    def var_path(self) -> Path:
        return Path(self.var_dir).resolve()

    @property
    def locales_path(self) -> Path:
        return Path(self.locales_dir) if self.locales_dir else PACKAGE_ROOT / "locales"

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{self.var_path / 'hotline.db'}"

    @property
    def is_production(self) -> bool:
        return self.env == "production"


_ENV_NAMES = {
    "env": "HOTLINE_ENV",
    "secret_key": "HOTLINE_SECRET_KEY",
    "encryption_keys": "HOTLINE_ENCRYPTION_KEYS",
    "var_dir": "HOTLINE_VAR_DIR",
    "redis_url": "REDIS_URL",
    "redis_prefix": "REDIS_PREFIX",
    "redis_timeout": "REDIS_TIMEOUT_SECONDS",
    "database_url": "DATABASE_URL",
    "twilio_auth_token": "TWILIO_AUTH_TOKEN",
    "public_base_url": "PUBLIC_BASE_URL",
    "languages": "ENABLED_LANGUAGES",
    "locales_dir": "LOCALES_DIR",
    "session_idle_minutes": "SESSION_IDLE_MINUTES",
    "report_keep_hours": "REPORT_KEEP_HOURS",
    "language_keep_days": "LANGUAGE_KEEP_DAYS",
    "center_phone": "CENTER_PHONE",
    "alerts_queue": "ALERTS_QUEUE",
    "sms_fold_accents": "SMS_FOLD_ACCENTS",
    "retention_days": "RETENTION_DAYS",
    "log_level": "LOG_LEVEL",
}

#: The development Twilio token; the simulator and ``hotline chat`` sign with it.
DEV_AUTH_TOKEN = "dev-token"


def env_name(field_name: str) -> str:
    """Return the environment variable that sets a field."""
    return _ENV_NAMES[field_name]


def load(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Read settings: defaults, then the environment, then explicit overrides (tests)."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for f in fields(Settings):
        name = _ENV_NAMES[f.name]
        raw = environ.get(name)
        if raw is None or raw == "":
            continue
        values[f.name] = _parse(f.name, name, raw)
    values.update(overrides)
    settings = Settings(**values)
    return _complete(_validate(settings))


def _parse(field_name: str, name: str, raw: str) -> Any:
    default = getattr(Settings(), field_name)
    try:
        if isinstance(default, bool):
            if raw.lower() in ("1", "true", "yes", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError("expected true or false")
        if isinstance(default, int):
            value = int(raw)
            if value <= 0:
                raise ValueError("expected a positive whole number")
            return value
        if isinstance(default, float):
            number = float(raw)
            if not 0 < number <= 30:
                raise ValueError("expected seconds between 0 and 30")
            return number
        if isinstance(default, tuple):
            items = tuple(part.strip() for part in raw.split(",") if part.strip())
            if not items:
                raise ValueError("expected a comma-separated list")
            return items
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r}: {exc}") from None
    return raw.strip()


def _validate(settings: Settings) -> Settings:
    if settings.env not in ("development", "production"):
        raise ConfigError("HOTLINE_ENV must be development or production")
    if settings.is_production:
        for field_name in ("secret_key", "twilio_auth_token", "redis_url", "database_url"):
            if not getattr(settings, field_name):
                raise ConfigError(f"{_ENV_NAMES[field_name]} is required in production")
    if settings.public_base_url and not settings.public_base_url.startswith(("https://",
                                                                             "http://")):
        raise ConfigError("PUBLIC_BASE_URL must start with https://")
    for locale in settings.languages:
        if not locale.replace("_", "").isalnum():
            raise ConfigError(f"ENABLED_LANGUAGES: {locale!r} is not a locale code")
    return settings


def _complete(settings: Settings) -> Settings:
    """Fill the development defaults that need the file system (secret, token)."""
    from dataclasses import replace

    if not settings.secret_key:
        settings = replace(settings, secret_key=_dev_secret(settings.var_path))
    if not settings.twilio_auth_token:
        settings = replace(settings, twilio_auth_token=DEV_AUTH_TOKEN)
    return settings


def _dev_secret(var_dir: Path) -> str:
    """Return a random secret kept in var/, shared by every local process."""
    var_dir.mkdir(parents=True, exist_ok=True)
    path = var_dir / "secret_key"
    if not path.exists():
        candidate = secrets.token_urlsafe(32)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(candidate)
    return path.read_text().strip()
