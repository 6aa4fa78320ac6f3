"""Twilio's delivery reports at /twilio/status, signed, in any order: every status is
kept, and nothing moves back from ``delivered`` (alerts and worker messages alike)."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import PUBLIC_BASE, sign
from fakes import Jobs, Mailbox, TwilioApi

from hotline.dialogue.effects import CaseKind, FileCase
from hotline.dialogue.inbound import Channel
from hotline.outbound.to_worker import Message
from hotline.service import Service
from hotline.store.organizers import Changes

ANA = "+12135550101"
WORKER = "+12135550166"


@pytest.fixture
def app(alert_overrides: dict[str, Any]):  # type: ignore[no-untyped-def]
    from hotline.app import create_app

    app = create_app(alert_overrides)
    app.config["TESTING"] = True
    yield app
    app.extensions["hotline"].close()


@pytest.fixture
def service(service: Service) -> Service:
    """The shared service, with Ana on the team."""
    service.dispatcher.organizers.add(Changes(name="Ana", phone=ANA, email="ana@example.org",
                                              languages="en"))
    return service


def report(client: Any, sid: str, status: str, code: str = "") -> int:
    form = {"MessageSid": sid, "MessageStatus": status, "AccountSid": "AC" + "1" * 32}
    if code:
        form["ErrorCode"] = code
    url = f"{PUBLIC_BASE}/twilio/status"
    answered = client.post("/twilio/status", data=form,
                           headers={"X-Twilio-Signature": sign(url, form)})
    return int(answered.status_code)


def test_a_failed_report_after_delivered_neither_fails_the_alert_nor_e_mails(
        client, service: Service, jobs: Jobs, twilio_api: TwilioApi,  # type: ignore[no-untyped-def]
        mailbox: Mailbox) -> None:
    case_id, _ = service.cases.file(FileCase(
        kind=CaseKind.CALLBACK, locale="en", channel="sms", sender=WORKER,
        contact_method="text", contact_number=WORKER))
    service.dispatcher.alert(case_id)
    jobs.run()
    (sms,) = twilio_api.to(ANA)
    assert report(client, sms["sid"], "sent") == 204
    assert report(client, sms["sid"], "delivered") == 204
    assert report(client, sms["sid"], "failed", "30008") == 204  # late and out of order
    jobs.run()
    assert mailbox.messages == []
    (row,) = [d for d in service.dispatcher.deliveries.for_case(case_id) if d.transport == "sms"]
    assert (row.status, row.error) == ("sent", None)
    assert [(s, e) for s, e, _ in service.messages.statuses(sms["sid"])] == [
        ("sent", None), ("delivered", None), ("failed", "30008")]


def test_a_worker_message_takes_each_status_forward_and_never_back(
        client, service: Service, twilio_api: TwilioApi) -> None:  # type: ignore[no-untyped-def]
    path = service.dispatcher.wiring.to_worker
    result = path.reply(WORKER, Channel.SMS, Message("r1", "reply", "We got your message."))
    sid = result.provider_id
    assert sid is not None
    (row,) = service.messages.for_sender(WORKER)
    assert row.status == "queued"
    for status, then in (("sent", "sent"), ("delivered", "delivered"), ("sent", "delivered"),
                         ("undelivered", "delivered"), ("read", "read")):
        assert report(client, sid, status) == 204
        assert service.messages.for_sender(WORKER)[0].status == then, status
    assert len(service.messages.statuses(sid)) == 5

