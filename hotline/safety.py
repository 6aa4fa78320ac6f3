"""What makes a setting unsafe: production's refusals, weak secrets, common passwords.

Production (anything but an explicit HOTLINE_ENV=development) refuses to start on any of
these, each named by its variable with how to fix it: a hotline that silently ran with
a published token or a guessable secret would hand workers' reports to anyone.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from hotline.crypto import looks_random, random_bytes

if TYPE_CHECKING:
    from hotline.config import Settings

#: The development Twilio token; the simulator and ``hotline chat`` sign with it. It is
#: in the repository, so production refuses it.
DEV_AUTH_TOKEN = "dev-token"
#: zxcvbn's estimate (log10 of guesses) below which a secret counts as guessable: 32
#: random bytes score 41 or more, a long pass-phrase under 20.
MIN_SECRET_GUESSES_LOG10 = 32
#: zxcvbn's score (0-4) a simulator password needs: 3 is "safely unguessable".
MIN_PASSWORD_SCORE = 3
#: Shortest simulator password accepted.
MIN_SIMULATOR_PASSWORD = 12


def production_problems(settings: Settings) -> list[str]:
    """Return what production refuses in ``settings``, one line per variable to fix."""
    problems = [*_secret_problems(settings), *_key_problems(settings.encryption_keys)]
    token = settings.twilio_auth_token
    if not token:
        problems.append("TWILIO_AUTH_TOKEN is not set: copy your account's Auth Token from "
                        "the Twilio Console (Account > API keys & tokens); without it no "
                        "webhook can be verified")
    elif token == DEV_AUTH_TOKEN:
        problems.append(f"TWILIO_AUTH_TOKEN is the development token {DEV_AUTH_TOKEN!r}, "
                        "published in the repository (anyone could sign webhooks and act "
                        "as an organizer): set your account's Auth Token from the Twilio "
                        "Console")
    if settings.public_base_url.startswith("http://"):
        problems.append("PUBLIC_BASE_URL must start with https:// in production (over http "
                        "workers' messages travel in clear): use the https origin Twilio "
                        "calls, e.g. https://hotline.example.org")
    if settings.simulator_enabled:
        problems.append("SIMULATOR_ENABLED must be off in production (the simulator signs "
                        "webhooks for whoever logs in): unset it, and preview words with "
                        "HOTLINE_ENV=development on a staff machine")
    if not settings.alert_transports:
        problems.append("no alert transport is configured, so no organizer would hear of "
                        "a case: set TWILIO_ACCOUNT_SID and TWILIO_FROM (SMS/WhatsApp), "
                        "SMTP_URL or SMTP_HOST (e-mail), or ALERT_WEBHOOK_URL")
    if not settings.redis_url:
        problems.append("REDIS_URL is not set: production needs a managed Redis with its "
                        "own password (the embedded one is for trying the hotline)")
    if not settings.database_url:
        problems.append("DATABASE_URL is not set: production needs PostgreSQL, e.g. "
                        "postgresql+psycopg://user:pass@host/db")
    problems.extend(_media_store_problems(settings.media_store_url))
    return problems


def setting_problem(settings: Settings) -> str | None:
    """Say what is wrong with a setting that would only fail later (any environment)."""
    malformed = media_store_malformed(settings.media_store_url)
    return simulator_problem(settings) or (f"MEDIA_STORE_URL: {malformed}" if malformed
                                           else None)


def media_store_malformed(url: str) -> str | None:
    """Say what is wrong with a MEDIA_STORE_URL that would only fail later, in a job."""
    parts = urlsplit(url)
    if parts.scheme == "file" and (parts.netloc or not parts.path.startswith("/")):
        return "a directory is file:///absolute/path"
    bucket = parts.netloc if parts.scheme == "s3" else parts.path.lstrip("/").split("/")[0]
    if parts.scheme in ("s3", "https", "http") and not (bucket and parts.netloc):
        return "name the bucket, e.g. s3://bucket or https://KEY:SECRET@host/bucket"
    if url and parts.scheme not in ("s3", "https", "http", "file"):
        return "it must start with s3://, https://, http:// or file://"
    return None


def _media_store_problems(url: str) -> list[str]:
    if not url:
        return ["MEDIA_STORE_URL is not set: name where workers' photos and voicemails are "
                "kept, encrypted: a private bucket (s3://bucket/prefix, or "
                "https://KEY:SECRET@host/bucket for an S3-compatible service) or a persistent "
                "directory (file:///srv/hotline/evidence); the app's own disk may not last"]
    if url.startswith("http://"):
        return ["MEDIA_STORE_URL must use https:// in production (over http the store's key "
                "and the sealed copies travel in clear)"]
    return []


def _secret_problems(settings: Settings) -> list[str]:
    secret = settings.secret_key
    if not secret:
        return ["HOTLINE_SECRET_KEY is not set, and production never generates one: set it "
                "once to the output of `hotline db new-secret` and keep it (every "
                "pseudonym, so every opt-out, depends on it)"]
    kept = Path(settings.var_dir) / "secret_key"
    if kept.is_file() and kept.read_text().strip() == secret.strip():
        return [f"HOTLINE_SECRET_KEY is the development secret generated in {kept}: set "
                "a secret of its own, from `hotline db new-secret`"]
    if not strong_secret(secret):
        return ["HOTLINE_SECRET_KEY must be at least 32 random bytes written as base64 or "
                "hex (`hotline db new-secret` makes one): a shorter or guessable secret "
                "lets anyone with a database dump test guesses offline. A new secret starts "
                "new pseudonyms: read README 'Keys and rotation' before replacing one in use"]
    return []


def _key_problems(encryption_keys: str) -> list[str]:
    keys = [k.strip() for k in encryption_keys.split(",") if k.strip()]
    if not keys:
        return ["HOTLINE_ENCRYPTION_KEYS is not set: set it to the output of `hotline db "
                "new-key`. If this deployment ran without it, keep its data readable with "
                "HOTLINE_ENCRYPTION_KEYS=<new key>,<the output of `hotline db derived-keys`>, "
                "then `hotline db rotate` (README 'Keys and rotation')"]
    problems = []
    for number, key in enumerate(keys, 1):
        raw = random_bytes(key)
        if raw is not None and len(raw) == 32 and not looks_random(raw):
            problems.append(f"HOTLINE_ENCRYPTION_KEYS: key {number} of {len(keys)} is not "
                            "random: make keys with `hotline db new-key`")
    return problems


@lru_cache(maxsize=8)
def strong_secret(secret: str) -> bool:
    """Tell whether a secret carries 32+ random bytes (decoded, patternless, and not
    guessable as words are)."""
    raw = random_bytes(secret)
    if raw is None or not looks_random(raw):
        return False
    from zxcvbn import zxcvbn

    return float(zxcvbn(secret[:100])["guesses_log10"]) >= MIN_SECRET_GUESSES_LOG10


@lru_cache(maxsize=8)
def common_password(password: str) -> bool:
    """Tell whether a password is common or easily guessed (zxcvbn: lists of leaked
    passwords, words, names, keyboard patterns, dates)."""
    from zxcvbn import zxcvbn

    return int(zxcvbn(password[:100])["score"]) < MIN_PASSWORD_SCORE


def simulator_problem(settings: Settings) -> str | None:
    """Say why the simulator must not be served as set (no password, or a short or
    common one); None if it may (or is off)."""
    if not settings.simulator_enabled:
        return None
    if not settings.simulator_password:
        return "SIMULATOR_PASSWORD is required when SIMULATOR_ENABLED is true"
    if len(settings.simulator_password) < MIN_SIMULATOR_PASSWORD:
        return f"SIMULATOR_PASSWORD must be at least {MIN_SIMULATOR_PASSWORD} characters"
    if common_password(settings.simulator_password):
        return ("SIMULATOR_PASSWORD is a common or easily guessed password: choose another "
                "(or unset it: `./dev run` makes a random one)")
    return None
