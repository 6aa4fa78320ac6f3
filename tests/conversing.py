"""Helpers for conversation tests: a hotline whose messages reach the local Twilio
stand-in, a team of organizers, a case taken by one of them, and phones that text the
signed webhook (the worker's and the organizers')."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from conftest import Phone
from fakes import FROM, Jobs, Mailbox, TwilioApi

from hotline.dialogue.effects import CaseKind, FileCase
from hotline.dialogue.inbound import Channel, Inbound
from hotline.service import Service
from hotline.store.organizers import Changes, Organizer

WORKER = "+12135550123"
ANA, BEN, NIA = "+12135550101", "+12135550102", "+12135550103"
CENTER = "KIWA"
#: What a worker sends first to the bot, in their language (the language is remembered).
HELLO = {"ko": "한국어", "es": "ESPAÑOL", "en": "ENGLISH"}
WORDS = {
    "ko": ("회사 사장님 이름을 알려 주실 수 있어요?", "네, 김철수 사장님이에요"),
    "es": ("¿Me puede decir a qué hora salió del trabajo?", "Salí a las 11 de la noche"),
    "en": ("Hi, can you tell me when you were last paid?", "Two weeks ago, only half"),
}


@pytest.fixture
def alert_overrides(alert_overrides: dict[str, Any]) -> dict[str, Any]:
    """The alert settings with the center's name set (the worker hears it)."""
    return {**alert_overrides, "center_name": CENTER}


class Desk:
    """The hotline as its people use it: organizers' phones, the worker's, the jobs."""

    def __init__(self, app: Any, jobs: Jobs, twilio_api: TwilioApi, mailbox: Mailbox) -> None:
        self.app = app
        self.client = app.test_client()
        self.jobs = jobs
        self.twilio = twilio_api
        self.mailbox = mailbox
        self.team: dict[str, Organizer] = {}

    @property
    def service(self) -> Service:
        service: Service = self.app.extensions["hotline"]
        return service

    def hire(self) -> dict[str, Organizer]:
        """Ana (SMS, alerts in English), Ben (SMS, alerts in Spanish), Nia (SMS, English),
        Cora (coordinator, e-mail only)."""
        add = self.service.dispatcher.organizers.add
        self.team = {
            "ana": add(Changes(name="Ana Kim", phone=ANA, email="ana@example.org",
                               languages="en,ko")),
            "ben": add(Changes(name="Ben Ruiz", phone=BEN, email="ben@example.org",
                               languages="es,en")),
            "nia": add(Changes(name="Nia Park", phone=NIA, languages="en")),
            "cora": add(Changes(name="Cora Lee", phone=None, email="cora@example.org",
                                languages="en", role="coordinator")),
        }
        return self.team

    def case(self, *, locale: str = "ko", channel: str = "sms", sender: str = WORKER,
             greet: bool = True, **fields: Any) -> tuple[int, str]:
        """File a case from a worker who spoke with the bot in their language (by SMS),
        and alert the team (every alert sent)."""
        if greet:
            assert self.phone(sender).send(HELLO[locale])
        values: dict[str, Any] = dict(
            kind=CaseKind.REPORT, locale=locale, channel=channel, sender=sender,
            contact_method="text", contact_number=sender, industry="restaurant",
            employer="Seoul Restaurant", location="Wilshire & Western",
            issues=("overtime",), details=("no overtime pay",), when="this_week",
            still_working=True, name="Min")
        values.update(fields)
        case_id, ref = self.service.cases.file(FileCase(**values))
        self.service.dispatcher.alert(case_id, now=datetime.now(UTC))
        self.jobs.run()
        return case_id, ref

    def taken(self, by: str = ANA, **fields: Any) -> tuple[int, str]:
        """File a case and have an organizer take it with OK (the worker is told)."""
        case_id, ref = self.case(**fields)
        (answer,) = self.phone(by).send(f"OK {ref}")
        assert answer.startswith(f"Case {ref} is yours") or "caso" in answer, answer
        self.jobs.run()
        return case_id, ref

    def phone(self, number: str, *, whatsapp: bool = False) -> Phone:
        return Phone(self.client, number, whatsapp=whatsapp)

    def bodies(self, number: str) -> list[str]:
        """What the hotline number sent to a number (``whatsapp:+1…`` for WhatsApp)."""
        return [m.get("Body", "") for m in self.twilio.to(number)]

    def sent(self, number: str) -> list[dict[str, str]]:
        found = self.twilio.to(number)
        assert all(m.get("From") in (FROM, f"whatsapp:{FROM}") for m in found)
        return found


@pytest.fixture
def desk(alert_overrides: dict[str, Any], jobs: Jobs, twilio_api: TwilioApi,
         mailbox: Mailbox) -> Iterator[Desk]:
    from hotline.app import create_app

    app = create_app(alert_overrides)
    app.config["TESTING"] = True
    desk = Desk(app, jobs, twilio_api, mailbox)
    desk.hire()
    yield desk
    app.extensions["hotline"].close()


def talking(desk: Desk, locale: str = "en", **fields: Any) -> tuple[int, str]:
    """A case Ana took and wrote about; the worker got her first message."""
    case_id, ref = desk.taken(by=ANA, locale=locale, **fields)
    desk.phone(ANA).send(f"{ref} Hello, this is Ana")
    desk.jobs.run()
    return case_id, ref


def worker_says(desk: Desk, text: str, now: datetime) -> tuple[str, ...]:
    """The worker's message, handled at a time of the test's choosing."""
    inbound = Inbound(f"SM{uuid.uuid4().hex}", Channel.SMS, WORKER, text)
    return desk.service.handle(inbound, now=now).bodies
