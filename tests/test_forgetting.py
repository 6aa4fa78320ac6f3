"""Erasure and retention reach Twilio: the worker's messages are deleted through the REST
API (a local stand-in that keeps the account's log), with retries (issue 12 §6)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fakes import TwilioApi
from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import config
from hotline.dialogue.inbound import Channel, Inbound
from hotline.outbound.twilio_sms import TwilioSender
from hotline.service import Service
from hotline.store.deletions import DeletionRow, State
from hotline.upkeep import Upkeep

WORKER = "+12135550177"
OTHER = "+13235550166"


@pytest.fixture
def parts(alert_overrides: dict[str, Any]) -> Iterator[tuple[Service, Upkeep]]:
    settings = config.load(environ={}, **alert_overrides)
    service = Service.from_settings(settings)
    twilio = TwilioSender(settings)
    yield service, Upkeep(service, twilio)
    twilio.close()
    service.close()


def texted(service: Service, twilio_api: TwilioApi, sid: str, number: str, text: str,
           at: datetime) -> None:
    """A worker's message, handled by the webhook and kept in Twilio's log."""
    service.handle(Inbound(sid, Channel.SMS, number, text), now=at)
    twilio_api.receive(sid, number, text, at)


def test_erasure_deletes_the_workers_messages_at_twilio_and_retries_what_twilio_refuses(
        parts: tuple[Service, Upkeep], twilio_api: TwilioApi) -> None:
    service, upkeep = parts
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=20)
    for i, text in enumerate(["hola", "2", "1", "Mi jefe no me paga"]):
        texted(service, twilio_api, f"SMw{i}", WORKER, text, start + timedelta(seconds=i))
    texted(service, twilio_api, "SMother", OTHER, "hello", start)
    upkeep.twilio.send(WORKER, "a late reply")  # a message we sent them, in the log too
    (late,) = [m["sid"] for m in twilio_api.sent_log if m["to"] == WORKER]
    texted(service, twilio_api, "SMw4", WORKER, "BORRAR", start + timedelta(minutes=1))
    texted(service, twilio_api, "SMw5", WORKER, "1", start + timedelta(minutes=1))
    twilio_api.fail_delete("SMw5", 20009)  # "not complete yet": try again later

    now = start + timedelta(minutes=2)
    report = upkeep.tick(now)

    mine = {"SMw0", "SMw1", "SMw2", "SMw3", "SMw4", "SMw5", late}
    assert set(twilio_api.deleted) == mine - {"SMw5"} and report.deleted_at_twilio == 6
    assert "SMother" not in twilio_api.delete_requests
    with Session(service.cases.engine) as db:
        rows = db.scalars(select(DeletionRow)).all()
        # the number was only kept until Twilio listed its messages
        assert [(r.kind, r.sid, r.number_enc, r.state) for r in rows] == [
            ("sid", "SMw5", None, State.WAITING)]

    assert upkeep.tick(now + timedelta(seconds=30)).deleted_at_twilio == 0  # waits a minute
    assert twilio_api.delete_requests.count("SMw5") == 1
    assert upkeep.tick(now + timedelta(minutes=2)).deleted_at_twilio == 1
    assert set(twilio_api.deleted) == mine
    assert service.deletions.count() == 0
    assert [m["sid"] for m in twilio_api.records()] == ["SMother"]


def test_staff_erasure_reaches_twilio_too_and_a_twilio_outage_only_delays_it(
        parts: tuple[Service, Upkeep], twilio_api: TwilioApi) -> None:
    service, upkeep = parts
    at = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    texted(service, twilio_api, "SMs0", WORKER, "hello", at)
    service.erase(WORKER, at)
    twilio_api.auth_token = "wrong"  # Twilio refuses us for a while
    assert upkeep.tick(at + timedelta(minutes=1)).deleted_at_twilio == 0
    assert twilio_api.deleted == []
    twilio_api.auth_token = upkeep.service.settings.twilio_auth_token
    assert upkeep.tick(at + timedelta(minutes=3)).deleted_at_twilio == 1
    assert twilio_api.deleted == ["SMs0"]


def test_retention_deletes_twilios_messages_older_than_the_retention_period(
        parts: tuple[Service, Upkeep], twilio_api: TwilioApi) -> None:
    service, upkeep = parts
    now = datetime.now(UTC).replace(microsecond=0)
    old = now - timedelta(days=service.settings.retention_days + 10)
    texted(service, twilio_api, "SMold1", WORKER, "hello", old)
    texted(service, twilio_api, "SMold2", OTHER, "hola", old + timedelta(minutes=1))
    texted(service, twilio_api, "SMnew1", OTHER, "hola", now - timedelta(days=3))
    upkeep.tick(now)
    assert sorted(twilio_api.deleted) == ["SMold1", "SMold2"]
    assert [m["sid"] for m in twilio_api.inbox] == ["SMnew1"]
