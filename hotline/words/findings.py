"""What ``hotline i18n check`` finds, as data: problems to fix and what each reply costs."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from hotline.words.segments import Encoding, capacity


class Kind(StrEnum):
    """What sort of problem a finding is."""

    SYNTAX = "syntax"
    MISSING = "missing"
    FUZZY = "fuzzy"
    PLACEHOLDER = "placeholder"
    BUDGET = "budget"
    KEYWORD = "keyword"
    PARTICLE = "particle"
    FOLD = "fold"


#: Problems that keep a language from workers: they would see English or broken text.
BLOCKING = frozenset({Kind.SYNTAX, Kind.MISSING, Kind.FUZZY, Kind.PLACEHOLDER})


@dataclass(frozen=True)
class Problem:
    """One thing to fix: ``locales/es/LC_MESSAGES/messages.po:42: untranslated: …``."""

    path: Path
    line: int
    message: str
    locale: str = ""
    kind: Kind = Kind.SYNTAX
    for_workers: bool = True
    """False for a message workers never get (an organizer alert): it does not block."""

    def __str__(self) -> str:
        return f"{display_path(self.path)}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Cost:
    """What one reply costs as an SMS in one language.

    ``swaps`` is set when the text is UCS-2 only because of characters that have a
    GSM-7 look-alike (``´`` → ``'``): the pairs to write instead, and the cost then.
    """

    name: str
    path: Path
    line: int
    text: str
    encoding: Encoding
    units: int
    segments: int
    budget: int | None
    swaps: tuple[tuple[str, str], ...] = ()
    swapped_segments: int = 0

    @property
    def over_budget(self) -> bool:
        return self.budget is not None and self.segments > self.budget

    @property
    def room(self) -> int | None:
        """Characters (units) left before the reply passes its budget; None if unlimited.

        A UCS-2 budget of 2 holds 134 units, a GSM-7 one 306 (70 or 160 for a budget of
        1). Negative when over. A character that does not fit whole at a segment boundary
        can take one unit more, so treat a room of 0 or 1 as full.
        """
        if self.budget is None:
            return None
        return capacity(self.encoding, self.budget) - self.units


@dataclass(frozen=True)
class LanguageReport:
    """How complete one language is, and what each of its fixed replies costs."""

    locale: str
    path: Path
    messages: int
    translated: int
    fuzzy: int
    costs: tuple[Cost, ...] = ()

    @property
    def percent(self) -> int:
        return 100 if not self.messages else int(100 * self.translated / self.messages)


@dataclass(frozen=True)
class Result:
    """Everything ``check`` found."""

    problems: tuple[Problem, ...]
    reports: tuple[LanguageReport, ...] = ()

    def ok(self, locale: str | None = None) -> bool:
        """Tell whether there is no problem (in ``locale``, or at all)."""
        return not any(locale is None or p.locale in (locale, "") for p in self.problems)


def display_path(path: Path) -> str:
    """Show a path relative to the working directory when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def head(text: str, width: int = 50) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= width else flat[: width - 1] + "…")
