"""The real catalogs pass `hotline i18n check`: complete, placeholders kept, and every fixed
reply within its SMS budget as the worker receives it (the same rendering the bot uses)."""

from __future__ import annotations

import pytest

from hotline.config import PACKAGE_ROOT
from hotline.dialogue import flow
from hotline.dialogue.replies import Msg, Reply
from hotline.dialogue.topics import TOPICS
from hotline.words.catalogs import Catalogs
from hotline.words.check import check
from hotline.words.costs import DEFAULT_BUDGET
from hotline.words.findings import Result

LANGUAGES = ("en", "es", "ko")


@pytest.fixture(scope="module")
def result() -> Result:
    return check(PACKAGE_ROOT / "locales", LANGUAGES)


@pytest.mark.parametrize("locale", LANGUAGES)
def test_every_catalog_passes_the_check(result: Result, locale: str) -> None:
    problems = [str(p) for p in result.problems if p.locale in (locale, "")]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("locale", LANGUAGES)
def test_every_topic_part_and_question_is_measured(result: Result, locale: str) -> None:
    (report,) = [r for r in result.reports if r.locale == locale]
    names = {cost.name for cost in report.costs}
    for topic in TOPICS:
        for part in range(len(topic.parts)):
            assert f"{topic.id} {part + 1}/{len(topic.parts)}" in names
    assert {str(step) for step in flow.QUESTIONS} <= names
    assert {"menu", "rights", "language menu", "summary", "welcome", "help"} <= names
    assert all(cost.line > 0 for cost in report.costs), [c.name for c in report.costs
                                                         if c.line <= 0]
    assert all(cost.budget in (None, DEFAULT_BUDGET, 3) for cost in report.costs)


def test_summary_labels_are_short() -> None:
    catalogs = Catalogs(PACKAGE_ROOT / "locales", LANGUAGES, from_source=True)
    for locale in LANGUAGES:
        for option in (*flow.INDUSTRIES, *flow.ISSUE_TYPES, *flow.WHEN, *flow.CONTACT_METHODS):
            assert len(catalogs.render(Reply("{x}", {"x": Msg(option.label)}), locale)) <= 32


@pytest.mark.parametrize("locale", LANGUAGES)
def test_no_reply_asks_the_worker_to_send_a_word_twilio_intercepts(result: Result,
                                                                   locale: str) -> None:
    import re

    from hotline.dialogue.keywords import TWILIO_RESERVED

    (report,) = [r for r in result.reports if r.locale == locale]
    from hotline.dialogue import messages

    opted_out = re.escape(messages.OPTED_OUT[:20])
    for cost in report.costs:
        if re.match(opted_out, cost.name.strip("'")):
            continue  # "Send START to get them again" names Twilio's own opt-in word
        words = {w.lower() for w in re.findall(r"\b[A-Z]{2,}\b", cost.text)}
        assert not words & TWILIO_RESERVED, (cost.name, cost.text)
