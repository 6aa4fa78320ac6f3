"""Urgent cases: injury, immigration threats or raids, weeks without pay, violence."""

from __future__ import annotations

import pytest

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
