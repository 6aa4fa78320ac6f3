"""The facts file as data: windows, successors, and the errors staff see for a bad edit."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from hotline.dialogue.engine import Context, step
from hotline.dialogue.facts import PACKAGED_FILE, Changes, FactsError, Stated, packaged, parse
from hotline.dialogue.inbound import Channel, Inbound
from hotline.dialogue.session import Session
from hotline.dialogue.steps import StepId
from hotline.dialogue.topics import TOPICS, TopicId
from hotline.words.catalogs import Catalogs

PACIFIC = ZoneInfo("America/Los_Angeles")
STATE = """
[[figure]]
key = "ca_minimum_wage"
what = "California minimum wage"
value = "$16.90"
effective = 2026-01-01
next_change = 2027-01-01
reviewed = 2026-11-27
source = "dir.ca.gov"
"""
#: A made-up successor, as staff would enter the real one (test data, never sent).
SUCCESSOR = """
[[figure]]
key = "ca_minimum_wage"
what = "California minimum wage"
value = "$17.05"
effective = 2027-01-01
next_change = 2028-01-01
reviewed = 2026-12-20
source = "dir.ca.gov (test)"
"""


def test_a_figure_holds_from_its_effective_day_up_to_the_day_before_its_next_change() -> None:
    book = parse(STATE)
    assert isinstance(book.at("ca_minimum_wage", date(2026, 1, 1)), Stated)
    assert isinstance(book.at("ca_minimum_wage", date(2026, 12, 31)), Stated)
    assert book.at("ca_minimum_wage", date(2027, 1, 1)) == Changes(date(2027, 1, 1))
    assert book.at("ca_minimum_wage", date(2030, 5, 5)) == Changes(date(2027, 1, 1))
    # before the first entry the figure "changes on" the day it starts
    assert book.at("ca_minimum_wage", date(2025, 12, 31)) == Changes(date(2026, 1, 1))


def test_a_successor_entry_takes_over_on_its_effective_day() -> None:
    book = parse(STATE + SUCCESSOR)
    assert book.current("ca_minimum_wage", date(2026, 12, 31)).value == "$16.90"  # type: ignore[union-attr]
    assert book.current("ca_minimum_wage", date(2027, 1, 1)).value == "$17.05"  # type: ignore[union-attr]
    assert [f.value for f in book.entries["ca_minimum_wage"]] == ["$16.90", "$17.05"]


def test_entries_may_be_written_in_any_order() -> None:
    book = parse(SUCCESSOR + STATE)
    assert [f.value for f in book.entries["ca_minimum_wage"]] == ["$16.90", "$17.05"]


@pytest.mark.parametrize(("text", "says"), [
    (STATE.replace("2027-01-01", "2025-01-01"), "is not after effective"),
    (STATE.replace('value = "$16.90"', 'value = "16.90 dollars"'), "is not an amount"),
    (STATE.replace("effective = 2026-01-01\n", ""), "effective is missing"),
    (STATE.replace('source = "dir.ca.gov"\n', ""), "give its source"),
    (STATE.replace("reviewed = 2026-11-27", 'reviewed = "2026-11-27"'), "without quotes"),
    (STATE.replace("next_change", "next_chnage"), "unknown field(s) ['next_chnage']"),
    (STATE.replace("[[figure]]", "[figure]"), "write [[figure]]"),
    (STATE + SUCCESSOR.replace("effective = 2027-01-01", "effective = 2026-12-01"),
     "overlaps"),
    (STATE + "[[figure]\n", "facts.toml"),
    (STATE.replace('key = "ca_minimum_wage"', 'key = "CA wage"'), "lower-case"),
])
def test_a_bad_edit_is_refused_with_a_message_that_says_what_to_fix(text: str,
                                                                  says: str) -> None:
    with pytest.raises(FactsError) as raised:
        parse(text)
    assert says in str(raised.value)


def test_the_packaged_facts_parse_and_date_every_topic() -> None:
    book = packaged()
    assert PACKAGED_FILE.name == "facts.toml"
    assert {str(t.id) for t in TOPICS} <= set(book.keys())


@pytest.fixture(scope="module")
def catalogs(compiled_locales: Path) -> Catalogs:
    return Catalogs(compiled_locales, ("en", "es", "ko"))


def minimum_wage_part_2(catalogs: Catalogs, book_text: str, locale: str,
                        now: datetime) -> str:
    """The state-rate part as a worker reads it, with this facts file."""
    ctx = Context(catalogs.lexicon((str(t.id), t.keywords) for t in TOPICS),
                  ("en", "es", "ko"), facts=parse(packaged_text_without_state() + book_text))
    session = Session(locale=locale, step=StepId.TOPIC, topic=TopicId.MINIMUM_WAGE, part=0,
                      updated=int((now - timedelta(minutes=1)).timestamp()))
    outcome = step(session, Inbound("SM1", Channel.SMS, "+12135550100", "1"), now, ctx)
    assert outcome.session.part == 1
    return catalogs.render(outcome.replies[0], locale)


def packaged_text_without_state() -> str:
    text = PACKAGED_FILE.read_text(encoding="utf-8")
    blocks = text.split("[[figure]]")
    kept = [b for b in blocks[1:] if 'key = "ca_minimum_wage"' not in b]
    return blocks[0] + "".join("[[figure]]" + b for b in kept)


@pytest.mark.parametrize(("locale", "since"), [
    ("en", "January 1, 2027"), ("es", "1 de enero de 2027"), ("ko", "2027년 1월 1일")])
def test_staff_add_the_next_figure_as_data_and_the_bot_switches_on_its_day(
        catalogs: Catalogs, locale: str, since: str) -> None:
    eve = datetime(2026, 12, 31, 23, 59, tzinfo=PACIFIC)
    new_year = datetime(2027, 1, 1, 0, 0, tzinfo=PACIFIC)
    before = minimum_wage_part_2(catalogs, STATE + SUCCESSOR, locale, eve)
    after = minimum_wage_part_2(catalogs, STATE + SUCCESSOR, locale, new_year)
    assert "$16.90" in before and "$17.05" not in before
    assert "$17.05" in after and since in after and "$16.90" not in after
    assert "833-526-4636" not in after  # a figure in force needs no referral


def test_the_source_line_says_as_of_the_oldest_review_it_relies_on(catalogs: Catalogs) -> None:
    head, tail = PACKAGED_FILE.read_text(encoding="utf-8").split('key = "overtime"', 1)
    tail = tail.replace("reviewed = 2026-02-01", "reviewed = 2026-10-15", 1)
    ctx = Context(catalogs.lexicon((str(t.id), t.keywords) for t in TOPICS),
                  ("en", "es", "ko"), facts=parse(head + 'key = "overtime"' + tail))
    now = datetime(2026, 11, 27, 12, 0, tzinfo=PACIFIC)
    session = Session(locale="ko", step=StepId.RIGHTS,
                      updated=int((now - timedelta(minutes=1)).timestamp()))
    outcome = step(session, Inbound("SM1", Channel.SMS, "+12135550100", "3"), now, ctx)
    text = catalogs.render(outcome.replies[0], "ko")
    assert "2026년 10월 기준" in text and "2026년 2월" not in text


def test_a_topic_whose_rules_ran_out_says_so_and_gives_the_labor_commissioner(
        catalogs: Catalogs) -> None:
    text = PACKAGED_FILE.read_text(encoding="utf-8").replace(
        'key = "overtime"\nwhat = "Overtime (Labor Code 510, 1194)"\n',
        'key = "overtime"\nwhat = "Overtime (Labor Code 510, 1194)"\nnext_change = 2027-03-01\n')
    ctx = Context(catalogs.lexicon((str(t.id), t.keywords) for t in TOPICS),
                  ("en", "es", "ko"), facts=parse(text))
    for when, stated in ((datetime(2027, 2, 28, 23, 59, tzinfo=PACIFIC), True),
                         (datetime(2027, 3, 1, 0, 0, tzinfo=PACIFIC), False)):
        session = Session(locale="es", step=StepId.RIGHTS,
                          updated=int((when - timedelta(minutes=1)).timestamp()))
        outcome = step(session, Inbound("SM1", Channel.SMS, "+12135550100", "3"), when, ctx)
        rendered = catalogs.render(outcome.replies[0], "es")
        assert ("1.5 veces" in rendered) is stated
        assert ("1 de marzo de 2027" in rendered and "833-526-4636" in rendered) is not stated
        assert ("\n1 " in rendered) is stated  # no "More" under the notice
