"""Can alerts flow right now? What ``/healthz`` answers, for a platform and for a person.

``hotline worker`` leaves marks in Redis as it goes (``Marks``): each worker's pulse,
the last pass of the scheduler, the last upkeep. ``check`` reads them with Redis and the
database and says ``ok``, ``degraded`` (it works, but a worker's report would reach
nobody) or ``down`` (alerts cannot flow: HTTP 503), each with the reasons in words.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import redis
from rq import Queue
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hotline.sessions import connection as redis_factory

#: Seconds between a worker's pulses, and how long one pulse keeps it alive: a worker
#: not heard from for PULSE_TTL is taken for dead (its started jobs are queued again).
PULSE_SECONDS = 5
PULSE_TTL = 20
#: Scheduled jobs (retries, escalations, the digest) move at least this often.
SCHEDULER_STALE = 60
#: The upkeep (outbox, spool, sweeper) runs at least this often.
UPKEEP_STALE = 180
#: A case whose alert job has not run after this long is stuck.
ALERT_STALE = 300
#: Worker pulses older than this are forgotten.
FORGET_AFTER = 86400


class Marks:
    """The Redis keys ``hotline worker`` writes as it goes, and their readers."""

    def __init__(self, conn: redis.Redis, prefix: str) -> None:
        self.conn = conn
        self.workers = f"{prefix}health:workers"
        self.scheduler = f"{prefix}health:scheduler"
        self.upkeep = f"{prefix}health:upkeep"
        self.prefix = prefix

    def alive_key(self, worker: str) -> str:
        """Name the key that exists while ``worker`` beats (it expires when it stops)."""
        return f"{self.prefix}alive:{worker}"

    def pulse(self, worker: str, ttl: int, now: float | None = None) -> None:
        """Say that ``worker`` is alive, for ``ttl`` seconds."""
        now = time.time() if now is None else now
        with self.conn.pipeline(transaction=False) as pipe:
            pipe.set(self.alive_key(worker), int(now), ex=ttl)
            pipe.zadd(self.workers, {worker: now})
            pipe.zremrangebyscore(self.workers, 0, now - FORGET_AFTER)
            pipe.execute()

    def gone(self, worker: str) -> None:
        """Say that ``worker`` stopped (a clean shutdown)."""
        with self.conn.pipeline(transaction=False) as pipe:
            pipe.delete(self.alive_key(worker))
            pipe.zrem(self.workers, worker)
            pipe.execute()

    def alive(self, worker: str) -> bool:
        return bool(self.conn.exists(self.alive_key(worker)))

    def ran(self, what: str, now: float | None = None) -> None:
        """Record that the ``scheduler`` or the ``upkeep`` ran just now."""
        key = {"scheduler": self.scheduler, "upkeep": self.upkeep}[what]
        self.conn.set(key, int(time.time() if now is None else now), ex=7 * 86400)


@dataclass
class Report:
    """What ``/healthz`` answers."""

    status: str = "ok"
    reasons: list[str] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)

    def down(self, reason: str) -> None:
        self.status = "down"
        self.reasons.append(reason)

    def degraded(self, reason: str) -> None:
        if self.status == "ok":
            self.status = "degraded"
        self.reasons.append(reason)

    @property
    def http_status(self) -> int:
        return 503 if self.status == "down" else 200

    def as_json(self) -> dict[str, Any]:
        return {"status": self.status, "reasons": self.reasons, **self.detail}


def check(conn: redis.Redis, engine: Any, *, prefix: str, queue_name: str,
          digest_to: str, now: float | None = None) -> Report:
    """Say whether alerts can flow, and why not."""
    now = time.time() if now is None else now
    report = Report()
    redis_ok = redis_factory.ping(conn)
    database_ok = _database_answers(engine)
    report.detail.update(redis="ok" if redis_ok else "down",
                         database="ok" if database_ok else "down")
    if not redis_ok:
        report.down("Redis does not answer: messages are kept in the spool, alerts wait")
    if not database_ok:
        report.down("the database does not answer: reports cannot be saved")
    if redis_ok:
        _worker(report, Marks(conn, prefix), Queue(queue_name, connection=conn), now)
    if database_ok:
        _alerts(report, engine, now)
        _reachable(report, engine, digest_to)
    return report


def _database_answers(engine: Any) -> bool:
    from sqlalchemy import text

    try:
        with engine.connect() as db:
            db.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means it does not answer
        return False


def _age(value: Any, now: float) -> int | None:
    return None if value is None else max(0, int(now - float(value)))


def _worker(report: Report, marks: Marks, queue: Queue, now: float) -> None:
    try:
        with marks.conn.pipeline(transaction=False) as pipe:
            pipe.zrangebyscore(marks.workers, now - PULSE_TTL, "+inf", withscores=True)
            pipe.zrevrange(marks.workers, 0, 0, withscores=True)
            pipe.get(marks.scheduler)
            pipe.get(marks.upkeep)
            live, newest, scheduled, upkept = pipe.execute()
        queued = queue.count
    except redis.RedisError:
        report.down("Redis does not answer: messages are kept in the spool, alerts wait")
        return
    beat = _age(newest[0][1], now) if newest else None
    scheduler, upkeep = _age(scheduled, now), _age(upkept, now)
    report.detail.update(
        worker={"alive": len(live), "heartbeat_seconds_ago": beat},
        scheduler={"ran_seconds_ago": scheduler},
        upkeep={"last_tick_seconds_ago": upkeep},
    )
    report.detail.setdefault("alerts", {})["queued_jobs"] = queued
    if not live:
        report.down("no worker is running (`hotline worker`): alerts are not sent"
                    if beat is None else
                    f"no worker has been heard from for {beat} s: alerts are not sent")
        return
    if scheduler is None or scheduler > SCHEDULER_STALE:
        report.down("the scheduler has not run for a while: retries and escalations wait")
    if upkeep is None or upkeep > UPKEEP_STALE:
        report.down("the upkeep has not run for a while: spooled messages and lost "
                    "alerts wait")


def _alerts(report: Report, engine: Any, now: float) -> None:
    from hotline.store.cases import AlertIntentRow

    with Session(engine) as db:
        oldest = db.scalar(select(func.min(AlertIntentRow.created_at))
                          .where(AlertIntentRow.queued_at.is_(None)))
    waiting = None if oldest is None else _age(_epoch(oldest), now)
    report.detail.setdefault("alerts", {})["oldest_waiting_seconds"] = waiting
    if waiting is not None and waiting > ALERT_STALE:
        report.down(f"a case has waited {waiting // 60} min for its alert")


def _reachable(report: Report, engine: Any, digest_to: str) -> None:
    from hotline.store.organizers import OrganizerRow

    with Session(engine) as db:
        active = int(db.scalar(select(func.count()).select_from(OrganizerRow)
                               .where(OrganizerRow.active.is_(True))) or 0)
    listed = [a for a in digest_to.split(",") if a.strip()]
    report.detail["organizers"] = {"active": active, "digest_to": len(listed)}
    if not active and not listed:
        report.degraded("nobody would hear of a new case: no active organizer and no "
                        "DIGEST_TO (add one with `hotline organizers add`)")


def _epoch(moment: Any) -> float:
    from hotline.store.db import aware

    return float(aware(moment).timestamp())  # type: ignore[union-attr]
