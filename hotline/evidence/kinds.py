"""What a file is, read from its bytes (magic numbers), and whether it may be kept.

A worker's phone names a type (``MediaContentType``) and Twilio's server another; neither
is proof. The bytes are: a file is kept only if they are one of the allowed kinds and the
same kind as claimed (a "photo" whose bytes are a program or a web page is refused).
"""

from __future__ import annotations

from dataclasses import dataclass

import filetype

#: Allowed types (as ``filetype`` names them) and the file extension a copy is saved with.
ALLOWED = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/heic": "heic",
    "application/pdf": "pdf",
    "audio/mpeg": "mp3",
    "audio/x-wav": "wav",
    "audio/ogg": "ogg",
    "video/mp4": "mp4",
    "audio/mp4": "m4a",
}
#: Other names phones and servers give the same kinds (parameters such as
#: ``; codecs=opus`` are dropped first).
SAME_AS = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "image/heif": "image/heic",
    "image/heic-sequence": "image/heic",
    "image/heif-sequence": "image/heic",
    "audio/mp3": "audio/mpeg",
    "audio/mpeg3": "audio/mpeg",
    "audio/x-mpeg": "audio/mpeg",
    "audio/wav": "audio/x-wav",
    "audio/wave": "audio/x-wav",
    "audio/vnd.wave": "audio/x-wav",
    "application/ogg": "audio/ogg",
    "audio/opus": "audio/ogg",
    "audio/x-m4a": "audio/mp4",
    "audio/aac": "audio/mp4",
}
#: Types that claim nothing about the bytes (compared with nothing).
UNSAID = frozenset({"", "application/octet-stream", "binary/octet-stream"})
#: Kinds that share one container: an MP4 holds sound, pictures or both.
FAMILY = {"audio/mp4": "video/mp4"}


class Refused(ValueError):
    """Not kept: the reason is short, has no worker data, and goes on the case."""


@dataclass(frozen=True)
class Checked:
    """What the bytes are: their type and the extension a saved copy gets."""

    content_type: str
    extension: str


def normal(content_type: str) -> str:
    """Return a type as one name: lower case, no parameters, aliases resolved."""
    bare = content_type.split(";", 1)[0].strip().lower()
    return SAME_AS.get(bare, bare)


def check(data: bytes, claimed: str) -> Checked:
    """Return what ``data`` is, or raise Refused if it is not allowed or not ``claimed``."""
    guess = filetype.guess(data[:8192])
    found = guess.mime if guess is not None else None
    if found is None or found not in ALLOWED:
        raise Refused(f"not an allowed type ({found or 'unknown'})")
    said = normal(claimed)
    if said not in UNSAID and FAMILY.get(said, said) != FAMILY.get(found, found):
        raise Refused(f"claimed {said[:24]} but is {found}")
    return Checked(found, ALLOWED[found])
