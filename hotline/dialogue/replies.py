"""Replies as data: a message id and parameters, rendered later in the worker's language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class Msg:
    """A translatable piece inside a reply, e.g. an option label: ``Msg("Restaurant")``."""

    msgid: str
    context: str | None = None
    params: tuple[tuple[str, Param], ...] = ()


@dataclass(frozen=True, slots=True)
class Native:
    """A piece rendered in a fixed locale, e.g. ``Native("English", "ko")`` → ``한국어``."""

    msgid: str
    locale: str
    context: str | None = None


@dataclass(frozen=True, slots=True)
class Joined:
    """Several pieces joined into one parameter, e.g. the issue types in a summary.

    ``sms_optional`` parts may be left out of an SMS when they alone would force the
    whole message into the dearer UCS-2 encoding (e.g. "언어" in an English menu).
    """

    parts: tuple[Param, ...]
    separator: str = ", "
    sms_optional: bool = False


@dataclass(frozen=True, slots=True)
class Echo:
    """A worker's own answer quoted back (a business name in the summary).

    Rendered on one line, at most ``limit`` characters (grapheme clusters), and
    shortened further with "..." when the reply would otherwise pass its budget.
    """

    text: str
    limit: int = 40


@dataclass(frozen=True, slots=True)
class Amount:
    """A figure from the dated facts, the same in every language: ``Amount("$16.90")``."""

    text: str


@dataclass(frozen=True, slots=True)
class Day:
    """A date written the way the worker's language writes it (``month``: month and year).

    ``Day(date(2027, 1, 1))`` → "January 1, 2027", "1 de enero de 2027", "2027년 1월 1일".
    """

    value: date
    month: bool = False


Param = str | int | Msg | Native | Joined | Echo | Amount | Day


@dataclass(frozen=True, slots=True)
class Reply:
    """One outbound message: ``Reply(N_("Your case number is {ref}."), needs_ref=True)``.

    ``prefix`` is a line put above (e.g. "Sorry, I didn't understand"), a msgid or a
    ``Msg`` with parameters ("Reply with a number from 1 to {last}."); ``options`` are
    numbered lines under the text; ``extra`` are lines with a fixed key ("0 Main menu");
    ``every_language`` marks text that is not in one locale (the language menu);
    ``needs_ref`` asks the service to fill ``{ref}`` with the reference of the case it
    has just committed, so no reference is ever shown before it is durable.
    """

    msgid: str
    params: Mapping[str, Param] = field(default_factory=dict)
    options: tuple[Param, ...] = ()
    extra: tuple[tuple[str, Param], ...] = ()
    prefix: str | Msg | None = None
    every_language: bool = False
    needs_ref: bool = False
    budget: int | None = None
    """SMS segments the rendered reply may cost; its ``Echo`` parts shrink to fit."""
