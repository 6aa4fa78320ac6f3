"""When the center answers (CENTER_HOURS), and how to say when it next will, in the
worker's language. Pure: the clock comes in."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from babel.dates import format_datetime

from hotline.config import ConfigError, Settings
from hotline.store.hours import Hours, parse_hours


def center_hours(settings: Settings) -> Hours:
    """Read CENTER_HOURS (ConfigError naming it if it is malformed)."""
    try:
        return parse_hours(settings.center_hours)
    except ValueError as exc:
        raise ConfigError(f"CENTER_HOURS={settings.center_hours!r}: {exc}") from None


def next_open(hours: Hours, now: datetime, zone: tzinfo) -> datetime | None:
    """Return when the center next opens if it is closed at ``now``; None if it is open."""
    local = now.astimezone(zone)
    if hours.covers(local):
        return None
    starts = []
    for ahead in range(8):
        day = (local + timedelta(days=ahead)).date()
        for window in hours.windows:
            if day.weekday() in window.days:
                start = datetime.combine(day, window.start, tzinfo=zone)
                if start > local:
                    starts.append(start)
    return min(starts) if starts else None


def say_when(moment: datetime, locale: str) -> str:
    """Write a day and time as a worker reads it: ``Monday 09:00``, ``lunes 09:00``,
    ``월요일 09:00``."""
    return str(format_datetime(moment, "EEEE HH:mm", tzinfo=moment.tzinfo, locale=locale))
