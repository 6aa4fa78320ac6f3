"""The voice line's voices as settings data: ``VOICES`` parsed and checked.

Twilio names its text-to-speech voices (``Polly.Seoyeon-Neural``, ``Google.es-US-…``)
and may rename third-party ones, so which voice speaks which language is a setting:
``locale=Voice/language-tag`` items, comma-separated, in the order callers hear the
language choice. Pure: ``config`` uses it to refuse a bad value at start-up.
"""

from __future__ import annotations

#: Most languages the voice line offers: one key each on the phone's keypad.
MAX_VOICES = 9
#: Longest message a caller may leave (Twilio records up to 4 hours; a voicemail is not that).
MAX_RECORD_SECONDS = 1800


def parse(text: str) -> dict[str, tuple[str, str]]:
    """Return locale → (Twilio voice, language tag); ValueError names a bad item."""
    found: dict[str, tuple[str, str]] = {}
    for item in text.split(","):
        if not item.strip():
            continue
        locale, sep, spec = (part.strip() for part in item.partition("="))
        voice, slash, tag = (part.strip() for part in spec.partition("/"))
        if not sep or not locale or not slash or not voice or not tag:
            raise ValueError(f"{item.strip()!r} is not locale=Voice/language-tag")
        found[locale] = (voice, tag)
    if len(found) > MAX_VOICES:
        raise ValueError(f"at most {MAX_VOICES} languages (one key each on the phone)")
    return found
