"""The conversation with a worker in a real headless Chromium, in Korean, Spanish and
English: the organizer takes the case and writes from the console; the worker receives
it from the hotline number (the local Twilio stand-in) and answers through the signed
webhook; the answer reaches the organizer's phone and the case page; the organizer
ends it from the console and the worker is told. Someone else's case and a worker who
asked not to be contacted show why there is no form.

Screenshots (phone and desktop widths) are kept in HOTLINE_SCREENSHOTS as
``console-conversation-*``; the README shows two of them from docs/.
"""

# ruff: noqa: F811 - the tests take the browser test's fixtures (served, chromium) by name

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from conftest import Phone
from consoling import WORKER, alert, file_case, organizer
from conversing import CENTER, HELLO
from fakes import FROM, Jobs, TwilioApi
from selenium import webdriver
from test_console_browser import Console, chromium, pytestmark, served  # noqa: F401

from hotline.dialogue import conversation as worker_words
from hotline.dialogue.replies import Reply
from hotline.store.audit import Action
from hotline.words.segments import fold_to_gsm7

#: Who takes the case in each language, the console's words they read, and the talk.
PEOPLE = {
    "ko": ("Ana Kim", "213 555 0101", "ko,en",
           {"take": "이 사건을 맡았어요", "sent": "메시지를 핫라인 번호로 노동자에게 보내고 있어요",
            "ended": "대화를 끝냈고 노동자에게 알렸어요", "open": "노동자와의 대화"},
           "사장님 성함을 알려 주실 수 있어요?", "네, 김철수 사장님이에요"),
    "es": ("Ben Ruiz", "213 555 0102", "es,en",
           {"take": "El caso es suyo", "sent": "Su mensaje va en camino al trabajador",
            "ended": "La conversación terminó y se le avisó al trabajador",
            "open": "Conversación con el trabajador"},
           "¿Me puede decir a qué hora salió del trabajo?", "Salí a las 11 de la noche"),
    "en": ("Nia Park", "213 555 0103", "en",
           {"take": "The case is yours", "sent": "Your message is on its way to the worker",
            "ended": "The conversation has ended and the worker was told",
            "open": "Conversation with the worker"},
           "Hi, can you tell me when you were last paid?", "Two weeks ago, only half"),
}


@pytest.fixture
def alert_overrides(alert_overrides: dict[str, Any]) -> dict[str, Any]:
    """The center's name is set: the worker hears it in the first message."""
    return {**alert_overrides, "center_name": CENTER}


@pytest.fixture
def page(served: tuple[str, Any], chromium: webdriver.Chrome) -> Iterator[Console]:
    yield Console(chromium, served[0])


def sign_in(page: Console, twilio_api: TwilioApi, phone: str) -> None:
    """Sign in with the code the SMS stand-in received (no authenticator: an organizer)."""
    page.open("/console/")
    page.type("#who", phone)
    page.submit("button[type=submit]")
    digits = "+1" + "".join(ch for ch in phone if ch.isdigit())
    code = re.search(r"\b(\d{6})\b", twilio_api.to(digits)[-1]["Body"])
    assert code is not None
    page.type("#code", code.group(1))
    page.submit("button[type=submit]")


def sms(text: str) -> str:
    return fold_to_gsm7(text) or text


@pytest.mark.parametrize("locale", ["ko", "es", "en"])
def test_an_organizer_talks_with_a_worker_from_the_console_in_their_language(
        served: tuple[str, Any], page: Console, twilio_api: TwilioApi, jobs: Jobs,
        locale: str) -> None:
    _, app = served
    name, number, languages, says, question, answer = PEOPLE[locale]
    me = organizer(app, name, number, languages=languages, industries="restaurant")
    worker = Phone(app.test_client(), WORKER)
    assert worker.send(HELLO[locale])  # the worker chose their language with the bot
    case_id, ref = file_case(app, locale=locale)
    alert(app, case_id)
    jobs.run()

    sign_in(page, twilio_api, number)
    page.open(f"/console/cases/{ref}")
    page.submit("#claim")
    assert says["take"] in page.text()
    jobs.run()
    told = len(twilio_api.to(WORKER))

    # the organizer writes from the console; the worker gets it from the hotline number
    assert says["open"] in page.find("#conversation").text
    page.type("#talk-body", question)
    page.submit("#talk-send")
    assert says["sent"] in page.text()
    jobs.run()
    (got,) = twilio_api.to(WORKER)[told:]
    assert got["From"] == FROM and me.phone not in str(got)
    intro = app.extensions["hotline"].catalogs.render(Reply(
        worker_words.INTRO, {"ref": ref, "name": name.split()[0], "center": CENTER}), locale)
    assert got["Body"] == sms(f"{intro}\n\n{question}")

    # the worker answers through the signed webhook: the bot keeps quiet, the organizer's
    # phone gets it, and the case page shows it after the organizer's message
    assert worker.send(answer) == []
    jobs.run()
    assert twilio_api.to(me.phone)[-1]["Body"] == sms(f"[{ref}] {answer}")
    page.open(f"/console/cases/{ref}")  # a fresh load (the same URL with #… would not be)
    thread = page.find("#thread").text
    assert thread.index(question) < thread.index(answer)
    assert answer in page.find("#timeline").text
    page.shots(f"conversation-{locale}")

    # the organizer ends it: the worker is told in their language, the case stays open
    page.submit("#talk-end")
    assert says["ended"] in page.text()
    jobs.run()
    ended = app.extensions["hotline"].catalogs.render(Reply(worker_words.ENDED, {"ref": ref}),
                                                      locale)
    assert twilio_api.to(WORKER)[-1]["Body"] == sms(ended)
    assert page.find("#talk-form")  # writing again would open a new conversation
    page.shots(f"conversation-ended-{locale}")
    actions = [e.action for e in app.extensions["console"].audit.entries(case_id=case_id)]
    assert Action.WROTE in actions and Action.TALK_ENDED in actions


def test_a_non_owner_is_refused_and_a_worker_who_asked_not_to_be_contacted_shows_why(
        served: tuple[str, Any], page: Console, twilio_api: TwilioApi, jobs: Jobs) -> None:
    _, app = served
    ana = organizer(app, "Ana Kim", "213 555 0101", languages="ko,en")
    ben = organizer(app, "Ben Ruiz", "213 555 0102", languages="es,en")
    urgent, urgent_ref = file_case(app, issues=("safety",), details=("다쳤어요",))
    quiet, quiet_ref = file_case(app, sender="+12135550124", contact_method="none",
                                 contact_number=None)
    for case_id in (urgent, quiet):
        alert(app, case_id)
    jobs.run()
    assignments = app.extensions["console"].assignments
    now = datetime.now(UTC)
    assignments.claim(urgent_ref, ana.id, ana.name, now)
    assignments.claim(quiet_ref, ben.id, ben.name, now)
    told = len(twilio_api.accepted)

    sign_in(page, twilio_api, "213 555 0102")  # Ben, who reads the console in Spanish
    page.open(f"/console/cases/{urgent_ref}")
    assert ("Este caso lo tiene Ana Kim: solo esa persona puede escribirle al trabajador."
            in page.find("#talk-why-not").text)
    assert not page.driver.find_elements("css selector", "#talk-form")
    page.shots("conversation-not-yours-es")
    page.open(f"/console/cases/{quiet_ref}")
    assert ("El trabajador pidió que no lo contacten: no se le puede enviar nada."
            in page.find("#talk-why-not").text)
    page.shots("conversation-no-contact-es")
    jobs.run()
    assert [m for m in twilio_api.accepted[told:] if m["To"] == WORKER] == []
