"""The sweeper moves on what a crash, a lost job or a database blip left half-done:
deliveries left mid-send or with no job, and escalations with no job; and an escalation
never goes out before the case's first alert."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from casework import WORKER, add, delivered, file
from fakes import Jobs, Mailbox, TwilioApi, WebhookSink
from sqlalchemy import update

from hotline.alerts.wiring import DELIVER_JOB, ESCALATE_JOB
from hotline.service import Service
from hotline.store.assignments import CaseAlertRow
from hotline.store.deliveries import DeliveryRow, Status


def age(service: Service, delivery_id: int, seconds: float) -> None:
    """Make a delivery look untouched for ``seconds``."""
    with service.cases.engine.begin() as db:
        db.execute(update(DeliveryRow).where(DeliveryRow.id == delivery_id).values(
            updated_at=datetime.now(UTC) - timedelta(seconds=seconds)))


def left_mid_send(service: Service, transport: str, organizer_id: int | None) -> tuple[int, int]:
    """A case being alerted whose delivery's sender died while sending it."""
    dispatcher = service.dispatcher
    case_id, _ = file(service)
    who = f"o{organizer_id}" if organizer_id else "hook"
    row = dispatcher.deliveries.ensure(chain=f"c{case_id}:alert:{who}", transport=transport,
                                       purpose="alert", case_id=case_id,
                                       organizer_id=organizer_id, now=datetime.now(UTC))
    dispatcher.wiring.assignments.start(case_id, urgent=False, reasons=(),
                                        now=datetime.now(UTC),
                                        due_at=datetime.now(UTC) + timedelta(hours=1))
    assert dispatcher.deliveries.take(row.id, datetime.now(UTC)) is not None  # then it died
    return case_id, row.id


def test_a_text_left_mid_send_that_twilio_never_got_is_sent_once_its_lease_lapses(
        alert_service: Service, jobs: Jobs, twilio_api: TwilioApi, mailbox: Mailbox) -> None:
    dispatcher = alert_service.dispatcher
    ana = add(alert_service, "Ana", "+12135550101", email="ana@example.org")
    case_id, sms = left_mid_send(alert_service, "sms", ana.id)

    assert dispatcher.sweep() == 0  # within its lease: maybe still sending
    age(alert_service, sms, 31)
    assert dispatcher.sweep() == 1
    jobs.run()
    (sent,) = twilio_api.to("+12135550101")  # looked up first: not there, so sent, once
    assert sent["Body"].startswith("Hotline case")
    assert dispatcher.deliveries.get(sms).status == Status.SENT
    assert mailbox.messages == []


def test_a_text_left_mid_send_that_twilio_had_is_recorded_sent_not_sent_again(
        alert_service: Service, jobs: Jobs, twilio_api: TwilioApi, mailbox: Mailbox) -> None:
    dispatcher = alert_service.dispatcher
    ana = add(alert_service, "Ana", "+12135550101", email="ana@example.org")
    case_id, sms = left_mid_send(alert_service, "sms", ana.id)
    twilio_api.hold()  # the dead sender's request: Twilio took it, the answer never came
    sender = threading.Thread(target=lambda: dispatcher.senders.twilio.send(
        "+12135550101", alert_text(alert_service, case_id)))
    sender.start()
    assert wait(lambda: twilio_api.requests)
    twilio_api.release()
    sender.join(10)
    age(alert_service, sms, 31)
    assert dispatcher.sweep() == 1
    jobs.run()
    assert len(twilio_api.requests) == 1  # found in Twilio's list: nothing sent again
    assert dispatcher.deliveries.get(sms).status == Status.SENT
    assert mailbox.messages == []


def test_an_e_mail_or_post_left_mid_send_falls_back_or_fails_visibly(
        alert_service: Service, jobs: Jobs, mailbox: Mailbox, webhook_sink: WebhookSink) -> None:
    dispatcher = alert_service.dispatcher
    case_id, hook = left_mid_send(alert_service, "webhook", None)
    age(alert_service, hook, 31)
    assert dispatcher.sweep() == 1
    jobs.run()
    assert webhook_sink.posts == []  # it may have arrived: never posted twice
    row = dispatcher.deliveries.get(hook)
    assert (row.status, row.error) == (Status.FAILED, "interrupted")
    (failed,) = dispatcher.deliveries.failed(datetime.now(UTC))
    assert failed[0].id == hook


def alert_text(service: Service, case_id: int) -> str:
    from hotline.alerts import texts

    case = service.cases.get(case_id)
    return texts.alert(service.catalogs, texts.Facts.of(case), "en")


def wait(condition: object, timeout: float = 10) -> bool:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def test_a_send_that_lasts_keeps_its_lease(alert_service: Service) -> None:
    dispatcher = alert_service.dispatcher
    case_id, _ = file(alert_service)
    row = dispatcher.deliveries.ensure(chain=f"c{case_id}:alert:hook", transport="webhook",
                                       purpose="alert", case_id=case_id,
                                       now=datetime.now(UTC))
    dispatcher.deliveries.take(row.id, datetime.now(UTC))
    age(alert_service, row.id, 29)
    from hotline.store import deliveries

    old = deliveries.LEASE_RENEWAL
    deliveries.LEASE_RENEWAL = timedelta(seconds=0.2)
    try:
        with dispatcher.deliveries.leased(row.id):
            import time

            time.sleep(0.6)  # the renewer has renewed it meanwhile
            assert dispatcher.sweep() == 0
    finally:
        deliveries.LEASE_RENEWAL = old
    assert dispatcher.deliveries.get(row.id).status == Status.SENDING


def test_a_pending_delivery_whose_job_was_lost_is_queued_with_the_tries_it_has_left(
        alert_service: Service, jobs: Jobs, twilio_api: TwilioApi) -> None:
    dispatcher = alert_service.dispatcher
    ana = add(alert_service, "Ana", "+12135550101")
    case_id, _ = file(alert_service)
    dispatcher.wiring.assignments.start(case_id, urgent=False, reasons=(),
                                        now=datetime.now(UTC),
                                        due_at=datetime.now(UTC) + timedelta(hours=1))
    row = dispatcher.deliveries.ensure(chain=f"c{case_id}:alert:o{ana.id}", transport="sms",
                                       purpose="alert", case_id=case_id, organizer_id=ana.id,
                                       now=datetime.now(UTC))
    # two tries were made; the last job died on a database error before taking it
    with alert_service.cases.engine.begin() as db:
        db.execute(update(DeliveryRow).where(DeliveryRow.id == row.id).values(attempts=2))
    age(alert_service, row.id, 5)
    assert dispatcher.sweep() == 0  # its retry is not overdue yet
    age(alert_service, row.id, 120)
    assert dispatcher.sweep() == 1
    assert dispatcher.sweep() == 0  # its job is waiting now: not queued twice
    (job,) = dispatcher.queue.get_jobs()
    assert job.func_name == DELIVER_JOB and job.retries_left in (None, 0)  # the last try
    twilio_api.fail(20500, status=500)
    jobs.run()
    assert delivered(alert_service, case_id) == [("alert", "sms", ana.id, "failed")]
    (failed,) = dispatcher.deliveries.failed(datetime.now(UTC))
    assert failed[0].id == row.id


def test_an_overdue_escalation_with_no_job_is_queued(alert_service: Service) -> None:
    dispatcher = alert_service.dispatcher
    add(alert_service, "Ana", "+12135550101")
    case_id, _ = file(alert_service)
    past = datetime.now(UTC) - timedelta(minutes=5)
    dispatcher.wiring.assignments.start(case_id, urgent=False, reasons=(), now=past,
                                        due_at=past)
    assert dispatcher.sweep() == 1
    assert dispatcher.sweep() == 0
    (job,) = dispatcher.queue.get_jobs()
    assert (job.func_name, list(job.args)) == (ESCALATE_JOB, [case_id, 1])


def test_no_escalation_while_the_first_alert_is_still_on_its_way(
        alert_service: Service, jobs: Jobs, twilio_api: TwilioApi) -> None:
    dispatcher = alert_service.dispatcher
    add(alert_service, "Ana", "+12135550101")
    case_id, _ = file(alert_service, details=("I got hurt",))
    twilio_api.fail(20500, status=500, times=10)
    now = datetime.now(UTC)
    dispatcher.alert(case_id, now=now)  # its SMS failed once; a retry is on its way
    due = dispatcher.assignments.get(case_id).due_at
    assert dispatcher.escalate(case_id, 1, now=due) == "waiting for the first alert"
    assert dispatcher.assignments.get(case_id).level == 0
    assert dispatcher.assignments.get(case_id).due_at > due
    # after a whole period more, the safety net wins: escalate even so
    later = now + 2 * dispatcher.escalate_after(True) + timedelta(seconds=1)
    with alert_service.cases.engine.begin() as db:
        db.execute(update(CaseAlertRow).where(CaseAlertRow.case_id == case_id)
                   .values(due_at=later))
    assert dispatcher.escalate(case_id, 1, now=later) == "level 1"
    assert all(WORKER not in str(r) for r in twilio_api.requests)
