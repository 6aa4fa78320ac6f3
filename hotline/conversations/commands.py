"""Organizers' conversation commands by SMS/WhatsApp, read from their text. Pure.

``482135 your message`` (also ``#482135 …``, ``482 135 …``) writes to the worker of
case 482135; ``BYE 482135`` (``ADIOS``, ``종료``) ends the conversation, leaving the
case open. ``DONE 482135`` stays what it was (``alerts.claims``): it closes the case,
and the conversation with it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from hotline.store import refs


class Verb(StrEnum):
    WRITE = "write"
    BYE = "bye"


#: Words that end a conversation without closing the case, in English, Spanish, Korean.
BYE_WORDS = frozenset({"BYE", "ADIOS", "ADIÓS", "CHAO", "종료", "대화종료"})

# a reference first: six digits (as people group them: "482 135", "482-135") or an
# older one of four or five; then the message
_WRITE = re.compile(r"^\s*#?\s*(?P<ref>\d{3}[ .-]?\d{3}|\d{4,8})(?![\d])[\s:,.;-]*"
                    r"(?P<text>.*)$", re.DOTALL)
_BYE = re.compile(r"^(?P<word>[^\s\d#]+)\s*#?\s*(?P<ref>\d(?:[\d\s.-]*\d)?)$")


@dataclass(frozen=True)
class Command:
    """``Command(Verb.WRITE, "482135", "Hi Min, this is Ana")``."""

    verb: Verb
    ref: str
    text: str = ""


def parse(text: str) -> Command | None:
    """Read a conversation command; None for anything else (claims, help)."""
    written = _WRITE.match(text)
    if written is not None:
        ref = _ascii(written["ref"])
        return Command(Verb.WRITE, ref, written["text"].strip()) if ref else None
    cleaned = " ".join(unicodedata.normalize("NFKC", text).strip().strip(".!").split())
    said = _BYE.match(cleaned)
    if said is not None and said["word"].upper() in BYE_WORDS:
        ref = _ascii(said["ref"])
        return Command(Verb.BYE, ref) if ref else None
    return None


def _ascii(typed: str) -> str:
    """Return a typed reference as ASCII digits (full-width ones from a Korean keyboard
    too), or "" if it is no reference."""
    ref = refs.clean(unicodedata.normalize("NFKC", typed))
    return ref if ref.isascii() and ref.isdigit() and 4 <= len(ref) <= 8 else ""
