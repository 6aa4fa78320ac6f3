"""The one path to a worker, against a local stand-in of Twilio's Messages API, real SQL,
real Redis and RQ jobs run in-process: who is refused, which number and channel, the
WhatsApp window both ways, folding and segments, and the record staff read."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from conftest import Phone
from fakes import Jobs, TwilioApi
from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.dialogue.effects import CaseKind, FileCase
from hotline.dialogue.inbound import Channel
from hotline.outbound.to_worker import Message, Outcome, ToWorker
from hotline.service import Service
from hotline.sessions.store import held_key, window_key
from hotline.store.messages import WorkerMessageRow
from hotline.store.organizers import Changes

WORKER = "+12135550177"
OTHER = "+12135550178"
ANA = "+12135550101"
TEMPLATE_KO = "HX" + "a" * 32


@pytest.fixture
def app(alert_overrides: dict[str, Any]):  # type: ignore[no-untyped-def]
    from hotline.app import create_app

    app = create_app(alert_overrides)
    app.config["TESTING"] = True
    yield app
    app.extensions["hotline"].close()


@pytest.fixture
def service(service: Service) -> Service:
    """The shared service, with Ana on the team (in English, Korean and Spanish)."""
    service.dispatcher.organizers.add(Changes(name="Ana", phone=ANA, languages="en,ko,es"))
    return service


def path(service: Service) -> ToWorker:
    return service.dispatcher.wiring.to_worker


def filed(service: Service, **fields: Any) -> tuple[int, str]:
    values: dict[str, Any] = dict(
        kind=CaseKind.REPORT, locale="ko", channel="sms", sender=WORKER, contact_method="text",
        contact_number=WORKER, industry="restaurant", employer="Seoul BBQ",
        location="Western & 6th", issues=("unpaid",), details=("no pay for two weeks",),
        when="this_week", still_working=True, name="Min")
    values.update(fields)
    return service.cases.file(FileCase(**values))


def notice(key: str, ref: str, locale: str = "ko", text: str = "") -> Message:
    return Message(key=key, purpose="taken", text=text or f"organizer has case {ref}",
                   locale=locale, template="taken", variables={"1": ref})


def test_an_opted_out_number_gets_nothing_and_the_refusal_is_recorded(
        service: Service, twilio_api: TwilioApi) -> None:
    case_id, ref = filed(service)
    service.optouts.record(WORKER)
    result = path(service).about_case(case_id, notice("n1", ref))
    assert (result.outcome, result.reason) == (Outcome.REFUSED, "opted out")
    assert path(service).reply(WORKER, Channel.SMS, Message("r1", "reply", "hi")).outcome \
        == Outcome.REFUSED
    assert twilio_api.requests == []
    rows = service.messages.for_sender(WORKER)
    assert [(m.purpose, m.status, m.error) for m in rows] == [
        ("taken", "refused", "opted out"), ("reply", "refused", "opted out")]


def test_an_erased_worker_gets_nothing_not_even_what_was_held_for_them(
        client, service: Service, jobs: Jobs, twilio_api: TwilioApi) -> None:  # type: ignore[no-untyped-def]
    case_id, ref = filed(service, channel="whatsapp", contact_method="whatsapp")
    held = path(service).about_case(case_id, notice("n1", ref))
    assert held.outcome == Outcome.HELD  # never wrote by WhatsApp: window closed, no template
    service.erase(WORKER)
    (row,) = service.messages.for_case(case_id)
    assert (row.status, row.error, row.recipient, row.body) == ("refused", "erased", None, None)
    after = path(service).about_case(case_id, notice("n2", ref))
    assert (after.outcome, after.reason) == (Outcome.REFUSED, "erased")

    Phone(client, WORKER, whatsapp=True).send("hello")  # a new conversation
    jobs.run()
    assert twilio_api.requests == []


def test_inside_the_whatsapp_window_free_text_goes(
        client, service: Service, twilio_api: TwilioApi) -> None:  # type: ignore[no-untyped-def]
    Phone(client, WORKER, whatsapp=True).send("안녕하세요")
    case_id, ref = filed(service, channel="whatsapp")
    result = path(service).about_case(case_id, notice("n1", ref, text="담당자가 배정되었습니다"))
    assert result.outcome == Outcome.SENT
    (sent,) = twilio_api.accepted
    assert sent["To"] == f"whatsapp:{WORKER}" and sent["Body"] == "담당자가 배정되었습니다"
    assert "ContentSid" not in sent
    (row,) = service.messages.for_case(case_id)
    assert (row.channel, row.mode, row.status, row.provider_id) == (
        "whatsapp", "text", "queued", sent["sid"])


def test_outside_the_window_the_template_of_the_workers_language_goes(
        alert_overrides: dict[str, Any], twilio_api: TwilioApi) -> None:
    from hotline import config

    settings = config.load(environ={}, **alert_overrides,
                           whatsapp_taken_templates=f"ko={TEMPLATE_KO}")
    service = Service.from_settings(settings)
    try:
        case_id, ref = filed(service, channel="whatsapp")
        spanish, es_ref = filed(service, channel="whatsapp", locale="es", sender=OTHER,
                                contact_number=OTHER)
        result = path(service).about_case(case_id, notice("n1", ref))
        assert result.outcome == Outcome.TEMPLATE
        (sent,) = twilio_api.accepted
        assert sent["To"] == f"whatsapp:{WORKER}" and sent["ContentSid"] == TEMPLATE_KO
        assert json.loads(sent["ContentVariables"]) == {"1": ref} and "Body" not in sent
        (row,) = service.messages.for_case(case_id)
        assert (row.mode, row.template) == ("template", TEMPLATE_KO)
        # no Spanish template: held, not sent as free text Twilio would refuse (63016)
        assert path(service).about_case(spanish, notice("n2", es_ref, "es")).outcome \
            == Outcome.HELD
        assert len(twilio_api.requests) == 1
    finally:
        service.close()


def test_outside_the_window_without_a_template_it_is_held_then_sent_in_order_when_the_worker_writes(  # noqa: E501
        client, service: Service, jobs: Jobs, twilio_api: TwilioApi,  # type: ignore[no-untyped-def]
        database_url: str) -> None:
    first, ref1 = filed(service, channel="whatsapp")
    second, ref2 = filed(service, channel="whatsapp")
    for case_id, ref in ((first, ref1), (second, ref2)):
        result = path(service).about_case(case_id, notice(f"n{case_id}", ref,
                                                          text=f"담당자 배정: {ref}"))
        assert (result.outcome, result.reason) == (Outcome.HELD, "whatsapp window closed")
    assert twilio_api.requests == []
    with Session(service.cases.engine) as db:  # held encrypted: no number, no words
        dump = repr([(r.recipient_enc, r.body_enc, r.sender_id, r.recipient_id)
                     for r in db.scalars(select(WorkerMessageRow))])
    assert WORKER[1:] not in dump and "담당자" not in dump

    Phone(client, WORKER, whatsapp=True).send("안녕하세요")  # the worker writes again
    jobs.run()
    assert [m["Body"] for m in twilio_api.to(f"whatsapp:{WORKER}")] == [
        f"담당자 배정: {ref1}", f"담당자 배정: {ref2}"]
    assert [m.status for m in service.messages.for_sender(WORKER)] == ["queued", "queued"]
    Phone(client, WORKER, whatsapp=True).send("감사합니다")
    jobs.run()
    assert len(twilio_api.requests) == 2  # nothing twice


def test_the_upkeep_sends_what_was_held_once_the_window_is_open_even_if_redis_lost_the_mark(
        service: Service, twilio_api: TwilioApi, redis_conn: Any) -> None:
    case_id, ref = filed(service, channel="whatsapp")
    assert path(service).about_case(case_id, notice("n1", ref)).outcome == Outcome.HELD
    prefix = service.settings.redis_prefix
    who = service.crypto.sender_id(WORKER)
    assert redis_conn.delete(held_key(prefix, who)) == 1
    assert path(service).release_open() == 0  # the window is still shut
    redis_conn.set(window_key(prefix, who), int(datetime.now(UTC).timestamp()))
    assert path(service).release_open() == 1
    assert [m["To"] for m in twilio_api.accepted] == [f"whatsapp:{WORKER}"]


def test_a_window_about_to_close_counts_as_closed(service: Service, redis_conn: Any) -> None:
    who = service.crypto.sender_id(WORKER)
    now = datetime.now(UTC)
    key = window_key(service.settings.redis_prefix, who)
    redis_conn.set(key, int((now - timedelta(hours=23, minutes=55)).timestamp()))
    assert not path(service).window_open(who, now)
    redis_conn.set(key, int((now - timedelta(hours=23)).timestamp()))
    assert path(service).window_open(who, now)


def test_sms_folds_accents_as_replies_do_and_counts_segments(
        service: Service, twilio_api: TwilioApi) -> None:
    text = "Buenas noticias: un organizador tiene su caso y se comunicará con usted pronto."
    case_id, ref = filed(service, locale="es")
    assert path(service).about_case(case_id, notice("n1", ref, "es", text)).outcome \
        == Outcome.SENT
    (sent,) = twilio_api.accepted
    assert sent["Body"] == text.replace("á", "a")
    (row,) = service.messages.for_case(case_id)
    assert (row.body, row.segments) == (sent["Body"], 1)
    long = path(service).reply(WORKER, Channel.SMS, Message("r1", "reply", "한국어 " * 50))
    assert long.outcome == Outcome.SENT
    assert service.messages.for_sender(WORKER)[-1].segments == 3  # UCS-2, 200 units


def test_a_retry_with_the_same_key_sends_nothing_twice(
        service: Service, twilio_api: TwilioApi) -> None:
    message = Message("spool:1:0", "reply", "hello")
    first = path(service).reply(WORKER, Channel.SMS, message)
    again = path(service).reply(WORKER, Channel.SMS, message)
    assert first == again and len(twilio_api.requests) == 1


def test_a_timeout_after_twilio_took_the_message_is_found_not_sent_again(
        alert_overrides: dict[str, Any], twilio_api: TwilioApi) -> None:
    from hotline import config

    service = Service.from_settings(config.load(environ={}, **{**alert_overrides,
                                                                "transport_timeout": 0.5}))
    try:
        twilio_api.stall(1.5)  # accepts, then answers after the client gave up
        result = path(service).reply(WORKER, Channel.SMS, Message("r1", "reply", "hello"))
        (accepted,) = twilio_api.accepted
        assert (result.outcome, result.provider_id) == (Outcome.SENT, accepted["sid"])
        assert len(twilio_api.requests) == 1
        assert twilio_api.listed[-1] == {"To": WORKER, "From": "+12135550000",
                                         "PageSize": "20"}
    finally:
        service.close()


def test_a_malformed_template_setting_fails_at_start_naming_the_variable() -> None:
    from hotline import config

    with pytest.raises(config.ConfigError, match="WHATSAPP_TAKEN_TEMPLATES"):
        config.load(environ={"HOTLINE_ENV": "development", "WHATSAPP_TAKEN_TEMPLATES": "ko:HXabc"})
    loaded = config.load(environ={"HOTLINE_ENV": "development",
                                  "WHATSAPP_TAKEN_TEMPLATES": f"ko={TEMPLATE_KO}, es=HXb"})
    assert loaded.taken_templates == {"ko": TEMPLATE_KO, "es": "HXb"}


def test_a_held_message_twilio_refuses_for_now_stays_held_in_its_place(
        client, service: Service, jobs: Jobs, twilio_api: TwilioApi) -> None:  # type: ignore[no-untyped-def]
    first, ref1 = filed(service, channel="whatsapp")
    second, ref2 = filed(service, channel="whatsapp")
    for case_id, ref in ((first, ref1), (second, ref2)):
        path(service).about_case(case_id, notice(f"n{case_id}", ref, text=f"배정 {ref}"))
    Phone(client, WORKER, whatsapp=True).send("안녕하세요")
    twilio_api.fail(20500, status=503)  # Twilio fails the first: its job is retried later
    jobs.run()
    assert twilio_api.accepted == [] and len(twilio_api.requests) == 1
    assert [m.status for m in service.messages.for_sender(WORKER)] == ["held", "held"]
    Phone(client, WORKER, whatsapp=True).send("여보세요?")  # Twilio is back
    jobs.run()
    assert [m["Body"] for m in twilio_api.accepted] == [f"배정 {ref1}", f"배정 {ref2}"]
    assert jobs.come_due() == 1  # the first job's retry: nothing is left to send
    jobs.run()
    assert len(twilio_api.accepted) == 2
