"""Figures the bot states switch on their dates by themselves, in the center's time zone.

A frozen clock on both sides of each boundary, in every language: the minimum-wage
explainer states a rate only inside its window; past its end, with no successor entered,
it says the rate changes on that date and gives the agency's line for today's rate.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from hotline.dialogue.engine import Context, step
from hotline.dialogue.inbound import Channel, Inbound
from hotline.dialogue.session import Session
from hotline.dialogue.steps import StepId
from hotline.dialogue.topics import TOPICS, TopicId
from hotline.words.catalogs import Catalogs

LANGUAGES = ("en", "es", "ko")
PACIFIC = ZoneInfo("America/Los_Angeles")

#: How each language writes the day a rate changes.
NEW_YEAR_2027 = {"en": "January 1, 2027", "es": "1 de enero de 2027", "ko": "2027년 1월 1일"}
JULY_2026 = {"en": "July 1, 2026", "es": "1 de julio de 2026", "ko": "2026년 7월 1일"}
LABOR_COMMISSIONER = "833-526-4636"
LA_CITY_OWS = "1-844-924-3752"
LA_COUNTY_DCBA = "(800) 593-8222"


@pytest.fixture(scope="module")
def catalogs(compiled_locales: Path) -> Catalogs:
    return Catalogs(compiled_locales, LANGUAGES)


@pytest.fixture(scope="module")
def ctx(catalogs: Catalogs) -> Context:
    return Context(catalogs.lexicon((str(t.id), t.keywords) for t in TOPICS), LANGUAGES)


def pacific(*args: int) -> datetime:
    return datetime(*args, tzinfo=PACIFIC)


def explainer(ctx: Context, catalogs: Catalogs, locale: str, topic: TopicId,
              now: datetime) -> str:
    """Read every part of one explainer as a worker in ``locale`` would, at ``now``."""
    number = [t.id for t in TOPICS].index(topic) + 1
    session = Session(locale=locale, step=StepId.RIGHTS,
                      updated=int((now - timedelta(minutes=1)).timestamp()))
    texts: list[str] = []
    for n, answer in enumerate([str(number)] + ["1"] * 5):
        outcome = step(session, Inbound(f"SM{n}", Channel.SMS, "+12135550100", answer), now,
                       ctx)
        session = outcome.session
        if session.step != StepId.TOPIC:
            break
        texts += [catalogs.render(reply, locale) for reply in outcome.replies]
    return "\n".join(texts)


@pytest.mark.parametrize("locale", LANGUAGES)
def test_the_2026_state_rate_is_stated_until_the_last_minute_of_2026(
        ctx: Context, catalogs: Catalogs, locale: str) -> None:
    text = explainer(ctx, catalogs, locale, TopicId.MINIMUM_WAGE, pacific(2026, 12, 31, 23, 59))
    assert "$16.90" in text


@pytest.mark.parametrize("locale", LANGUAGES)
def test_from_new_year_2027_the_state_rate_is_not_stated_and_the_agency_line_is_given(
        ctx: Context, catalogs: Catalogs, locale: str) -> None:
    text = explainer(ctx, catalogs, locale, TopicId.MINIMUM_WAGE, pacific(2027, 1, 1, 0, 0))
    assert "$16.90" not in text
    assert NEW_YEAR_2027[locale] in text
    assert LABOR_COMMISSIONER in text


@pytest.mark.parametrize("locale", LANGUAGES)
def test_the_new_year_switch_follows_pacific_time_not_utc(
        ctx: Context, catalogs: Catalogs, locale: str) -> None:
    # 2027-01-01 05:00 UTC is still 2026 in Los Angeles
    eve = pacific(2026, 12, 31, 21, 0).astimezone(ZoneInfo("UTC"))
    assert eve.date().isoformat() == "2027-01-01"
    assert "$16.90" in explainer(ctx, catalogs, locale, TopicId.MINIMUM_WAGE, eve)


@pytest.mark.parametrize("locale", LANGUAGES)
def test_the_la_city_and_county_rates_are_stated_until_june_30_2026(
        ctx: Context, catalogs: Catalogs, locale: str) -> None:
    text = explainer(ctx, catalogs, locale, TopicId.MINIMUM_WAGE, pacific(2026, 6, 30, 23, 59))
    assert "$17.87" in text  # City of LA from 2025-07-01
    assert "$17.81" in text  # unincorporated LA County from 2025-07-01
    assert "$16.90" in text


@pytest.mark.parametrize("locale", LANGUAGES)
def test_from_july_1_2026_the_city_and_county_rates_give_way_to_their_agencies(
        ctx: Context, catalogs: Catalogs, locale: str) -> None:
    text = explainer(ctx, catalogs, locale, TopicId.MINIMUM_WAGE, pacific(2026, 7, 1, 0, 0))
    assert "$17.87" not in text
    assert "$17.81" not in text
    assert text.count(JULY_2026[locale]) == 2  # the city and the county
    assert LA_CITY_OWS in text and LA_COUNTY_DCBA in text
    assert "$16.90" in text  # the state rate is still in its window


@pytest.mark.parametrize("locale", LANGUAGES)
def test_the_source_line_is_dated_from_the_data(
        ctx: Context, catalogs: Catalogs, locale: str) -> None:
    text = explainer(ctx, catalogs, locale, TopicId.OVERTIME, pacific(2026, 11, 27, 12, 0))
    assert {"en": "Feb 2026", "es": "feb 2026", "ko": "2026년 2월"}[locale] in text
