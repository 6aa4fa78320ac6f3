"""Forgiving answers: where a number is expected, the obvious ways people say it work."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from talking import Talk, context, talk_in

from hotline.dialogue import flow, messages
from hotline.dialogue.effects import Erase
from hotline.dialogue.engine import Context
from hotline.dialogue.replies import Msg
from hotline.dialogue.steps import StepId


@pytest.fixture(scope="module")
def ctx(compiled_locales: Path) -> Context:
    return context(compiled_locales)


def at_question(ctx: Context, locale: str, step_id: StepId) -> Talk:
    talk = talk_in(ctx, locale)
    talk.send("2")  # report a problem
    talk.session = replace(talk.session, step=step_id)
    return talk


@pytest.mark.parametrize(("locale", "yes", "no"), [
    ("en", "yes", "no"), ("en", "ok", "nope"), ("en", "Yeah", "NO"),
    ("es", "sí", "no"), ("es", "Si", "nel"), ("es", "claro", "No."),
    ("ko", "네", "아니요"), ("ko", "예", "아뇨"), ("ko", "응", "아니"),
])
def test_yes_and_no_answer_a_yes_or_no_question(ctx: Context, locale: str, yes: str,
                                                no: str) -> None:
    talk = at_question(ctx, locale, StepId.STILL_WORKING)
    outcome = talk.send(yes)
    assert outcome.session.draft.still_working is True
    assert outcome.session.step == StepId.CONTACT
    talk = at_question(ctx, locale, StepId.STILL_WORKING)
    assert talk.send(no).session.draft.still_working is False


@pytest.mark.parametrize(("locale", "yes"), [("en", "OK"), ("es", "sí"), ("ko", "네")])
def test_yes_agrees_to_share_the_report(ctx: Context, locale: str, yes: str) -> None:
    talk = at_question(ctx, locale, StepId.CONSENT)
    assert talk.send(yes).session.step == StepId.CONFIRM


@pytest.mark.parametrize(("locale", "word"), [("en", "yes"), ("es", "sí"), ("ko", "네")])
def test_yes_confirms_the_erase_request(ctx: Context, locale: str, word: str) -> None:
    talk = talk_in(ctx, locale)
    talk.send({"en": "DELETE", "es": "BORRAR", "ko": "삭제"}[locale])
    outcome = talk.send(word)
    assert any(isinstance(e, Erase) for e in outcome.effects)


def test_yes_is_no_answer_to_a_question_that_is_not_yes_or_no(ctx: Context) -> None:
    talk = at_question(ctx, "es", StepId.INDUSTRY)
    outcome = talk.send("sí")
    assert outcome.session.step == StepId.INDUSTRY
    assert outcome.replies[0].prefix == messages.NOT_UNDERSTOOD


@pytest.mark.parametrize(("locale", "one", "three"), [
    ("en", "one", "Third"), ("es", "uno", "tres"), ("ko", "하나", "셋"),
    ("en", "1️⃣", "3️⃣"), ("ko", "1번", "3번이요"), ("es", "１", "③"),
])
def test_a_number_said_in_words_or_as_a_keycap_picks_the_option(ctx: Context, locale: str,
                                                                one: str, three: str) -> None:
    talk = at_question(ctx, locale, StepId.INDUSTRY)
    assert talk.send(one).session.draft.industry == flow.INDUSTRIES[0].value
    talk = at_question(ctx, locale, StepId.INDUSTRY)
    assert talk.send(three).session.draft.industry == flow.INDUSTRIES[2].value


def test_several_keycaps_pick_several_issues(ctx: Context) -> None:
    talk = at_question(ctx, "en", StepId.ISSUES)
    assert talk.send("1️⃣ 3️⃣").session.draft.issues == ("unpaid", "overtime")


def test_a_number_word_opens_the_main_menu_option(ctx: Context) -> None:
    talk = talk_in(ctx, "es")
    assert talk.send("uno").session.step == StepId.RIGHTS


@pytest.mark.parametrize(("step_id", "last"), [
    (StepId.INDUSTRY, len(flow.INDUSTRIES)), (StepId.ISSUES, len(flow.ISSUE_TYPES)),
    (StepId.WHEN, len(flow.WHEN)), (StepId.CONTACT, len(flow.CONTACT_METHODS)),
])
def test_a_number_past_the_options_is_answered_with_the_range(ctx: Context, step_id: StepId,
                                                              last: int) -> None:
    talk = at_question(ctx, "en", step_id)
    outcome = talk.send("7" if last < 7 else "0")
    (reply,) = outcome.replies
    assert reply.prefix == Msg(messages.OUT_OF_RANGE, params=(("last", last),))
    assert outcome.session.step == step_id


@pytest.mark.parametrize(("text", "last"), [("7", 4), ("0", 4)])
def test_the_main_menu_gives_its_range_too(ctx: Context, text: str, last: int) -> None:
    outcome = talk_in(ctx, "ko").send(text)
    assert outcome.replies[0].prefix == Msg(messages.OUT_OF_RANGE, params=(("last", last),))


def test_words_that_are_no_number_still_get_the_plain_re_ask(ctx: Context) -> None:
    outcome = at_question(ctx, "en", StepId.WHEN).send("last tuesday maybe")
    assert outcome.replies[0].prefix == messages.NOT_UNDERSTOOD


@pytest.mark.parametrize("locale", ["en", "es", "ko"])
def test_the_range_is_said_in_the_workers_language(ctx: Context, compiled_locales: Path,
                                                   locale: str) -> None:
    from hotline.words.catalogs import Catalogs

    outcome = at_question(ctx, locale, StepId.WHEN).send("9")
    text = Catalogs(compiled_locales, ("en", "es", "ko")).render(outcome.replies[0], locale)
    first = text.splitlines()[0]
    assert "4" in first and first == {
        "en": "Reply with a number from 1 to 4.",
        "es": "Responda con un número del 1 al 4.",
        "ko": "번호(1~4)로 답해 주세요.",
    }[locale]
