"""Read ``.po`` files as staff left them, reporting what Babel's parser would skip."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, read_po

from hotline.dialogue.keywords import CONTEXT
from hotline.words.catalogs import DOMAIN
from hotline.words.findings import Kind, Problem

#: Where a message is defined decides whether it is an SMS to a worker: the dialogue.
WORKER_SOURCES = ("hotline/dialogue/",)

_KEYWORD_LINE = re.compile(r"^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+(.*)$")
_QUOTED = re.compile(r'^"((?:[^"\\]|\\.)*)"\s*$')
_ESCAPES = frozenset('\\"ntrabfv01234567')


@dataclass
class LoadedCatalog:
    """One language's parsed catalog, and the problems found on the way."""

    locale: str
    path: Path
    catalog: Catalog | None
    problems: list[Problem] = field(default_factory=list)


def template_path(locales_dir: Path) -> Path:
    """Return where the template (every source message) is: ``locales/messages.pot``."""
    return Path(locales_dir) / f"{DOMAIN}.pot"


def read_catalog(path: Path, locale: str | None = None) -> tuple[Catalog | None, list[Problem]]:
    """Parse a ``.po``/``.pot``; return the catalog (None if unreadable) and its problems.

    Lines Babel would skip silently are reported; the rest is still read, so one run
    shows every problem of a file.
    """
    problems = [Problem(path, line, message, locale or "", Kind.SYNTAX)
                for line, message in lint_po(path)]
    try:
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=locale, abort_invalid=True)
    except PoFileError as exc:
        if not problems:
            problems.append(Problem(path, exc.lineno + 1, f"invalid .po syntax: {exc.args[0]}"
                                    .replace(f" on {exc.lineno}", ""), locale or ""))
        return None, problems
    except UnicodeDecodeError:
        data = path.read_bytes()
        try:
            data.decode("utf-8")
            line = 1
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
        problems.append(Problem(path, line, "not valid UTF-8 text (save the file as UTF-8)",
                                locale or ""))
        return None, problems
    except (OSError, ValueError) as exc:
        problems.append(Problem(path, 1, f"cannot read the catalog: {exc}", locale or ""))
        return None, problems
    return catalog, problems


def lint_po(path: Path) -> Iterator[tuple[int, str]]:
    """Find what Babel's lenient parser would silently drop: bad quotes, escapes, repeats.

    Yield ``(line, problem)`` pairs; obsolete (``#~``) entries and comments are skipped.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return  # read_catalog reports it
    seen: dict[tuple[str | None, str], int] = {}
    entry: _Entry | None = None
    current: list[str] | None = None
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        keyword = _KEYWORD_LINE.match(line)
        if not (keyword or line.startswith('"')):
            yield number, f"not a .po line (a missing quote or a stray word?): {line[:40]!r}"
            continue
        value = keyword.group(2) if keyword else line
        quoted = _QUOTED.match(value)
        if quoted is None:
            yield number, ("text must be in straight double quotes, with a \\ before any "
                           f'" inside: {value[:40]}')
            current = None
            continue
        bad = _bad_escape(quoted.group(1))
        if bad:
            yield number, f"unknown escape \\{bad} (write \\\\ for a backslash)"
        piece = quoted.group(1)
        if keyword is None:
            if current is not None:
                current.append(piece)
            continue
        name = keyword.group(1)
        if name in ("msgctxt", "msgid"):
            if entry is None or entry.msgid is not None:
                if entry is not None:
                    yield from entry.finish(seen)
                entry = _Entry(number)
            current = [piece]
            if name == "msgctxt":
                entry.context = current
            else:
                entry.msgid = current
        else:
            current = None
    if entry is not None:
        yield from entry.finish(seen)


@dataclass
class _Entry:
    """The keys of one .po entry while ``lint_po`` reads it."""

    line: int
    context: list[str] | None = None
    msgid: list[str] | None = None

    def finish(self, seen: dict[tuple[str | None, str], int]) -> Iterator[tuple[int, str]]:
        key = ("".join(self.context) if self.context is not None else None,
               "".join(self.msgid or ()))
        if key == (None, ""):
            return  # the header
        if key in seen:
            yield self.line, f"duplicate entry: the same message is at line {seen[key]}"
        else:
            seen[key] = self.line


def _bad_escape(body: str) -> str:
    """Return the first character after a backslash that is not a known escape."""
    i = 0
    while i < len(body):
        if body[i] == "\\":
            if i + 1 < len(body) and body[i + 1] not in _ESCAPES:
                return body[i + 1]
            i += 2
        else:
            i += 1
    return ""


def entries(catalog: Catalog) -> Iterator[Message]:
    """Every real message of a catalog (not the header, not obsolete ones)."""
    for message in catalog:
        if message.id:
            yield message


def lineno(message: Message) -> int:
    return int(message.lineno or 0)


def key(message: Message) -> tuple[str | None, str]:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return message.context, msgid


def strings(message: Message) -> tuple[str, ...]:
    if isinstance(message.string, str):
        return (message.string,)
    return tuple(message.string or ())


def ids(message: Message) -> tuple[str, ...]:
    return (message.id,) if isinstance(message.id, str) else tuple(message.id)


def for_workers(message: Message) -> bool:
    """Tell whether workers may get this message: it comes from the dialogue (or nowhere
    known), not only from organizer alerts."""
    sources = [path for path, _ in message.locations]
    return not sources or any(path.startswith(WORKER_SOURCES) for path in sources)


def is_keyword_list(context: str | None) -> bool:
    return bool(context) and str(context).startswith(CONTEXT)
