"""Outside the center's hours (CENTER_HOURS) a worker writing to their organizer is
told once, in their language, when someone will answer; the organizer still gets every
message. Each test picks its own moment, so none hangs on the hour the suite runs."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from conversing import ANA, CENTER, Desk, talking, worker_says

LA = ZoneInfo("America/Los_Angeles")


@pytest.fixture
def alert_overrides(alert_overrides: dict[str, Any]) -> dict[str, Any]:
    return {**alert_overrides, "center_name": CENTER, "center_hours": "Mon-Fri 09:00-18:00"}


def _a_weeknight() -> tuple[datetime, str]:
    """A Monday–Thursday 23:00 in Los Angeles after now, and the next morning's name."""
    day = datetime.now(LA).date() + timedelta(days=1)
    while day.weekday() > 3:
        day += timedelta(days=1)
    night = datetime.combine(day, time(23, 0), tzinfo=LA)
    return night.astimezone(UTC), (day + timedelta(days=1)).strftime("%A")


def test_outside_the_centers_hours_the_worker_is_told_once_when_someone_answers(
        desk: Desk) -> None:
    _, ref = talking(desk)
    night, morning = _a_weeknight()
    assert worker_says(desk, "Are you there?", night) == (
        f"Thank you, Ana will get your message. Our office is closed now; someone will "
        f"answer from {morning} 09:00.",)
    assert worker_says(desk, "Hello?", night + timedelta(minutes=5)) == ()
    desk.jobs.run()
    assert desk.bodies(ANA)[-2:] == [f"[{ref}] Are you there?", f"[{ref}] Hello?"]


def test_outside_the_hours_the_line_is_in_the_workers_language(desk: Desk) -> None:
    talking(desk, locale="ko")
    night, _ = _a_weeknight()
    (line,) = worker_says(desk, "계세요?", night)
    assert line.startswith("고마워요. Ana 님에게 메시지를 전할게요.")
    assert line.endswith("요일 09:00")


def test_inside_the_hours_the_worker_hears_nothing_back(desk: Desk) -> None:
    _, ref = talking(desk)
    night, _ = _a_weeknight()
    morning = night.astimezone(LA).replace(hour=10) + timedelta(days=1)
    assert worker_says(desk, "Are you there?", morning.astimezone(UTC)) == ()
    desk.jobs.run()
    assert desk.bodies(ANA)[-1] == f"[{ref}] Are you there?"
