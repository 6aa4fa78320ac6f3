"""The dated facts file as staff keep it: load it, hold it fresh, and say what needs a person.

``load`` reads ``facts.toml`` and refuses a file the explainers cannot use (a topic or
figure with no entry, an unknown key). ``FactsFile`` keeps a running process up to date
when staff edit the file. ``standing`` and ``problems`` are what ``hotline facts`` shows
and checks, and ``reminders_due`` what the daily upkeep e-mails: all take the day as an
argument, so they are tested with a driven clock.
"""

from __future__ import annotations

import calendar
import logging
import threading
import time
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

from hotline.dialogue.facts import Changes, Fact, FactBook, FactsError, Kind, parse
from hotline.dialogue.spoken import SPOKEN_RIGHTS
from hotline.dialogue.topics import TOPICS, figure_keys

log = logging.getLogger(__name__)

#: Seconds between checks for a changed facts file.
RELOAD_CHECK_SECONDS = 2.0
#: A figure in use that runs out within this many days, with no successor, fails the check.
EXPIRY_WARNING_DAYS = 45
#: A figure in use last reviewed longer ago than this fails the check.
REVIEW_MONTHS = 6
#: Days before a figure runs out on which the coordinators are e-mailed.
REMINDER_DAYS = (30, 7, 1)


def load(path: Path) -> FactBook:
    """Read and check the facts file; raise FactsError saying what to fix."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise FactsError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    book = parse(text, str(path))
    validate(book, str(path))
    return book


def validate(book: FactBook, where: str = "facts.toml") -> None:
    """Refuse a book that leaves an explainer without its dated entries, or has strays."""
    wanted = {str(t.id): Kind.TOPIC for t in TOPICS}
    wanted.update({key: Kind.FIGURE for t in TOPICS for key in figure_keys(t)})
    wanted[SPOKEN_RIGHTS] = Kind.TOPIC  # the voice line's spoken summary
    for key, kind in wanted.items():
        if key not in book:
            raise FactsError(f"{where}: no [[{kind}]] entry with key = \"{key}\"")
        if book.entries[key][0].kind is not kind:
            raise FactsError(f"{where}: {key} must be a [[{kind}]] entry")
    stray = sorted(set(book.keys()) - set(wanted))
    if stray:
        raise FactsError(f"{where}: no topic uses key(s) {', '.join(stray)} (a typo?); "
                         f"known keys: {', '.join(sorted(wanted))}")


class FactsFile:
    """The facts of a running process, re-read (at most every few seconds) when changed.

    A broken edit is logged and the facts read before it stay in use; a broken file at
    start-up raises, so a deployment never starts without its facts.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._mtime = self._stat()
        self.book = load(self.path)
        self._checked = time.monotonic()
        self._lock = threading.Lock()

    def _stat(self) -> float:
        try:
            return self.path.stat().st_mtime
        except OSError:
            return 0.0

    def current(self) -> FactBook:
        """Return the facts, re-reading the file if staff changed it."""
        now = time.monotonic()
        if now - self._checked < RELOAD_CHECK_SECONDS:
            return self.book
        with self._lock:
            self._checked = now
            mtime = self._stat()
            if mtime and mtime != self._mtime:
                self._mtime = mtime
                try:
                    self.book = load(self.path)
                    log.info("facts reloaded")
                except FactsError as exc:
                    log.error("facts file not reloaded, the last good one stays in use: %s",
                              exc)
        return self.book


class State(StrEnum):
    """Where one key stands on a day."""

    CURRENT = "current"      # an entry applies
    RUN_OUT = "run out"      # its last entry ended and no successor was entered
    NOT_YET = "not yet"      # its first entry starts later


@dataclass(frozen=True)
class Standing:
    """One key on one day: the entry in use, what follows it, and how long it has left."""

    key: str
    state: State
    current: Fact | None
    successor: Fact | None
    changes_on: date | None
    days_left: int | None
    last: Fact

    @property
    def needs_successor(self) -> bool:
        """Tell whether the figure runs out with nothing entered to follow it."""
        return self.changes_on is not None and self.successor is None


def standing(book: FactBook, day: date) -> list[Standing]:
    """Return where every key stands on ``day``, in the file's order."""
    found: list[Standing] = []
    for key in book.keys():
        entries = book.entries[key]
        at = book.at(key, day)
        if isinstance(at, Changes):
            later = [f for f in entries if f.effective and f.effective > day]
            state = State.NOT_YET if later and later[0] is entries[0] else State.RUN_OUT
            found.append(Standing(key, state, None, later[0] if later else None, at.on,
                                  (at.on - day).days, entries[-1]))
            continue
        current = at.fact
        ends = current.next_change
        successor = book.current(key, ends) if ends else None
        found.append(Standing(key, State.CURRENT, current, successor, ends,
                              (ends - day).days if ends else None, current))
    return found


class Finding(StrEnum):
    """Why ``hotline facts check`` fails."""

    RUN_OUT = "run out"
    RUNS_OUT_SOON = "runs out soon"
    REVIEW_DUE = "review due"


@dataclass(frozen=True)
class Problem:
    """One figure that needs a person now."""

    key: str
    finding: Finding
    message: str

    def __str__(self) -> str:
        return f"{self.key}: {self.message}"


def problems(book: FactBook, day: date) -> list[Problem]:
    """Return what fails the check on ``day``: figures in use that ran out, run out within
    EXPIRY_WARNING_DAYS with no successor, or were reviewed over REVIEW_MONTHS ago."""
    found: list[Problem] = []
    review_cutoff = months_before(day, REVIEW_MONTHS)
    for s in standing(book, day):
        if s.state is not State.CURRENT:
            found.append(Problem(s.key, Finding.RUN_OUT, (
                f"no entry in force today; since {s.changes_on} the bot gives the agency's "
                f"line instead. Enter the figure from {s.changes_on} from the agency's site.")
                if s.state is State.RUN_OUT else (
                f"no entry in force until {s.changes_on}")))
            continue
        assert s.current is not None
        if s.needs_successor and s.days_left is not None and \
                s.days_left <= EXPIRY_WARNING_DAYS:
            found.append(Problem(s.key, Finding.RUNS_OUT_SOON, (
                f"{_figure(s.current)} runs out in {s.days_left} day(s), on {s.changes_on}, "
                "and no entry follows it. Enter the new figure with effective = "
                f"{s.changes_on}.")))
        if s.current.reviewed < review_cutoff:
            found.append(Problem(s.key, Finding.REVIEW_DUE, (
                f"last reviewed {s.current.reviewed}, more than {REVIEW_MONTHS} months ago. "
                "Check it against its sources, then set reviewed to the day you did.")))
    return found


def reminders_due(book: FactBook, day: date) -> list[tuple[Standing, int]]:
    """Return the figures to remind coordinators of on ``day``, each with its reminder
    (30, 7 or 1: the nearest REMINDER_DAYS mark the days left have reached)."""
    due: list[tuple[Standing, int]] = []
    for s in standing(book, day):
        if s.state is not State.CURRENT or not s.needs_successor or s.days_left is None:
            continue
        reached = [mark for mark in REMINDER_DAYS if 0 < s.days_left <= mark]
        if reached:
            due.append((s, min(reached)))
    return due


def months_before(day: date, months: int) -> date:
    """Return the same day ``months`` earlier (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _figure(fact: Fact) -> str:
    return f"{fact.value} ({fact.what})" if fact.value else fact.what
