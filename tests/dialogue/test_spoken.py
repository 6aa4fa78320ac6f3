"""The spoken texts: the same facts rules as the SMS explainers, a context of their own,
and a translator comment on each."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from test_topics import FIGURE

from hotline.dialogue import spoken
from hotline.dialogue.topics import FIGURES_FROM_FACT_SHEET

EXPLAINERS = [e.msgid for e in spoken.RIGHTS]
EXTRACTED = list(extract_from_file(
    "python", Path(spoken.__file__), keywords={**DEFAULT_KEYWORDS, "NP_": ((1, "c"), 2)},
    comment_tags=("TRANSLATORS:",), strip_comment_tags=True))
SPOKEN = [(message, comments) for _, message, comments, context in EXTRACTED
          if context == spoken.VOICE]


@pytest.mark.parametrize("text", EXPLAINERS)
def test_a_spoken_explainer_states_only_figures_from_the_fact_sheet(text: str) -> None:
    figures = FIGURE.findall(text)
    unknown = [f for f in figures if f not in FIGURES_FROM_FACT_SHEET]
    assert not unknown, f"add to FIGURES_FROM_FACT_SHEET only if on the fact sheet: {unknown}"
    assert not re.search(r"\d", FIGURE.sub("", text)), "a number with no known kind"


@pytest.mark.parametrize("text", EXPLAINERS)
def test_a_spoken_explainer_states_no_figure_with_a_date_window(text: str) -> None:
    # rates change every January 1 and July 1; said aloud, they could not carry a date
    assert "$" not in text and not re.search(r"\b(?:19|20)\d{2}\b", text)
    assert "July" not in text and "January" not in text


@pytest.mark.parametrize("explainer", spoken.RIGHTS, ids=lambda e: e.msgid[:30])
def test_a_spoken_explainer_names_its_sources_and_a_review_date(
        explainer: spoken.Explainer) -> None:
    assert explainer.sources and all(s.strip() for s in explainer.sources)
    assert explainer.reviewed <= date.today()


def test_every_other_spoken_text_states_no_figure_but_911() -> None:
    for message, _ in SPOKEN:
        if message not in EXPLAINERS:
            assert set(FIGURE.findall(message)) <= {"911"}, message


def test_every_spoken_text_has_the_voice_context_and_a_translator_comment() -> None:
    said = {message for message, _ in SPOKEN}
    assert said == set(spoken.PROMPT_NAMES) | {
        spoken.CASE_NUMBER, spoken.CASE_NUMBER_AGAIN, spoken.ALREADY_OPEN,
        spoken.UNREACHED_WITH_PHONE, spoken.CASE_LIMIT_WITH_PHONE}
    for message, comments in SPOKEN:
        assert comments, f"no translator comment: {message}"
    sms = [message for _, message, _, context in EXTRACTED if context is None]
    assert sms == [spoken.CALL_TEXT]  # the one SMS here is measured like any other


def test_the_consent_says_it_is_recorded_why_and_that_it_stays_with_the_center() -> None:
    consent = spoken.RECORD_CONSENT
    assert "recorded" in consent and "listen to your message" in consent
    assert "not shared outside" in consent
