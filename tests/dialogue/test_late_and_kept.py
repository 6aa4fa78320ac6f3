"""Words and photos that come at an awkward moment are kept, never dropped or replayed
out of place: more story right after "1", a photo at the menu, and a message replayed
after later ones were answered (kept while Redis was down)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from test_engine import SENDER, Talk, ids

from hotline.dialogue import messages
from hotline.dialogue.effects import AddToStory, FileCase
from hotline.dialogue.engine import Context, Outcome, step
from hotline.dialogue.inbound import Channel, Inbound, Media
from hotline.dialogue.session import Session
from hotline.dialogue.steps import StepId
from hotline.dialogue.topics import TOPICS
from hotline.words.catalogs import Catalogs

PHOTO = (Media("https://api.twilio.com/photo/1", "image/jpeg"),)


@pytest.fixture(scope="module")
def ctx(compiled_locales: Path) -> Context:
    catalogs = Catalogs(compiled_locales, ("en", "es", "ko"))
    return Context(catalogs.lexicon((str(t.id), t.keywords) for t in TOPICS), ("en", "es", "ko"))


def at_story(ctx: Context) -> Talk:
    talk = Talk(ctx, Session(locale="en"))
    for text in ("MENU", "2", "1", "Sunny Market", "0", "1", "part A"):
        talk.send(text)
    assert talk.session.step == StepId.DETAILS
    return talk


def test_more_story_right_after_done_is_kept_and_the_question_asked_again(ctx: Context) -> None:
    talk = at_story(ctx)
    talk.send("1")  # done
    assert talk.session.step == StepId.WHEN
    late = talk.send("and he yelled at me in front of everyone")
    assert late.replies[0].prefix == messages.ADDED_TO_STORY  # then the question again
    assert talk.session.step == StepId.WHEN
    assert talk.session.draft.details == ("part A", "and he yelled at me in front of everyone")
    assert talk.send("1").session.step == StepId.STILL_WORKING  # the answer still works


def test_a_wrong_answer_later_in_the_report_is_still_not_understood(ctx: Context) -> None:
    talk = at_story(ctx)
    for text in ("1", "1"):
        talk.send(text)
    assert talk.session.step == StepId.STILL_WORKING
    outcome = talk.send("blah blah")
    assert outcome.replies[0].prefix == messages.NOT_UNDERSTOOD
    assert talk.session.draft.details == ("part A",)


def test_a_photo_at_the_menu_is_kept_for_the_next_report(ctx: Context) -> None:
    talk = Talk(ctx, Session(locale="en"))
    talk.send("MENU")
    kept = talk.send("", media=PHOTO)
    assert kept.replies[0].prefix == messages.PHOTO_KEPT and talk.session.step == StepId.MENU
    first = talk.send("2")  # report a problem: no "resume your report?" for a photo alone
    assert talk.session.step == StepId.INDUSTRY, ids(first)
    for text in ("1", "Sunny Market", "0", "1", "story", "1", "1", "1", "1", "0", "1"):
        talk.send(text)
    assert talk.session.step == StepId.CONFIRM
    (filed,) = [e for e in talk.send("1").effects if isinstance(e, FileCase)]
    assert [m.url for m in filed.media] == [PHOTO[0].url]


def test_a_photo_with_words_at_the_menu_is_kept_and_said_so(ctx: Context) -> None:
    talk = Talk(ctx, Session(locale="es"))
    talk.send("MENÚ")
    outcome = talk.send("mire", media=PHOTO)
    assert messages.PHOTO_KEPT in ids(outcome)
    assert talk.session.draft.media == ((PHOTO[0].url, "image/jpeg"),)


def replayed(talk: Talk, text: str, *, arrived: timedelta, media: tuple[Media, ...] = ()
             ) -> Outcome:
    """A message that arrived ``arrived`` before the session's last one, replayed now."""
    inbound = Inbound("SMlate", Channel.SMS, SENDER, text, media)
    outcome = step(talk.session, inbound, talk.now - arrived, talk.ctx)
    talk.session = outcome.session
    return outcome


def test_a_late_story_part_joins_the_report_in_progress(ctx: Context) -> None:
    talk = at_story(ctx)
    talk.send("part C")
    talk.send("1")
    outcome = replayed(talk, "part B", arrived=timedelta(minutes=1, seconds=30))
    assert ids(outcome) == [messages.ADDED_TO_STORY]
    assert talk.session.step == StepId.WHEN  # where the worker is: nothing asked again
    assert talk.session.draft.details == ("part A", "part B", "part C")  # as written


def test_a_late_story_part_joins_the_report_filed_since(ctx: Context) -> None:
    talk = at_story(ctx)
    for text in ("1", "1", "1", "1", "0", "1", "1"):
        talk.send(text)
    assert talk.session.step == StepId.MENU
    filed_at = int(talk.now.timestamp())
    talk.session = replace(talk.session, last_case="4821", last_filed=filed_at)
    outcome = replayed(talk, "he also kept my tips", arrived=timedelta(minutes=3))
    assert outcome.effects == (AddToStory("4821", SENDER, "he also kept my tips"),)
    assert ids(outcome) == [messages.ADDED_TO_REPORT]
    assert talk.session.step == StepId.MENU


@pytest.mark.parametrize("text", ["1", "hello", "minimum wage"])
def test_anything_else_late_is_left_never_replayed_at_the_menu(ctx: Context, text: str) -> None:
    talk = Talk(ctx, Session(locale="en"))
    talk.send("MENU")
    talk.send("2")
    talk.send("MENU")
    before = talk.session
    outcome = replayed(talk, text, arrived=timedelta(seconds=90))
    assert outcome.replies == () and outcome.effects == ()
    assert talk.session == before


def test_stop_is_honoured_even_late(ctx: Context) -> None:
    talk = at_story(ctx)
    outcome = replayed(talk, "STOP", arrived=timedelta(seconds=30))
    assert talk.session.opted_out and outcome.effects


def test_an_in_order_message_is_not_late(ctx: Context) -> None:
    talk = at_story(ctx)
    outcome = talk.send("part B", after=timedelta(0))  # the same second: in order
    assert ids(outcome) == [messages.DETAILS_NOTED]
