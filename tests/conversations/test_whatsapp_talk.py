"""Conversations by WhatsApp: inside the 24-hour window messages go as written; outside
it the approved template asks the worker to reply and the organizer's messages wait,
then go in order when the worker does. STOP and erasure stop everything at once,
held messages included."""

from __future__ import annotations

from typing import Any

import pytest
from conversing import ANA, BEN, CENTER, WORKER, Desk

from hotline.store.messages import MessageStatus

TEMPLATE_KO = "HX" + "a" * 32
WA = f"whatsapp:{WORKER}"


@pytest.fixture
def alert_overrides(alert_overrides: dict[str, Any]) -> dict[str, Any]:
    return {**alert_overrides, "center_name": CENTER,
            "whatsapp_conversation_templates": f"ko={TEMPLATE_KO}"}


def whatsapp_case(desk: Desk, locale: str = "ko", by: str = ANA) -> tuple[int, str]:
    """A worker who asked to be WhatsApped, whose window has been closed for long."""
    case_id, ref = desk.taken(by=by, locale=locale, channel="whatsapp",
                              contact_method="whatsapp")
    return case_id, ref


def test_outside_the_window_the_template_asks_and_held_messages_go_in_order_on_reply(
        desk: Desk) -> None:
    case_id, ref = whatsapp_case(desk)
    ana = desk.phone(ANA)
    assert ana.send(f"{ref} 첫 번째 메시지예요") == [
        "The worker has not written on WhatsApp for a day, so they were asked to reply; "
        "your message goes to them when they do."]
    ana.send(f"{ref} 두 번째 메시지예요")
    desk.jobs.run()
    sent = desk.sent(WA)
    templates = [m for m in sent if m.get("ContentSid")]
    assert [m["ContentSid"] for m in templates] == [TEMPLATE_KO]  # asked once, not twice
    assert all("메시지예요" not in m.get("Body", "") for m in sent)
    statuses = [m.status for m in desk.service.messages.for_case(case_id)
                if m.purpose == "talk"]
    assert statuses == [MessageStatus.HELD, MessageStatus.HELD]

    # the worker replies on WhatsApp: their reply goes to Ana, the held ones to them
    assert desk.phone(WORKER, whatsapp=True).send("네") == []
    desk.jobs.run()
    bodies = [m.get("Body", "") for m in desk.sent(WA) if not m.get("ContentSid")]
    assert bodies[-2].startswith(f"{CENTER} 소속 Ana 님이 {ref}번 사건으로")
    assert bodies[-2].endswith("\n\n첫 번째 메시지예요")
    assert bodies[-1] == "두 번째 메시지예요"
    assert desk.bodies(ANA)[-1] == f"[{ref}] 네"
    # inside the window now: the next goes at once, as written
    ana.send(f"{ref} 세 번째")
    desk.jobs.run()
    assert desk.bodies(WA)[-1] == "세 번째"


def test_without_a_template_the_message_waits_and_the_organizer_is_told(desk: Desk) -> None:
    _, ref = whatsapp_case(desk, locale="es", by=BEN)  # no Spanish template is set
    assert desk.phone(BEN).send(f"{ref} Hola, soy Ben") == [
        "La persona no ha escrito por WhatsApp en un dia y no hay plantilla configurada: su "
        "mensaje espera hasta que escriba."]
    desk.jobs.run()
    assert all("Hola, soy Ben" not in b for b in desk.bodies(WA))
    desk.phone(WORKER, whatsapp=True).send("Hola")
    desk.jobs.run()
    assert desk.bodies(WA)[-1] == ("Ben, de KIWA, le escribe sobre su caso "
                                   f"{ref}. Para contestar, responda aquí. Para volver al "
                                   "menú, envíe MENÚ.\n\nHola, soy Ben")  # WhatsApp: accents
    assert desk.bodies(BEN)[-1] == f"[{ref}] Hola"


def test_stop_mid_conversation_stops_every_later_message_held_ones_too(desk: Desk) -> None:
    case_id, ref = whatsapp_case(desk)
    ana = desk.phone(ANA)
    ana.send(f"{ref} 잠깐 통화할 수 있어요?")
    desk.jobs.run()  # held: the window is closed
    ana.send(f"{ref} 이것도 보내요")  # its job has not run yet
    desk.phone(WORKER, whatsapp=True).send("중지")
    desk.jobs.run()
    talk = [m for m in desk.service.messages.for_case(case_id) if m.purpose == "talk"]
    # the held one is refused; the later one is never handed to the one path at all
    assert [m.status for m in talk] == [MessageStatus.REFUSED]
    assert all("잠깐" not in b and "이것도" not in b for b in desk.bodies(WA))
    assert desk.bodies(ANA)[-1] == (f"[{ref}] The worker sent STOP: the conversation ended "
                                    "and nothing more can be sent to them.")
    assert ana.send(f"{ref} 또 보내요") == [
        f"The worker of case {ref} sent STOP: nothing can be sent to them."]
    desk.jobs.run()
    assert all("또 보내요" not in b for b in desk.bodies(WA))
    # what the worker writes now goes to nobody: the bot is silent after STOP
    relays = len(desk.bodies(ANA))
    assert desk.phone(WORKER, whatsapp=True).send("여보세요") == []
    desk.jobs.run()
    assert len(desk.bodies(ANA)) == relays


def test_erasure_mid_conversation_removes_the_messages_and_ends_it(desk: Desk) -> None:
    case_id, ref = desk.taken(by=ANA, locale="en")
    desk.phone(ANA).send(f"{ref} Hello Min")
    desk.jobs.run()
    worker = desk.phone(WORKER)
    worker.send("Here is my boss's name: Kim")
    desk.jobs.run()
    assert worker.send("DELETE")  # the bot asks to confirm, even in a conversation
    assert worker.send("1")
    desk.jobs.run()
    service = desk.service
    assert service.talk.store.messages_for_case(case_id) == []
    assert all(m.body is None for m in service.messages.for_case(case_id))
    assert service.talk.store.open_for_case(case_id) is None
    assert desk.bodies(ANA)[-1] == f"[{ref}] The worker erased their data: the conversation ended."
    assert desk.phone(ANA).send(f"{ref} are you there?") == [
        f"The worker of case {ref} erased their data: nothing was sent."]
