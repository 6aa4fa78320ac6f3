"""The worker's minute-by-minute upkeep: outbox, spool replies, reconciliation, retention."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import redis as redis_py
from fakes import TwilioApi
from rq import Queue

from hotline.dialogue.inbound import Channel, Inbound
from hotline.outbound.twilio_sms import TwilioSender
from hotline.service import Service
from hotline.sessions import connection as redis_factory
from hotline.upkeep import Upkeep

WORKER = "+12135550188"


@pytest.fixture
def own_redis():  # type: ignore[no-untyped-def]
    var = Path(tempfile.mkdtemp(prefix="hlu"))
    redis_factory.connect(None, var).close()
    yield var
    redis_factory.stop_embedded(var)
    shutil.rmtree(var, ignore_errors=True)


@pytest.fixture
def parts(alert_overrides: dict[str, Any], own_redis: Path):  # type: ignore[no-untyped-def]
    from hotline import config

    settings = config.load(environ={}, **{**alert_overrides,
                                         "redis_url": redis_factory.embedded_url(own_redis),
                                         "redis_timeout": 0.3})
    service = Service.from_settings(settings)
    twilio = TwilioSender(settings)
    yield service, Upkeep(service, twilio)
    twilio.close()
    service.close()


def say(service: Service, text: str, number: str = WORKER,
        now: datetime | None = None) -> tuple[str, ...]:
    inbound = Inbound(f"SM{uuid.uuid4().hex}", Channel.SMS, number, text)
    return service.handle(inbound, now=now).bodies


def test_a_case_filed_while_the_queue_was_down_is_alerted_by_the_next_tick(parts) -> None:  # type: ignore[no-untyped-def]
    service, upkeep = parts
    working = service.alerts
    service.alerts = Queue(working.name, connection=redis_py.Redis(
        host="127.0.0.1", port=1, socket_connect_timeout=0.2))  # the queue is unreachable
    for text in ("hello", "PERSON"):
        say(service, text)
    assert "your number is" in say(service, "1")[0]
    (case,) = service.cases.newest()
    assert ("alert_enqueue_failed", "ConnectionError") in service.cases.events(case.id)
    service.alerts.connection.close()
    service.alerts = working

    assert upkeep.tick(datetime.now(UTC) + timedelta(minutes=1)).requeued == 1
    assert [tuple(job.args) for job in working.get_jobs()] == [(case.id,)]
    assert upkeep.tick(datetime.now(UTC) + timedelta(minutes=2)).requeued == 0


def test_an_alert_waiting_behind_a_surge_is_left_alone_but_a_lost_one_is_queued_again(  # type: ignore[no-untyped-def]
        parts) -> None:
    service, upkeep = parts
    for text in ("hello", "PERSON"):
        say(service, text)
    assert "your number is" in say(service, "1")[0]
    (case,) = service.cases.newest()
    later = datetime.now(UTC) + timedelta(minutes=5)
    assert upkeep.tick(later).requeued == 0  # its job is still in the queue: nobody ran it
    assert len(service.alerts.get_jobs()) == 1

    service.alerts.empty()  # Redis lost the job (restarted without its data)
    assert upkeep.tick(later).requeued == 1
    assert [tuple(job.args) for job in service.alerts.get_jobs()] == [(case.id,)]


def test_replies_to_spooled_messages_are_texted_when_redis_returns(  # type: ignore[no-untyped-def]
        parts, own_redis: Path, twilio_api: TwilioApi) -> None:
    service, upkeep = parts
    say(service, "hola")
    redis_factory.stop_embedded(own_redis)
    assert "pronto" in say(service, "1")[0]
    redis_factory.connect(None, own_redis).close()
    assert upkeep.tick().replayed == 1
    (late,) = twilio_api.to(WORKER)
    assert "Salario" in late["Body"] or "salario" in late["Body"]
    assert upkeep.tick().replayed == 0 and len(twilio_api.to(WORKER)) == 1


def test_reconciliation_answers_what_we_never_saw_and_only_that(  # type: ignore[no-untyped-def]
        parts, twilio_api: TwilioApi) -> None:
    service, upkeep = parts
    now = datetime.now(UTC)
    seen = Inbound("SMseen0001", Channel.SMS, WORKER, "hello")
    service.handle(seen, now=now - timedelta(minutes=5))
    twilio_api.receive("SMseen0001", WORKER, "hello", now - timedelta(minutes=5))
    twilio_api.receive("SMlost0001", "+13235550199", "no me pagaron", now - timedelta(minutes=3))
    twilio_api.receive("SMlost0002", "whatsapp:+13235550177", "안녕하세요",
                       now - timedelta(minutes=2))
    assert upkeep.tick(now).reconciled == 2
    assert twilio_api.to(WORKER) == []
    assert len(twilio_api.to("+13235550199")) == 2  # the greeting and the menu, in Spanish
    assert "asesoria legal" in twilio_api.to("+13235550199")[0]["Body"]
    assert len(twilio_api.to("whatsapp:+13235550177")) == 2
    assert upkeep.tick(now + timedelta(minutes=1)).reconciled == 0
    reconciling = [q for q in twilio_api.listed if "DateSent>" in q]  # not retention's
    assert {q["To"] for q in reconciling} == {"+12135550000", "whatsapp:+12135550000"}


def test_retention_runs_once_a_day(parts) -> None:  # type: ignore[no-untyped-def]
    service, upkeep = parts
    for text in ("hello", "PERSON", "1"):
        say(service, text, now=datetime.now(UTC) - timedelta(days=400))
    now = datetime.now(UTC)
    assert upkeep.tick(now).expired == 1
    assert upkeep.tick(now + timedelta(minutes=1)).expired == 0
    (case,) = service.cases.newest()
    assert case.contact is None


def test_the_due_chores_run_once_per_interval_whoever_asks_and_at_once_after_redis_emptied(  # type: ignore[no-untyped-def]
        parts, own_redis: Path) -> None:
    service, upkeep = parts
    first = upkeep.run_due()
    assert first is not None
    assert upkeep.run_due() is None  # another worker's pass a moment later: nothing due
    assert service.conn.get(f"{service.settings.redis_prefix}health:upkeep") is not None

    say(service, "hola")
    redis_factory.stop_embedded(own_redis)
    assert "pronto" in say(service, "1")[0]  # spooled
    redis_factory.connect(None, own_redis).close()
    service.conn.flushall()  # Redis came back without its data
    again = upkeep.run_due()
    assert again is not None and again.replayed == 1


def test_hotline_reconcile_handles_a_missed_message(  # type: ignore[no-untyped-def]
        alert_env: dict[str, str], twilio_api: TwilioApi) -> None:
    from click.testing import CliRunner

    from hotline.cli import main

    twilio_api.receive("SMmissed01", "+13235550111", "hello")
    result = CliRunner().invoke(main, ["reconcile"], env=alert_env)
    assert result.exit_code == 0, result.output
    assert "1 missed message(s) handled" in result.output
    assert len(twilio_api.to("+13235550111")) == 2
    again = CliRunner().invoke(main, ["reconcile"], env=alert_env)
    assert "0 missed" in again.output


def test_one_spooled_message_whose_key_is_gone_never_stops_the_tick(  # type: ignore[no-untyped-def]
        parts, twilio_api: TwilioApi) -> None:
    from hotline.crypto import Crypto, new_key
    from hotline.store.cases import CaseStore
    from hotline.store.spool import Spool

    service, upkeep = parts
    lost = Spool(CaseStore(service.cases.engine, Crypto("secret", new_key())))
    lost.put(Inbound("SMlost", Channel.SMS, "+13235550111", "hola"))
    service.spool.put(Inbound("SMkept", Channel.SMS, WORKER, "hola"))
    for text in ("hello", "PERSON", "1"):
        say(service, text, number="+13235550122", now=datetime.now(UTC) - timedelta(days=400))
    report = upkeep.tick()
    assert report.replayed == 1 and report.expired == 1  # retention ran after the spool
    assert twilio_api.to(WORKER) and twilio_api.to("+13235550111") == []
    assert service.spool.count("unreadable") == 1


def test_after_erasure_reconciliation_replays_nothing_texts_nothing_and_restores_nothing(  # type: ignore[no-untyped-def]
        parts, twilio_api: TwilioApi, alert_overrides: dict[str, Any]) -> None:
    """Issue 12 §5: the handled-MessageSid record names no sender and outlives erasure."""
    from hotline.dialogue.effects import CaseKind, FileCase
    from hotline.store.organizers import Changes

    service, upkeep = parts
    organizer = "+12135550101"
    service.dispatcher.organizers.add(Changes(name="Ana Kim", phone=organizer, languages="en",
                                              role="coordinator"))
    _, other_ref = service.cases.file(FileCase(
        kind=CaseKind.CALLBACK, locale="en", channel="sms", sender="+13235550100",
        contact_method="text", contact_number="+13235550100"))
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10)
    # a report half told, then erasure; several messages share a second (Twilio's grain)
    said = [("hola", 0), ("2", 30), ("1", 30), ("Mi jefe no me paga", 30), ("BORRAR", 60),
            ("1", 60)]
    for i, (text, second) in enumerate(said):
        sid = f"SMworker{i:04d}"
        at = start + timedelta(seconds=second)
        service.handle(Inbound(sid, Channel.SMS, WORKER, text), now=at)
        twilio_api.receive(sid, WORKER, text, at)
    # an organizer's command: its answer carries a worker's number and story
    at = start + timedelta(seconds=90)
    claim = service.handle(Inbound("SMorganizer1", Channel.SMS, organizer, f"OK {other_ref}"),
                           now=at)
    assert claim.bodies[0].startswith(f"Case {other_ref} is yours.")
    twilio_api.receive("SMorganizer1", organizer, f"OK {other_ref}", at)
    prefix = alert_overrides["redis_prefix"]
    redis_conn = service.conn  # the upkeep's own embedded Redis
    who = service.crypto.sender_id(WORKER)
    assert list(redis_conn.scan_iter(match=f"{prefix}*{who}*")) == []  # erased

    report = upkeep.tick(start + timedelta(minutes=11))

    assert report.reconciled == 0
    assert twilio_api.accepted == []  # nothing texted to the worker, nor to the organizer
    assert list(redis_conn.scan_iter(match=f"{prefix}*{who}*")) == []  # nothing restored
    assert service.cases.count() == 1  # no case filed from a replayed report
    # the record of handled messages carries MessageSids only, no sender
    marks = list(redis_conn.scan_iter(match=f"{prefix}h:*"))
    assert len(marks) == len(said) + 1
    assert all(WORKER not in m.decode() and who not in m.decode() for m in marks)


def test_reconciliation_replays_messages_of_one_second_in_twilios_order(  # type: ignore[no-untyped-def]
        parts, twilio_api: TwilioApi) -> None:
    service, upkeep = parts
    at = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    # SIDs are random: these sort the wrong way round, Twilio's order is the true one
    twilio_api.receive("SMzz0001", WORKER, "hello", at)
    twilio_api.receive("SMaa0002", WORKER, "PERSON", at)
    assert upkeep.tick(at + timedelta(minutes=5)).reconciled == 2
    bodies = [m["Body"] for m in twilio_api.to(WORKER)]
    assert "not legal advice" in bodies[0]  # "hello" first: the greeting
    assert any("contact" in b for b in bodies[2:])  # then PERSON was answered


def test_after_redis_loses_its_data_reconciliation_answers_nothing_a_second_time(  # type: ignore[no-untyped-def]
        parts, twilio_api: TwilioApi) -> None:
    """The marks of handled MessageSids went with Redis's data; the watermark kept in SQL
    says reconciliation had run, so nothing from before the loss is replayed, and what is
    missed afterwards is reconciled as usual."""
    service, upkeep = parts
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=20)
    assert upkeep.tick(start).reconciled == 0  # the worker was running: a watermark
    for i, (text, second) in enumerate([("hola", 60), ("1", 90), ("BORRAR", 120), ("1", 150)]):
        at = start + timedelta(seconds=second)
        service.handle(Inbound(f"SMkept{i:04d}", Channel.SMS, WORKER, text), now=at)
        twilio_api.receive(f"SMkept{i:04d}", WORKER, text, at)
    service.conn.flushall()  # Redis came back without its data

    assert upkeep.tick(start + timedelta(minutes=5)).reconciled == 0
    assert twilio_api.accepted == [] and service.cases.count() == 0

    later = start + timedelta(minutes=6)
    twilio_api.receive("SMmissed01", "+13235550199", "hola", later)  # the webhook missed it
    assert upkeep.tick(start + timedelta(minutes=7)).reconciled == 1
    assert len(twilio_api.to("+13235550199")) == 2 and twilio_api.to(WORKER) == []


def test_the_durable_watermark_never_moves_back(parts) -> None:  # type: ignore[no-untyped-def]
    service, _ = parts
    marks, now = service.watermarks, datetime.now(UTC).replace(microsecond=0)
    assert marks.get("reconciled") is None
    marks.set("reconciled", now)
    marks.set("reconciled", now - timedelta(minutes=1))  # a slower worker's pass
    assert marks.get("reconciled") == now
    marks.set("reconciled", now + timedelta(minutes=1))
    assert marks.get("reconciled") == now + timedelta(minutes=1)


def test_the_daily_retention_forgets_old_console_sign_ins_and_used_recovery_codes(  # type: ignore[no-untyped-def]
        parts) -> None:
    from sqlalchemy import text

    from hotline.store.factors import FactorStore
    from hotline.store.logins import LoginStore
    from hotline.store.organizers import Changes

    service, upkeep = parts
    engine = service.cases.engine
    ana = service.dispatcher.organizers.add(Changes(name="Ana Kim", phone="+12135550101"))
    logins, factors = LoginStore(engine), FactorStore(engine, service.crypto)
    now = datetime.now(UTC)
    long_ago = now - timedelta(days=40)
    ended = logins.start(ana.id, long_ago)
    logins.end(ended, long_ago)
    logins.start(ana.id, long_ago)  # never signed out: idled out long ago
    recent = logins.start(ana.id, now - timedelta(days=3))
    logins.end(recent, now - timedelta(days=3))
    live = logins.start(ana.id, now)
    factors.begin(ana.id, "JBSWY3DPEHPK3PXP")
    first, *_ = factors.confirm(ana.id, 1)
    assert factors.use_recovery(ana.id, first)
    with engine.begin() as conn:  # the code was used 40 days ago
        conn.execute(text("UPDATE recovery_codes SET used_at = :at WHERE used_at IS NOT NULL"),
                     {"at": long_ago})
    left = factors.recovery_left(ana.id)

    upkeep.tick(now)

    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM console_logins").scalar() == 2
        assert conn.exec_driver_sql(
            "SELECT count(*) FROM recovery_codes").scalar() == left
    assert logins.live(live, now) is not None
