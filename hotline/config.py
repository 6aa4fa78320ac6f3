"""Settings from the environment: each has one name, one default, one line of docs.

A bad value fails at start-up with a message naming the variable.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import time
from pathlib import Path
from typing import Any

from hotline import safety, voices
from hotline.crypto import Crypto, kept_secret

#: Where the repository's ``locales/`` is when running from a checkout.
PACKAGE_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    """Every setting of a hotline process. Field docs are the README's table."""

    env: str = "production"
    """HOTLINE_ENV: ``development`` (generated secrets, the dev token, the simulator) only
    when chosen explicitly; any other value is production, which refuses unsafe settings."""
    secret_key: str = ""
    """HOTLINE_SECRET_KEY: 32+ random bytes (base64 or hex) keying the pseudonyms of phone
    numbers; never change it (opt-outs are kept by pseudonym); generated under var/ in
    development."""
    encryption_keys: str = ""
    """HOTLINE_ENCRYPTION_KEYS: comma-separated Fernet keys, newest first (rotation);
    required in production; derived from the secret key in development."""
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
    facts_file: str = ""
    """FACTS_FILE: the dated facts staff edit; hotline/dialogue/facts.toml by default."""
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
    # -- organizer alerts (docs/README "Organizers and alerts") --
    twilio_account_sid: str = ""
    """TWILIO_ACCOUNT_SID: the Twilio account that sends alerts by SMS/WhatsApp; empty: no
    SMS/WhatsApp alerts."""
    twilio_from: str = ""
    """TWILIO_FROM: the hotline number alerts come from (E.164), or a Messaging Service
    SID (MG…)."""
    twilio_api_base_url: str = ""
    """TWILIO_API_BASE_URL: where the Twilio REST client sends requests; empty is
    https://api.twilio.com (tests point it at a local server)."""
    twilio_content_sid: str = ""
    """TWILIO_CONTENT_SID: approved WhatsApp template (HX…) for alerts outside WhatsApp's
    24-hour window; empty falls back to SMS there."""
    whatsapp_taken_templates: str = ""
    """WHATSAPP_TAKEN_TEMPLATES: approved WhatsApp templates (HX…) per language, e.g.
    ``ko=HX…,es=HX…``, that tell a worker outside WhatsApp's 24-hour window an organizer
    has their case ({{1}}: the case number); without one the notice is held (encrypted)
    until the worker next writes."""
    whatsapp_conversation_templates: str = ""
    """WHATSAPP_CONVERSATION_TEMPLATES: templates (``ko=HX…``) asking a worker to reply."""
    center_name: str = ""
    """CENTER_NAME: the center's name, said when an organizer first writes to a worker."""
    center_hours: str = "always"
    """CENTER_HOURS: when the center answers (``Mon-Fri 09:00-18:00``, center time)."""
    conversation_silence_days: int = 7
    """CONVERSATION_SILENCE_DAYS: a conversation ends after this long with no message."""
    conversation_answer_minutes: int = 240
    """CONVERSATION_ANSWER_MINUTES: unanswered this long, a worker is raised to coordinators."""
    urgent_conversation_answer_minutes: int = 60
    """URGENT_CONVERSATION_ANSWER_MINUTES: the same for an urgent case."""
    smtp_url: str = ""
    """SMTP_URL: e.g. smtp://user:pass@host:587 (STARTTLS) or smtps://…:465; overrides
    the SMTP_HOST… settings."""
    smtp_host: str = ""
    """SMTP_HOST: mail server for alert e-mails and the digest; empty (and no SMTP_URL):
    no e-mail."""
    smtp_port: int = 587
    """SMTP_PORT: mail server port."""
    smtp_user: str = ""
    """SMTP_USER: mail server login; empty sends without logging in."""
    smtp_password: str = ""
    """SMTP_PASSWORD: mail server password."""
    smtp_tls: str = "starttls"
    """SMTP_TLS: ``starttls``, ``ssl`` (implicit TLS) or ``none``."""
    smtp_from: str = "hotline@localhost"
    """SMTP_FROM: the From address of alert e-mails and the digest."""
    alert_webhook_url: str = ""
    """ALERT_WEBHOOK_URL: POST each alert as JSON with a Slack-compatible ``text`` field;
    empty: no webhook."""
    center_timezone: str = "America/Los_Angeles"
    """CENTER_TIMEZONE: the zone of organizers' on-call hours and of the digest time."""
    escalate_after_minutes: int = 30
    """ESCALATE_AFTER_MINUTES: an unclaimed case is re-alerted to everyone after this."""
    urgent_escalate_after_minutes: int = 10
    """URGENT_ESCALATE_AFTER_MINUTES: the same for an urgent case."""
    digest_time: str = "08:00"
    """DIGEST_TIME: when the daily digest of open cases is e-mailed (HH:MM, center time)."""
    digest_to: str = ""
    """DIGEST_TO: comma-separated addresses of the digest; empty: active coordinators."""
    alert_retry_seconds: str = "10,60,300"
    """ALERT_RETRY_SECONDS: waits between retries of a failing delivery before the next
    transport is tried."""
    transport_timeout: float = 10.0
    """TRANSPORT_TIMEOUT_SECONDS: timeout of one Twilio, SMTP or webhook request."""
    sms_fold_accents: bool = True
    """SMS_FOLD_ACCENTS: send "informacion" not "información" by SMS when that keeps a
    message GSM-7 (about half the cost); WhatsApp keeps accents."""
    reply_limit_per_minute: int = 30
    """REPLY_LIMIT_PER_MINUTE: past this many messages a minute from one sender, messages
    are still handled and recorded but not answered (floods, auto-responder loops)."""
    cases_per_day: int = 3
    """CASES_PER_DAY: most reports and callback requests one sender may file in a day;
    past it nothing new is filed (a new report while one is open is added to it)."""
    retention_days: int = 365
    """RETENTION_DAYS: cases older than this lose their personal data (daily job)."""
    media_store_url: str = ""
    """MEDIA_STORE_URL: where photos and voicemails are kept, encrypted (s3, https, file)."""
    media_max_mb: int = 5
    """MEDIA_MAX_MB: largest photo, document or video from a worker that is kept (MiB)."""
    recording_max_mb: int = 20
    """RECORDING_MAX_MB: largest voicemail recording that is kept (MiB)."""
    voices: str = ("ko=Polly.Seoyeon-Neural/ko-KR,es=Polly.Lupe-Neural/es-US,"
                   "en=Polly.Joanna-Neural/en-US")
    """VOICES: ``locale=Voice/language-tag`` of each language on calls, in menu order."""
    voice_record_seconds: int = 180
    """VOICE_RECORD_SECONDS: the longest message a caller may leave for an organizer."""
    voice_speech: bool = False
    """VOICE_SPEECH: callers may also say a menu option's number (speech recognition)."""
    simulator_enabled: bool = False
    """SIMULATOR_ENABLED: serve the staff's chat simulator at /simulator (needs
    SIMULATOR_PASSWORD); ``hotline run`` turns it on in development."""
    simulator_password: str = ""
    """SIMULATOR_PASSWORD: the staff password of /simulator (at least 12 characters in
    production)."""
    log_level: str = "INFO"
    """LOG_LEVEL: Python logging level name."""
    proxy_hops: int = 0
    """PROXY_HOPS: how many proxies in front of the web process set X-Forwarded-For and
    X-Forwarded-Proto (1 behind a platform's router); 0 trusts none."""

    @property
    def var_path(self) -> Path:
        return Path(self.var_dir).resolve()

    @property
    def locales_path(self) -> Path:
        return Path(self.locales_dir) if self.locales_dir else PACKAGE_ROOT / "locales"

    @property
    def facts_path(self) -> Path:
        return Path(self.facts_file) if self.facts_file else (
            PACKAGE_ROOT / "hotline" / "dialogue" / "facts.toml")

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{self.var_path / 'hotline.db'}"

    @property
    def is_production(self) -> bool:
        """Anything but an explicit ``development`` is production (fail closed)."""
        return self.env != "development"

    @property
    def alert_transports(self) -> tuple[str, ...]:
        """Return the alert transports these settings configure: sms, email, webhook."""
        found = []
        if self.twilio_account_sid and self.twilio_from:
            found.append("sms")
        if self.smtp_url or self.smtp_host:
            found.append("email")
        if self.alert_webhook_url:
            found.append("webhook")
        return tuple(found)

    @property
    def alert_retry_intervals(self) -> list[int]:
        """Return ALERT_RETRY_SECONDS as whole seconds (ValueError if malformed)."""
        intervals = [int(part) for part in self.alert_retry_seconds.split(",") if part.strip()]
        if not intervals or any(i < 0 for i in intervals):
            raise ValueError("expected whole seconds")
        return intervals

    @property
    def taken_templates(self) -> dict[str, str]:
        """Return WHATSAPP_TAKEN_TEMPLATES as locale → content SID (ValueError if malformed)."""
        return _templates(self.whatsapp_taken_templates)

    @property
    def conversation_templates(self) -> dict[str, str]:
        """Return WHATSAPP_CONVERSATION_TEMPLATES as locale → content SID (ValueError if
        malformed)."""
        return _templates(self.whatsapp_conversation_templates)

    @property
    def voice_map(self) -> dict[str, tuple[str, str]]:
        """Return VOICES as locale → (Twilio voice, language tag) (ValueError if malformed)."""
        return voices.parse(self.voices)

    @property
    def digest_clock(self) -> time:
        """Return DIGEST_TIME as a time of day (ValueError if malformed)."""
        hours, _, minutes = self.digest_time.partition(":")
        return time(int(hours), int(minutes))


def _templates(setting: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in setting.split(","):
        if not item.strip():
            continue
        locale, sep, sid = (part.strip() for part in item.partition("="))
        if not sep or not locale or not sid.startswith("HX"):
            raise ValueError(f"{item.strip()!r} is not locale=HX…")
        found[locale] = sid
    return found


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
    "facts_file": "FACTS_FILE",
    "session_idle_minutes": "SESSION_IDLE_MINUTES",
    "report_keep_hours": "REPORT_KEEP_HOURS",
    "language_keep_days": "LANGUAGE_KEEP_DAYS",
    "center_phone": "CENTER_PHONE",
    "alerts_queue": "ALERTS_QUEUE",
    "twilio_account_sid": "TWILIO_ACCOUNT_SID",
    "twilio_from": "TWILIO_FROM",
    "twilio_api_base_url": "TWILIO_API_BASE_URL",
    "twilio_content_sid": "TWILIO_CONTENT_SID",
    "whatsapp_taken_templates": "WHATSAPP_TAKEN_TEMPLATES",
    "whatsapp_conversation_templates": "WHATSAPP_CONVERSATION_TEMPLATES",
    "center_name": "CENTER_NAME",
    "center_hours": "CENTER_HOURS",
    "conversation_silence_days": "CONVERSATION_SILENCE_DAYS",
    "conversation_answer_minutes": "CONVERSATION_ANSWER_MINUTES",
    "urgent_conversation_answer_minutes": "URGENT_CONVERSATION_ANSWER_MINUTES",
    "smtp_url": "SMTP_URL",
    "smtp_host": "SMTP_HOST",
    "smtp_port": "SMTP_PORT",
    "smtp_user": "SMTP_USER",
    "smtp_password": "SMTP_PASSWORD",
    "smtp_tls": "SMTP_TLS",
    "smtp_from": "SMTP_FROM",
    "alert_webhook_url": "ALERT_WEBHOOK_URL",
    "center_timezone": "CENTER_TIMEZONE",
    "escalate_after_minutes": "ESCALATE_AFTER_MINUTES",
    "urgent_escalate_after_minutes": "URGENT_ESCALATE_AFTER_MINUTES",
    "digest_time": "DIGEST_TIME",
    "digest_to": "DIGEST_TO",
    "alert_retry_seconds": "ALERT_RETRY_SECONDS",
    "transport_timeout": "TRANSPORT_TIMEOUT_SECONDS",
    "sms_fold_accents": "SMS_FOLD_ACCENTS",
    "reply_limit_per_minute": "REPLY_LIMIT_PER_MINUTE",
    "cases_per_day": "CASES_PER_DAY",
    "retention_days": "RETENTION_DAYS",
    "media_store_url": "MEDIA_STORE_URL",
    "media_max_mb": "MEDIA_MAX_MB", "recording_max_mb": "RECORDING_MAX_MB",
    "voices": "VOICES",
    "voice_record_seconds": "VOICE_RECORD_SECONDS",
    "voice_speech": "VOICE_SPEECH",
    "simulator_enabled": "SIMULATOR_ENABLED",
    "simulator_password": "SIMULATOR_PASSWORD",
    "log_level": "LOG_LEVEL",
    "proxy_hops": "PROXY_HOPS",
}

#: The development Twilio token (refused in production).
DEV_AUTH_TOKEN = safety.DEV_AUTH_TOKEN


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
    if settings.is_production:
        problems = safety.production_problems(settings)
        if problems:
            raise ConfigError("refusing to start in production (HOTLINE_ENV is not "
                              "'development'; set that only to try the hotline):\n"
                              + "\n".join(f"- {p}" for p in problems))
    try:
        Crypto.check_keys(settings.encryption_keys)
    except ValueError as exc:
        raise ConfigError(f"HOTLINE_ENCRYPTION_KEYS: {exc}") from None
    if settings.public_base_url and not settings.public_base_url.startswith(("https://",
                                                                             "http://")):
        raise ConfigError("PUBLIC_BASE_URL must start with https://")
    for locale in settings.languages:
        if not locale.replace("_", "").isalnum():
            raise ConfigError(f"ENABLED_LANGUAGES: {locale!r} is not a locale code")
    _validate_alerts(settings)
    _validate_voice(settings)
    problem = safety.setting_problem(settings)
    if problem:
        raise ConfigError(problem)
    return settings


def _complete(settings: Settings) -> Settings:
    """Fill the development defaults that need the file system (secret, token)."""
    from dataclasses import replace

    if settings.is_production:  # checked already: nothing is generated in production
        return settings
    if not settings.secret_key:
        settings = replace(settings, secret_key=_dev_secret(settings.var_path))
    if not settings.twilio_auth_token:
        settings = replace(settings, twilio_auth_token=DEV_AUTH_TOKEN)
    return settings


def _dev_secret(var_dir: Path) -> str:
    """Return a random secret kept in var/, shared by every local process."""
    try:
        return kept_secret(var_dir / "secret_key", 32)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def _validate_alerts(settings: Settings) -> None:
    """Refuse alert settings that would only fail later, inside a job."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(settings.center_timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"CENTER_TIMEZONE={settings.center_timezone!r}: not a time zone "
                          "such as America/Los_Angeles") from None
    try:
        settings.digest_clock  # noqa: B018 - parsing is the check
    except ValueError:
        raise ConfigError(f"DIGEST_TIME={settings.digest_time!r}: expected HH:MM") from None
    try:
        settings.alert_retry_intervals  # noqa: B018 - parsing is the check
    except ValueError:
        raise ConfigError(f"ALERT_RETRY_SECONDS={settings.alert_retry_seconds!r}: expected "
                          "comma-separated whole seconds, e.g. 10,60,300") from None
    for field_name in ("whatsapp_taken_templates", "whatsapp_conversation_templates"):
        try:
            _templates(getattr(settings, field_name))
        except ValueError as exc:
            raise ConfigError(f"{_ENV_NAMES[field_name]}: {exc}, e.g. ko=HX…,es=HX…") from None
    if settings.smtp_tls not in ("starttls", "ssl", "none"):
        raise ConfigError("SMTP_TLS must be starttls, ssl or none")
    for field_name, schemes in (("smtp_url", ("smtp://", "smtps://")),
                                ("alert_webhook_url", ("https://", "http://")),
                                ("twilio_api_base_url", ("https://", "http://"))):
        value = getattr(settings, field_name)
        if value and not value.startswith(schemes):
            raise ConfigError(f"{_ENV_NAMES[field_name]} must start with {' or '.join(schemes)}")
    if "@" not in settings.smtp_from:
        raise ConfigError("SMTP_FROM must be an e-mail address")


def _validate_voice(settings: Settings) -> None:
    """Refuse voice settings Twilio would reject only once a worker calls."""
    try:
        settings.voice_map  # noqa: B018 - parsing is the check
    except ValueError as exc:
        raise ConfigError(f"VOICES: {exc}, e.g. ko=Polly.Seoyeon-Neural/ko-KR") from None
    if settings.voice_record_seconds > voices.MAX_RECORD_SECONDS:
        raise ConfigError(f"VOICE_RECORD_SECONDS: at most {voices.MAX_RECORD_SECONDS}")
