"""Voicemails: Twilio's recording callback queues a job; a real RQ worker (SimpleWorker,
burst) runs it against real Redis and SQL; it files a voicemail case and alerts the
organizers through the local Twilio, SMTP and webhook stand-ins."""

from __future__ import annotations

from typing import Any

import pytest
from dialing import Call
from fakes import TwilioApi, WebhookSink
from sqlalchemy import text

from hotline.calls import VOICEMAIL_EVENT, VOICEMAIL_JOB, Recording, Voicemails
from hotline.sessions.jobs import queue as jobs_queue

ANA, BEN = "+12135550101", "+12135550102"


@pytest.fixture
def app(alert_overrides: dict[str, Any]):  # type: ignore[no-untyped-def]
    from hotline.app import create_app

    app = create_app(alert_overrides)
    app.config["TESTING"] = True
    yield app
    app.extensions["hotline"].close()


@pytest.fixture
def organizers(app) -> None:  # type: ignore[no-untyped-def]
    from hotline.store.organizers import Changes

    add = app.extensions["hotline"].dispatcher.organizers.add
    add(Changes(name="Ana", phone=ANA, languages="en,ko"))
    add(Changes(name="Ben", phone=BEN, languages="en,es"))


def jobs_named(app: Any, name: str) -> list[Any]:
    service = app.extensions["hotline"]
    queue = jobs_queue(service.settings.alerts_queue, service.conn)
    return [job for job in queue.jobs if job.func_name == name]


def leave_message(client: Any, number: str | None, language_key: str) -> Call:
    call = Call(client, number)
    call.dial()
    call.press(language_key)
    call.press("2")
    return call


def test_a_finished_recording_files_a_voicemail_case_and_alerts_organizers(
        app, client, organizers, jobs, twilio_api: TwilioApi,  # type: ignore[no-untyped-def]
        webhook_sink: WebhookSink) -> None:
    call = leave_message(client, "+13235550140", "1")
    assert call.recording_status("completed", 42).status_code == 204
    [job] = jobs_named(app, VOICEMAIL_JOB)
    data = job.args[0]
    assert data["sid"] == call.recording_sid and data["call_sid"] == call.sid
    assert data["locale"] == "ko" and data["duration"] == 42
    assert "3235550140" not in repr(job.args)  # plain JSON, the number encrypted

    jobs.run()
    service = app.extensions["hotline"]
    [case] = list(service.cases.newest())
    assert case.kind == "voicemail" and case.locale == "ko" and case.channel == "voice"
    assert case.contact_method == "call" and case.contact == "+13235550140"
    assert case.media == ((call.recording_url, "audio/wav"),)
    assert (VOICEMAIL_EVENT, call.recording_sid) in service.cases.events(case.id)
    with service.cases.engine.connect() as conn:
        row = repr(tuple(conn.execute(text("SELECT * FROM cases")).one()))
    assert "3235550140" not in row and call.recording_sid not in row
    # alerted as any case: routed to the Korean speaker, on the webhook too
    alerts = [m for m in twilio_api.accepted if f"case {case.ref}" in m["Body"]]
    assert [m["To"] for m in alerts] == [ANA]
    assert "Voicemail in Korean" in alerts[0]["Body"]
    assert "3235550140" not in alerts[0]["Body"]
    [post] = webhook_sink.posts
    assert post["kind"] == "voicemail" and post["language"] == "ko"


def test_the_job_files_a_recording_once_however_often_it_runs(
        app, client, organizers, jobs) -> None:  # type: ignore[no-untyped-def]
    call = leave_message(client, "+13235550141", "2")
    call.recording_status("completed", 20)
    call.recording_status("completed", 20)  # Twilio tells us twice
    jobs.run()
    service = app.extensions["hotline"]
    assert jobs_named(app, VOICEMAIL_JOB) == []  # all done
    # the job again (an RQ retry after a crash): it finds its case and files nothing
    recording = Recording(call.recording_sid, call.recording_url, call.sid, 20, "es", "")
    assert Voicemails(service).file(recording).startswith("already filed")
    assert [c.kind for c in service.cases.newest()] == ["voicemail"]


@pytest.mark.parametrize("status, seconds", [("absent", 0), ("completed", 0)])
def test_a_caller_who_hangs_up_before_saying_anything_files_nothing(
        app, client, organizers, jobs, twilio_api: TwilioApi,  # type: ignore[no-untyped-def]
        status: str, seconds: int) -> None:
    call = leave_message(client, "+13235550142", "3")
    call.finish_recording(0)  # the <Record> action Twilio posts on the hang-up
    assert call.recording_status(status, seconds).status_code == 204
    assert jobs_named(app, VOICEMAIL_JOB) == []
    jobs.run()
    assert app.extensions["hotline"].cases.count() == 0
    assert twilio_api.accepted == []


def test_a_hidden_number_leaves_a_voicemail_with_nobody_to_call_back(
        app, client, organizers, jobs) -> None:  # type: ignore[no-untyped-def]
    call = leave_message(client, None, "3")
    call.recording_status("completed", 15)
    jobs.run()
    [case] = list(app.extensions["hotline"].cases.newest())
    assert case.kind == "voicemail" and case.contact_method == "none" and case.contact is None


def test_voicemails_past_cases_per_day_join_the_open_case_unalerted(
        app, client, organizers, jobs, twilio_api: TwilioApi) -> None:  # type: ignore[no-untyped-def]
    service = app.extensions["hotline"]
    calls = []
    for _ in range(service.settings.cases_per_day + 1):
        call = leave_message(client, "+13235550143", "3")
        call.recording_status("completed", 9)
        calls.append(call)
    jobs.run()
    filed = list(service.cases.newest())
    assert len(filed) == service.settings.cases_per_day
    newest = filed[0]
    assert len(newest.media) == 2  # its own recording and the one past the limit
    assert (VOICEMAIL_EVENT, calls[-1].recording_sid) in service.cases.events(newest.id)
