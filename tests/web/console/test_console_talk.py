"""The conversation on the console's case page: the organizer who has the case writes to
the worker through the same service as the SMS command, sees every message both ways
with its delivery, and ends it; nobody else may write, and a worker's choice not to be
written to shows instead of the form. The worker's side is the real signed webhook and
the local Twilio stand-in."""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest import PUBLIC_BASE, sign
from consoling import Browserless
from conversing import ANA, BEN, CENTER, WORKER, Desk

from hotline.dialogue import conversation as worker_words
from hotline.dialogue.replies import Reply
from hotline.store.audit import Action
from hotline.store.conversations import Direction
from hotline.store.organizers import Changes
from hotline.words.segments import fold_to_gsm7

ONCE = re.compile(r'name="once" value="([^"]+)"')
WA = f"whatsapp:{WORKER}"


@pytest.fixture
def alert_overrides(alert_overrides: dict[str, Any]) -> dict[str, Any]:
    return {**alert_overrides, "center_name": CENTER}


def signed_in(desk: Desk, who: str, via: str = "sms") -> Browserless:
    me = Browserless(desk.app, desk.twilio, desk.mailbox)
    me.sign_in(desk.team[who], via)
    return me


def worker_line(desk: Desk, msgid: str, locale: str, **params: str) -> str:
    text = desk.service.catalogs.render(Reply(msgid, params), locale)
    return fold_to_gsm7(text) or text


def report(desk: Desk, sid: str, status: str) -> None:
    form = {"MessageSid": sid, "MessageStatus": status, "AccountSid": "AC" + "1" * 32}
    answered = desk.client.post("/twilio/status", data=form, headers={
        "X-Twilio-Signature": sign(f"{PUBLIC_BASE}/twilio/status", form)})
    assert answered.status_code == 204


def write(me: Browserless, ref: str, body: str) -> Any:
    me.get(f"/console/cases/{ref}")
    once = ONCE.search(me.page)
    assert once is not None, "no message form"
    return me.post(f"/console/cases/{ref}/talk", {"body": body, "once": once.group(1)})


def test_the_organizer_writes_from_the_console_the_worker_answers_and_it_ends(
        desk: Desk) -> None:
    case_id, ref = desk.taken(by=ANA, locale="ko")
    ana = signed_in(desk, "ana")
    ana.get(f"/console/cases/{ref}")
    assert 'id="talk-form"' in ana.page and "No conversation is open" in ana.page
    told = len(desk.bodies(WORKER))

    once = ONCE.search(ana.page)
    assert once is not None
    sent = ana.post(f"/console/cases/{ref}/talk", {"body": "사장님 성함을 알려 주실 수 있어요?",
                                                   "once": once.group(1)})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("#conversation")
    desk.jobs.run()
    (to_worker,) = desk.sent(WORKER)[told:]
    assert to_worker["Body"] == (
        f"{CENTER} 소속 Ana 님이 {ref}번 사건으로 연락드려요. 여기로 답장하시면 돼요. 메뉴로 "
        "돌아가려면 '메뉴'를 보내 주세요.\n\n사장님 성함을 알려 주실 수 있어요?")

    # sending the same form again (a double press, a reload) writes nothing more
    ana.get(f"/console/cases/{ref}")
    again = ana.post(f"/console/cases/{ref}/talk", {"body": "사장님 성함을 알려 주실 수 있어요?",
                                                    "once": once.group(1)})
    assert again.status_code == 302
    desk.jobs.run()
    assert len(desk.sent(WORKER)) == told + 1

    # Twilio reports the delivery; the worker answers through the signed webhook
    report(desk, to_worker["sid"], "delivered")
    assert desk.phone(WORKER).send("김철수 사장님이에요") == []
    desk.jobs.run()
    assert desk.bodies(ANA)[-1] == f"[{ref}] 김철수 사장님이에요"
    ana.get(f"/console/cases/{ref}")
    thread = ana.page.split('id="thread"')[1].split("</ol>")[0]
    assert thread.index("사장님 성함을 알려 주실 수 있어요?") < thread.index("김철수 사장님이에요")
    assert "delivered" in thread and "Ana Kim" in thread and "The worker" in thread
    timeline = ana.page.split('id="timeline"')[1]
    assert "김철수 사장님이에요" in timeline and "The worker wrote (SMS)" in timeline
    assert "Conversation with the worker opened by Ana Kim" in timeline
    assert 'id="talk-end"' in ana.page

    # ending it: the worker is told in Korean, the case stays open
    ended = ana.post(f"/console/cases/{ref}/talk/end")
    assert ended.status_code == 302
    desk.jobs.run()
    assert desk.bodies(WORKER)[-1] == worker_line(desk, worker_words.ENDED, "ko", ref=ref)
    assert desk.bodies(WORKER)[-1].startswith(f"{ref}번 사건 대화가 끝났어요.")
    assert desk.service.talk.store.open_for_case(case_id) is None
    ana.get(f"/console/cases/{ref}")
    assert "The conversation has ended and the worker was told" in ana.page
    assert "ended by the organizer" in ana.page and 'id="talk-end"' not in ana.page
    assert desk.service.dispatcher.assignments.get(case_id).closed_at is None  # type: ignore[union-attr]
    record = [(m.direction, m.body) for m in desk.service.talk.store.messages_for_case(case_id)]
    assert record == [(Direction.OUT, "사장님 성함을 알려 주실 수 있어요?"),
                      (Direction.IN, "김철수 사장님이에요")]
    actions = [e.action for e in desk.app.extensions["console"].audit.entries(case_id=case_id)]
    assert Action.WROTE in actions and Action.TALK_ENDED in actions
    assert not any("김철수" in e.detail or "성함" in e.detail for e in
                   desk.app.extensions["console"].audit.entries(case_id=case_id))


def test_someone_elses_case_is_refused_and_says_whose_it_is(desk: Desk) -> None:
    case_id, ref = desk.taken(by=ANA, locale="en", issues=("safety",))  # urgent: all alerted
    told = len(desk.twilio.accepted)
    ben = signed_in(desk, "ben")
    ben.get(f"/console/cases/{ref}")
    assert ben.page.count('id="talk-form"') == 0
    assert "Este caso lo tiene Ana Kim: solo esa persona puede escribir" in ben.page
    ben.post(f"/console/cases/{ref}/talk", {"body": "hola", "once": "abc"})
    ben.get(f"/console/cases/{ref}")
    assert "Este caso lo tiene Ana Kim" in ben.page
    desk.jobs.run()
    assert [m for m in desk.twilio.accepted[told:] if m["To"] == WORKER] == []
    assert desk.service.talk.store.open_for_case(case_id) is None
    assert ben.post(f"/console/cases/{ref}/talk/end").status_code == 403
    denied = [e.detail for e in desk.app.extensions["console"].audit.entries(case_id=case_id)
              if e.action == Action.DENIED]
    assert "write to the worker" in denied
    # a coordinator sees the conversation but does not write in the organizer's place
    cora = signed_in(desk, "cora", via="email")
    cora.get(f"/console/cases/{ref}")
    assert "This case is with Ana Kim: only they can write to the worker." in cora.page


@pytest.mark.parametrize(("fields", "why"), [
    ({"contact_method": "none"}, "The worker asked not to be contacted"),
    ({"contact_method": "call"}, "The worker asked for a phone call, not messages"),
    ({"contact_method": "other", "contact_number": "+13235550177"},
     "The worker asked to be reached at another number"),
    ({"consent": False}, "The worker did not agree to be contacted"),
])
def test_a_worker_who_cannot_be_written_to_shows_why_instead_of_the_form(
        desk: Desk, fields: dict[str, Any], why: str) -> None:
    case_id, ref = desk.taken(by=ANA, locale="en", **fields)
    told = len(desk.twilio.accepted)
    ana = signed_in(desk, "ana")
    ana.get(f"/console/cases/{ref}")
    assert 'id="talk-form"' not in ana.page
    assert why in ana.page.split('id="talk-why-not"')[1]
    ana.post(f"/console/cases/{ref}/talk", {"body": "hello", "once": "abcdef"})
    desk.jobs.run()
    assert [m for m in desk.twilio.accepted[told:] if m["To"] != ANA] == []
    assert desk.service.talk.store.open_for_case(case_id) is None


def test_on_whatsapp_without_a_template_the_page_says_sms_only_and_shows_what_is_held(
        desk: Desk) -> None:
    case_id, ref = desk.taken(by=BEN, locale="es", channel="whatsapp",
                              contact_method="whatsapp")
    ben = signed_in(desk, "ben")  # he reads the console in Spanish
    ben.get(f"/console/cases/{ref}")
    assert "a este trabajador solo se le puede contactar por SMS" in ben.page
    write(ben, ref, "Hola, ¿cuándo le pagaron por última vez?")
    write(ben, ref, "Y ¿cuántas horas trabaja?")
    desk.jobs.run()
    assert not [m for m in desk.sent(WA) if "Hola" in m.get("Body", "")]
    ben.get(f"/console/cases/{ref}")
    thread = ben.page.split('id="thread"')[1].split("</ol>")[0]
    assert thread.count("msg-held") == 2 and "no hay plantilla" in thread
    assert thread.count("En espera:") == 2
    # the worker writes: what was held goes, in order, and the page says so
    assert desk.phone(WORKER, whatsapp=True).send("Hace dos semanas") == []
    desk.jobs.run()
    bodies = desk.bodies(WA)
    assert bodies[-2].endswith("Hola, ¿cuándo le pagaron por última vez?")
    assert bodies[-1] == "Y ¿cuántas horas trabaja?"
    assert desk.bodies(BEN)[-1] == f"[{ref}] Hace dos semanas"
    ben.get(f"/console/cases/{ref}")
    thread = ben.page.split('id="thread"')[1].split("</ol>")[0]
    assert "msg-held" not in thread and "Hace dos semanas" in thread
    assert thread.count("entregado a Twilio") == 2


def test_the_packet_holds_the_messages_the_organizer_ticks_and_exports_on_request(
        desk: Desk) -> None:
    import csv
    import io
    import json

    case_id, ref = desk.taken(by=ANA, locale="ko")
    ana = signed_in(desk, "ana")
    write(ana, ref, "지난달 몇 시간 일하셨어요?")
    write(ana, ref, "알겠어요")
    desk.jobs.run()
    desk.phone(WORKER).send("하루 11시간, 주 6일이요")
    desk.jobs.run()
    said = desk.service.talk.store.messages_for_case(case_id)
    question, _, hours = said
    ana.get(f"/console/cases/{ref}/packet")
    assert 'id="packet-messages"' not in ana.page  # nothing unless chosen
    assert ana.page.count('name="m"') == 3
    ana.get(f"/console/cases/{ref}/packet?m={question.id}&m={hours.id}")
    printed = ana.page.split('id="packet-messages"')[1].split("</section>")[0]
    assert "지난달 몇 시간 일하셨어요?" in printed and "하루 11시간, 주 6일이요" in printed
    assert "알겠어요" not in printed and "Ana Kim (organizer)" in printed
    packets = [e.detail for e in desk.app.extensions["console"].audit.entries(
        case_id=case_id, actions=(Action.PACKET,))]
    assert packets == ["with chosen messages", ""]  # the audit keeps no digits

    cora = signed_in(desk, "cora", via="email")
    cora.get("/console/export")
    plain = cora.post("/console/export", {"format": "json", "scope": "all"})
    assert "하루 11시간" not in plain.get_data(as_text=True)  # only when asked
    cora.get("/console/export")
    with_talk = json.loads(cora.post("/console/export", {
        "format": "json", "scope": "all", "talk": "yes"}).get_data(as_text=True))
    (row,) = [r for r in with_talk if r["ref"] == ref]
    assert [(m["from"], m["words"]) for m in row["conversation"]] == [
        ("Ana Kim", "지난달 몇 시간 일하셨어요?"), ("Ana Kim", "알겠어요"),
        ("worker", "하루 11시간, 주 6일이요")]
    cora.get("/console/export")
    table = csv.DictReader(io.StringIO(cora.post("/console/export", {
        "format": "csv", "scope": "all", "talk": "yes"}).get_data(as_text=True)))
    (line,) = [r for r in table if r["ref"] == ref]
    assert line["conversation"].splitlines()[-1].endswith("worker: 하루 11시간, 주 6일이요")
    exported = [e.detail for e in desk.app.extensions["console"].audit.entries(
        case_id=case_id, actions=(Action.EXPORTED,))]
    assert exported == ["csv all with conversations", "json all with conversations",
                        "json all"]


def test_erasure_takes_the_conversation_off_the_case_page(desk: Desk) -> None:
    case_id, ref = desk.taken(by=ANA, locale="en")
    ana = signed_in(desk, "ana")
    write(ana, ref, "When were you last paid?")
    desk.jobs.run()
    desk.phone(WORKER).send("Two weeks ago, only half")
    desk.jobs.run()
    ana.get(f"/console/cases/{ref}")
    assert "Two weeks ago, only half" in ana.page
    desk.service.erase(WORKER)
    ana.get(f"/console/cases/{ref}")
    assert "Two weeks ago, only half" not in ana.page
    assert "When were you last paid?" not in ana.page
    assert desk.service.talk.store.messages_for_case(case_id) == []
    assert "The worker erased their data: nothing can be sent to them." in ana.page


def test_closing_the_case_in_the_console_ends_the_conversation_and_tells_the_worker(
        desk: Desk) -> None:
    case_id, ref = desk.taken(by=ANA, locale="es", issues=("safety",))  # urgent: Ana too
    ana = signed_in(desk, "ana")
    write(ana, ref, "¿Cuándo le pagaron?")
    desk.jobs.run()
    ana.get(f"/console/cases/{ref}")
    ana.post(f"/console/cases/{ref}/close", {"outcome": "resolved"})
    assert desk.service.talk.store.open_for_case(case_id) is None  # at once, not at the sweep
    desk.jobs.run()
    assert desk.bodies(WORKER)[-1] == worker_line(desk, worker_words.ENDED, "es", ref=ref)
    ana.get(f"/console/cases/{ref}")
    assert "the case was closed" in ana.page
    assert "The case is closed: reopen it to write to the worker." in ana.page


def test_the_timeline_says_what_became_of_a_message_to_the_worker_in_the_readers_words(
        desk: Desk) -> None:
    case_id, ref = desk.taken(by=BEN, locale="es")  # the worker is told: one message
    (told,) = desk.service.messages.for_case(case_id)
    ben = signed_in(desk, "ben")  # reads the console in Spanish
    ben.get(f"/console/cases/{ref}")
    assert "Mensaje al trabajador por SMS: entregado a Twilio" in ben.page
    assert ": queued" not in ben.page
    report(desk, told.provider_id or "", "delivered")
    jun = desk.service.dispatcher.organizers.add(Changes(
        name="Jun Park", phone="+12135550106", languages="ko,en", role="coordinator"))
    me = Browserless(desk.app, desk.twilio, desk.mailbox)
    me.sign_in(jun)
    me.get(f"/console/cases/{ref}")
    assert "노동자에게 보낸 메시지, 문자: 전달됨" in me.page and ": delivered" not in me.page
