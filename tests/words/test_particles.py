"""A Korean particle right after a placeholder is flagged: its form depends on the number."""

from __future__ import annotations

from pathlib import Path

import pytest
from scratch_catalogs import LANGUAGES, before, locales, new_problems, po_of, translate

from hotline.dialogue import messages
from hotline.words.check import offered_languages
from hotline.words.findings import Kind
from hotline.words.particles import particles_after_placeholders

__all__ = ["before", "locales"]  # fixtures


@pytest.mark.parametrize(("text", "found"), [
    ("상담원이 사건 {ref}을 맡았어요.", ["{ref}을"]),
    ("급하면 {phone}로 전화하세요.", ["{phone}로"]),
    ("사건 {ref}은 종결됐어요. DONE {ref}를 보내세요.", ["{ref}은", "{ref}를"]),
    ("{phone}에 전화하세요.", ["{phone}에"]),
    ("사건 {ref}이 없어요.", ["{ref}이"]),
    ("{name}으로 보내요", ["{name}으로"]),
    ("%(ref)s을 맡았어요", ["%(ref)s을"]),
])
def test_a_particle_after_a_placeholder_is_found(text: str, found: list[str]) -> None:
    assert [str(p) for p in particles_after_placeholders(text)] == found


@pytest.mark.parametrize("text", [
    "상담원이 {ref}번 신청을 맡았어요.",  # a counter between: 번 takes 을 whatever the number
    "급하면 전화 주세요: {phone}",  # the number last
    "사진 {count}장 (링크는 이메일에)",
    "{minutes}분째 미처리: 사건 {ref}",
    "{name} 님이 맡았어요.",  # a space: the particle belongs to 님
    "{name}님 담당",
    "주 {hours}시간 이상",
    "{n}이상 일하면",  # 이상 is a noun, not the particle 이
    "화씨 {f}도 이상",  # 도 as degrees
    "번호(1~{last})로 답해 주세요.",  # the particle follows the bracket
    "{{ref}}을",  # a literal brace, no placeholder
])
def test_a_counter_a_noun_or_the_number_last_passes(text: str) -> None:
    assert particles_after_placeholders(text) == []


def test_the_check_flags_a_particle_after_a_placeholder_at_its_line(locales: Path,
                                                                   before) -> None:  # type: ignore[no-untyped-def]
    ko = po_of(locales, "ko")
    line = translate(ko, messages.CASE_TAKEN, "상담원이 사건 {ref}을 맡았어요. 곧 연락드릴 거예요.")
    (problem,) = new_problems(locales, before)
    assert problem.kind is Kind.PARTICLE and problem.path == ko and problem.line == line
    assert "{ref}을" in problem.message
    offered, _ = offered_languages(locales, LANGUAGES)
    assert "ko" in offered  # it reads wrong, but it works: workers keep their language


def test_organizer_alerts_are_checked_too(locales: Path, before) -> None:  # type: ignore[no-untyped-def]
    ko = po_of(locales, "ko")
    line = translate(ko, "Case {ref} is yours.", "사건 {ref}을 맡으셨어요.")
    (problem,) = new_problems(locales, before)
    assert problem.kind is Kind.PARTICLE and problem.line == line and not problem.for_workers


def test_the_real_catalogs_have_no_particle_after_a_placeholder() -> None:
    from hotline.config import PACKAGE_ROOT
    from hotline.words.check import check

    result = check(PACKAGE_ROOT / "locales", LANGUAGES, costs=False)
    assert [str(p) for p in result.problems if p.kind is Kind.PARTICLE] == []
