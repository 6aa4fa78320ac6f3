"""The spoken texts: the same facts rules as the SMS explainers (dated in facts.toml), a
context of their own, and a translator comment on each."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from test_topics import FIGURE

from hotline.dialogue import spoken
from hotline.dialogue.facts import Kind, packaged

EXPLAINERS = list(spoken.RIGHTS)
DATED = packaged().entries[spoken.SPOKEN_RIGHTS]
EXTRACTED = list(extract_from_file(
    "python", Path(spoken.__file__), keywords={**DEFAULT_KEYWORDS, "NP_": ((1, "c"), 2)},
    comment_tags=("TRANSLATORS:",), strip_comment_tags=True))
SPOKEN = [(message, comments) for _, message, comments, context in EXTRACTED
          if context == spoken.VOICE]


def filled(text: str) -> str:
    """The text with the numbers the call flow spells out, as figures (no date)."""
    return text.replace("{date}", "").format(**spoken.SPELLED)


@pytest.mark.parametrize("text", [*EXPLAINERS, spoken.RIGHTS_CHANGED])
def test_a_spoken_explainer_states_only_figures_dated_in_the_facts_file(text: str) -> None:
    text = filled(text)
    unknown = [f for f in FIGURE.findall(text) if f not in DATED[-1].figures]
    assert not unknown, f"add to [[topic]] spoken_rights only if on the fact sheet: {unknown}"
    assert not re.search(r"\d", FIGURE.sub("", text)), "a number with no known kind"


def test_every_figure_dated_for_the_spoken_summary_is_still_said() -> None:
    said = {f for text in EXPLAINERS for f in FIGURE.findall(filled(text))}
    assert set(DATED[-1].figures) == said


@pytest.mark.parametrize("text", EXPLAINERS)
def test_a_spoken_explainer_states_no_figure_with_a_date_window(text: str) -> None:
    # rates change every January 1 and July 1; said aloud, they could not carry a date
    assert "$" not in text and not re.search(r"\b(?:19|20)\d{2}\b", text)
    assert "July" not in text and "January" not in text


def test_the_spoken_summary_is_dated_with_sources_and_a_review() -> None:
    for fact in DATED:
        assert fact.kind is Kind.TOPIC and fact.what
        assert fact.sources and all(s.strip() for s in fact.sources)
        assert fact.reviewed <= date.today()  # a review is never dated ahead
    assert DATED[-1].recheck


def test_every_other_spoken_text_states_no_figure_of_its_own() -> None:
    for message, _ in SPOKEN:
        if message not in (*EXPLAINERS, spoken.RIGHTS_CHANGED):
            assert not re.search(r"\d", message), message
    assert spoken.SPELLED["emergency"] == "911"
    assert "{emergency}" in spoken.WELCOME


def test_every_spoken_text_has_the_voice_context_and_a_translator_comment() -> None:
    said = {message for message, _ in SPOKEN}
    assert said == set(spoken.PROMPT_NAMES) | {
        spoken.CASE_NUMBER, spoken.CASE_NUMBER_AGAIN, spoken.ALREADY_OPEN,
        spoken.UNREACHED_WITH_PHONE, spoken.CASE_LIMIT_WITH_PHONE, spoken.RIGHTS_CHANGED}
    for message, comments in SPOKEN:
        assert comments, f"no translator comment: {message}"
    sms = [message for _, message, _, context in EXTRACTED if context is None]
    assert sms == [spoken.CALL_TEXT]  # the one SMS here is measured like any other


def test_the_consent_says_it_is_recorded_why_and_that_it_stays_with_the_center() -> None:
    consent = spoken.RECORD_CONSENT
    assert "recorded" in consent and "listen to your message" in consent
    assert "not shared outside" in consent
