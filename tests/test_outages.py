"""Faults made for real: Redis stopped or hanging in the middle of a conversation."""

from __future__ import annotations

import shutil
import socket
import tempfile
from pathlib import Path

import pytest
from conftest import Phone, replies_of

from hotline.app import create_app
from hotline.dialogue.inbound import Inbound
from hotline.sessions import connection as redis_factory


@pytest.fixture
def own_redis():  # type: ignore[no-untyped-def]
    """An embedded Redis this test may stop and start."""
    var = Path(tempfile.mkdtemp(prefix="hlo"))
    redis_factory.connect(None, var).close()
    yield var
    redis_factory.stop_embedded(var)
    shutil.rmtree(var, ignore_errors=True)


@pytest.fixture
def outage_app(overrides, own_redis):  # type: ignore[no-untyped-def]
    app = create_app({**overrides, "redis_url": redis_factory.embedded_url(own_redis),
                      "redis_timeout": 0.3})
    yield app
    app.extensions["hotline"].close()


def test_redis_stopped_mid_conversation_keeps_the_message_and_replays_it_once(
        outage_app, own_redis) -> None:  # type: ignore[no-untyped-def]
    service = outage_app.extensions["hotline"]
    phone = Phone(outage_app.test_client(), "+12135550333")
    phone.send("hello")
    phone.send("2")

    redis_factory.stop_embedded(own_redis)
    form = phone.form("1")
    first = phone.post(form)
    assert first.status_code == 200
    (reply,) = replies_of(first.data)
    assert "we will answer soon" in reply
    assert phone.post(form).status_code == 200  # Twilio's retry of the same message
    assert service.spool.count("waiting") == 1

    redis_factory.connect(None, own_redis).close()
    delivered: list[tuple[Inbound, tuple[str, ...]]] = []

    def deliver(key: str, inbound: Inbound, bodies: tuple[str, ...], forget: bool) -> bool:
        delivered.append((inbound, bodies))
        return True

    assert service.drain_spool(deliver) == 1
    assert service.drain_spool(deliver) == 0
    ((inbound, bodies),) = delivered
    assert inbound.sender == phone.number and "name of the business" in bodies[0]
    assert "Where is the job" in phone.send("Sunny Market")[0]
    assert service.spool.count("sent") == 1


def test_a_spooled_worker_who_opted_out_gets_no_late_reply_and_the_refusal_is_kept(
        alert_overrides, own_redis, twilio_api) -> None:  # type: ignore[no-untyped-def]
    from hotline.outbound.twilio_sms import TwilioSender
    from hotline.upkeep import Upkeep

    app = create_app({**alert_overrides, "redis_url": redis_factory.embedded_url(own_redis),
                      "redis_timeout": 0.3})
    service = app.extensions["hotline"]
    twilio = TwilioSender(service.settings)
    try:
        phone = Phone(app.test_client(), "+12135550334")
        phone.send("hello")
        redis_factory.stop_embedded(own_redis)
        phone.send("1")
        service.optouts.record(phone.number)
        redis_factory.connect(None, own_redis).close()
        assert service.drain_spool(Upkeep(service, twilio).deliver) == 1
        assert twilio_api.requests == []
        (refused,) = service.messages.for_sender(phone.number)
        assert (refused.status, refused.error, refused.purpose) == ("refused", "opted out",
                                                                    "reply")
        assert service.spool.count("sent") == 1
    finally:
        twilio.close()
        service.close()


def test_a_hanging_redis_still_gets_an_answer_in_the_workers_language(overrides) -> None:  # type: ignore[no-untyped-def]
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    port = silent.getsockname()[1]
    app = create_app({**overrides, "redis_url": f"redis://127.0.0.1:{port}/0",
                      "redis_timeout": 0.2})
    try:
        replies = Phone(app.test_client(), "+12135550335").send("사장님이 월급을 안 줘요")
        assert len(replies) == 1 and "곧" in replies[0]
        assert app.extensions["hotline"].spool.count("waiting") == 1
        health = app.test_client().get("/healthz")
        assert health.status_code == 503 and health.get_json()["redis"] == "down"
    finally:
        app.extensions["hotline"].cases.engine.dispose()
        app.extensions["hotline"].conn.close()
        silent.close()


def test_while_a_message_waits_in_the_spool_the_senders_next_ones_wait_behind_it(
        outage_app) -> None:  # type: ignore[no-untyped-def]
    service = outage_app.extensions["hotline"]
    phone = Phone(outage_app.test_client(), "+12135550336")
    for text in ("hello", "2", "1", "Sunny Market", "0", "1"):
        phone.send(text)
    held = service.sessions.begin(phone.number, "SMstuck")  # a turn that never ends
    assert "we will answer soon" in phone.send("part B")[0]  # busy: kept, in order
    service.sessions.unlock(held)
    assert "we will answer soon" in phone.send("part C")[0]  # behind B, though free now
    assert service.spool.count("waiting") == 2

    delivered: list[tuple[str, ...]] = []

    def deliver(key: str, inbound: Inbound, bodies: tuple[str, ...], forget: bool) -> bool:
        delivered.append(bodies)
        return True

    assert service.drain_spool(deliver) == 2
    assert delivered == [("Got it. Send more, or send 1 when you are done.",)] * 2
    assert phone.send("part D") == ["Got it. Send more, or send 1 when you are done."]
    loaded = service.sessions.load(phone.number, "SMx")
    assert loaded.session.draft.details == ("part B", "part C", "part D")


def test_a_story_part_replayed_after_the_report_was_filed_joins_that_report(
        outage_app, own_redis) -> None:  # type: ignore[no-untyped-def]
    import time

    service = outage_app.extensions["hotline"]
    phone = Phone(outage_app.test_client(), "+12135550337")
    for text in ("hello", "2", "1", "Sunny Market", "0", "1", "part A"):
        phone.send(text)
    redis_factory.stop_embedded(own_redis)
    assert "we will answer soon" in phone.send("part B")[0]  # Redis down: no mark
    redis_factory.connect(None, own_redis).close()
    time.sleep(1.1)  # the worker goes on in a later second, before the spool is replayed
    for text in ("part C", "1", "1", "1", "1", "0", "1"):
        phone.send(text)
    filed = phone.send("1")[0]
    ref = filed.split("number is ")[1].split(".")[0]

    delivered: list[tuple[str, ...]] = []

    def deliver(key: str, inbound: Inbound, bodies: tuple[str, ...], forget: bool) -> bool:
        delivered.append(bodies)
        return True

    assert service.drain_spool(deliver) == 1
    assert delivered == [(f"We added your earlier message to your report {ref}.",)]
    case = service.cases.by_ref(ref)
    assert case.details == "part A\n\npart C\n\npart B"  # kept, never replayed at the menu
    assert ("added", "report") in service.cases.events(case.id)
