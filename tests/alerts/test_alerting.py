"""Who hears about a case: routing, urgency, escalation and the alert job's own
first attempts, end to end against real SQL, real Redis and RQ jobs run in-process,
with a local Twilio Messages API, SMTP server and webhook receiving them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from casework import DAY, NIGHT, WORKER, file
from fakes import Jobs, Mailbox, TwilioApi, WebhookSink, body_of

from hotline.alerts.wiring import ESCALATE_JOB
from hotline.service import Service
from hotline.store.organizers import Organizer


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
