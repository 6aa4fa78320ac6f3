"""The sweeper: what a crash, a lost job or a database blip left half-done is moved on.

A delivery is a row before it is a job, and an escalation is a due time before it is a
job: the rows are the truth, the jobs in Redis only a way to act on them. Every sweep
(the worker's upkeep, every few seconds) looks for

- deliveries still ``sending`` after their lease: the sender died mid-send. A text is
  looked up in Twilio's list before any new try (sent only if Twilio does not have it);
  an e-mail or webhook post, which cannot be looked up, falls back to the next transport
  (never sent twice on one transport);
- deliveries still ``pending`` well after their next try was due, with no job waiting
  for them (the job was lost with Redis's data, or failed on a database error at its
  last retry): a job is queued with the tries they have left, so they are retried,
  fall back, or fail where ``hotline alerts failed`` shows them;
- open cases whose escalation was due and has no job waiting: the job is queued.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import redis
from rq import Retry
from rq.job import Job, JobStatus

from hotline.alerts.attempts import Attempts
from hotline.alerts.wiring import DELIVER_JOB, ESCALATE_JOB, FAILURE_TTL, Wiring
from hotline.sessions import jobs
from hotline.store.deliveries import SENDING_LEASE, Delivery, Status

log = logging.getLogger(__name__)

#: How long past its time a delivery or an escalation may wait for its job.
GRACE = timedelta(seconds=30)
#: Job states in which a job will still run.
_WAITING = frozenset({JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.STARTED,
                      JobStatus.DEFERRED})


def job_waiting(conn: redis.Redis, job_id: str) -> bool:
    """Tell whether a job with this id is in Redis and will still run."""
    if not Job.exists(job_id, connection=conn):
        return False
    try:
        return jobs.fetch(job_id, conn).get_status() in _WAITING
    except Exception:  # noqa: BLE001 - unreadable: treat as gone
        return False


class Sweeper:
    """Find deliveries and escalations left behind and move them on."""

    def __init__(self, wiring: Wiring, attempts: Attempts) -> None:
        self.w = wiring
        self.attempts = attempts

    def sweep(self, now: datetime | None = None) -> int:
        """Move on everything left behind; return how many things were moved."""
        now = now or datetime.now(UTC)
        moved = 0
        for row in self.w.deliveries.unfinished(before=now - min(GRACE, SENDING_LEASE)):
            if row.status == Status.SENDING:
                moved += self._interrupted(row, now)
            else:
                moved += self._pending(row, now)
        return moved + self._escalations(now)

    def _interrupted(self, row: Delivery, now: datetime) -> int:
        if now - row.updated_at < SENDING_LEASE:
            return 0  # maybe still sending
        return int(self.attempts.interrupted(row, now) != "not pending")

    def _pending(self, row: Delivery, now: datetime) -> int:
        intervals = self.w.settings.alert_retry_intervals
        wait = intervals[min(row.attempts, len(intervals)) - 1] if row.attempts else 0
        if now < row.updated_at + timedelta(seconds=wait) + GRACE:
            return 0
        job_id = self.w.job_id(f"deliver-{row.id}-sweep-{row.attempts}")
        if job_waiting(self.w.conn, job_id) or job_waiting(
                self.w.conn, self.w.job_id(f"deliver-{row.id}")):
            return 0
        left = max(0, len(intervals) - row.attempts)  # retries after the sweep's own try
        self.w.queue.enqueue(DELIVER_JOB, row.id, job_id=job_id, failure_ttl=FAILURE_TTL,
                             retry=Retry(max=left, interval=intervals[-left:]) if left else None)
        log.warning("delivery %d had no job to send it: queued again", row.id)
        return 1

    def _escalations(self, now: datetime) -> int:
        moved = 0
        for case in self.w.assignments.overdue(before=now - GRACE):
            level = case.level + 1
            due = case.due_at or now
            scheduled = self.w.job_id(f"escalate-{case.case_id}-{level}-{int(due.timestamp())}")
            swept = self.w.job_id(f"escalate-{case.case_id}-{level}-sweep")
            if job_waiting(self.w.conn, scheduled) or job_waiting(self.w.conn, swept):
                continue
            self.w.queue.enqueue(ESCALATE_JOB, case.case_id, level, job_id=swept,
                                 failure_ttl=FAILURE_TTL,
                                 retry=Retry(max=3, interval=[30, 120, 600]))
            log.warning("case %d: its escalation had no job: queued again", case.case_id)
            moved += 1
        return moved
