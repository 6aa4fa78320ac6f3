"""Helpers for console tests: an app whose sign-in codes reach the local Twilio and SMTP
stand-ins, organizers and cases made directly, and a client that signs in as a person
does (code from the stand-in, then the authenticator)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pyotp
import pytest

from hotline.dialogue.effects import CaseKind, FileCase
from hotline.store.organizers import Changes, Organizer

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
CODE = re.compile(r"\b(\d{6})\b")
SECRET = re.compile(r'id="secret" class="secret">([A-Z2-7]+)<')
RECOVERY = re.compile(r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>")
BASE = "https://hotline.test"
WORKER = "+12135550123"


@pytest.fixture
def console_app(alert_overrides: dict[str, Any]) -> Iterator[Any]:
    """The hotline app (console included) whose codes and alerts reach the stand-ins."""
    from hotline.app import create_app

    app = create_app(alert_overrides)
    app.config["TESTING"] = True
    yield app
    app.extensions["hotline"].close()


def organizer(app: Any, name: str, phone: str | None, **fields: Any) -> Organizer:
    return app.extensions["console"].organizers.add(Changes(name=name, phone=phone, **fields))


def file_case(app: Any, **fields: Any) -> tuple[int, str]:
    values: dict[str, Any] = dict(
        kind=CaseKind.REPORT, locale="ko", channel="sms", sender=WORKER, contact_method="text",
        contact_number=WORKER, industry="restaurant", employer="Assi Market",
        location="Olympic & Vermont", issues=("unpaid", "overtime"),
        details=("사장님이 월급을 늦게 줘요. 하루 11시간 일해요.",), when="this_week",
        still_working=True, name="Min")
    values.update(fields)
    return app.extensions["hotline"].cases.file(FileCase(**values))


def alert(app: Any, case_id: int) -> None:
    """Run the case's alert as the worker would (deliveries to the stand-ins)."""
    app.extensions["hotline"].dispatcher.alert(case_id, datetime.now(UTC))


class Browserless:
    """The console through Flask's test client, over https, as one person."""

    def __init__(self, app: Any, twilio_api: Any, mailbox: Any) -> None:
        self.app = app
        self.client = app.test_client()
        self.twilio_api = twilio_api
        self.mailbox = mailbox
        self.page = ""
        self.recovery: list[str] = []

    def get(self, path: str, **kw: Any) -> Any:
        response = self.client.get(path, base_url=BASE, **kw)
        self.page = response.get_data(as_text=True)
        return response

    def post(self, path: str, data: dict[str, Any] | None = None, *, token: bool = True,
             **kw: Any) -> Any:
        form = dict(data or {})
        if token:
            form["csrf_token"] = self.csrf()
        # a browser names the page a form came from; Flask-WTF checks it over https
        kw.setdefault("headers", {"Referer": BASE + "/console/"})
        response = self.client.post(path, data=form, base_url=BASE, **kw)
        self.page = response.get_data(as_text=True)
        return response

    def csrf(self) -> str:
        found = CSRF.search(self.page)
        if found is None:
            self.get("/console/sign-in")
            found = CSRF.search(self.page)
        assert found is not None, self.page[:500]
        return found.group(1)

    def last_code(self, who: Organizer, via: str = "sms") -> str:
        if via == "sms":
            body = self.twilio_api.to(who.phone)[-1]["Body"]
        else:
            message = self.mailbox.to(who.email)[-1]
            body = str(message.get_body(("plain",)).get_content())
        found = CODE.search(body)
        assert found is not None, body
        return found.group(1)

    def ask_code(self, who: str) -> Any:
        self.get("/console/sign-in")
        return self.post("/console/sign-in", {"who": who})

    def sign_in(self, person: Organizer, via: str = "sms") -> Any:
        """Sign in all the way; return the last response (the queue)."""
        self.ask_code(person.phone if via == "sms" else person.email)
        self.get("/console/sign-in/code")
        done = self.post("/console/sign-in/code", {"code": self.last_code(person, via)})
        assert done.status_code == 302, self.page[:800]
        where = done.headers["Location"]
        if where.endswith("/console/sign-in/authenticator"):
            self.get(where)
            secret = SECRET.search(self.page)
            assert secret is not None
            self.secret = secret.group(1)
            done = self.post(where, {"code": pyotp.TOTP(self.secret).now()})
            assert done.status_code == 200, self.page[:800]
            self.recovery = RECOVERY.findall(self.page)
        elif where.endswith("/console/sign-in/factor"):
            self.get(where)
            done = self.post(where, {"code": self.recovery.pop()})
            assert done.status_code == 302, self.page[:800]
        return self.get("/console/queues/unclaimed")


@pytest.fixture
def person(console_app: Any, twilio_api: Any, mailbox: Any) -> Any:
    """Make a test-client person of the console (call it again for another person)."""
    return lambda: Browserless(console_app, twilio_api, mailbox)
