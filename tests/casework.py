"""Helpers for alert tests: a worker's case filed directly, organizers added, and the
clock times the routing tests use."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from hotline.dialogue.effects import CaseKind, FileCase
from hotline.service import Service
from hotline.store.organizers import Changes, Organizer

# Wednesday 2026-11-25 10:00 in Los Angeles, and 23:00 the same day
DAY = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
NIGHT = datetime(2026, 11, 26, 7, 0, tzinfo=UTC)
WORKER = "+12135550123"


def add(service: Service, name: str, phone: str | None, **fields: Any) -> Organizer:
    return service.dispatcher.organizers.add(Changes(name=name, phone=phone, **fields))


def file(service: Service, **fields: Any) -> tuple[int, str]:
    values: dict[str, Any] = dict(
        kind=CaseKind.REPORT, locale="ko", channel="sms", sender=WORKER, contact_method="text",
        contact_number=WORKER, industry="restaurant", employer="Seoul Restaurant",
        location="Wilshire & Western", issues=("overtime",), details=("no overtime pay",),
        when="this_week", still_working=True, name="Min")
    values.update(fields)
    return service.cases.file(FileCase(**values))


def delivered(service: Service, case_id: int) -> list[tuple[str, str, int | None, str]]:
    return [(d.purpose, d.transport, d.organizer_id, d.status)
            for d in service.dispatcher.deliveries.for_case(case_id)]


@pytest.fixture
def team(alert_service: Service) -> dict[str, Organizer]:
    """Ana: Korean, restaurants, office hours. Ben: Spanish, all work, office hours.
    Nia: English, nights. Ola: inactive. Cora: coordinator, e-mail only. Alerts to all
    of them are in English (their first language listed)."""
    return {
        "ana": add(alert_service, "Ana Kim", "213 555 0101", email="ana@example.org",
                   languages="en,ko", industries="restaurant", hours="Mon-Fri 09:00-18:00"),
        "ben": add(alert_service, "Ben Ruiz", "213 555 0102", email="ben@example.org",
                   languages="en,es", hours="Mon-Fri 09:00-18:00"),
        "nia": add(alert_service, "Nia Park", "213 555 0103", languages="en",
                   hours="22:00-06:00"),
        "ola": add(alert_service, "Ola", "213 555 0104", languages="ko", active=False),
        "cora": add(alert_service, "Cora", None, email="cora@example.org", languages="en",
                    role="coordinator", hours="Mon-Fri 09:00-17:00"),
    }
