"""The check of the case console's catalogs (``console.po``): parsed, every ``%(name)s``
placeholder kept, and how much is translated. None of it is an SMS, so no budget is
measured; an entry not translated yet shows in English (a language just added with
``hotline i18n add`` is usable while its translators work), so it is counted, not refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import PoFileError, read_po

#: The console's gettext domain (its catalog is ``<lang>/LC_MESSAGES/console.po``).
DOMAIN = "console"
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@dataclass(frozen=True)
class ConsoleReport:
    """How complete one language's console catalog is, and what is wrong in it."""

    locale: str
    path: Path
    messages: int
    translated: int
    problems: tuple[str, ...]


def check_console(locales_dir: Path, languages: list[str] | tuple[str, ...]) -> list[ConsoleReport]:
    """Check the console catalog of each language that has one."""
    reports = []
    for locale in languages:
        path = locales_dir / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
        if path.exists():
            reports.append(_check(locale, path))
    return reports


def _check(locale: str, path: Path) -> ConsoleReport:
    try:
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=locale, abort_invalid=True)
    except (PoFileError, ValueError) as exc:
        return ConsoleReport(locale, path, 0, 0, (f"{path}: not a valid .po file: {exc}",))
    problems: list[str] = []
    messages = translated = 0
    for message in catalog:
        if not message.id:
            continue
        messages += 1
        ids = tuple(str(i) for i in (message.id if isinstance(message.id, tuple)
                                     else (message.id,)))
        strings = tuple(str(s or "") for s in (message.string if isinstance(message.string, tuple)
                                               else (message.string,)))
        where = f"{path}:{message.lineno}"
        if message.fuzzy:
            problems.append(f"{where}: fuzzy translation of {ids[0]!r}")
            continue
        if not all(strings):  # shown in English until translated: counted, not refused
            continue
        translated += 1
        wanted = set(_PLACEHOLDER.findall(ids[-1])) | set(_PLACEHOLDER.findall(ids[0]))
        for text in strings:
            found = set(_PLACEHOLDER.findall(text))
            if not found <= wanted or (len(ids) == 1 and found != wanted):
                problems.append(f"{where}: placeholders {sorted(found)} differ from the "
                                f"source's {sorted(wanted)} in {ids[0]!r}")
    return ConsoleReport(locale, path, messages, translated, tuple(problems))
