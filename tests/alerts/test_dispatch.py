"""The Dispatcher as jobs use it: one per worker process, and deliveries that hold ids
and codes, never the worker's words."""

from __future__ import annotations

from typing import Any

from casework import DAY, WORKER, file
from fakes import Jobs

from hotline.service import Service
from hotline.store.deliveries import Purpose, Status, Transport
from hotline.store.organizers import Organizer


def test_deliveries_hold_ids_and_codes_not_words(alert_service: Service, jobs: Jobs,
                                                 team: dict[str, Organizer],
                                                 redis_conn: Any) -> None:
    case_id, _ = file(alert_service, details=("my secret story",))
    alert_service.dispatcher.alert(case_id, now=DAY)
    for key in redis_conn.scan_iter(match="rq:job:*"):
        dump = repr(redis_conn.hgetall(key))
        assert "secret story" not in dump and WORKER[1:] not in dump
    jobs.run()
    rows = alert_service.dispatcher.deliveries.for_case(case_id)
    assert {r.purpose for r in rows} == {Purpose.ALERT}
    assert {r.transport for r in rows} == {Transport.SMS, Transport.WEBHOOK}
    assert all(r.status == Status.SENT and r.recipient is None for r in rows)


def test_jobs_of_one_worker_process_share_one_dispatcher(alert_overrides) -> None:  # type: ignore[no-untyped-def]
    from hotline import config
    from hotline.alerts import dispatch

    settings = config.load(environ={}, **alert_overrides)
    with dispatch.for_job(settings) as first, dispatch.for_job(settings) as second:
        assert first is not second  # outside `hotline worker`: a fresh one per job
    dispatch.keep_open()
    try:
        with dispatch.for_job(settings) as first:
            pass
        with dispatch.for_job(settings) as second:
            assert second is first and second.cases.ping()
    finally:
        dispatch._close_kept()
        dispatch._keep_open = False
