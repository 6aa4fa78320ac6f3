"""Alerts end to end against real SQL, real Redis and real RQ jobs (run in-process), with
a local Twilio Messages API, a local SMTP server and a local webhook receiving them."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from fakes import Jobs, Mailbox, TwilioApi, WebhookSink, body_of

from hotline.alerts.dispatch import DELIVER_JOB, DIGEST_JOB, ESCALATE_JOB, Dispatcher
from hotline.cli import main
from hotline.dialogue.effects import CaseKind, FileCase
from hotline.service import Service
from hotline.store.deliveries import Purpose, Status, Transport
from hotline.store.organizers import Changes, Organizer

# Wednesday 2026-11-25 10:00 in Los Angeles, and 23:00 the same day
DAY = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
NIGHT = datetime(2026, 11, 26, 7, 0, tzinfo=UTC)
WORKER = "+12135550123"


def add(service: Service, name: str, phone: str | None, **fields: Any) -> Organizer:
    return service.dispatcher.organizers.add(Changes(name=name, phone=phone, **fields))


def file(service: Service, **fields: Any) -> tuple[int, str]:
    values: dict[str, Any] = dict(
        kind=CaseKind.REPORT, locale="ko", channel="sms", sender=WORKER, contact_method="text",
        contact_number=WORKER, industry="restaurant", employer="Seoul Restaurant",
        location="Wilshire & Western", issues=("overtime",), details=("no overtime pay",),
        when="this_week", still_working=True, name="Min")
    values.update(fields)
    return service.cases.file(FileCase(**values))


def delivered(service: Service, case_id: int) -> list[tuple[str, str, int | None, str]]:
    return [(d.purpose, d.transport, d.organizer_id, d.status)
            for d in service.dispatcher.deliveries.for_case(case_id)]


@pytest.fixture
def team(alert_service: Service) -> dict[str, Organizer]:
    """Ana: Korean, restaurants, office hours. Ben: Spanish, all work, office hours.
    Nia: English, nights. Ola: inactive. Cora: coordinator, e-mail only. Alerts to all
    of them are in English (their first language listed)."""
    return {
        "ana": add(alert_service, "Ana Kim", "213 555 0101", email="ana@example.org",
                   languages="en,ko", industries="restaurant", hours="Mon-Fri 09:00-18:00"),
        "ben": add(alert_service, "Ben Ruiz", "213 555 0102", email="ben@example.org",
                   languages="en,es", hours="Mon-Fri 09:00-18:00"),
        "nia": add(alert_service, "Nia Park", "213 555 0103", languages="en",
                   hours="22:00-06:00"),
        "ola": add(alert_service, "Ola", "213 555 0104", languages="ko", active=False),
        "cora": add(alert_service, "Cora", None, email="cora@example.org", languages="en",
                    role="coordinator", hours="Mon-Fri 09:00-17:00"),
    }


def test_routing_picks_by_language_industry_and_hours(alert_service: Service, jobs: Jobs,
                                                      team: dict[str, Organizer],
                                                      twilio_api: TwilioApi,
                                                      webhook_sink: WebhookSink) -> None:
    day_case, day_ref = file(alert_service)
    night_case, night_ref = file(alert_service, locale="es", industry="garment")
    alert_service.dispatcher.alert(day_case, now=DAY)
    alert_service.dispatcher.alert(night_case, now=NIGHT)
    jobs.run()

    (to_ana,) = twilio_api.to("+12135550101")
    assert to_ana["Body"].startswith(f"Hotline case {day_ref}\nReport in Korean\n")
    (to_nia,) = twilio_api.to("+12135550103")
    assert to_nia["Body"] == (f"Hotline case {night_ref}\nReport in Spanish\nWork: Garment\n"
                              "Problem: No overtime pay\nArea: Wilshire & Western\n"
                              f"Reply OK {night_ref} to take it.")
    assert len(twilio_api.accepted) == 2  # nobody else: not Ben, not the inactive Ola
    assert sorted(p["case"] for p in webhook_sink.posts) == sorted([day_ref, night_ref])
    assert all(p["text"].startswith("Hotline case") for p in webhook_sink.posts)
    assert all(WORKER[1:] not in json.dumps(r) for r in twilio_api.requests)
    assert ("alerted", "language+industry: 1 organizers") in alert_service.cases.events(day_case)


def test_an_urgent_case_goes_to_every_active_organizer_at_once(alert_service: Service,
                                                               jobs: Jobs,
                                                               team: dict[str, Organizer],
                                                               twilio_api: TwilioApi,
                                                               mailbox: Mailbox) -> None:
    case_id, ref = file(alert_service, locale="es", details=("el jefe me pegó",),
                        issues=("retaliation",))
    alert_service.dispatcher.alert(case_id, now=NIGHT)
    jobs.run()
    phones = {m["To"] for m in twilio_api.accepted}
    assert phones == {"+12135550101", "+12135550102", "+12135550103"}
    assert all(m["Body"].startswith(f"Hotline case {ref}\nURGENT: violence\n")
               for m in twilio_api.accepted)
    (to_cora,) = mailbox.to("cora@example.org")
    assert to_cora["Subject"] == f"URGENT hotline case {ref}"
    assert "el jefe" not in body_of(to_cora)
    state = alert_service.dispatcher.assignments.get(case_id)
    assert state is not None and state.urgent and state.reasons == ("violence",)
    assert ("urgent", "violence") in alert_service.cases.events(case_id)


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
    assert twilio_api.accepted == [] and mailbox.messages == []
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
            dispatcher._enqueue(row, suffix="-again")  # each delivery job again
            assert dispatcher.deliver(row.id) == "not pending"  # and called directly
        jobs.run()
    assert len(twilio_api.accepted) == sent and len(webhook_sink.posts) == 1
    assert len(jobs.scheduled()) == 1  # one escalation, not three


def test_an_unclaimed_case_escalates_to_everyone_then_to_the_coordinators(
        alert_service: Service, jobs: Jobs, team: dict[str, Organizer],
        twilio_api: TwilioApi, mailbox: Mailbox) -> None:
    case_id, ref = file(alert_service)
    dispatcher = alert_service.dispatcher
    dispatcher.alert(case_id, now=DAY)
    jobs.run()
    assert len(twilio_api.accepted) == 1
    assert jobs.scheduled() == [(ESCALATE_JOB, (case_id, 1))]

    assert dispatcher.escalate(case_id, 1, now=DAY + timedelta(minutes=29)) == "not yet"
    assert dispatcher.escalate(case_id, 1, now=DAY + timedelta(minutes=30)) == "level 1"
    jobs.run()
    escalated = twilio_api.accepted[1:]
    assert {m["To"] for m in escalated} == {"+12135550101", "+12135550102", "+12135550103"}
    assert all(m["Body"].startswith(f"Still open after 30 min: case {ref}") for m in escalated)
    assert dispatcher.assignments.get(case_id).level == 1  # type: ignore[union-attr]
    assert ("escalated", "1") in alert_service.cases.events(case_id)

    assert dispatcher.escalate(case_id, 1, now=DAY + timedelta(minutes=31)) == "nothing to do"
    assert dispatcher.escalate(case_id, 2, now=DAY + timedelta(minutes=61)) == "level 2"
    jobs.run()
    everyone, coordinator = mailbox.to("cora@example.org")  # she is one of everyone too
    assert body_of(everyone).startswith(f"Still open after 30 min: case {ref}")
    assert body_of(coordinator).startswith(f"Nobody took case {ref} after two alerts")
    assert len(twilio_api.accepted) == 4  # the coordinator has e-mail only


def test_an_urgent_case_escalates_after_ten_minutes_and_a_taken_one_never(
        alert_service: Service, jobs: Jobs, team: dict[str, Organizer],
        twilio_api: TwilioApi) -> None:
    dispatcher = alert_service.dispatcher
    urgent, _ = file(alert_service, issues=("safety",))
    dispatcher.alert(urgent, now=DAY)
    assert dispatcher.escalate(urgent, 1, now=DAY + timedelta(minutes=9)) == "not yet"
    assert dispatcher.escalate(urgent, 1, now=DAY + timedelta(minutes=10)) == "level 1"

    taken, ref = file(alert_service)
    dispatcher.alert(taken, now=DAY)
    dispatcher.assignments.claim(ref, team["ana"].id, "Ana Kim", DAY + timedelta(minutes=5))
    assert dispatcher.escalate(taken, 1, now=DAY + timedelta(minutes=30)) == "nothing to do"
    jobs.run()
    assert not any(m["Body"].startswith("Still open") and ref in m["Body"]
                   for m in twilio_api.accepted)


def test_the_scheduled_escalation_job_runs_when_its_time_comes(
        alert_service: Service, jobs: Jobs, team: dict[str, Organizer],
        twilio_api: TwilioApi) -> None:
    case_id, ref = file(alert_service)
    now = datetime.now(UTC)
    alert_service.dispatcher.alert(case_id, now=now - timedelta(minutes=31))
    jobs.run()
    assert jobs.come_due(ESCALATE_JOB) == 1
    jobs.run()
    assert any(m["Body"].startswith(f"Still open after 30 min: case {ref}")
               for m in twilio_api.accepted)


def test_the_daily_digest_lists_open_cases_once_a_day(alert_service: Service, jobs: Jobs,
                                                      team: dict[str, Organizer],
                                                      mailbox: Mailbox) -> None:
    dispatcher = alert_service.dispatcher
    waiting, waiting_ref = file(alert_service, issues=("safety",))
    dispatcher.alert(waiting, now=DAY)
    dispatcher.escalate(waiting, 1, now=DAY + timedelta(minutes=10))
    taken, taken_ref = file(alert_service, locale="es", industry="garment", issues=("tips",))
    dispatcher.alert(taken, now=DAY)
    dispatcher.assignments.claim(taken_ref, team["ben"].id, "Ben Ruiz", DAY)
    closed, closed_ref = file(alert_service)
    dispatcher.assignments.claim(closed_ref, team["ana"].id, "Ana Kim", DAY)
    dispatcher.assignments.close(closed_ref, team["ana"].id, DAY)
    jobs.run()
    before = len(mailbox.messages)

    assert dispatcher.digest(date(2026, 11, 26)) == 1  # the coordinator
    assert dispatcher.digest(date(2026, 11, 26)) == 1  # again: queued once only
    jobs.run()
    (digest,) = mailbox.messages[before:]
    assert digest["To"] == "cora@example.org"
    assert digest["Subject"] == "Hotline digest 2026-11-26 - open cases: 2"
    text = body_of(digest)
    assert f"{waiting_ref}  " in text and "URGENT  escalated  Report  Korean  Restaurant" in text
    assert f"{taken_ref}  " in text and "with Ben Ruiz" in text
    assert closed_ref not in text
    assert text.index("Not taken yet (1):") < text.index("Taken, not closed (1):")


def test_the_digest_is_scheduled_once_for_its_next_time(alert_service: Service, jobs: Jobs,
                                                        alert_overrides: dict[str, Any],
                                                        mailbox: Mailbox) -> None:
    from hotline import config

    settings = config.load(environ={}, **alert_overrides, digest_time="07:30",
                           digest_to="a@example.org, b@example.org")
    with Dispatcher.opened(settings) as dispatcher:
        at = dispatcher.schedule_digest(DAY)
        assert dispatcher.schedule_digest(DAY) == at
        assert at == datetime(2026, 11, 26, 7, 30, tzinfo=dispatcher.zone)
        assert dispatcher.digest_recipients() == ["a@example.org", "b@example.org"]
    assert jobs.scheduled() == [(DIGEST_JOB, ("2026-11-26",))]


def test_deliveries_hold_ids_and_codes_not_words(alert_service: Service, jobs: Jobs,
                                                 team: dict[str, Organizer],
                                                 redis_conn: Any) -> None:
    case_id, _ = file(alert_service, details=("my secret story",))
    alert_service.dispatcher.alert(case_id, now=DAY)
    for key in redis_conn.scan_iter(match="rq:job:*"):
        dump = repr(redis_conn.hgetall(key))
        assert "secret story" not in dump and WORKER[1:] not in dump
    jobs.run()
    rows = alert_service.dispatcher.deliveries.for_case(case_id)
    assert {r.purpose for r in rows} == {Purpose.ALERT}
    assert {r.transport for r in rows} == {Transport.SMS, Transport.WEBHOOK}
    assert all(r.status == Status.SENT and r.recipient is None for r in rows)


def test_the_digest_job_sends_then_schedules_the_next_one(alert_service: Service, jobs: Jobs,
                                                          mailbox: Mailbox,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGEST_TO", "staff@example.org")
    case_id, ref = file(alert_service)
    alert_service.dispatcher.alert(case_id, now=DAY)
    alert_service.dispatcher.schedule_digest(DAY)
    assert jobs.come_due(DIGEST_JOB) == 1
    jobs.run()
    (digest,) = mailbox.to("staff@example.org")
    assert digest["Subject"] == "Hotline digest 2026-11-26 - open cases: 1"
    assert body_of(digest).startswith(f"Not taken yet (1):\n{ref}  ")
    assert [f for f, _ in jobs.scheduled()].count(DIGEST_JOB) == 1  # tomorrow's


def test_jobs_of_one_worker_process_share_one_dispatcher(alert_overrides) -> None:  # type: ignore[no-untyped-def]
    from hotline import config
    from hotline.alerts import dispatch

    settings = config.load(environ={}, **alert_overrides)
    with dispatch.for_job(settings) as first, dispatch.for_job(settings) as second:
        assert first is not second  # outside `hotline worker`: a fresh one per job
    dispatch.keep_open()
    try:
        with dispatch.for_job(settings) as first:
            pass
        with dispatch.for_job(settings) as second:
            assert second is first and second.cases.ping()
    finally:
        dispatch._close_kept()
        dispatch._keep_open = False


def test_the_alert_job_makes_each_first_attempt_itself_and_queues_no_job_for_it(
        alert_service: Service, jobs: Jobs, team: dict[str, Organizer],
        twilio_api: TwilioApi, webhook_sink: WebhookSink) -> None:
    case_id, ref = file(alert_service)
    assert alert_service.dispatcher.alert(case_id, now=DAY) == ref
    (sms,) = twilio_api.accepted  # sent by the alert job itself, no job run yet
    assert sms["To"] == "+12135550101" and sms["Body"].startswith(f"Hotline case {ref}")
    (post,) = webhook_sink.posts
    assert post["case"] == ref
    assert jobs.queue.get_job_ids() == []  # no deliver job for a delivery that was sent
    assert jobs.scheduled() == [(ESCALATE_JOB, (case_id, 1))]
    rows = alert_service.dispatcher.deliveries.for_case(case_id)
    assert [(d.transport, d.status, d.attempts) for d in rows] == [
        ("sms", "sent", 1), ("webhook", "sent", 1)]
    jobs.run()
    assert len(twilio_api.requests) == 1 and len(webhook_sink.posts) == 1


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
        dispatcher.cases.create_tables()
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


def test_the_alert_job_ticks_its_case_off_the_outbox(alert_service: Service, jobs: Jobs,
                                                     team: dict[str, Organizer]) -> None:
    later = datetime.now(UTC) + timedelta(days=1)
    case_id, _ = file(alert_service)
    taken, taken_ref = file(alert_service)
    alert_service.dispatcher.assignments.claim(taken_ref, team["ana"].id, "Ana Kim", DAY)
    assert alert_service.cases.alerts_not_queued(later) == [case_id, taken]
    for each in (case_id, taken):
        jobs.queue.enqueue("workers.alerts.alert_case", each)
    jobs.run()
    assert alert_service.cases.alerts_not_queued(later) == []
    sent = alert_service.dispatcher.deliveries.for_case(case_id)
    assert sent and all(d.status == "sent" for d in sent)
    assert alert_service.dispatcher.deliveries.for_case(taken) == []


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
