"""On-call hours as staff type them ("mon-fri 09:00-17:00", "always"). Pure, no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time

#: Day names as staff type them, Monday first (datetime.weekday order).
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: Written instead of hours for an organizer who is always on call.
ALWAYS = "always"

_WINDOW = re.compile(
    r"^(?:(?P<first>[a-z]{3})(?:-(?P<last>[a-z]{3}))?\s+)?"
    r"(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})$"
)


@dataclass(frozen=True)
class Window:
    """On call on ``days`` (0 = Monday) from ``start`` to ``end``; past midnight if end <= start."""

    days: frozenset[int]
    start: time
    end: time

    def covers(self, local: datetime) -> bool:
        """Tell whether a local time falls in this window."""
        t = local.time().replace(tzinfo=None)
        day = local.weekday()
        if self.start < self.end:
            return day in self.days and self.start <= t < self.end
        # overnight: 22:00-06:00 on Friday runs into Saturday morning
        yesterday = (day - 1) % 7
        return (day in self.days and t >= self.start) or (yesterday in self.days and t < self.end)


@dataclass(frozen=True)
class Hours:
    """When an organizer is on call; no windows means always."""

    windows: tuple[Window, ...] = ()

    def covers(self, local: datetime) -> bool:
        """Tell whether the organizer is on call at a local time."""
        return not self.windows or any(w.covers(local) for w in self.windows)


def parse_hours(text: str) -> Hours:
    """Read on-call hours such as ``Mon-Fri 09:00-17:00, Sat 10:00-14:00`` or ``always``.

    A window without days is every day; ``22:00-06:00`` runs past midnight. Raise
    ValueError with a message staff can act on.
    """
    cleaned = text.strip().lower()
    if cleaned in ("", ALWAYS):
        return Hours()
    windows = []
    for part in re.split(r"[,;]", cleaned):
        part = " ".join(part.split())
        match = _WINDOW.match(part)
        if not match:
            raise ValueError(f"hours {part!r}: write e.g. 'Mon-Fri 09:00-17:00', "
                             "'22:00-06:00' or 'always'")
        days = _days(match["first"], match["last"])
        start, end = _clock(match["start"]), _clock(match["end"])
        if start == end:
            raise ValueError(f"hours {part!r}: start and end are the same")
        windows.append(Window(days, start, end))
    return Hours(tuple(windows))


def format_hours(hours: Hours) -> str:
    """Write hours back in the form ``parse_hours`` reads."""
    if not hours.windows:
        return ALWAYS
    parts = []
    for w in hours.windows:
        days = sorted(w.days)
        span = ""
        if len(days) < 7:
            first, last = DAYS[days[0]], DAYS[days[-1]]
            contiguous = days == list(range(days[0], days[-1] + 1))
            if len(days) == 1:
                span = f"{first.title()} "
            elif contiguous:
                span = f"{first.title()}-{last.title()} "
            else:  # a wrapped range such as Sat-Mon: keep it as staff wrote it
                start = next(d for d in days if (d - 1) % 7 not in w.days)
                end = (start + len(days) - 1) % 7
                span = f"{DAYS[start].title()}-{DAYS[end].title()} "
        parts.append(f"{span}{w.start:%H:%M}-{w.end:%H:%M}")
    return ", ".join(parts)


def _days(first: str | None, last: str | None) -> frozenset[int]:
    if first is None:
        return frozenset(range(7))
    for name in (first, last):
        if name is not None and name not in DAYS:
            raise ValueError(f"hours: {name!r} is not a day (use {', '.join(DAYS)})")
    start = DAYS.index(first)
    if last is None:
        return frozenset({start})
    end = DAYS.index(last)
    return frozenset((start + i) % 7 for i in range((end - start) % 7 + 1))


def _clock(text: str) -> time:
    hours, minutes = (int(x) for x in text.split(":"))
    if hours == 24 and minutes == 0:
        return time(23, 59, 59)
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise ValueError(f"hours: {text!r} is not a time of day")
    return time(hours, minutes)
