"""Count the SMS segments a text costs, and fold it to GSM-7 where that is cheap and safe.

Pure arithmetic: no I/O, no globals that change. Encoding and segment sizes follow
3GPP TS 23.038 (GSM 03.38) and the concatenated-SMS user data header of TS 23.040:

- GSM-7 if every character is in the basic table or the extension table (an extension
  character is sent as ESC + char, so it costs 2 septets); otherwise UCS-2, which is
  UTF-16 on the wire (a character outside the BMP, such as most emoji, costs 2 code units).
- One SMS holds 160 septets or 70 code units. A multipart message loses room to its
  header: 153 septets or 67 code units per segment.
- A segment boundary never falls inside an escape sequence, a surrogate pair or a
  grapheme cluster (what a reader sees as one character: 👍🏽 is 👍 + a skin tone,
  👨‍👩‍👧 is three emoji joined by ZWJ, 1️⃣ is 1 + two marks). The whole cluster moves to the
  next segment, leaving the rest of the previous one unused. This is how Twilio bills
  (its published segment calculator splits the text into grapheme clusters and never
  breaks one); counting code points instead puts a skin-tone emoji on a boundary one
  segment short.

The encoding is chosen character by character (3GPP): Twilio's calculator also calls a
CR LF pair UCS-2, because it is one grapheme cluster of two characters, but no reply we
send has one (our texts use LF, and echoed answers are flattened to one line).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum

import regex


class Encoding(StrEnum):
    """Name the alphabet an SMS is sent in, as carriers and Twilio spell it."""

    GSM7 = "GSM-7"
    UCS2 = "UCS-2"


# GSM 03.38 basic character set, row by row from 0x00 to 0x7F. 0x1B is the escape to the
# extension table and is not a character; 0x09 is the capital Ç, as 3GPP TS 23.038 and
# Twilio have it (some older mapping tables put a small ç there).
_GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)

# GSM 03.38 extension table: each is sent as ESC + char, 2 septets.
_GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")
_GSM7_ALL = _GSM7_BASIC | _GSM7_EXTENSION

_GSM7_SINGLE = 160
_GSM7_MULTI = 153
_UCS2_SINGLE = 70
_UCS2_MULTI = 67

# Characters with a close GSM-7 look-alike. Accented letters that are already GSM-7 (é, ñ,
# ü, à, ...) are never looked up here; other accents are also stripped by _strip_accents.
# fmt: off
_FOLDS = {
    "á": "a", "í": "i", "ó": "o", "ú": "u",
    "Á": "A", "Í": "I", "Ó": "O", "Ú": "U",
    "â": "a", "ê": "e", "î": "i", "ô": "o", "û": "u",
    "ã": "a", "õ": "o",
    "ç": "Ç",
    "ï": "i", "ë": "e",
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "´": "'", "`": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"',
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
    "…": "...",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ",
    "·": "-", "•": "-",
}
# fmt: on


@dataclass(frozen=True)
class Segments:
    """Describe what a text costs as SMS: its alphabet, its length in units, its segments."""

    encoding: Encoding
    units: int
    count: int

    @property
    def per_segment(self) -> int:
        """Return how many units each segment of this message holds."""
        if self.encoding is Encoding.GSM7:
            return _GSM7_SINGLE if self.count == 1 else _GSM7_MULTI
        return _UCS2_SINGLE if self.count == 1 else _UCS2_MULTI


def capacity(encoding: Encoding, segments: int) -> int:
    """Return how many units ``segments`` SMS hold in ``encoding`` (2 GSM-7 hold 306)."""
    if segments <= 1:
        return _GSM7_SINGLE if encoding is Encoding.GSM7 else _UCS2_SINGLE
    return segments * (_GSM7_MULTI if encoding is Encoding.GSM7 else _UCS2_MULTI)


def measure(text: str) -> Segments:
    """Measure text as an SMS so callers can warn before a reply costs several segments."""
    # The units do not depend on where clusters fall, only the packing into several
    # segments does: a text that fits one segment is never split into clusters (the
    # summary of every report is measured, bench/optimisations.md).
    if is_gsm7(text):
        encoding, single, multi = Encoding.GSM7, _GSM7_SINGLE, _GSM7_MULTI
        units = len(text) + sum(text.count(char) for char in _GSM7_EXTENSION)
    else:
        encoding, single, multi = Encoding.UCS2, _UCS2_SINGLE, _UCS2_MULTI
        units = len(text.encode("utf-16-le", "surrogatepass")) // 2
    if units <= single:
        return Segments(encoding, units, 1)
    clusters = graphemes(text)
    if len(clusters) == units:  # every cluster is one unit: no boundary to respect
        return Segments(encoding, units, -(-units // multi))
    if encoding is Encoding.GSM7:
        sizes = [sum(2 if char in _GSM7_EXTENSION else 1 for char in cluster)
                 for cluster in clusters]
    else:
        sizes = [_utf16_units(cluster) for cluster in clusters]
    return Segments(encoding, units, _pack(sizes, multi))


def graphemes(text: str) -> list[str]:
    """Split text into grapheme clusters (Unicode extended clusters, as a reader sees it)."""
    if text.isascii() and "\r" not in text:
        return list(text)  # every ASCII character but CR LF is its own cluster
    return _CLUSTER.findall(text)


def _utf16_units(cluster: str) -> int:
    return sum(2 if ord(char) > 0xFFFF else 1 for char in cluster)


_CLUSTER = regex.compile(r"\X")


def _pack(sizes: list[int], capacity: int) -> int:
    """Return how many segments hold these cluster sizes when no cluster may straddle two."""
    count, free = 1, capacity
    for size in sizes:
        if size > free:
            count, free = count + 1, capacity
        free -= size
    return count


def is_gsm7(text: str) -> bool:
    """Tell whether text can go out in GSM-7, the cheap 160-character alphabet."""
    return _GSM7_ALL.issuperset(text)


def non_gsm_chars(text: str) -> list[str]:
    """List the distinct characters that force UCS-2, first seen first, so staff can fix them."""
    return list(
        dict.fromkeys(
            char for char in text if char not in _GSM7_BASIC and char not in _GSM7_EXTENSION
        )
    )


def gsm7_alternative(char: str) -> str | None:
    """Return GSM-7 text that can stand in for char (´→', º→o), or None if nothing looks alike.

    Wider than what ``fold_to_gsm7`` does silently: it also offers compatibility forms
    (º→o, ª→a, ＡＢＣ→ABC) that a person should choose, since "nº" folded reads "no".
    """
    if is_gsm7(char):
        return char
    folded = _fold_char(char)
    if is_gsm7(folded):
        return folded
    bare = "".join(
        part
        for part in unicodedata.normalize("NFKD", char)
        if not unicodedata.combining(part)
    ).strip()
    return bare if bare and is_gsm7(bare) else None


def fold_to_gsm7(text: str) -> str | None:
    """Fold look-alike characters to GSM-7 so a Spanish SMS costs 160 chars a segment, not 70.

    Dropping accents that GSM-7 lacks (á→a, ’→') keeps replies readable and cheap; letters
    GSM-7 already has (é, ñ, ü, ¿, ¡) stay. Return None when something would remain that
    has no GSM-7 look-alike (Korean, emoji): then the text must go out as UCS-2 unchanged.
    Only SMS uses this; WhatsApp keeps the original text.
    """
    if is_gsm7(text):
        return text  # GSM-7 characters are their own composed forms and fold to themselves
    # Compose first so an accent typed as a separate combining mark (e + U+0301) is seen
    # as é, which GSM-7 has. Stop at the first character with no look-alike: a Korean
    # reply is not decomposed character by character to find out (a summary is rendered
    # several times while its quotes are fitted, bench/optimisations.md).
    folded = []
    for char in unicodedata.normalize("NFC", text):
        alike = _fold_char(char)
        if not is_gsm7(alike):
            return None
        folded.append(alike)
    return "".join(folded)


def _fold_char(char: str) -> str:
    """Return char's GSM-7 look-alike, or char itself when it has none."""
    if char in _GSM7_BASIC or char in _GSM7_EXTENSION:
        return char
    if char in _FOLDS:
        return _FOLDS[char]
    return _strip_accents(char)


def _strip_accents(char: str) -> str:
    """Return a Latin letter without its diacritics (ā→a, Ê→E), when that makes it GSM-7."""
    bare = "".join(
        part
        for part in unicodedata.normalize("NFD", char)
        if not unicodedata.combining(part)
    )
    return bare if bare and is_gsm7(bare) else char
