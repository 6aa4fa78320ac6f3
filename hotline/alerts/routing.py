"""Who hears about a case: on-call hours and the choice of organizers. Pure, no I/O.

Routing, most specific first; the first tier with anyone in it wins:

1. on call now, speaks the worker's language and covers the case's industry;
2. on call now and speaks the worker's language (language matters most to a worker);
3. on call now and covers the industry;
4. on call now;
5. nobody is on call: every active organizer.

An urgent case skips routing and goes to every active organizer at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Generic, Protocol, TypeVar
from zoneinfo import ZoneInfo

from hotline.store.hours import parse_hours


class Candidate(Protocol):
    """What routing reads of an organizer."""

    @property
    def active(self) -> bool: ...
    @property
    def languages(self) -> tuple[str, ...]: ...
    @property
    def industries(self) -> tuple[str, ...]: ...
    @property
    def hours(self) -> str: ...


C = TypeVar("C", bound=Candidate)


@dataclass(frozen=True)
class Routed(Generic[C]):
    """The organizers to alert and the tier that chose them (for the case history)."""

    organizers: tuple[C, ...]
    tier: str


def on_call(organizer: Candidate, now: datetime, zone: ZoneInfo) -> bool:
    """Tell whether an organizer is on call at ``now`` in the center's time zone."""
    try:
        hours = parse_hours(organizer.hours)
    except ValueError:
        return True  # stored hours were validated; if not, rather alert than drop
    return hours.covers(now.astimezone(zone))


def pick(organizers: Sequence[C], *, locale: str, industry: str | None,
                       urgent: bool, now: datetime, zone: ZoneInfo) -> Routed[C]:
    """Choose whom to alert about a case (see the module docs for the order)."""
    active = tuple(o for o in organizers if o.active)
    if urgent:
        return Routed(active, "urgent")
    awake = [o for o in active if on_call(o, now, zone)]

    def speaks(o: C) -> bool:
        return locale in o.languages

    def covers(o: C) -> bool:
        return not o.industries or industry is None or industry in o.industries

    tiers = (
        ("language+industry", [o for o in awake if speaks(o) and covers(o)]),
        ("language", [o for o in awake if speaks(o)]),
        ("industry", [o for o in awake if covers(o)]),
        ("on call", awake),
    )
    for name, chosen in tiers:
        if chosen:
            return Routed(tuple(chosen), name)
    return Routed(active, "everyone")


def next_at(clock: time, now: datetime, zone: ZoneInfo) -> datetime:
    """Return the next moment after ``now`` when the center's clock first shows ``clock``
    on a day: in the autumn's repeated hour the first pass counts (one digest a day), in
    the spring's skipped hour the moment it would have shown (an hour later by the clock).

    Compared in UTC: two times in one zone compare by their clock readings, which in the
    repeated hour put a moment already past after ``now``.
    """
    day = now.astimezone(zone).date()
    while True:
        candidate = datetime.combine(day, clock, tzinfo=zone)  # fold=0: the first pass
        if candidate.astimezone(UTC) > now.astimezone(UTC):
            return candidate
        day += timedelta(days=1)
