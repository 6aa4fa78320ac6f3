"""Alerts through real `hotline worker` processes, real Redis and real SQL, sending to a
local Twilio Messages API, SMTP server and webhook."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from conftest import Phone
from fakes import Mailbox, TwilioApi, WebhookSink
from rq.registry import ScheduledJobRegistry
from sqlalchemy import update

from hotline.alerts.wiring import DIGEST_JOB, ESCALATE_JOB
from hotline.sessions import jobs
from hotline.store.assignments import CaseAlertRow
from hotline.store.organizers import Changes
from hotline.upkeep import TICK_JOB

pytestmark = pytest.mark.slow

ANA, BEN = "+12135550101", "+12135550102"


@pytest.fixture
def app(alert_overrides: dict[str, Any]):  # type: ignore[no-untyped-def]
    from hotline.app import create_app

    app = create_app(alert_overrides)
    app.config["TESTING"] = True
    yield app
    app.extensions["hotline"].close()


def run_worker(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run `hotline worker --burst` as its own process, as the Procfile does."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "DATABASE_"))}
    result = subprocess.run([sys.executable, "-m", "hotline.cli", "worker", "--burst"],
                            env={**clean, **env}, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result


def horses_of(pid: int) -> list[int]:
    """Return the work-horses of an RQ worker: children that lead their own group."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and int(fields[2]) == int(entry):
                found.append(int(entry))
    return found


def file_callback(client: Any, number: str) -> str:
    phone = Phone(client, number)
    phone.send("hello")
    phone.send("PERSON")
    filed = phone.send("1")
    return filed[0].split("number is ")[1].split(".")[0]


def test_a_filed_case_wakes_the_right_organizer_through_a_real_worker(
        app, client, alert_env: dict[str, str], twilio_api: TwilioApi,  # type: ignore[no-untyped-def]
        webhook_sink: WebhookSink, redis_conn, namespace: str) -> None:
    service = app.extensions["hotline"]
    service.dispatcher.organizers.add(Changes(name="Ana", phone=ANA, languages="en"))
    service.dispatcher.organizers.add(Changes(name="Ben", phone=BEN, languages="es"))
    worker_number = "+13235550111"
    ref = file_callback(client, worker_number)

    first = run_worker(alert_env)
    (alert,) = twilio_api.accepted
    assert alert["To"] == ANA and alert["Body"] == (
        f"Hotline case {ref}\nCallback request in English\nReply OK {ref} to take it.")
    (post,) = webhook_sink.posts
    assert post["case"] == ref and post["text"] == alert["Body"]
    logs = first.stderr + first.stdout
    assert worker_number[1:] not in logs and "Callback request" not in logs
    assert worker_number[1:] not in str(twilio_api.requests)

    # the alert job runs again (an operator re-enqueues it): nothing is sent twice
    case = service.cases.by_ref(ref)
    queue = jobs.queue(namespace, redis_conn)
    queue.enqueue("workers.alerts.alert_case", case.id)
    run_worker(alert_env)
    assert len(twilio_api.accepted) == 1 and len(webhook_sink.posts) == 1

    scheduled = ScheduledJobRegistry(queue=queue)
    functions = sorted(queue.fetch_job(i).func_name for i in scheduled.get_job_ids())
    assert functions == [DIGEST_JOB, ESCALATE_JOB, TICK_JOB]


def test_a_failing_delivery_is_retried_by_the_worker_then_sent(
        app, client, alert_env: dict[str, str], twilio_api: TwilioApi) -> None:  # type: ignore[no-untyped-def]
    service = app.extensions["hotline"]
    service.dispatcher.organizers.add(Changes(name="Ana", phone=ANA, languages="en"))
    twilio_api.fail(20500, status=500)
    ref = file_callback(client, "+13235550112")
    run_worker(alert_env)
    assert len(twilio_api.requests) == 2 and len(twilio_api.accepted) == 1
    case = service.cases.by_ref(ref)
    sms = [d for d in service.dispatcher.deliveries.for_case(case.id) if d.transport == "sms"]
    assert [(d.status, d.attempts) for d in sms] == [("sent", 2)]


def test_a_transport_that_keeps_failing_falls_back_to_e_mail_in_the_worker(
        app, client, alert_env: dict[str, str], twilio_api: TwilioApi,  # type: ignore[no-untyped-def]
        mailbox: Mailbox) -> None:
    service = app.extensions["hotline"]
    service.dispatcher.organizers.add(Changes(name="Ana", phone=ANA, email="ana@example.org",
                                              languages="en"))
    twilio_api.fail(20500, status=500, times=10)
    ref = file_callback(client, "+13235550113")
    run_worker(alert_env)
    (mail,) = mailbox.to("ana@example.org")
    assert mail["Subject"] == f"Hotline case {ref}"


def test_nobody_takes_it_so_the_worker_escalates_when_its_time_comes(
        app, client, alert_env: dict[str, str], twilio_api: TwilioApi,  # type: ignore[no-untyped-def]
        redis_conn, namespace: str) -> None:
    service = app.extensions["hotline"]
    service.dispatcher.organizers.add(Changes(name="Ana", phone=ANA, languages="en"))
    service.dispatcher.organizers.add(Changes(name="Ben", phone=BEN, languages="es"))
    ref = file_callback(client, "+13235550114")
    run_worker(alert_env)
    assert [m["To"] for m in twilio_api.accepted] == [ANA]

    # drive time 31 minutes forward: the case's deadline and the scheduled job's time
    case = service.cases.by_ref(ref)
    past = datetime.now(UTC) - timedelta(minutes=1)
    with service.cases.engine.begin() as db:
        db.execute(update(CaseAlertRow).where(CaseAlertRow.case_id == case.id)
                   .values(due_at=past))
    queue = jobs.queue(namespace, redis_conn)
    registry = ScheduledJobRegistry(queue=queue)
    (escalation,) = [i for i in registry.get_job_ids()
                     if queue.fetch_job(i).func_name == ESCALATE_JOB]
    redis_conn.zadd(registry.key, {escalation: past.timestamp()})

    run_worker(alert_env)  # its scheduler moves the due job to the queue, then runs it
    escalated = twilio_api.accepted[1:]
    assert {m["To"] for m in escalated} == {ANA, BEN}
    bodies = {m["To"]: m["Body"] for m in escalated}
    assert bodies[ANA].startswith(f"Still open after 30 min: case {ref}")
    assert bodies[BEN].startswith(f"Sigue abierto tras 30 min: caso {ref}")  # Ben reads Spanish
    state = service.dispatcher.assignments.get(case.id)
    assert state is not None and state.level == 1


@pytest.mark.parametrize("fork", [True, False], ids=["work-horse killed", "worker killed"])
def test_a_worker_killed_mid_send_never_sends_twice_and_falls_back(
        app, client, alert_env: dict[str, str], twilio_api: TwilioApi,  # type: ignore[no-untyped-def]
        mailbox: Mailbox, fork: bool) -> None:
    import signal
    import time

    from hotline.store.deliveries import Status

    service = app.extensions["hotline"]
    service.dispatcher.organizers.add(Changes(name="Ana", phone=ANA, email="ana@example.org",
                                              languages="en"))
    ref = file_callback(client, "+13235550177")
    case = service.cases.by_ref(ref)
    twilio_api.hold()  # the Messages API accepts the connection and hangs
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "DATABASE_"))}
    command = [sys.executable, "-m", "hotline.cli", "worker", "--burst"]
    worker = subprocess.Popen(command + (["--fork"] if fork else []),
                              env={**clean, **alert_env}, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not twilio_api.requests and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(twilio_api.requests) == 1, "the send never started"
    if fork:
        (horse,) = horses_of(worker.pid)  # RQ forks a work-horse (its own process group)
        os.kill(horse, signal.SIGKILL)  # killed mid-send
    else:
        os.kill(worker.pid, signal.SIGKILL)  # the job runs in the worker itself
    twilio_api.release()
    try:
        worker.wait(30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(10)

    (sms,) = [d for d in service.dispatcher.deliveries.for_case(case.id)
              if d.transport == "sms"]
    assert sms.status == Status.SENDING
    # the retry comes after the lease: it must not send the SMS again
    later = datetime.now(UTC) + timedelta(minutes=10)
    assert service.dispatcher.deliver(sms.id, now=later).startswith("fell back to")
    run_worker(alert_env)
    assert len(twilio_api.requests) == 1
    (email,) = mailbox.to("ana@example.org")
    assert ref in email["Subject"]
    (sms,) = [d for d in service.dispatcher.deliveries.for_case(case.id)
              if d.transport == "sms"]
    assert sms.status == Status.FAILED and sms.error == "interrupted"
