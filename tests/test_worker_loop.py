"""`hotline worker` under real faults: Redis emptied under it, killed mid-send and
started again, a database dropped at a delivery's last retry. Real worker processes,
real Redis and SQL, the local Twilio Messages API, SMTP server and webhook."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fakes import Mailbox, TwilioApi
from procs import Worker, environment, wait_for

from hotline import config
from hotline.cli import main
from hotline.dialogue.inbound import Channel, Inbound
from hotline.service import Service
from hotline.sessions import connection as redis_factory
from hotline.store.deliveries import Purpose, Status
from hotline.store.organizers import Changes

pytestmark = pytest.mark.slow

ANA = "+12135550101"


@pytest.fixture
def own_redis() -> Iterator[Path]:
    """An embedded Redis of this test's own: it may be emptied."""
    var = Path(tempfile.mkdtemp(prefix="hlw"))
    redis_factory.connect(None, var).close()
    yield var
    redis_factory.stop_embedded(var)
    shutil.rmtree(var, ignore_errors=True)


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[list[Worker]]:
    started: list[Worker] = []
    yield started
    for worker in started:
        worker.stop()


def service_for(settings: dict[str, Any]) -> Service:
    return Service.from_settings(config.load(environ={}, **settings), request_path=True)


def say(service: Service, number: str, *texts: str) -> tuple[str, ...]:
    bodies: tuple[str, ...] = ()
    for text in texts:
        bodies = service.handle(Inbound(f"SM{uuid.uuid4().hex}", Channel.SMS, number,
                                        text)).bodies
    return bodies


def ref_in(bodies: tuple[str, ...]) -> str:
    return bodies[0].split("number is ")[1].split(".")[0]


def test_emptying_redis_under_a_running_worker_brings_the_upkeep_back_within_a_minute(
        alert_overrides: dict[str, Any], own_redis: Path, twilio_api: TwilioApi,
        workers: list[Worker], tmp_path: Path) -> None:
    settings = {**alert_overrides, "redis_url": redis_factory.embedded_url(own_redis),
                "redis_timeout": 0.3}
    web = service_for(settings)
    cut_off = service_for({**settings, "redis_url": "redis://127.0.0.1:1/0"})
    try:
        web.dispatcher.organizers.add(Changes(name="Ana", phone=ANA, languages="en"))
        worker = Worker(settings, log=tmp_path / "worker.log")
        workers.append(worker)
        # the upkeep's reconciliation asks Twilio for inbound messages: it is running
        assert wait_for(lambda: twilio_api.listed, timeout=90), worker.output()[-3000:]

        os.kill(worker.process.pid, signal.SIGSTOP)  # it may not take the jobs below
        refs = [ref_in(say(web, f"+1323555017{i}", "hello", "PERSON", "1")) for i in range(3)]
        senders = [f"+1323555018{i}" for i in range(5)]
        for sender in senders:  # their web process could not reach Redis: spooled
            assert cut_off.handle(Inbound(f"SM{uuid.uuid4().hex}", Channel.SMS, sender,
                                          "hello")).spooled
        web.conn.flushall()  # Redis lost every job, lock, schedule and mark
        os.kill(worker.process.pid, signal.SIGCONT)

        def alerted() -> set[str]:
            return {m["Body"].split("\n")[0].removeprefix("Hotline case ")
                    for m in twilio_api.to(ANA)}

        assert wait_for(lambda: alerted() >= set(refs) and all(
            twilio_api.to(s) for s in senders), timeout=75), (
            alerted(), [len(twilio_api.to(s)) for s in senders], worker.output()[-3000:])
        assert web.spool.count("waiting") == 0
        assert len(twilio_api.to(ANA)) == 3  # each case alerted once
        assert web.conn.get(f"{settings['redis_prefix']}health:upkeep") is not None
    finally:
        cut_off.close()
        web.close()


@pytest.mark.parametrize("lost", [False, True], ids=["twilio had it", "twilio never got it"])
def test_a_worker_killed_mid_send_and_restarted_alerts_within_a_minute_never_escalating_first(
        alert_overrides: dict[str, Any], twilio_api: TwilioApi, mailbox: Mailbox,
        workers: list[Worker], tmp_path: Path, lost: bool) -> None:
    settings = {**alert_overrides, "urgent_escalate_after_minutes": 1}
    web = service_for(settings)
    try:
        ana = web.dispatcher.organizers.add(Changes(name="Ana", phone=ANA,
                                                    email="ana@example.org", languages="en"))
        twilio_api.hold()  # the Messages API takes the alert and does not answer yet
        ref = ref_in(say(web, "+13235550191", "hello", "2", "1", "Sunny Market", "0", "8",
                         "I got hurt at work", "1", "1", "1", "1", "0", "1", "1"))
        case = web.cases.by_ref(ref)
        first = Worker(settings, log=tmp_path / "first.log")
        workers.append(first)
        assert wait_for(lambda: twilio_api.requests, timeout=60), first.output()[-3000:]
        first.kill()  # mid-send
        twilio_api.release(lost=lost)  # Twilio had the text, or it never got there
        second = Worker(settings, log=tmp_path / "second.log")
        workers.append(second)

        def alert_sms() -> Any:
            rows = [d for d in web.dispatcher.deliveries.for_case(case.id)
                    if d.purpose == Purpose.ALERT and d.organizer_id == ana.id]
            return rows[0] if rows and rows[0].status == Status.SENT else None

        assert wait_for(alert_sms, timeout=90), second.output()[-3000:]  # about a minute

        def escalations() -> list[dict[str, str]]:
            return [m for m in twilio_api.to(ANA) if m["Body"].startswith("Still open")]

        assert wait_for(escalations, timeout=120), second.output()[-3000:]

        def escalated() -> list[datetime]:
            # Twilio has the text before the worker records it as sent: wait for the record
            rows = web.dispatcher.deliveries.for_case(case.id)
            return [d.sent_at for d in rows if d.purpose == Purpose.ESCALATION and d.sent_at]

        assert wait_for(escalated, timeout=60), second.output()[-3000:]
        assert alert_sms().sent_at < min(escalated())  # never an escalation first
        # once per transport: one alert SMS reached Twilio; no e-mail was needed
        alerts = [m for m in twilio_api.to(ANA) if m["Body"].startswith("URGENT")
                  or m["Body"].startswith("Hotline case")]
        assert len(alerts) == 1 and alerts[0]["Body"].startswith("Hotline case")
        assert [m for m in mailbox.to("ana@example.org") if ref in m["Subject"]] == []
    finally:
        web.close()


@pytest.mark.filterwarnings("ignore::ResourceWarning")  # connections cut mid-setup (faults.py)
def test_a_database_dropped_at_a_deliverys_last_retry_is_swept_into_alerts_failed(
        alert_overrides: dict[str, Any], twilio_api: TwilioApi, workers: list[Worker],
        tmp_path: Path, database_fault: Any) -> None:
    url, drop, restore = database_fault
    settings = {**alert_overrides, "database_url": url, "alert_retry_seconds": "0,3"}
    web = service_for(settings)
    try:
        ana = web.dispatcher.organizers.add(Changes(name="Ana", phone=ANA, languages="en"))
        twilio_api.fail(20500, status=500, times=100)  # Twilio keeps failing
        ref = ref_in(say(web, "+13235550192", "hello", "PERSON", "1"))
        case = web.cases.by_ref(ref)
        worker = Worker(settings, log=tmp_path / "worker.log")
        workers.append(worker)

        def sms() -> Any:
            found = [d for d in web.dispatcher.deliveries.for_case(case.id)
                     if d.organizer_id == ana.id]
            return found[0] if found else None

        # two tries failed; the last comes in 3 s: the database goes away before it
        assert wait_for(lambda: sms() is not None and sms().attempts == 2
                        and sms().status == Status.PENDING, timeout=60, step=0.05), (
            sms(), worker.output()[-3000:])
        drop()
        # its job fails on the database and ends in RQ's failed list; the row stays pending
        assert wait_for(lambda: _failed_job(web), timeout=30), worker.output()[-3000:]
        assert len(twilio_api.requests) == 2
        restore()
        assert wait_for(lambda: sms().status == Status.FAILED, timeout=75), (
            sms(), worker.output()[-3000:])
        assert len(twilio_api.requests) == 3  # the last try was made, once
        result = CliRunner().invoke(main, ["alerts", "failed"],
                                    env=environment(settings))
        assert result.exit_code == 0, result.output
        assert f"case {ref}" in result.output and "sms failed" in result.output
    finally:
        web.close()


def _failed_job(service: Service) -> bool:
    from rq.registry import FailedJobRegistry

    return bool(FailedJobRegistry(queue=service.dispatcher.queue).get_job_ids())


@pytest.fixture
def database_fault(database_url: str, tmp_path: Path) -> Iterator[tuple[str, Any, Any]]:
    """The test's database, and how to drop it and bring it back: PostgreSQL behind a
    proxy that cuts every connection; SQLite locked by a writer that never finishes."""
    if database_url.startswith("sqlite"):
        import sqlite3

        path = database_url.removeprefix("sqlite:///")
        held: list[sqlite3.Connection] = []

        def drop() -> None:
            holder = sqlite3.connect(path, timeout=5, isolation_level=None)
            holder.execute("BEGIN EXCLUSIVE")
            held.append(holder)

        def restore() -> None:
            for holder in held:
                holder.execute("ROLLBACK")
                holder.close()
            held.clear()

        yield database_url, drop, restore
        restore()
        return
    from faults import Proxy, forget_cut_connections
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    proxy = Proxy((url.host or "127.0.0.1", url.port or 5432))
    through = url.set(host="127.0.0.1", port=proxy.port)
    yield through.render_as_string(hide_password=False), proxy.cut, proxy.restore
    proxy.close()
    forget_cut_connections()

