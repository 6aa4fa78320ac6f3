"""Read a worker's typed answer: option numbers and phone numbers."""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

#: Longest answer kept for a one-line question (business, place, name).
MAX_SHORT_ANSWER = 200
#: Region assumed for phone numbers typed without a country code.
DEFAULT_REGION = "US"

_NUMBERS = re.compile(r"\d+")
#: What turns a digit into a keycap emoji (1️⃣ is 1, U+FE0F, U+20E3).
_KEYCAP = re.compile("[\ufe0f\u20e3]")
#: The Korean counter after an option number: "1번", "2번이요", "3번요".
_COUNTER = re.compile(r"(?<=\d)\s*번(?:이요|이에요|요)?")


def numbers(text: str) -> list[int]:
    """Read "1", "1 3", "1,3", "13" (options never go past 9) as option numbers.

    Also "1️⃣", "１", "①" and "1번": the ways a phone or a habit writes a number.
    """
    if not text.isascii():
        text = _COUNTER.sub(" ", _KEYCAP.sub("", unicodedata.normalize("NFKC", text)))
    found = _NUMBERS.findall(text)
    if not found or _NUMBERS.sub("", text).strip(" ,.;/&+-#y").strip():
        return []
    digits: list[int] = []
    for chunk in found:
        digits.extend(int(d) for d in chunk) if len(chunk) > 1 else digits.append(int(chunk))
    return digits


def phone(text: str) -> str | None:
    """Return a typed phone number as E.164, or None if it isn't a possible one."""
    try:
        parsed = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
