"""The daily digest: its readers, once a day each, and its next run scheduled once."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from casework import DAY, file
from fakes import Jobs, Mailbox, body_of

from hotline.alerts.dispatch import Dispatcher
from hotline.alerts.wiring import DIGEST_JOB
from hotline.service import Service
from hotline.store.organizers import Organizer


def test_the_daily_digest_lists_open_cases_once_a_day(alert_service: Service, jobs: Jobs,
                                                      team: dict[str, Organizer],
                                                      mailbox: Mailbox) -> None:
    dispatcher = alert_service.dispatcher
    waiting, waiting_ref = file(alert_service, issues=("safety",))
    dispatcher.alert(waiting, now=DAY)
    dispatcher.escalate(waiting, 1, now=DAY + timedelta(minutes=10))
    taken, taken_ref = file(alert_service, locale="es", industry="garment", issues=("tips",))
    dispatcher.alert(taken, now=DAY)
    dispatcher.assignments.claim(taken_ref, team["ben"].id, "Ben Ruiz", DAY)
    closed, closed_ref = file(alert_service)
    dispatcher.assignments.claim(closed_ref, team["ana"].id, "Ana Kim", DAY)
    dispatcher.assignments.close(closed_ref, team["ana"].id, DAY)
    jobs.run()
    before = len(mailbox.messages)

    assert dispatcher.digest(date(2026, 11, 26)) == 1  # the coordinator
    assert dispatcher.digest(date(2026, 11, 26)) == 1  # again: queued once only
    jobs.run()
    (digest,) = mailbox.messages[before:]
    assert digest["To"] == "cora@example.org"
    assert digest["Subject"] == "Hotline digest 2026-11-26 - open cases: 2"
    text = body_of(digest)
    assert f"{waiting_ref}  " in text and "URGENT  escalated  Report  Korean  Restaurant" in text
    assert f"{taken_ref}  " in text and "with Ben Ruiz" in text
    assert closed_ref not in text
    assert text.index("Not taken yet (1):") < text.index("Taken, not closed (1):")


def test_the_digest_is_scheduled_once_for_its_next_time(alert_service: Service, jobs: Jobs,
                                                        alert_overrides: dict[str, Any],
                                                        mailbox: Mailbox) -> None:
    from hotline import config

    settings = config.load(environ={}, **alert_overrides, digest_time="07:30",
                           digest_to="a@example.org, b@example.org")
    with Dispatcher.opened(settings) as dispatcher:
        at = dispatcher.schedule_digest(DAY)
        assert dispatcher.schedule_digest(DAY) == at
        assert at == datetime(2026, 11, 26, 7, 30, tzinfo=dispatcher.zone)
        assert dispatcher.digest_recipients() == ["a@example.org", "b@example.org"]
    assert jobs.scheduled() == [(DIGEST_JOB, ("2026-11-26",))]


def test_the_digest_job_sends_then_schedules_the_next_one(alert_service: Service, jobs: Jobs,
                                                          mailbox: Mailbox,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGEST_TO", "staff@example.org")
    case_id, ref = file(alert_service)
    alert_service.dispatcher.alert(case_id, now=DAY)
    alert_service.dispatcher.schedule_digest(DAY)
    assert jobs.come_due(DIGEST_JOB) == 1
    jobs.run()
    (digest,) = mailbox.to("staff@example.org")
    assert digest["Subject"] == "Hotline digest 2026-11-26 - open cases: 1"
    assert body_of(digest).startswith(f"Not taken yet (1):\n{ref}  ")
    assert [f for f, _ in jobs.scheduled()].count(DIGEST_JOB) == 1  # tomorrow's
