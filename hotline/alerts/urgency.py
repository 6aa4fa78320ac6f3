"""Which cases cannot wait: injury, immigration threats or raids, weeks without pay,
violence. Pure: reads the issue types and the worker's own words (en, es, ko).

A false alarm wakes a few more organizers; a missed one leaves a hurt or threatened
worker waiting. So the keyword lists lean towards alarm.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Reason(StrEnum):
    INJURY = "injury"
    IMMIGRATION = "immigration"
    UNPAID_WEEKS = "unpaid for weeks"
    VIOLENCE = "violence"


@dataclass(frozen=True)
class Urgency:
    """Whether a case is urgent and why: ``Urgency((Reason.INJURY,))``."""

    reasons: tuple[Reason, ...] = ()

    @property
    def urgent(self) -> bool:
        return bool(self.reasons)


# Latin-script words match at a word start ("herid" matches "herida", "herido"); Hangul
# has no spaces between a stem and its endings, so Korean stems match anywhere.
_LATIN: dict[Reason, tuple[str, ...]] = {
    Reason.INJURY: (
        "injur", "hurt", "accident", "bleed", "hospital", "broke my", "broken", "burn",
        "fainted", "passed out", "heat stroke", "ambulance", "emergency room",
        "herid", "lesion", "lastim", "accidente", "sangr", "quemad", "quebr", "fractur",
        "me desmay", "golpe de calor", "ambulancia", "emergencia",
    ),
    Reason.IMMIGRATION: (
        "immigration", "deport", "raid", "my papers", "no papers", "migra", "inmigraci",
        "redada", "papeles", "indocumentad",
        "undocumented",
    ),
    Reason.VIOLENCE: (
        "hit me", "hits me", "beat", "punch", "slap", "assault", "attack", "threat",
        "kill", "gun", "knife", "violen", "abuse", "harass", "rape",
        "me peg", "golpe", "amenaz", "matar", "pistola", "cuchillo", "abus", "acos",
        "viola", "agred",
    ),
}
_HANGUL: dict[Reason, tuple[str, ...]] = {
    Reason.INJURY: ("다쳤", "다치", "부상", "사고", "병원", "응급", "화상", "골절", "쓰러",
                    "피가", "열사병"),
    Reason.IMMIGRATION: ("이민", "추방", "단속", "불법체류", "신분", "서류 없", "체류"),
    Reason.VIOLENCE: ("때렸", "때리", "맞았", "폭행", "폭력", "협박", "위협", "죽이", "칼",
                      "총", "성희롱", "성추행"),
}
# "ICE" only in capitals: "ice" is also ice.
_ICE = re.compile(r"\bICE\b")
# Weeks or months in any of the three languages ("2 weeks", "semanas", "3주", "두 달");
# a single week ("last week", "este mes") is not enough. Every repetition is bounded and
# a number is matched only from its first digit, so a crafted story costs linear time
# (``\d+\s*주`` tried from each digit of 32 KB of digits took seconds of worker CPU).
_WEEKS = re.compile(
    r"\b(weeks|months|fortnight|semanas|meses|quincenas)\b"
    r"|(?<!\d)\d{1,3}\s{0,3}주|몇\s{0,3}주|주째|주\s{0,3}동안|개월"
    r"|달\s{0,3}(째|동안|이상)|(두|세|네|몇|한)\s{0,3}달"
)


def assess(issues: Iterable[str], details: str | None) -> Urgency:
    """Tell whether a case is urgent from its issue types and the worker's story."""
    issues = tuple(issues)
    text = _plain(details or "")
    reasons: list[Reason] = []
    if "safety" in issues:
        reasons.append(Reason.INJURY)
    for reason in (Reason.INJURY, Reason.IMMIGRATION, Reason.VIOLENCE):
        if reason not in reasons and _mentions(text, reason):
            reasons.append(reason)
    if Reason.IMMIGRATION not in reasons and _ICE.search(details or ""):
        reasons.append(Reason.IMMIGRATION)
    if "unpaid" in issues and _WEEKS.search(text):
        reasons.append(Reason.UNPAID_WEEKS)
    order = list(Reason)
    return Urgency(tuple(sorted(reasons, key=order.index)))


def _mentions(text: str, reason: Reason) -> bool:
    if any(stem in text for stem in _HANGUL[reason]):
        return True
    return any(re.search(r"\b" + re.escape(stem), text) for stem in _LATIN[reason])


def _plain(text: str) -> str:
    """Lower-case without accents, so "lesión" and "lesion" read alike; Hangul is kept."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)
