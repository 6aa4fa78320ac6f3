"""The upkeep's round of conversations, on a driven clock: silence ends them, a
reassigned case hands them over, a closed case ends them, an unanswered worker is
raised to the coordinators.

The center here is always open, so what the worker hears does not hang on the hour the
suite runs; test_conversation_hours.py covers a center that closes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from conversing import ANA, BEN, CENTER, WORKER, Desk, talking, worker_says
from fakes import body_of

from hotline.sessions.store import talk_key
from hotline.store.assignments import Outcome


@pytest.fixture
def alert_overrides(alert_overrides: dict[str, Any]) -> dict[str, Any]:
    return {**alert_overrides, "center_name": CENTER, "center_hours": "always"}


def test_silence_ends_the_conversation_and_both_are_told(desk: Desk) -> None:
    case_id, ref = talking(desk)
    start = datetime.now(UTC)
    assert desk.service.talk.sweep(start + timedelta(days=6, hours=23)) == 0
    assert desk.service.talk.sweep(start + timedelta(days=7, minutes=1)) == 1
    desk.jobs.run()
    assert desk.bodies(WORKER)[-1] == (f"The conversation about your case {ref} has ended. "
                                       "To reach us again, write here any time; MENU shows "
                                       "the menu.")
    assert desk.bodies(ANA)[-1] == (f"[{ref}] The conversation ended after 7 days without "
                                    "messages; the worker was told.")
    relays = len(desk.bodies(ANA))
    assert desk.phone(WORKER).send("hello again")  # the bot answers
    desk.jobs.run()
    assert len(desk.bodies(ANA)) == relays
    assert desk.service.talk.sweep(start + timedelta(days=8)) == 0


def test_a_worker_writing_after_the_silence_is_told_it_ended_and_gets_the_bot(
        desk: Desk) -> None:
    _, ref = talking(desk)
    later = datetime.now(UTC) + timedelta(days=8)
    bodies = worker_says(desk, "MENU", later)
    assert bodies[0] == (f"The conversation about your case {ref} has ended. To reach us "
                         "again, write here any time; MENU shows the menu.")
    assert len(bodies) >= 2  # then the bot's own answer


def test_reassignment_hands_the_conversation_over_and_the_worker_hears_the_new_name(
        desk: Desk) -> None:
    case_id, ref = talking(desk, locale="ko")
    now = datetime.now(UTC)
    service = desk.service
    ben, cora = desk.team["ben"], desk.team["cora"]
    assert service.dispatcher.assignments.assign(case_id, ben.id, ben.name, cora.id, now)
    assert service.talk.sweep(now) == 1
    desk.jobs.run()
    assert desk.bodies(WORKER)[-1] == f"이제 {CENTER} 소속 Ben 님이 {ref}번 사건을 맡아 여기서 답해 드려요."
    assert desk.bodies(BEN)[-1].startswith(f"[{ref}] Ahora la conversacion con la persona es suya")
    assert desk.bodies(ANA)[-1] == (f"[{ref}] Case {ref} went to Ben Ruiz: the worker's "
                                    "messages go to them now.")
    assert desk.phone(WORKER).send("네 알겠어요") == []
    desk.jobs.run()
    assert desk.bodies(BEN)[-1] == f"[{ref}] 네 알겠어요"
    assert desk.phone(ANA).send(f"{ref} hello?") == [
        f"Case {ref} is with Ben Ruiz; only they can write to the worker."]
    assert service.talk.sweep(now) == 0  # handed over once


def test_a_case_closed_in_the_console_ends_its_conversation(desk: Desk) -> None:
    case_id, ref = talking(desk)
    now = datetime.now(UTC)
    service = desk.service
    assert service.dispatcher.assignments.close_with(case_id, Outcome.RESOLVED,
                                                     desk.team["ana"].id, now)
    assert service.talk.sweep(now) == 1
    desk.jobs.run()
    assert desk.bodies(WORKER)[-1].startswith(f"The conversation about your case {ref} has ended")


@pytest.mark.parametrize(("issues", "minutes"), [(("overtime",), 240), (("safety",), 60)])
def test_a_worker_nobody_answers_is_raised_to_the_coordinators_once_per_wait(
        desk: Desk, issues: tuple[str, ...], minutes: int) -> None:
    _, ref = talking(desk, issues=issues)
    words = "Are you there? My boss is Kim"
    assert desk.phone(WORKER).send(words) == []
    desk.jobs.run()
    wrote = datetime.now(UTC)
    talk = desk.service.talk
    assert talk.sweep(wrote + timedelta(minutes=minutes - 1)) == 0
    assert talk.sweep(wrote + timedelta(minutes=minutes + 1)) == 1
    desk.jobs.run()
    (notice,) = raised(desk, ref)
    assert body_of(notice).startswith(f"Hotline case {ref}: the worker wrote {minutes + 1} "
                                      "min ago and Ana Kim has not answered.")
    assert "Kim" not in body_of(notice).replace("Ana Kim", "")  # never the worker's words
    assert talk.sweep(wrote + timedelta(minutes=2 * minutes)) == 0  # once per wait
    # Ana answers, the worker writes again: a new wait, raised again in time
    desk.phone(ANA).send(f"{ref} Sorry, I am here")
    desk.phone(WORKER).send("ok")
    desk.jobs.run()
    again = datetime.now(UTC)
    assert talk.sweep(again + timedelta(minutes=minutes + 1)) == 1
    desk.jobs.run()
    assert len(raised(desk, ref)) == 2


def raised(desk: Desk, ref: str) -> list[Any]:
    """The coordinator's e-mails saying the worker of a case waits for an answer."""
    return [m for m in desk.mailbox.to("cora@example.org")
            if body_of(m).startswith(f"Hotline case {ref}: the worker wrote")]


def test_the_sweep_sets_a_lost_conversation_flag_again(desk: Desk) -> None:
    _, ref = talking(desk)
    service = desk.service
    who = service.crypto.sender_id(WORKER)
    key = talk_key(service.settings.redis_prefix, who)
    service.conn.delete(key)
    service.talk.sweep(datetime.now(UTC))
    assert service.conn.get(key) is not None
    assert desk.phone(WORKER).send("still here") == []
    desk.jobs.run()
    assert desk.bodies(ANA)[-1] == f"[{ref}] still here"
