"""The rights explainers: shape, SMS budget, and no figure that is not dated in facts.toml."""

from __future__ import annotations

import re
import string
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file

from hotline.dialogue import explain
from hotline.dialogue import topics as topics_module
from hotline.dialogue.facts import Kind, packaged
from hotline.dialogue.replies import Reply
from hotline.dialogue.topics import (
    TOPIC_CHANGES,
    TOPICS,
    Figure,
    Topic,
    TopicId,
    figure_keys,
    msgids,
    topic,
)
from hotline.words.catalogs import Catalogs

MAX_PART_CHARS = 200
MAX_TITLE_CHARS = 22

# Printable ASCII and newline, minus what GSM-7 lacks (`) or sends as two septets via its
# extension table ([ ] { } \ ^ ~ |); braces are allowed only as {placeholders}.
SMS_SAFE = frozenset(string.ascii_letters + string.digits + " \n!\"#$%&'()*+,-./:;<=>?@_")

# Every kind of figure a sentence may contain. A match must be listed under the topic's
# [[topic]] entry in facts.toml; a digit outside every match fails on its own, so a new
# kind of figure forces a new pattern here rather than slipping through.
FIGURE = re.compile(
    r"""
      \$\d[\d,]*(?:\.\d+)?                                   # $100
    | (?:\b1-)?(?:\(\d{3}\)\ |\b\d{3}-)\d{3}-\d{4}\b         # 833-526-4636, (800) 593-8222
    | \b(?:911|3-1-1)\b                                      # short dial codes
    | \b(?:January|July)\ \d{1,2}(?:,\ \d{4})?               # July 1, July 1, 2025
    | \b\d+(?:\.\d+)?\ to\ \d+\ hours\b                      # 3.5 to 6 hours
    | \b\d+(?:\.\d+)?\ (?:hours?|days?|minutes?|years?|times|quarts?|locations|rests?)\b
    | \b\d+(?:st|nd|rd|th)\ (?:hour|day)\b                   # 5th hour, 90th day
    | \b\d+F\b                                               # 80F (degrees Fahrenheit)
    | \bLabor\ Code\ \d+\b
    | \b(?:19|20)\d{2}\b                                     # a year
    """,
    re.VERBOSE,
)
PLACEHOLDER = re.compile(r"\{\w+\}")

FACTS = packaged()
SENTENCES = [(t.id, sentence) for t in TOPICS for sentence in msgids(t)]
PARTS = [(t, i) for t in TOPICS for i in range(len(t.parts))]
PART_IDS = [f"{t.id}-{i + 1}" for t, i in PARTS]


def test_every_topic_id_has_exactly_one_topic_in_menu_order() -> None:
    assert [t.id for t in TOPICS] == list(TopicId)


@pytest.mark.parametrize("topic_id", list(TopicId))
def test_topic_looks_up_by_id(topic_id: TopicId) -> None:
    found = topic(topic_id)
    assert isinstance(found, Topic)
    assert found.id is topic_id


@pytest.mark.parametrize("t", TOPICS, ids=[t.id for t in TOPICS])
def test_topic_has_a_short_title_and_two_to_five_parts(t: Topic) -> None:
    assert 0 < len(t.title) <= MAX_TITLE_CHARS
    assert set(t.title) <= SMS_SAFE
    assert 2 <= len(t.parts) <= 5
    assert all(t.parts) and all(sum(isinstance(p, Figure) for p in part) <= 1
                                for part in t.parts)


@pytest.mark.parametrize("t", TOPICS, ids=[t.id for t in TOPICS])
def test_topic_is_dated_with_sources_and_a_review_in_the_facts_file(t: Topic) -> None:
    for key in (t.id, *figure_keys(t)):
        for fact in FACTS.entries[key]:
            assert fact.sources and all(s.strip() for s in fact.sources)
            assert fact.reviewed <= date.today()  # a review is never dated ahead
            assert fact.what
    assert FACTS.entries[t.id][0].kind is Kind.TOPIC
    assert FACTS.entries[t.id][-1].recheck


@pytest.mark.parametrize("t", TOPICS, ids=[t.id for t in TOPICS])
def test_source_line_takes_its_date_from_the_data(t: Topic) -> None:
    assert "{as_of}" in t.stamp
    assert not re.search(r"\b(?:19|20)\d{2}\b|\b(?:Jan|Feb|Jul)\b", t.stamp)


@pytest.mark.parametrize(("t", "index"), PARTS, ids=PART_IDS)
def test_every_way_a_part_reads_is_gsm7_plain_text_within_200_characters(
        t: Topic, index: int) -> None:
    english = Catalogs(Path("/nonexistent"), ("en",))
    for label, text in explain.variants(t, index, FACTS):
        rendered = english.render(Reply("{text}", {"text": text}), "en")  # no menu lines
        body = rendered.split("\n")[0]
        assert len(body) <= MAX_PART_CHARS, f"{t.id} {index + 1} {label}: {len(body)} chars"
        assert not set(rendered) - SMS_SAFE, sorted(set(rendered) - SMS_SAFE)


@pytest.mark.parametrize(("topic_id", "sentence"), SENTENCES)
def test_sentence_states_only_figures_dated_under_its_topic(topic_id: TopicId,
                                                             sentence: str) -> None:
    text = PLACEHOLDER.sub("", sentence)
    listed = set(FACTS.entries[topic_id][-1].figures)
    unknown = [f for f in FIGURE.findall(text) if f not in listed]
    assert not unknown, f"add to [[topic]] {topic_id} in facts.toml only if on the sheet: {unknown}"
    leftover = FIGURE.sub("", text)
    assert not re.search(r"\d", leftover), f"a number with no known kind: {leftover!r}"
    assert set(PLACEHOLDER.findall(sentence)) <= {"{amount}", "{since}", "{date}"}


@pytest.mark.parametrize("t", TOPICS, ids=[t.id for t in TOPICS])
def test_every_figure_listed_for_a_topic_is_still_stated(t: Topic) -> None:
    used = {f for sentence in msgids(t) for f in FIGURE.findall(PLACEHOLDER.sub("", sentence))}
    assert set(FACTS.entries[t.id][-1].figures) - used == set()


def test_a_figure_sentence_names_the_agency_to_call_when_it_cannot_state_the_figure() -> None:
    figures = [p for t in TOPICS for part in t.parts for p in part if isinstance(p, Figure)]
    assert {f.key for f in figures} == {
        "ca_minimum_wage", "la_city_minimum_wage", "la_county_minimum_wage",
        "fast_food_minimum_wage"}
    for figure in figures:
        assert "{amount}" in figure.stated and "{date}" in figure.changes
        assert re.search(r"\d{3}-\d{4}", figure.changes), figure.changes
        assert "{amount}" not in figure.changes


def test_babel_extracts_every_string_with_a_translator_comment() -> None:
    path = Path(topics_module.__file__)
    extracted = {
        message: comments
        for _, message, comments, _ in extract_from_file(
            "python",
            path,
            keywords=DEFAULT_KEYWORDS,
            comment_tags=("TRANSLATORS:",),
            strip_comment_tags=True,
        )
    }
    expected = ({t.title for t in TOPICS} | {t.stamp for t in TOPICS}
                | {s for t in TOPICS for s in msgids(t)} | {TOPIC_CHANGES})
    assert set(extracted) == expected
    for t in TOPICS:
        assert "source line" in " ".join(extracted[t.stamp])
        assert "22 characters" in " ".join(extracted[t.title])
        for i, part in enumerate(t.parts, start=1):
            for piece in part:
                for sentence in (piece.stated, piece.changes) if isinstance(piece, Figure) \
                        else (piece,):
                    comment = " ".join(extracted[sentence])
                    assert "2 segments" in comment, sentence
                    assert f"part {i}/{len(t.parts)}" in comment, sentence
