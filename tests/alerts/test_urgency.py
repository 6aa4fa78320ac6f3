"""Urgent cases: injury, immigration threats or raids, weeks without pay, violence."""

from __future__ import annotations

from re import _parser as sre_parse  # type: ignore[attr-defined]
from re._constants import (  # type: ignore[attr-defined]
    ASSERT,
    ASSERT_NOT,
    BRANCH,
    MAX_REPEAT,
    MAXREPEAT,
    MIN_REPEAT,
    SUBPATTERN,
)
from typing import Any

import pytest

from hotline.alerts import urgency
from hotline.alerts.urgency import Reason, assess


@pytest.mark.parametrize(("issues", "details", "reasons"), [
    (("safety",), None, {Reason.INJURY}),
    (("other",), "I got hurt with the fryer and went to the hospital", {Reason.INJURY}),
    (("other",), "Me lastimé la espalda en el trabajo", {Reason.INJURY}),
    (("other",), "일하다가 손을 다쳤어요", {Reason.INJURY}),
    (("retaliation",), "The boss said he will call ICE on me", {Reason.IMMIGRATION}),
    (("retaliation",), "mi jefe amenazó con llamar a la migra",
     {Reason.IMMIGRATION, Reason.VIOLENCE}),
    (("other",), "Hubo una redada en la fábrica", {Reason.IMMIGRATION}),
    (("retaliation",), "사장이 이민국에 신고한다고 했어요", {Reason.IMMIGRATION}),
    (("unpaid",), "They haven't paid me for 3 weeks", {Reason.UNPAID_WEEKS}),
    (("unpaid",), "No me han pagado en dos semanas", {Reason.UNPAID_WEEKS}),
    (("unpaid",), "3주째 월급을 못 받았어요", {Reason.UNPAID_WEEKS}),
    (("unpaid",), "두 달 동안 돈을 못 받았어요", {Reason.UNPAID_WEEKS}),
    (("other",), "My manager hit me", {Reason.VIOLENCE}),
    (("other",), "El supervisor me pegó", {Reason.VIOLENCE}),
    (("other",), "사장님이 저를 때렸어요", {Reason.VIOLENCE}),
    (("safety", "unpaid"), "weeks without pay and I was injured",
     {Reason.INJURY, Reason.UNPAID_WEEKS}),
])
def test_urgent_cases_are_found_in_every_language(issues: tuple[str, ...],
                                                  details: str | None,
                                                  reasons: set[Reason]) -> None:
    found = assess(issues, details)
    assert found.urgent and set(found.reasons) == reasons


@pytest.mark.parametrize(("issues", "details"), [
    (("unpaid",), "They didn't pay me last week"),
    (("unpaid",), "No me pagaron este mes"),
    (("other",), "3 weeks of no breaks"),          # weeks without the unpaid issue
    (("tips",), "the ice machine takes our tips"),  # "ice", not ICE
    (("breaks",), "No meal breaks on Saturdays"),
    (("overtime",), "초과근무 수당을 안 줘요"),
    (("retaliation",), None),
    ((), None),
])
def test_ordinary_cases_are_not_urgent(issues: tuple[str, ...], details: str | None) -> None:
    assert not assess(issues, details).urgent


def test_reasons_come_in_a_fixed_order() -> None:
    found = assess(("unpaid", "safety"), "he hit me, 2 months unpaid, ICE")
    assert found.reasons == (Reason.INJURY, Reason.IMMIGRATION, Reason.UNPAID_WEEKS,
                             Reason.VIOLENCE)


def _unbounded_repeats(parsed: Any) -> list[str]:
    """Return the repetitions of a parsed pattern with no upper bound (``+``, ``*``)."""
    found = []
    for op, arg in parsed:
        if op in (MAX_REPEAT, MIN_REPEAT):
            low, high, inner = arg
            if high == MAXREPEAT:
                found.append(f"{op} {low}..")
            found += _unbounded_repeats(inner)
        elif op == SUBPATTERN:
            found += _unbounded_repeats(arg[-1])
        elif op == BRANCH:
            for alternative in arg[1]:
                found += _unbounded_repeats(alternative)
        elif op in (ASSERT, ASSERT_NOT):
            found += _unbounded_repeats(arg[1])
    return found


def test_no_pattern_read_over_a_story_can_backtrack_without_bound() -> None:
    # `\d+\s*주` tried from each digit of a crafted 32 KB story is quadratic: seconds of a
    # worker's CPU per case. A bounded repetition costs the same at every start: linear.
    for pattern in (urgency._WEEKS, urgency._ICE):
        assert _unbounded_repeats(sre_parse.parse(pattern.pattern)) == [], pattern.pattern


@pytest.mark.parametrize("filler", ["1" * 32_000, "1 " * 16_000, "몇" + " " * 32_000,
                                    "9" * 32_000 + "주"])
def test_a_crafted_32_kb_story_is_read_like_any_other(filler: str) -> None:
    assert not assess(("unpaid",), filler).urgent
    assert assess(("unpaid",), filler + " 3주째 못 받았어요").reasons == (Reason.UNPAID_WEEKS,)


@pytest.mark.parametrize(("story", "weeks"), [
    ("12주 동안", True), ("3 주", True), ("999주", True), ("몇  주", True),
    ("1000주", False),  # no count of weeks has four digits: a number, not a duration
])
def test_a_number_of_weeks_is_read_from_its_first_digit(story: str, weeks: bool) -> None:
    assert (Reason.UNPAID_WEEKS in assess(("unpaid",), story).reasons) is weeks
