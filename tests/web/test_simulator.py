"""The staff simulator: off by default, behind a password, and it talks to the real webhook."""

from __future__ import annotations

import re
from typing import Any

import pytest

from hotline import config
from hotline.app import create_app
from hotline.dialogue import messages
from hotline.dialogue.replies import Reply
from hotline.web.signature import SignatureCheck

PASSWORD = "correct horse battery"
HANGUL = re.compile("[\uac00-\ud7a3]")


@pytest.fixture
def sim_app(overrides: dict[str, Any]):  # type: ignore[no-untyped-def]
    app = create_app({**overrides, "simulator_enabled": True, "simulator_password": PASSWORD})
    yield app
    app.extensions["hotline"].close()


@pytest.fixture
def staff(sim_app):  # type: ignore[no-untyped-def]
    """A logged-in staff browser."""
    client = sim_app.test_client()
    response = client.post("/simulator/login", data={"password": PASSWORD})
    assert response.status_code == 302
    return client


def send(client, text: str, sender: str = "+12135550142", **extra: str):  # type: ignore[no-untyped-def]
    return client.post("/simulator/send", json={"sender": sender, "text": text, **extra})


def test_the_simulator_is_off_unless_enabled(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/simulator/").status_code == 404
    assert send(client, "hola").status_code == 404
    assert client.get("/simulator/login").status_code == 404
    assert client.get("/simulator/assets/simulator.js").status_code == 404
    assert client.get("/static/simulator/simulator.js").status_code == 404


@pytest.mark.parametrize(("password", "refusal"), [
    ("", "SIMULATOR_PASSWORD is required"),
    ("short", "at least 12 characters"),
    ("password1234", "common or easily guessed"),
    ("iloveyou1234", "common or easily guessed"),
    ("qwertyuiop123", "common or easily guessed"),
])
def test_it_refuses_to_start_without_a_password_or_with_a_short_or_common_one(
        password: str, refusal: str) -> None:
    with pytest.raises(config.ConfigError, match=refusal):
        config.load({"HOTLINE_ENV": "development", "SIMULATOR_ENABLED": "true",
                     "SIMULATOR_PASSWORD": password})
    assert config.load({"HOTLINE_ENV": "development", "SIMULATOR_ENABLED": "true",
                        "SIMULATOR_PASSWORD": PASSWORD}).simulator_enabled


def test_production_refuses_the_simulator_whatever_its_password() -> None:
    from hotline.crypto import new_key, new_secret

    production = {"HOTLINE_ENV": "production", "HOTLINE_SECRET_KEY": new_secret(),
                  "HOTLINE_ENCRYPTION_KEYS": new_key(), "TWILIO_AUTH_TOKEN": "t" * 32,
                  "REDIS_URL": "redis://x", "DATABASE_URL": "sqlite://",
                  "ALERT_WEBHOOK_URL": "https://hooks.example.org/x",
                  "MEDIA_STORE_URL": "s3://center-evidence/hotline"}
    assert config.load(production).is_production
    with pytest.raises(config.ConfigError, match="SIMULATOR_ENABLED must be off"):
        config.load({**production, "SIMULATOR_ENABLED": "true",
                     "SIMULATOR_PASSWORD": PASSWORD})


def test_login_attempts_are_limited_per_address_even_with_the_right_password(sim_app) -> None:  # type: ignore[no-untyped-def]
    guesser = sim_app.test_client()
    for guess in range(5):
        assert guesser.post("/simulator/login", data={"password": f"guess {guess}"}
                            ).status_code == 401
    refused = guesser.post("/simulator/login", data={"password": PASSWORD})
    assert refused.status_code == 429 and "Set-Cookie" not in refused.headers
    assert "Too many tries" in refused.get_data(as_text=True)
    assert refused.headers["Retry-After"] == "60"
    elsewhere = sim_app.test_client()
    assert elsewhere.post("/simulator/login", data={"password": PASSWORD},
                          environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 302


def test_guessing_from_many_addresses_meets_a_limit_for_all_of_them(sim_app) -> None:  # type: ignore[no-untyped-def]
    client = sim_app.test_client()
    for n in range(100):
        assert client.post("/simulator/login", data={"password": "guess"},
                           environ_base={"REMOTE_ADDR": f"10.0.{n // 250}.{n % 250}"}
                           ).status_code == 401
    assert client.post("/simulator/login", data={"password": PASSWORD},
                       environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code == 429


def test_the_login_limit_is_kept_in_the_hotlines_redis_across_processes(  # type: ignore[no-untyped-def]
        sim_app, overrides) -> None:
    for guess in range(5):
        sim_app.test_client().post("/simulator/login", data={"password": f"guess {guess}"})
    other = create_app({**overrides, "simulator_enabled": True, "simulator_password": PASSWORD})
    try:  # a second web process shares the count
        assert other.test_client().post("/simulator/login", data={"password": PASSWORD}
                                        ).status_code == 429
    finally:
        other.extensions["hotline"].close()


def test_signing_out_ends_the_session_so_a_copied_cookie_opens_nothing(staff, sim_app) -> None:  # type: ignore[no-untyped-def]
    copied = staff.get_cookie("hotline_simulator", path="/simulator").value
    assert staff.post("/simulator/logout").status_code == 302
    thief = sim_app.test_client()
    thief.set_cookie("hotline_simulator", copied, path="/simulator")
    assert thief.get("/simulator/").status_code == 302
    assert send(thief, "hola").status_code == 401


def test_nobody_gets_in_without_the_password(sim_app) -> None:  # type: ignore[no-untyped-def]
    client = sim_app.test_client()
    page = client.get("/simulator/")
    assert page.status_code == 302 and page.headers["Location"].endswith("/simulator/login")
    assert send(client, "hola").status_code == 401
    wrong = client.post("/simulator/login", data={"password": PASSWORD + "x"})
    assert wrong.status_code == 401 and "Set-Cookie" not in wrong.headers
    assert client.get("/simulator/").status_code == 302
    forged = sim_app.test_client()
    forged.set_cookie("hotline_simulator", "ImFiYyI.forged.signature", path="/simulator")
    assert send(forged, "hola").status_code == 401


def test_the_login_cookie_is_httponly_strict_and_scoped(sim_app) -> None:  # type: ignore[no-untyped-def]
    response = sim_app.test_client().post("/simulator/login", data={"password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/simulator" in cookie


def test_changing_the_password_logs_everybody_out(staff, overrides) -> None:  # type: ignore[no-untyped-def]
    token = staff.get_cookie("hotline_simulator", path="/simulator").value
    other = create_app({**overrides, "simulator_enabled": True,
                        "simulator_password": PASSWORD + " new"})
    try:
        client = other.test_client()
        client.set_cookie("hotline_simulator", token, path="/simulator")
        assert client.get("/simulator/").status_code == 302
    finally:
        other.extensions["hotline"].close()


def test_logged_in_staff_see_the_page_and_can_log_out(staff) -> None:  # type: ignore[no-untyped-def]
    page = staff.get("/simulator/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-word="ESPAÑOL"' in html and "한국어" in html
    assert page.headers["Cache-Control"] == "no-store"
    script = staff.get("/simulator/assets/simulator.js")
    assert script.status_code == 200 and b"use strict" in script.data
    staff.post("/simulator/logout")
    assert staff.get("/simulator/").status_code == 302


def test_a_message_goes_through_the_signed_webhook_and_shows_its_cost(staff, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    verified: list[bool] = []
    real = SignatureCheck.valid

    def spy(self: SignatureCheck, *args: Any, **kwargs: Any) -> bool:
        verified.append(real(self, *args, **kwargs))
        return verified[-1]

    monkeypatch.setattr(SignatureCheck, "valid", spy)
    response = send(staff, "hola")
    assert response.status_code == 200
    assert verified == [True]
    data = response.get_json()
    welcome, menu = data["replies"]
    service = staff.application.extensions["hotline"]
    expected = service.catalogs.render(Reply(messages.WELCOME), "es", fold_accents=True)
    assert welcome["body"] == expected
    assert welcome["encoding"] == "GSM-7" and welcome["segments"] == 1
    assert welcome["units"] == len(expected) and welcome["per_segment"] == 160
    assert menu["body"].startswith("Menu principal")


def test_korean_replies_are_ucs2_and_whatsapp_keeps_accents(staff) -> None:  # type: ignore[no-untyped-def]
    korean = send(staff, "안녕하세요", "+12135550143").get_json()["replies"]
    assert HANGUL.search(korean[0]["body"]) and korean[0]["encoding"] == "UCS-2"
    whatsapp = send(staff, "hola", "+12135550144", channel="whatsapp").get_json()
    assert whatsapp["channel"] == "whatsapp"
    assert "información" in whatsapp["replies"][0]["body"]


@pytest.mark.parametrize("sender", ["+12135551234", "+13105550100x", "12135550142", ""])
def test_only_fictional_senders_are_accepted_so_no_real_conversation_is_opened(
        staff, sender: str, redis_conn, namespace) -> None:  # type: ignore[no-untyped-def]
    response = send(staff, "hola", sender)
    assert response.status_code == 400 and "fictional" in response.get_json()["error"]
    kept = {k for k in redis_conn.scan_iter(match=f"{namespace}:*")
            if not k.startswith(f"{namespace}:simulator:".encode())}  # the login's own
    assert kept == set()


def test_a_post_from_another_site_is_refused(staff) -> None:  # type: ignore[no-untyped-def]
    response = staff.post("/simulator/send", json={"sender": "+12135550142", "text": "hola"},
                          headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    same = staff.post("/simulator/send", json={"sender": "+12135550142", "text": "hola"},
                      headers={"Origin": "http://localhost"})
    assert same.status_code == 200


def test_the_development_password_is_made_once_and_kept_private(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from hotline.web.simulator import dev_password

    first = dev_password(tmp_path)
    assert len(first) >= 12 and dev_password(tmp_path) == first
    assert (tmp_path / "simulator_password").stat().st_mode & 0o077 == 0
