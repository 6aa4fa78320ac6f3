"""Dated facts: every figure the bot states, with the window in which it is true.

Staff keep them in ``facts.toml`` beside the topics (or the file FACTS_FILE names). A
figure applies from its ``effective`` day up to the day before its ``next_change``; a
successor is simply another entry for the same key that starts that day. Outside every
window a figure is not a fact any more, so the explainers never state it: they say when
it changes and where to ask for today's figure instead.

Pure: ``parse`` turns the file's text into a ``FactBook``; lookups take the day as an
argument. Reading the file is the caller's job (``hotline.words.facts``), except for
``packaged()``, which reads the file shipped beside this module once per process so
that a ``Context`` built without one still tells the truth.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

#: The facts shipped with the code, next to the topics.
PACKAGED_FILE = Path(__file__).with_name("facts.toml")

_AMOUNT = re.compile(r"^\$\d{1,4}(?:\.\d{2})?$")
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


class FactsError(ValueError):
    """The facts file cannot be used; the message says which entry and why."""


class Kind(StrEnum):
    """What an entry dates: an amount filled into sentences, or a topic's own words."""

    FIGURE = "figure"
    TOPIC = "topic"


@dataclass(frozen=True)
class Fact:
    """One dated entry of the facts file.

    ``value`` is the amount a FIGURE entry fills in (``$16.90``); ``figures`` lists what
    a TOPIC entry's sentences state in their own words (``8 hours``, ``833-526-4636``).
    ``next_change`` is the day the next scheduled change takes effect (None: none is
    scheduled); the entry applies on ``effective <= day < next_change``.
    """

    kind: Kind
    key: str
    what: str
    effective: date | None
    next_change: date | None
    reviewed: date
    sources: tuple[str, ...]
    value: str = ""
    figures: tuple[str, ...] = ()
    recheck: str = ""
    note: str = ""

    def applies(self, day: date) -> bool:
        """Tell whether this entry is the one in force on ``day``."""
        started = self.effective is None or self.effective <= day
        return started and (self.next_change is None or day < self.next_change)


@dataclass(frozen=True)
class Stated:
    """On this day the figure is ``fact``: state it."""

    fact: Fact


@dataclass(frozen=True)
class Changes:
    """On this day no entry applies: the figure changes (or changed) ``on`` this day."""

    on: date


@dataclass(frozen=True)
class FactBook:
    """Every dated entry, by key, each key's entries in date order."""

    entries: Mapping[str, tuple[Fact, ...]]

    @classmethod
    def of(cls, facts: Iterable[Fact]) -> FactBook:
        """Group entries by key, check their windows, and keep them in date order."""
        grouped: dict[str, list[Fact]] = {}
        for fact in facts:
            grouped.setdefault(fact.key, []).append(fact)
        entries: dict[str, tuple[Fact, ...]] = {}
        for key, found in grouped.items():
            kinds = {f.kind for f in found}
            if len(kinds) > 1:
                raise FactsError(f"{key}: used both as a figure and as a topic")
            ordered = sorted(found, key=lambda f: f.effective or date.min)
            for before, after in zip(ordered, ordered[1:], strict=False):
                if after.effective is None:
                    raise FactsError(f"{key}: only the first entry may leave out 'effective'")
                if before.next_change is None or before.next_change > after.effective:
                    raise FactsError(
                        f"{key}: the entry from {before.effective or 'the start'} overlaps the "
                        f"one from {after.effective}; give the earlier one "
                        f"next_change = {after.effective}")
            entries[key] = tuple(ordered)
        return cls(entries)

    def __contains__(self, key: object) -> bool:
        return key in self.entries

    def keys(self) -> tuple[str, ...]:
        return tuple(self.entries)

    def __iter__(self) -> Iterator[Fact]:
        for found in self.entries.values():
            yield from found

    def at(self, key: str, day: date) -> Stated | Changes:
        """Return the entry of ``key`` in force on ``day``, or the day it changes(d)."""
        found = self.entries.get(key, ())
        if not found:
            raise KeyError(key)
        ended: date | None = None
        for fact in found:
            if fact.applies(day):
                return Stated(fact)
            if fact.next_change is not None and fact.next_change <= day:
                ended = fact.next_change
        if ended is not None:
            return Changes(ended)
        first = found[0].effective
        assert first is not None  # an entry with no start applies to every early day
        return Changes(first)

    def current(self, key: str, day: date) -> Fact | None:
        """Return the entry of ``key`` in force on ``day``, if any."""
        found = self.at(key, day)
        return found.fact if isinstance(found, Stated) else None


def parse(text: str, where: str = "facts.toml") -> FactBook:
    """Read the facts file's text; raise FactsError naming the entry that is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FactsError(f"{where}: {exc}") from None
    unknown = set(data) - {"figure", "topic"}
    if unknown:
        raise FactsError(f"{where}: unknown table(s) {sorted(unknown)}; "
                         "use [[figure]] and [[topic]]")
    facts: list[Fact] = []
    for kind in Kind:
        tables = data.get(str(kind), [])
        if not isinstance(tables, list):
            raise FactsError(f"{where}: write [[{kind}]], not [{kind}]")
        for number, table in enumerate(tables, start=1):
            facts.append(_fact(kind, table, f"{where}: [[{kind}]] number {number}"))
    return FactBook.of(facts)


def _fact(kind: Kind, table: Mapping[str, Any], where: str) -> Fact:
    allowed = {"key", "what", "effective", "next_change", "reviewed", "source", "sources",
               "value", "figures", "recheck", "note"}
    extra = set(table) - allowed
    if extra:
        raise FactsError(f"{where}: unknown field(s) {sorted(extra)}")
    key = _text(table, "key", where)
    where = f"{where} ({key})"
    if not _KEY.match(key):
        raise FactsError(f"{where}: key must be lower-case letters, digits and _")
    effective = _day(table, "effective", where, required=kind is Kind.FIGURE)
    next_change = _day(table, "next_change", where)
    if effective and next_change and next_change <= effective:
        raise FactsError(f"{where}: next_change {next_change} is not after effective "
                         f"{effective}")
    sources = table.get("sources", table.get("source", ()))
    if isinstance(sources, str):
        sources = (sources,)
    if not sources or not all(isinstance(s, str) and s.strip() for s in sources):
        raise FactsError(f"{where}: give its source (source = \"…\" or sources = [\"…\"])")
    value = ""
    figures: tuple[str, ...] = ()
    if kind is Kind.FIGURE:
        value = _text(table, "value", where)
        if not _AMOUNT.match(value):
            raise FactsError(f"{where}: value {value!r} is not an amount like \"$16.90\"")
    else:
        raw = table.get("figures", [])
        if not isinstance(raw, list) or not all(isinstance(f, str) for f in raw):
            raise FactsError(f"{where}: figures must be a list of strings")
        figures = tuple(raw)
    return Fact(kind=kind, key=key, what=_text(table, "what", where), effective=effective,
                next_change=next_change, reviewed=_day(table, "reviewed", where,
                                                       required=True) or date.min,
                sources=tuple(s.strip() for s in sources), value=value, figures=figures,
                recheck=str(table.get("recheck", "")).strip(),
                note=str(table.get("note", "")).strip())


def _text(table: Mapping[str, Any], name: str, where: str) -> str:
    value = table.get(name)
    if value is not None and not isinstance(value, str):
        raise FactsError(f"{where}: {name} must be written in quotes, like \"$16.90\"")
    if not value or not value.strip():
        raise FactsError(f"{where}: {name} is missing")
    return value.strip()


def _day(table: Mapping[str, Any], name: str, where: str, *, required: bool = False
         ) -> date | None:
    value = table.get(name)
    if value is None:
        if required:
            raise FactsError(f"{where}: {name} is missing (a date like 2027-01-01)")
        return None
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    raise FactsError(f"{where}: {name} must be a date like 2027-01-01, without quotes")


@functools.cache
def packaged() -> FactBook:
    """Return the facts shipped beside the topics (read once per process)."""
    return parse(PACKAGED_FILE.read_text(encoding="utf-8"), str(PACKAGED_FILE.name))
