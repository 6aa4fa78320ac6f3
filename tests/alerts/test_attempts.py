"""How one delivery is attempted: retried, sent once, moved down the transports, listed
when it reached nobody; against a local Twilio Messages API, SMTP server and webhook."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from casework import DAY, WORKER, add, delivered, file
from click.testing import CliRunner
from fakes import Jobs, Mailbox, TwilioApi, WebhookSink, body_of

from hotline.alerts.dispatch import Dispatcher
from hotline.alerts.wiring import DELIVER_JOB, ESCALATE_JOB
from hotline.cli import main
from hotline.dialogue.effects import CaseKind, FileCase
from hotline.service import Service
from hotline.store.organizers import Changes, Organizer


def test_a_failing_sms_is_retried_and_sent_once(alert_service: Service, jobs: Jobs,
                                                team: dict[str, Organizer],
                                                twilio_api: TwilioApi) -> None:
    case_id, _ = file(alert_service)
    twilio_api.fail(20500, status=500)
    alert_service.dispatcher.alert(case_id, now=DAY)
    jobs.run()
    assert len(twilio_api.requests) == 2 and len(twilio_api.accepted) == 1
    sms, hook = alert_service.dispatcher.deliveries.for_case(case_id)
    assert hook.transport == "webhook" and hook.status == "sent"
    assert (sms.transport, sms.status, sms.attempts, sms.error) == ("sms", "sent", 2, None)


def test_a_transport_that_keeps_failing_falls_back_to_e_mail(alert_service: Service,
                                                             jobs: Jobs,
                                                             team: dict[str, Organizer],
                                                             twilio_api: TwilioApi,
                                                             mailbox: Mailbox) -> None:
    case_id, ref = file(alert_service)
    twilio_api.fail(20500, status=503, times=10)
    alert_service.dispatcher.alert(case_id, now=DAY)
    jobs.run()
    assert len(twilio_api.requests) == 3  # the first try and two retries
    (mail,) = mailbox.to("ana@example.org")
    assert mail["Subject"] == f"Hotline case {ref}" and f"OK {ref}" in body_of(mail)
    assert delivered(alert_service, case_id) == [
        ("alert", "sms", team["ana"].id, "failed"), ("alert", "webhook", None, "sent"),
        ("alert", "email", team["ana"].id, "sent")]
    assert alert_service.dispatcher.deliveries.failed(datetime.now(UTC)) == []


def test_an_organizer_who_opted_out_is_not_retried_and_the_record_shows_it(
        alert_service: Service, jobs: Jobs, team: dict[str, Organizer],
        twilio_api: TwilioApi, mailbox: Mailbox) -> None:
    case_id, _ = file(alert_service)
    twilio_api.fail_for("+12135550101", 21610, times=5)
    alert_service.dispatcher.alert(case_id, now=DAY)
    jobs.run()
    assert [r["To"] for r in twilio_api.requests] == ["+12135550101"]
    assert len(mailbox.to("ana@example.org")) == 1
    ana = alert_service.dispatcher.organizers.get(team["ana"].id)
    assert ana is not None and ana.sms_opted_out

    second, _ = file(alert_service)
    alert_service.dispatcher.alert(second, now=DAY)
    jobs.run()
    assert len(twilio_api.requests) == 1  # straight to e-mail now
    assert len(mailbox.to("ana@example.org")) == 2
    listed = CliRunner().invoke(main, ["organizers", "list"])
    assert "SMS OPTED OUT" in listed.output


def test_whatsapp_outside_its_window_falls_back_to_sms(alert_service: Service, jobs: Jobs,
                                                       twilio_api: TwilioApi) -> None:
    wa = add(alert_service, "Wen", "213 555 0109", channel="whatsapp", languages="ko")
    case_id, ref = file(alert_service)
    alert_service.dispatcher.alert(case_id, now=DAY)
    jobs.run()
    # never heard from, no template: no WhatsApp request at all, an SMS instead
    assert [r["To"] for r in twilio_api.requests] == ["+12135550109"]
    assert delivered(alert_service, case_id) == [("alert", "whatsapp", wa.id, "failed"),
                                                 ("alert", "webhook", None, "sent"),
                                                 ("alert", "sms", wa.id, "sent")]


def test_whatsapp_uses_the_template_outside_its_window(alert_overrides: dict[str, Any],
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       jobs: Jobs,
                                                       twilio_api: TwilioApi) -> None:
    from hotline import config

    template = "HX" + "b" * 32
    monkeypatch.setenv("TWILIO_CONTENT_SID", template)
    service = Service.from_settings(config.load(environ={}, **alert_overrides,
                                                twilio_content_sid=template))
    try:
        add(service, "Wen", "213 555 0109", channel="whatsapp", languages="en")
        quiet, ref = file(service, locale="es", industry="car_wash")
        service.dispatcher.alert(quiet, now=DAY)
        jobs.run()
        (sent,) = twilio_api.accepted
        assert sent["To"] == "whatsapp:+12135550109" and sent["ContentSid"] == template
        assert json.loads(sent["ContentVariables"]) == {"1": ref, "2": "Spanish, car wash"}

        # inside the window a free-form message goes, and a 63016 turns it into the template
        wen = service.dispatcher.organizers.active_by_phone("+12135550109")
        assert wen is not None
        service.dispatcher.organizers.heard_from(wen.id, datetime.now(UTC))
        twilio_api.fail(63016)
        window, ref2 = file(service)
        service.dispatcher.alert(window, now=DAY)
        jobs.run()
        first_try, resend = twilio_api.requests[-2:]
        assert first_try["Body"].startswith(f"Hotline case {ref2}")
        assert resend["ContentSid"] == template and "Body" not in resend
        row, _hook = service.dispatcher.deliveries.for_case(window)
        assert (row.transport, row.status, row.mode) == ("whatsapp", "sent", "template")
    finally:
        service.close()


def test_a_message_that_reached_nobody_is_listed_and_can_be_retried(
        alert_service: Service, jobs: Jobs, team: dict[str, Organizer],
        twilio_api: TwilioApi, mailbox: Mailbox) -> None:
    case_id, ref = file(alert_service)
    twilio_api.fail(20500, status=500, times=3)
    mailbox.refuse.add("ana@example.org")
    alert_service.dispatcher.alert(case_id, now=DAY)
    jobs.run()
    # reached nobody: the coordinator (e-mail only) is told, and nobody else got anything
    assert twilio_api.accepted == []
    assert [m["To"] for m in mailbox.messages] == ["cora@example.org"]
    assert "reached no organizer" in body_of(mailbox.messages[0])
    assert ("delivery_failed", "alert email: smtp recipient refused") in \
        alert_service.cases.events(case_id)

    runner = CliRunner()
    failed = runner.invoke(main, ["alerts", "failed"])
    assert failed.exit_code == 0, failed.output
    (line,) = [x for x in failed.output.splitlines() if "case" in x]
    assert f"case {ref}" in line and "Ana Kim" in line
    assert "sms failed (twilio 20500)" in line and "email failed (smtp recipient refused)" in line

    mailbox.refuse.clear()
    retried = runner.invoke(main, ["alerts", "retry", "--all"])
    assert retried.exit_code == 0 and "queued again by sms" in retried.output
    jobs.run()
    (sms,) = twilio_api.to("+12135550101")
    assert sms["Body"].startswith(f"Hotline case {ref}")
    assert "no failed alerts" in runner.invoke(main, ["alerts", "failed"]).output
    shown = runner.invoke(main, ["alerts", "show", ref])
    assert "alert" in shown.output and "sent" in shown.output


def test_a_job_that_runs_again_sends_nothing_twice(alert_service: Service, jobs: Jobs,
                                                   team: dict[str, Organizer],
                                                   twilio_api: TwilioApi,
                                                   webhook_sink: WebhookSink) -> None:
    case_id, _ = file(alert_service, locale="es", details=("me lastimé",))
    dispatcher = alert_service.dispatcher
    dispatcher.alert(case_id, now=DAY)
    jobs.run()
    sent = len(twilio_api.accepted)
    assert sent == 3 and len(webhook_sink.posts) == 1
    for _ in range(2):
        dispatcher.alert(case_id, now=DAY)  # the alert job again
        for row in dispatcher.deliveries.for_case(case_id):
            dispatcher.attempts.enqueue(row, suffix="-again")  # each delivery job again
            assert dispatcher.deliver(row.id) == "not pending"  # and called directly
        jobs.run()
    assert len(twilio_api.accepted) == sent and len(webhook_sink.posts) == 1
    assert len(jobs.scheduled()) == 1  # one escalation, not three


def test_a_failed_first_attempt_is_retried_by_a_deliver_job_then_falls_back(
        alert_service: Service, jobs: Jobs, team: dict[str, Organizer],
        twilio_api: TwilioApi, mailbox: Mailbox) -> None:
    case_id, ref = file(alert_service)
    twilio_api.fail(20500, status=503, times=10)
    alert_service.dispatcher.alert(case_id, now=DAY)
    sms, hook = alert_service.dispatcher.deliveries.for_case(case_id)
    assert (sms.status, sms.attempts, sms.error) == ("pending", 1, "twilio 20500")
    (job,) = jobs.queue.get_jobs()
    assert (job.func_name, tuple(job.args)) == (DELIVER_JOB, (sms.id,))
    assert job.retries_left == 1  # ALERT_RETRY_SECONDS=0,0: three attempts in all
    assert hook.status == "sent"
    jobs.run()
    assert len(twilio_api.requests) == 3
    (mail,) = mailbox.to("ana@example.org")
    assert mail["Subject"] == f"Hotline case {ref}"
    assert delivered(alert_service, case_id) == [
        ("alert", "sms", team["ana"].id, "failed"), ("alert", "webhook", None, "sent"),
        ("alert", "email", team["ana"].id, "sent")]


def test_the_retry_of_a_failed_first_attempt_waits_the_first_interval(
        alert_overrides: dict[str, Any], jobs: Jobs, twilio_api: TwilioApi) -> None:
    from hotline import config

    settings = config.load(environ={}, **{**alert_overrides, "alert_retry_seconds": "30,60,300"})
    with Dispatcher.opened(settings) as dispatcher:
        dispatcher.organizers.add(Changes(name="Ana", phone="213 555 0101", languages="en"))
        case_id, _ = dispatcher.cases.file(FileCase(
            kind=CaseKind.CALLBACK, locale="en", channel="sms", sender=WORKER,
            contact_method="text", contact_number=WORKER))
        twilio_api.fail(20500, status=500)
        before = datetime.now(UTC)
        dispatcher.alert(case_id)
        (sms,) = [d for d in dispatcher.deliveries.for_case(case_id) if d.transport == "sms"]
    assert jobs.queue.get_job_ids() == []
    (job_id,) = [i for i in jobs.queue.scheduled_job_registry.get_job_ids()
                 if jobs.queue.fetch_job(i).func_name == DELIVER_JOB]
    job = jobs.queue.fetch_job(job_id)
    assert job is not None and tuple(job.args) == (sms.id,)
    assert job.retries_left == 2 and job.retry_intervals == [60, 300]
    at = jobs.queue.scheduled_job_registry.get_scheduled_time(job_id)
    assert timedelta(seconds=29) <= at - before <= timedelta(seconds=40)


def test_a_rerun_alert_job_falls_back_from_an_attempt_its_killed_run_left_sending(
        alert_service: Service, jobs: Jobs, team: dict[str, Organizer],
        twilio_api: TwilioApi, mailbox: Mailbox) -> None:
    from sqlalchemy import update

    from hotline.store.deliveries import DeliveryRow

    case_id, ref = file(alert_service)
    dispatcher = alert_service.dispatcher
    dispatcher.alert(case_id, now=DAY)
    (sms,) = [d for d in dispatcher.deliveries.for_case(case_id) if d.transport == "sms"]
    sent_before = len(twilio_api.requests)
    # what a process killed mid-send leaves: the SMS taken, never marked
    gone = datetime.now(UTC) - timedelta(minutes=10)
    with alert_service.cases.engine.begin() as db:
        db.execute(update(DeliveryRow).where(DeliveryRow.id == sms.id)
                   .values(status="sending", updated_at=gone, provider_id=None))
    dispatcher.alert(case_id, now=DAY)  # RQ runs the abandoned alert job again
    assert (ESCALATE_JOB, (case_id, 1)) in jobs.scheduled()
    assert (DELIVER_JOB, (sms.id,)) in jobs.scheduled()
    assert jobs.come_due(DELIVER_JOB) == 1
    jobs.run()
    assert len(twilio_api.requests) == sent_before  # never sent again
    (mail,) = mailbox.to("ana@example.org")
    assert ref in mail["Subject"]
    (sms,) = [d for d in dispatcher.deliveries.for_case(case_id) if d.transport == "sms"]
    assert (sms.status, sms.error) == ("failed", "interrupted")


def test_a_timeout_after_twilio_accepted_the_alert_sends_it_once(
        alert_overrides: dict[str, Any], monkeypatch: pytest.MonkeyPatch, jobs: Jobs,
        twilio_api: TwilioApi, mailbox: Mailbox) -> None:
    from hotline import config

    monkeypatch.setenv("TRANSPORT_TIMEOUT_SECONDS", "0.5")  # the deliver jobs' settings
    service = Service.from_settings(config.load(environ={}, **{**alert_overrides,
                                                                "transport_timeout": 0.5}))
    try:
        ana = add(service, "Ana Kim", "213 555 0101", email="ana@example.org",
                  languages="en,ko")
        case_id, ref = file(service)
        twilio_api.stall(1.5)  # Twilio takes the SMS, and its answer comes too late
        service.dispatcher.alert(case_id, now=DAY)
        jobs.run()
        (sms,) = twilio_api.to("+12135550101")
        assert sms["Body"].startswith(f"Hotline case {ref}")
        assert len(twilio_api.requests) == 1 and mailbox.messages == []
        (row,) = [d for d in service.dispatcher.deliveries.for_case(case_id)
                  if d.organizer_id == ana.id]
        assert (row.transport, row.status, row.provider_id) == ("sms", "sent", sms["sid"])
    finally:
        service.close()


def test_a_message_twilio_creates_after_the_timeout_is_found_by_the_retry_not_resent(
        alert_overrides: dict[str, Any], monkeypatch: pytest.MonkeyPatch, jobs: Jobs,
        twilio_api: TwilioApi, mailbox: Mailbox) -> None:
    import time

    from hotline import config

    monkeypatch.setenv("TRANSPORT_TIMEOUT_SECONDS", "0.5")
    service = Service.from_settings(config.load(environ={}, **{**alert_overrides,
                                                                "transport_timeout": 0.5}))
    try:
        add(service, "Ana Kim", "213 555 0101", languages="en")
        case_id, ref = file(service)
        twilio_api.hold()  # a hung API: nothing created until it is released
        service.dispatcher.alert(case_id, now=DAY)
        (row,) = [d for d in service.dispatcher.deliveries.for_case(case_id)
                  if d.transport == "sms"]
        assert (row.status, row.error) == ("pending", "twilio timeout")  # not listed yet
        twilio_api.release()  # ...and now Twilio creates it, long after we gave up
        twilio_api.held = None
        deadline = time.monotonic() + 5
        while not twilio_api.accepted and time.monotonic() < deadline:
            time.sleep(0.02)
        jobs.run()
        (sms,) = twilio_api.to("+12135550101")
        assert sms["Body"].startswith(f"Hotline case {ref}")
        assert len(twilio_api.requests) == 1 and len(twilio_api.listed) == 2
        (row,) = [d for d in service.dispatcher.deliveries.for_case(case_id)
                  if d.transport == "sms"]
        assert (row.status, row.provider_id) == ("sent", sms["sid"])
    finally:
        service.close()
