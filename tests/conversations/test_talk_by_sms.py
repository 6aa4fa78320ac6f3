"""An organizer and a worker talk through the hotline number, by SMS, through the real
signed webhook: the organizer's texts reach the worker from the hotline number, the
worker's answers reach the organizer's phone and the case, and the bot keeps quiet."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import pytest
from conversing import (  # noqa: F401 - alert_overrides is a fixture
    ANA,
    BEN,
    CENTER,
    NIA,
    WORDS,
    WORKER,
    Desk,
    alert_overrides,
)
from fakes import FROM, WebhookSink
from sqlalchemy import text

from hotline.alerts import texts as alerts
from hotline.conversations import words
from hotline.store.conversations import Direction
from hotline.words.segments import fold_to_gsm7

INTRO = {
    "ko": "{center} 소속 {name} 님이 {ref}번 사건으로 연락드려요. 여기로 답장하시면 돼요. "
          "메뉴로 돌아가려면 '메뉴'를 보내 주세요.",
    "es": "{name}, de {center}, le escribe sobre su caso {ref}. Para contestar, responda "
          "aquí. Para volver al menú, envíe MENÚ.",
    "en": "{name} from {center} is writing about your case {ref}. Reply here to answer. "
          "To go back to the menu, send MENU.",
}
ENDED = {
    "ko": "{ref}번 사건 대화가 끝났어요. 언제든 여기로 다시 연락하세요. '메뉴'를 보내면 메뉴를 볼 수 "
          "있어요.",
    "es": "La conversación sobre su caso {ref} ha terminado. Puede escribirnos aquí cuando "
          "quiera; con MENÚ ve el menú.",
    "en": "The conversation about your case {ref} has ended. To reach us again, write here "
          "any time; MENU shows the menu.",
}
LEFT = {"ko": "Ana 님과의 대화에서 나왔어요. 상담원은 여기로 다시 연락할 수 있어요.",
        "es": "Ha salido de la conversación con Ben. Le pueden seguir escribiendo por aquí.",
        "en": "You left the conversation with Nia. They can still write to you here."}
MENU_WORD = {"ko": "메뉴", "es": "MENÚ", "en": "MENU"}
OWNER = {"ko": (ANA, "Ana", "en"), "es": (BEN, "Ben", "es"), "en": (NIA, "Nia", "en")}


def sms(text: str) -> str:
    """Return a text as it goes by SMS (accents folded where that keeps it GSM-7)."""
    return fold_to_gsm7(text) or text


@pytest.mark.parametrize("locale", ["ko", "es", "en"])
def test_a_whole_conversation_by_sms_in_the_workers_language(
        desk: Desk, webhook_sink: WebhookSink, locale: str,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    organizer, first, organizers_locale = OWNER[locale]
    case_id, ref = desk.taken(by=organizer, locale=locale)
    question, answer = WORDS[locale]
    told = len(desk.bodies(WORKER))

    (opened,) = desk.phone(organizer).send(f"{ref} {question}")
    assert opened == alerts.simple(desk.service.catalogs, words.OPENED, organizers_locale,
                                   ref=ref)
    desk.jobs.run()
    (to_worker,) = desk.sent(WORKER)[told:]
    intro = INTRO[locale].format(center=CENTER, name=first, ref=ref)
    assert to_worker["Body"] == sms(f"{intro}\n\n{question}")
    assert to_worker["From"] == FROM  # the hotline number, never the organizer's own

    # the worker answers: the bot says nothing, the organizer gets it as [ref] …
    assert desk.phone(WORKER).send(answer) == []
    desk.jobs.run()
    assert desk.bodies(organizer)[-1] == sms(f"[{ref}] {answer}")

    # a second message from the organizer carries no introduction
    assert desk.phone(organizer).send(f"#{ref} OK") == []
    desk.jobs.run()
    assert desk.bodies(WORKER)[-1] == "OK"

    # on the case, both ways, encrypted at rest
    record = desk.service.talk.store.messages_for_case(case_id)
    assert [(m.direction, m.body) for m in record] == [
        (Direction.OUT, question), (Direction.IN, answer), (Direction.OUT, "OK")]
    with desk.service.cases.engine.connect() as db:
        stored = b"".join(db.execute(text("SELECT body_enc FROM conversation_messages"))
                          .scalars())
    assert answer.encode() not in stored and question.encode() not in stored

    # MENU leaves: the worker gets the menu, the organizer is told, the bot is back
    left = desk.phone(WORKER).send(MENU_WORD[locale])
    assert len(left) == 2 and left[0] == sms(LEFT[locale])
    desk.jobs.run()
    assert desk.bodies(organizer)[-1] == alerts.simple(desk.service.catalogs, words.LEFT,
                                                       organizers_locale, ref=ref)
    relays = len(desk.bodies(organizer))
    assert desk.phone(WORKER).send("1")  # the rights topics, from the bot
    desk.jobs.run()
    assert len(desk.bodies(organizer)) == relays

    # nothing of the worker's words went anywhere but the organizer's phone
    others = [m for m in desk.twilio.accepted if m["To"] not in (organizer, WORKER)]
    assert not any(answer in m.get("Body", "") or sms(answer) in m.get("Body", "")
                   for m in others)
    assert not any(answer in str(m) for m in desk.mailbox.messages)
    assert answer not in str(webhook_sink.posts)
    assert answer not in caplog.text and question not in caplog.text


@pytest.mark.parametrize("locale", ["ko", "es", "en"])
def test_done_closes_the_case_and_the_conversation_and_the_worker_is_told(
        desk: Desk, locale: str) -> None:
    organizer, _, _ = OWNER[locale]
    case_id, ref = desk.taken(by=organizer, locale=locale)
    desk.phone(organizer).send(f"{ref} {WORDS[locale][0]}")
    desk.jobs.run()
    (closed,) = desk.phone(organizer).send(f"DONE {ref}")
    assert ref in closed and len(closed.splitlines()) == 2  # closed, and the conversation
    desk.jobs.run()
    assert desk.bodies(WORKER)[-1] == sms(ENDED[locale].format(ref=ref))
    case = desk.service.cases.get(case_id)
    assert case is not None and case.status == "closed"
    relays = len(desk.bodies(organizer))
    assert desk.phone(WORKER).send("hello")  # the bot answers again
    desk.jobs.run()
    assert len(desk.bodies(organizer)) == relays


def test_bye_ends_the_conversation_and_leaves_the_case_open(desk: Desk) -> None:
    case_id, ref = desk.taken(by=ANA, locale="en")
    ana = desk.phone(ANA)
    ana.send(f"{ref} Can we talk tomorrow?")
    desk.jobs.run()
    assert ana.send(f"BYE {ref}") == [f"The conversation on case {ref} has ended and the "
                                      "worker was told. The case stays open."]
    desk.jobs.run()
    assert desk.bodies(WORKER)[-1] == ENDED["en"].format(ref=ref)
    case = desk.service.cases.get(case_id)
    assert case is not None and case.status == "claimed"
    assert ana.send(f"BYE {ref}") == [f"There is no conversation open on case {ref}."]
    relays = len(desk.bodies(ANA))
    assert desk.phone(WORKER).send("thanks")  # the bot, not a relay
    desk.jobs.run()
    assert len(desk.bodies(ANA)) == relays
    # writing again opens a new conversation, introduced again
    ana.send(f"{ref} One more thing")
    desk.jobs.run()
    assert desk.bodies(WORKER)[-1].startswith(f"Ana from {CENTER} is writing")


def test_an_organizer_writing_to_a_case_not_theirs_is_told_whose_it_is(desk: Desk) -> None:
    _, ref = desk.taken(by=ANA, locale="en")
    told = len(desk.bodies(WORKER))
    assert desk.phone(BEN).send(f"{ref} hola") == [
        f"El caso {ref} lo tiene Ana Kim; solo esa persona puede escribir a quien hizo el "
        "reporte."]
    assert desk.phone(NIA).send(f"BYE {ref}") == [
        f"Case {ref} is with Ana Kim; only they can write to the worker."]
    _, untaken = desk.case(locale="en", sender="+13235550188")
    assert desk.phone(ANA).send(f"{untaken} hello") == [
        f"Nobody has taken case {untaken}. Send OK {untaken} to take it first."]
    typo = ref[:-1] + str((int(ref[-1]) + 1) % 10)
    assert desk.phone(ANA).send(f"{typo} hi") == [
        f"{typo} is not a case number. Check it and send it again."]
    assert desk.phone(ANA).send(ref) == [
        f"Write your message after the case number: {ref} your message"]
    desk.jobs.run()
    assert len(desk.bodies(WORKER)) == told


@pytest.mark.parametrize(("method", "answer"), [
    ("call", "The worker of case {ref} asked for a phone call, not messages: nothing was "
             "sent."),
    ("other", "The worker of case {ref} asked to be reached at another number, not here: "
              "nothing was sent."),
    ("none", "The worker of case {ref} asked not to be contacted: nothing was sent."),
])
def test_the_workers_choice_decides_and_the_organizer_is_told_why(
        desk: Desk, method: str, answer: str) -> None:
    fields: dict[str, Any] = {"contact_method": method}
    if method == "other":
        fields["contact_number"] = "+13235550177"
    case_id, ref = desk.taken(by=ANA, locale="en", **fields)
    told = len(desk.twilio.accepted)
    assert desk.phone(ANA).send(f"{ref} hello") == [answer.format(ref=ref)]
    desk.jobs.run()
    assert [m for m in desk.twilio.accepted[told:] if m["To"] != ANA] == []
    assert desk.service.talk.store.open_for_case(case_id) is None


def test_a_worker_who_did_not_agree_to_share_cannot_be_written_to(desk: Desk) -> None:
    _, ref = desk.taken(by=ANA, locale="en", consent=False)
    assert desk.phone(ANA).send(f"{ref} hello") == [
        f"The worker of case {ref} asked not to be contacted: nothing was sent."]


def test_duplicate_deliveries_and_reconciliation_replays_relay_once(desk: Desk) -> None:
    from hotline.outbound.twilio_sms import TwilioSender
    from hotline.upkeep import Upkeep

    case_id, ref = desk.taken(by=ANA, locale="en")
    ana, worker = desk.phone(ANA), desk.phone(WORKER)
    written = ana.form(f"{ref} Are you free at 5?")
    ana.post(written)
    ana.post(written)  # Twilio's retry of the organizer's text
    desk.jobs.run()
    assert sum("Are you free at 5?" in b for b in desk.bodies(WORKER)) == 1
    form = worker.form("Yes, at 5")
    worker.post(form)
    worker.post(form)  # Twilio's retry of the worker's answer
    desk.jobs.run()
    assert desk.bodies(ANA).count(f"[{ref}] Yes, at 5") == 1
    # reconciliation finds the same message in Twilio's list: handled, not relayed again
    desk.twilio.receive(form["MessageSid"], WORKER, "Yes, at 5")
    service = desk.service
    twilio = TwilioSender(service.settings)
    try:
        Upkeep(service, twilio).reconcile(datetime.now(UTC))
    finally:
        twilio.close()
    desk.jobs.run()
    assert desk.bodies(ANA).count(f"[{ref}] Yes, at 5") == 1
    ins = [m for m in service.talk.store.messages_for_case(case_id)
           if m.direction == Direction.IN]
    assert len(ins) == 1
