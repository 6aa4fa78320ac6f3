"""Spoken words: a line of a call as the text its voice says, or the recording staff made.

A language's voice and speech language are settings (``VOICES``); the words are the
``voice`` entries of its catalog. Staff may record a prompt instead of letting the voice
say it: an audio file named after the prompt in ``locales/<lang>/voice/`` (``menu.mp3``,
``menu-rights-1.mp3``: the key to press is part of the name, so a recording that says an
old key is never played). It must say what the catalog says.
"""

from __future__ import annotations

import logging
import re
import string
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from hotline.dialogue.call import Line
from hotline.dialogue.replies import Day
from hotline.dialogue.spoken import VOICE
from hotline.words.catalogs import Catalogs, written_date

log = logging.getLogger(__name__)

#: Where a language's recorded prompts are, inside its catalog folder.
PROMPTS_DIR = "voice"
#: Audio files Twilio's <Play> takes, and how they are served.
PROMPT_TYPES = {".mp3": "audio/mpeg", ".wav": "audio/wav"}
#: A prompt name as ``Line.prompt`` makes them (no dots, no slashes: safe as a file name).
PROMPT_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def say(catalogs: Catalogs, line: Line) -> str:
    """Return what the voice says for a line, in the line's language."""
    text = catalogs.translate(line.locale, VOICE, line.msgid)
    params = {key: written_date(Day(value), line.locale) if isinstance(value, date) else value
              for key, value in line.params}
    if not params and "{" not in text:
        return text
    for source in (text, line.msgid):
        try:
            return _FORMATTER.vformat(source, (), params)
        except (KeyError, IndexError, ValueError):
            # a translation with broken placeholders must not silence the line
            log.error("bad placeholders in %s spoken text %r", line.locale, line.msgid[:40])
    return line.msgid


def prompt_file(locales_dir: Path, locale: str, name: str) -> Path | None:
    """Return the recording staff made of a prompt in a language, if there is one."""
    if not name or not PROMPT_NAME.match(name) or not PROMPT_NAME.match(locale.lower()
                                                                       .replace("_", "-")):
        return None
    folder = Path(locales_dir) / locale / PROMPTS_DIR
    for suffix in PROMPT_TYPES:
        path = folder / f"{name}{suffix}"
        if path.is_file():
            return path
    return None


class _Formatter(string.Formatter):
    """str.format with named fields only (no attribute or index lookups)."""

    def get_field(self, field_name: str, args: object, kwargs: Mapping[str, object]) -> object:
        if not field_name.isidentifier():
            raise KeyError(field_name)
        return kwargs[field_name], field_name


_FORMATTER = _Formatter()
