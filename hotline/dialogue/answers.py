"""Read a worker's typed answer: option numbers, a phone number, a clipped echo."""

from __future__ import annotations

import re

import phonenumbers

#: Longest answer kept for a one-line question (business, place, name).
MAX_SHORT_ANSWER = 200
#: Region assumed for phone numbers typed without a country code.
DEFAULT_REGION = "US"

_NUMBERS = re.compile(r"\d+")


def numbers(text: str) -> list[int]:
    """Read "1", "1 3", "1,3", "13" (options never go past 9) as option numbers."""
    found = _NUMBERS.findall(text)
    if not found or _NUMBERS.sub("", text).strip(" ,.;/&+-#y").strip():
        return []
    digits: list[int] = []
    for chunk in found:
        digits.extend(int(d) for d in chunk) if len(chunk) > 1 else digits.append(int(chunk))
    return digits


def one_number(text: str) -> int | None:
    """Read a single option number, or None when there is none or more than one."""
    found = numbers(text)
    return found[0] if len(found) == 1 else None


def clip(text: str | None, limit: int = 40) -> str:
    """Shorten a worker's answer for an echo in a reply."""
    if not text:
        return ""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def phone(text: str) -> str | None:
    """Return a typed phone number as E.164, or None if it isn't a possible one."""
    try:
        parsed = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
