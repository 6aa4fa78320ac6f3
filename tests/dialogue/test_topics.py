"""The rights explainers: shape, SMS budget, and no figure that is not on the fact sheet."""

from __future__ import annotations

import re
import string
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file

from hotline.dialogue import topics as topics_module
from hotline.dialogue.topics import FIGURES_FROM_FACT_SHEET, TOPICS, Topic, TopicId, topic

MAX_PART_CHARS = 200
MAX_TITLE_CHARS = 22

# Printable ASCII and newline, minus what GSM-7 lacks (`) or sends as two septets via its
# extension table ([ ] { } \ ^ ~ |); braces would also clash with {placeholders}.
SMS_SAFE = frozenset(string.ascii_letters + string.digits + " \n!\"#$%&'()*+,-./:;<=>?@_")

# Every kind of figure a part may contain. A match must be listed in
# FIGURES_FROM_FACT_SHEET; a digit outside every match fails on its own, so a new kind of
# figure forces a new pattern here rather than slipping through.
FIGURE = re.compile(
    r"""
      \$\d[\d,]*(?:\.\d+)?                                   # $16.90, $20
    | (?:\b1-)?(?:\(\d{3}\)\ |\b\d{3}-)\d{3}-\d{4}\b         # 833-526-4636, (800) 593-8222
    | \b(?:911|3-1-1)\b                                      # short dial codes
    | \b(?:January|July)\ \d{1,2}(?:,\ \d{4})?               # July 1, July 1, 2025
    | \b\d+(?:\.\d+)?\ (?:hours?|days?|minutes?|years?|times|quarts?|locations|rests)\b
    | \b\d+(?:st|nd|rd|th)\ (?:hour|day)\b                   # 5th hour, 90th day
    | \b\d+F\b                                               # 80F (degrees Fahrenheit)
    | \bLabor\ Code\ \d+\b
    | \b(?:19|20)\d{2}\b                                     # a year
    """,
    re.VERBOSE,
)

ALL_PARTS = [(t.id, i, part) for t in TOPICS for i, part in enumerate(t.parts, start=1)]
PART_IDS = [f"{topic_id}-{i}" for topic_id, i, _ in ALL_PARTS]


def test_every_topic_id_has_exactly_one_topic_in_menu_order() -> None:
    assert [t.id for t in TOPICS] == list(TopicId)


@pytest.mark.parametrize("topic_id", list(TopicId))
def test_topic_looks_up_by_id(topic_id: TopicId) -> None:
    found = topic(topic_id)
    assert isinstance(found, Topic)
    assert found.id is topic_id


@pytest.mark.parametrize("t", TOPICS, ids=[t.id for t in TOPICS])
def test_topic_has_a_short_title_and_two_to_four_parts(t: Topic) -> None:
    assert 0 < len(t.title) <= MAX_TITLE_CHARS
    assert set(t.title) <= SMS_SAFE
    assert 2 <= len(t.parts) <= 4


@pytest.mark.parametrize("t", TOPICS, ids=[t.id for t in TOPICS])
def test_topic_names_its_sources_and_a_review_date_not_in_the_future(t: Topic) -> None:
    assert t.sources
    assert all(source.strip() for source in t.sources)
    assert t.reviewed <= date.today()
    assert t.recheck.strip()


@pytest.mark.parametrize(("topic_id", "index", "part"), ALL_PARTS, ids=PART_IDS)
def test_part_is_gsm7_plain_text_within_the_sms_budget(
    topic_id: TopicId, index: int, part: str
) -> None:
    assert len(part) <= MAX_PART_CHARS, f"{topic_id} part {index} is {len(part)} chars"
    assert not set(part) - SMS_SAFE, f"not plain GSM-7: {sorted(set(part) - SMS_SAFE)}"
    assert part == part.strip()


@pytest.mark.parametrize(("topic_id", "index", "part"), ALL_PARTS, ids=PART_IDS)
def test_part_states_only_figures_from_the_fact_sheet(
    topic_id: TopicId, index: int, part: str
) -> None:
    figures = FIGURE.findall(part)
    unknown = [f for f in figures if f not in FIGURES_FROM_FACT_SHEET]
    assert not unknown, f"add to FIGURES_FROM_FACT_SHEET only if on the fact sheet: {unknown}"
    leftover = FIGURE.sub("", part)
    assert not re.search(r"\d", leftover), f"a number with no known kind: {leftover!r}"


def test_every_listed_figure_is_still_used() -> None:
    used = {f for _, _, part in ALL_PARTS for f in FIGURE.findall(part)}
    assert FIGURES_FROM_FACT_SHEET - used == set()


def test_no_current_la_city_rate_is_stated_while_the_july_2026_rate_is_unconfirmed() -> None:
    # The sheet has LA City rates only up to 2025-07-01; the rate from 2026-07-01 is
    # NOT FOUND. The 2025 rate may appear only as a past rate ("It was ... from ...").
    text = " ".join(topic(TopicId.MINIMUM_WAGE).parts)
    assert "It was $17.87 from July 1, 2025" in text
    assert "1-844-924-3752" in text
    assert all(part.count("$17.87") <= 1 for _, _, part in ALL_PARTS)


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
                | {part for _, _, part in ALL_PARTS})
    assert set(extracted) == expected
    for t in TOPICS:
        assert "source line" in " ".join(extracted[t.stamp])
    for t in TOPICS:
        assert "22 characters" in " ".join(extracted[t.title])
        for i, part in enumerate(t.parts, start=1):
            comment = " ".join(extracted[part])
            assert "2 segments" in comment, part
            assert f"part {i}/{len(t.parts)}" in comment, part
