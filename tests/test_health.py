"""/healthz says whether alerts can flow: 503 with the reason when they cannot (no
worker, scheduler or upkeep; Redis or the database down; an alert stuck), ``degraded``
with the reason while nobody would hear of a case, ``ok`` otherwise."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import Phone
from procs import Worker, wait_for
from sqlalchemy import update

from hotline.health import Marks
from hotline.store.cases import AlertIntentRow
from hotline.store.organizers import Changes


@pytest.fixture
def app(overrides: dict[str, Any]):  # type: ignore[no-untyped-def]
    from hotline.app import create_app

    app = create_app(overrides)
    yield app
    app.extensions["hotline"].close()


def marks_of(app: Any) -> Marks:
    service = app.extensions["hotline"]
    return Marks(service.conn, service.settings.redis_prefix)


def all_well(app: Any, now: float | None = None) -> None:
    """Leave the marks a running worker leaves."""
    marks = marks_of(app)
    marks.pulse("w1", 20, now)
    marks.ran("scheduler", now)
    marks.ran("upkeep", now)


def test_without_a_worker_alerts_cannot_flow(app, client) -> None:  # type: ignore[no-untyped-def]
    app.extensions["hotline"].dispatcher.organizers.add(Changes(name="Ana", phone="+12135550101"))
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "down" and body["redis"] == "ok" and body["database"] == "ok"
    assert body["reasons"] == ["no worker is running (`hotline worker`): alerts are not sent"]


def test_with_its_worker_scheduler_and_upkeep_fresh_all_is_ok(app, client) -> None:  # type: ignore[no-untyped-def]
    app.extensions["hotline"].dispatcher.organizers.add(Changes(name="Ana", phone="+12135550101"))
    all_well(app)
    response = client.get("/healthz")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "ok" and body["reasons"] == []
    assert body["worker"]["alive"] == 1 and body["worker"]["heartbeat_seconds_ago"] <= 1
    assert body["scheduler"]["ran_seconds_ago"] <= 1
    assert body["upkeep"]["last_tick_seconds_ago"] <= 1
    assert body["alerts"] == {"queued_jobs": 0, "oldest_waiting_seconds": None}


def test_a_silent_worker_a_stale_scheduler_or_upkeep_each_mean_503(app, client) -> None:  # type: ignore[no-untyped-def]
    app.extensions["hotline"].dispatcher.organizers.add(Changes(name="Ana", phone="+12135550101"))
    marks = marks_of(app)
    all_well(app, time.time() - 45)  # heard from 45 s ago: killed
    body = client.get("/healthz").get_json()
    assert body["status"] == "down"
    assert body["reasons"] == ["no worker has been heard from for 45 s: alerts are not sent"]

    marks.pulse("w2", 20)
    marks.ran("scheduler", time.time() - 120)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["reasons"] == [
        "the scheduler has not run for a while: retries and escalations wait"]

    marks.ran("scheduler")
    marks.ran("upkeep", time.time() - 600)
    assert "the upkeep has not run for a while" in client.get("/healthz").get_json()["reasons"][0]


def test_an_alert_stuck_for_minutes_means_503(app, client) -> None:  # type: ignore[no-untyped-def]
    service = app.extensions["hotline"]
    service.dispatcher.organizers.add(Changes(name="Ana", phone="+12135550101"))
    all_well(app)
    phone = Phone(client, "+12135550177")
    for text in ("hello", "PERSON", "1"):
        phone.send(text)
    assert client.get("/healthz").status_code == 200  # its job is queued: fine for now
    with service.cases.engine.begin() as db:
        db.execute(update(AlertIntentRow).values(
            created_at=datetime.now(UTC) - timedelta(minutes=7)))
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["reasons"] == ["a case has waited 7 min for its alert"]
    assert body["alerts"]["queued_jobs"] == 1 and body["alerts"]["oldest_waiting_seconds"] >= 420


def test_nobody_reachable_is_degraded_with_the_reason(app, client, overrides) -> None:  # type: ignore[no-untyped-def]
    all_well(app)
    response = client.get("/healthz")
    assert response.status_code == 200  # the hotline answers workers; a person must act
    body = response.get_json()
    assert body["status"] == "degraded"
    assert body["reasons"] == ["nobody would hear of a new case: no active organizer and no "
                               "DIGEST_TO (add one with `hotline organizers add`)"]
    assert body["organizers"] == {"active": 0, "digest_to": 0}

    from hotline.app import create_app

    with_digest = create_app({**overrides, "digest_to": "office@center.example"})
    try:
        all_well(with_digest)
        assert with_digest.test_client().get("/healthz").get_json()["status"] == "ok"
    finally:
        with_digest.extensions["hotline"].close()


def test_redis_down_is_503_and_says_so(overrides) -> None:  # type: ignore[no-untyped-def]
    from hotline.app import create_app

    app = create_app({**overrides, "redis_url": "redis://127.0.0.1:1/0", "redis_timeout": 0.2})
    try:
        response = app.test_client().get("/healthz")
        assert response.status_code == 503
        body = response.get_json()
        assert body["redis"] == "down" and body["database"] == "ok"
        assert body["reasons"][0].startswith("Redis does not answer")
    finally:
        app.extensions["hotline"].close()


@pytest.mark.slow
def test_a_real_worker_makes_it_ok_and_stopping_or_killing_it_makes_it_503(  # type: ignore[no-untyped-def]
        app, client, overrides: dict[str, Any], tmp_path: Path) -> None:
    app.extensions["hotline"].dispatcher.organizers.add(Changes(name="Ana", phone="+12135550101"))
    assert client.get("/healthz").status_code == 503
    worker = Worker(overrides, log=tmp_path / "worker.log")
    try:
        assert wait_for(lambda: client.get("/healthz").status_code == 200, timeout=60), (
            client.get("/healthz").get_json(), worker.output()[-3000:])
        worker.stop()  # SIGTERM: it says goodbye
        body = client.get("/healthz").get_json()
        assert body["status"] == "down" and "no worker" in body["reasons"][0]

        worker = Worker(overrides, log=tmp_path / "again.log")
        assert wait_for(lambda: client.get("/healthz").status_code == 200, timeout=60)
        worker.kill()  # SIGKILL: it says nothing; its pulse lapses
        assert wait_for(lambda: client.get("/healthz").status_code == 503, timeout=40)
        assert "no worker has been heard from" in client.get("/healthz").get_json()["reasons"][0]
    finally:
        worker.stop()
