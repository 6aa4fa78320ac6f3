"""Production fails closed: development is chosen explicitly, and production refuses
every published or guessable secret, each refusal naming the variable and the fix."""

from __future__ import annotations

import base64
import secrets
from pathlib import Path

import pytest

from hotline import config
from hotline.crypto import new_key, new_secret


@pytest.fixture
def production(tmp_path: Path) -> dict[str, str]:
    """A production environment that starts: every required setting, each one sound."""
    return {
        "HOTLINE_ENV": "production",
        "HOTLINE_SECRET_KEY": new_secret(),
        "HOTLINE_ENCRYPTION_KEYS": new_key(),
        "HOTLINE_VAR_DIR": str(tmp_path / "var"),
        "TWILIO_AUTH_TOKEN": secrets.token_hex(16),
        "PUBLIC_BASE_URL": "https://hotline.example.org",
        "REDIS_URL": "redis://hotline:pw@127.0.0.1:6379/0",
        "DATABASE_URL": "postgresql+psycopg://hotline:pw@127.0.0.1/hotline",
        "ALERT_WEBHOOK_URL": "https://hooks.example.org/hotline",
        "MEDIA_STORE_URL": "s3://center-evidence/hotline",
    }


def refusal(environ: dict[str, str]) -> str:
    with pytest.raises(config.ConfigError) as raised:
        config.load(environ)
    return str(raised.value)


def test_a_sound_production_environment_starts(production: dict[str, str]) -> None:
    settings = config.load(production)
    assert settings.is_production
    assert settings.twilio_auth_token == production["TWILIO_AUTH_TOKEN"]


def test_without_hotline_env_it_is_production_not_development(production: dict[str, str]) -> None:
    unset = {k: v for k, v in production.items() if k != "HOTLINE_ENV"}
    assert config.load(unset).is_production
    assert config.load({**production, "HOTLINE_ENV": "staging"}).is_production
    # what used to start in development with the published token now refuses to start
    assert "TWILIO_AUTH_TOKEN" in refusal({})
    assert not config.load({"HOTLINE_ENV": "development"}).is_production


def test_an_app_without_hotline_env_never_accepts_the_dev_token(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from hotline.app import create_app

    monkeypatch.delenv("HOTLINE_ENV")
    monkeypatch.setenv("HOTLINE_VAR_DIR", str(tmp_path / "var"))
    with pytest.raises(config.ConfigError, match="TWILIO_AUTH_TOKEN"):
        create_app()


@pytest.mark.parametrize(("change", "named", "fix"), [
    ({"TWILIO_AUTH_TOKEN": "dev-token"}, "TWILIO_AUTH_TOKEN", "Twilio Console"),
    ({"TWILIO_AUTH_TOKEN": ""}, "TWILIO_AUTH_TOKEN", "Twilio Console"),
    ({"HOTLINE_SECRET_KEY": ""}, "HOTLINE_SECRET_KEY", "hotline db new-secret"),
    ({"HOTLINE_SECRET_KEY": "hotline"}, "HOTLINE_SECRET_KEY", "hotline db new-secret"),
    ({"HOTLINE_SECRET_KEY": "k" * 64}, "HOTLINE_SECRET_KEY", "32 random bytes"),
    ({"HOTLINE_SECRET_KEY": secrets.token_hex(16)}, "HOTLINE_SECRET_KEY", "32 random bytes"),
    ({"HOTLINE_SECRET_KEY": secrets.token_urlsafe(24)}, "HOTLINE_SECRET_KEY", "32 random bytes"),
    # decodes as base64 to 37 bytes, but it is words anyone could guess
    ({"HOTLINE_SECRET_KEY": "correcthorsebatterystaplecorrecthorsebatterystaple"},
     "HOTLINE_SECRET_KEY", "32 random bytes"),
    ({"HOTLINE_ENCRYPTION_KEYS": ""}, "HOTLINE_ENCRYPTION_KEYS", "hotline db derived-keys"),
    ({"HOTLINE_ENCRYPTION_KEYS": base64.urlsafe_b64encode(bytes(32)).decode()},
     "HOTLINE_ENCRYPTION_KEYS", "hotline db new-key"),
    ({"HOTLINE_ENCRYPTION_KEYS": "not-a-key"}, "HOTLINE_ENCRYPTION_KEYS", "hotline db new-key"),
    ({"PUBLIC_BASE_URL": "http://hotline.example.org"}, "PUBLIC_BASE_URL", "https://"),
    ({"SIMULATOR_ENABLED": "true", "SIMULATOR_PASSWORD": "vq7-Lmz2-Kd9w-Xr4t"},
     "SIMULATOR_ENABLED", "HOTLINE_ENV=development"),
    ({"ALERT_WEBHOOK_URL": ""}, "no alert transport", "SMTP_URL"),
    ({"ALERT_WEBHOOK_URL": "", "TWILIO_ACCOUNT_SID": "AC" + "1" * 32}, "no alert transport",
     "TWILIO_FROM"),
    ({"REDIS_URL": ""}, "REDIS_URL", "password"),
    ({"DATABASE_URL": ""}, "DATABASE_URL", "PostgreSQL"),
])
def test_production_refuses_an_unsafe_setting_naming_it_and_the_fix(
        production: dict[str, str], change: dict[str, str], named: str, fix: str) -> None:
    message = refusal({**production, **change})
    assert named in message
    assert fix in message
    assert message.count("\n- ") <= 1, message  # only that one problem


def test_every_problem_is_listed_at_once() -> None:
    message = refusal({"HOTLINE_ENV": "production"})
    for variable in ("HOTLINE_SECRET_KEY", "HOTLINE_ENCRYPTION_KEYS", "TWILIO_AUTH_TOKEN",
                     "no alert transport", "REDIS_URL", "DATABASE_URL"):
        assert variable in message


def test_production_never_uses_the_secret_generated_for_development(
        production: dict[str, str]) -> None:
    developed = config.load({"HOTLINE_ENV": "development",
                             "HOTLINE_VAR_DIR": production["HOTLINE_VAR_DIR"]})
    assert (Path(production["HOTLINE_VAR_DIR"]) / "secret_key").is_file()
    message = refusal({**production, "HOTLINE_SECRET_KEY": developed.secret_key})
    assert "generated" in message and "HOTLINE_SECRET_KEY" in message


@pytest.mark.parametrize("secret", [
    secrets.token_hex(32), base64.b64encode(secrets.token_bytes(32)).decode(),
    secrets.token_urlsafe(48),
])
def test_any_32_random_bytes_written_as_hex_or_base64_are_accepted(
        production: dict[str, str], secret: str) -> None:
    assert config.load({**production, "HOTLINE_SECRET_KEY": secret}).secret_key == secret


@pytest.mark.parametrize("transport", [
    {"SMTP_HOST": "mail.example.org"}, {"SMTP_URL": "smtps://u:p@mail.example.org:465"},
    {"TWILIO_ACCOUNT_SID": "AC" + "1" * 32, "TWILIO_FROM": "+12135550000"},
])
def test_any_one_alert_transport_is_enough(production: dict[str, str],
                                           transport: dict[str, str]) -> None:
    settings = config.load({**production, "ALERT_WEBHOOK_URL": "", **transport})
    assert len(settings.alert_transports) == 1


def test_development_still_runs_with_nothing_set(tmp_path: Path) -> None:
    settings = config.load({"HOTLINE_ENV": "development", "HOTLINE_VAR_DIR": str(tmp_path)})
    assert settings.twilio_auth_token == config.DEV_AUTH_TOKEN
    assert len(settings.secret_key) >= 43
