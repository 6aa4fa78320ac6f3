"""While a worker talks with their organizer, only the words that must always work reach
the bot; everything else goes to the organizer."""

from __future__ import annotations

from pathlib import Path

import pytest
from talking import NOW, context

from hotline.dialogue.context import Context
from hotline.dialogue.conversation import Route, first_name, route
from hotline.dialogue.session import Session
from hotline.dialogue.steps import StepId

STAMP = int(NOW.timestamp())


@pytest.fixture(scope="module")
def ctx(compiled_locales: Path) -> Context:
    return context(compiled_locales)


@pytest.mark.parametrize(("text", "where"), [
    ("STOP", Route.BOT), ("parar", Route.BOT), ("중지", Route.BOT), ("수신거부", Route.BOT),
    ("START", Route.BOT), ("시작", Route.BOT), ("REANUDAR", Route.BOT),
    ("DELETE", Route.BOT), ("borrar", Route.BOT), ("삭제", Route.BOT),
    ("MENU", Route.LEAVE), ("menú", Route.LEAVE), ("메뉴", Route.LEAVE),
    ("Please stop calling my boss", Route.ORGANIZER),  # a sentence, not the word
    ("1", Route.ORGANIZER), ("HELP", Route.ORGANIZER), ("네 알겠어요", Route.ORGANIZER),
    ("BACK", Route.ORGANIZER), ("PERSON", Route.ORGANIZER), ("", Route.ORGANIZER),
])
def test_only_the_words_that_always_work_reach_the_bot(ctx: Context, text: str,
                                                        where: Route) -> None:
    session = Session(locale="ko", step=StepId.MENU, updated=STAMP - 60)
    assert route(session, text, ctx.lexicon, STAMP, ctx.idle_seconds) == where


def test_the_answer_to_the_erase_question_reaches_the_bot_while_it_is_fresh(
        ctx: Context) -> None:
    asked = Session(locale="en", step=StepId.ERASE, updated=STAMP - 60)
    assert route(asked, "1", ctx.lexicon, STAMP, ctx.idle_seconds) == Route.BOT
    stale = Session(locale="en", step=StepId.ERASE, updated=STAMP - ctx.idle_seconds - 1)
    assert route(stale, "1", ctx.lexicon, STAMP, ctx.idle_seconds) == Route.ORGANIZER


@pytest.mark.parametrize(("name", "first"), [("Ana Kim", "Ana"), ("김민지", "김민지"),
                                             ("  Luis  ", "Luis"), ("", "")])
def test_an_organizer_is_introduced_by_their_first_name(name: str, first: str) -> None:
    assert first_name(name) == first
