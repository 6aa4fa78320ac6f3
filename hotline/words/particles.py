"""Find a Korean particle written right after a placeholder (``사건 {ref}을``, ``{phone}로``).

A Korean particle changes with the sound the word before it ends in: 을/를, 이/가,
은/는, 으로/로, 과/와. A placeholder's value is not known when the translator writes the
sentence, and a number ends in a different sound from one digit to the next (…1 일, …2 이,
…3 삼, …0 공), so a fixed particle after ``{ref}`` or ``{phone}`` is wrong for about half
of all values. Even particles that never change (에, 에서, 까지) hang off a number the
reader must voice in their head. The fix is always to rephrase: a counter or noun first
(``{ref}번 사건을``), or the placeholder last (``급하면 전화 주세요: {phone}``).

A counter or noun right after the placeholder is fine, and so is a particle after one
(``{count}장``, ``{ref}번을``, ``{minutes}분째``, ``{hours}시간 이상``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Particles (and the copula) that may not follow a placeholder directly, longest first
#: so "으로" is reported as itself rather than as "으".
PARTICLES = tuple(sorted(
    """
    은 는 이 가 을 를 과 와 으로 로 이랑 랑 이나 나 이나마 이든 든 이라도 라도 이란 란
    이라고 라고 이라 라 이며 며 이고 이에요 예요 이야 야 이다 다 입니다 이세요 세요
    의 에 에서 에게 에게서 한테 께 께서 까지 부터 만 도 보다 처럼 마다 밖에 조차 이요 요
    """.split(), key=len, reverse=True))

#: Words that may follow a placeholder directly: counters and nouns a number takes.
#: Checked before the particles, so "{ref}번을" and "{n}이상" pass. 도 is here as the
#: counter of degrees (화씨 {f}도), so "also" (도) after a placeholder goes unflagged.
COUNTERS = tuple(sorted(
    """
    번 번째 장 개 건 명 분 초 시 시간 일 주 주일 달 개월 월 년 살 회 차 층 호 원 달러
    센트 퍼센트 도 쿼트 리터 마일 피트 인치 파운드 가지 님
    이상 이하 이내 미만 이후 이전 전 후 동안 중 정도 쯤 가량 씩 째
    """.split(), key=len, reverse=True))

_AFTER_PLACEHOLDER = re.compile(r"(\{[^{}]*\}|%\(\w+\)[a-z])([\uac00-\ud7a3]+)")


@dataclass(frozen=True)
class Particle:
    """A particle found right after a placeholder: ``{ref}`` then ``을``."""

    placeholder: str
    particle: str
    word: str

    def __str__(self) -> str:
        return f"{self.placeholder}{self.word}"


def particles_after_placeholders(text: str) -> list[Particle]:
    """Return each Hangul particle that follows a placeholder with no counter between."""
    found: list[Particle] = []
    for match in _AFTER_PLACEHOLDER.finditer(text):
        placeholder, word = match.group(1), match.group(2)
        if any(word.startswith(counter) for counter in COUNTERS):
            continue
        particle = next((p for p in PARTICLES if word.startswith(p)), None)
        if particle is not None:
            found.append(Particle(placeholder, particle, word))
    return found
