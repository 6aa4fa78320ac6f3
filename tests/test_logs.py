"""Logs carry no phone number, message body, token or signature, at any level."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from conftest import AUTH_TOKEN, Phone
from fakes import Jobs, TwilioApi

from hotline.logs import Redact
from hotline.store.organizers import Changes

WORKER = "+13235550142"
ORGANIZER = "+12135550101"
WORDS = ("Pollo Loco Express", "me deben tres semanas", "Rosa")


@pytest.fixture
def app(alert_overrides: dict[str, Any]):  # type: ignore[no-untyped-def]
    from hotline.app import create_app

    app = create_app({**alert_overrides, "log_level": "DEBUG"})
    yield app
    app.extensions["hotline"].close()


def test_a_whole_case_leaves_no_personal_trace_in_the_logs(  # type: ignore[no-untyped-def]
        app, client, jobs: Jobs, twilio_api: TwilioApi, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    service = app.extensions["hotline"]
    service.dispatcher.organizers.add(Changes(name="Ana", phone=ORGANIZER, languages="es"))
    twilio_api.fail(20500, status=500)  # the first send fails and is retried
    phone = Phone(client, WORKER)
    for text in ("hola", "2", "1", WORDS[0], "Vermont", "1 7", WORDS[1], "1", "1", "1", "1",
                 WORDS[2], "1", "1"):
        phone.send(text)
    jobs.run()
    ref = next(c.ref for c in service.cases.newest())
    Phone(client, ORGANIZER).send(f"OK {ref}")
    jobs.run()
    assert len(twilio_api.accepted) >= 2  # the alert, then the worker's notice
    text = caplog.text
    assert "case filed" in text and "delivery" in text
    for secret in (WORKER, WORKER[2:], ORGANIZER[2:], AUTH_TOKEN, *WORDS):
        assert secret not in text, secret
    assert "X-Twilio-Signature" not in text


def test_the_last_guard_redacts_numbers_in_messages_and_tracebacks() -> None:
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed for %s", ("+1 (213) 555-0100",),
                               None)
    try:
        raise ValueError("to +12135550100")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    Redact().filter(record)
    assert record.getMessage() == "failed for [number]"
    assert "2135550100" not in (record.exc_text or "") and "[number]" in (record.exc_text or "")
    kept = logging.LogRecord("x", logging.INFO, __file__, 1, "case %d filed at %s", (4821, "2026-11-25"), None)
    Redact().filter(kept)
    assert kept.getMessage() == "case 4821 filed at 2026-11-25"
