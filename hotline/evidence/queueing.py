"""Queue the evidence jobs (hotline never imports ``workers``: jobs go by dotted path)."""

from __future__ import annotations

import logging
from typing import Any

import redis
from rq import Queue, Retry

log = logging.getLogger(__name__)

#: The RQ job that copies a case's photos and recordings from Twilio, encrypted.
KEEP_JOB = "workers.evidence.keep_case_evidence"
#: The RQ job that deletes the stored copies of erased and expired cases.
PURGE_JOB = "workers.evidence.purge_erased_evidence"
#: Backoff of the keep job's retries, in seconds (Twilio may take a moment to have a new
#: item ready); after these the upkeep queues the job again when an item is due.
RETRY_INTERVALS = [5, 30, 120, 600]
#: What RQ keeps of a job: job data is a case id, nothing personal.
FAILURE_TTL = 7 * 86400


def keep_job_id(queue: Queue, case_id: int) -> str:
    """Name a case's evidence job (one per case, within this deployment's queue)."""
    return f"{queue.name}-evidence-case-{case_id}"


def enqueue_keep(queue: Queue, case_id: int) -> bool:
    """Queue the copying of a case's items; False if Redis failed (the upkeep finds the
    items within minutes, and Twilio keeps them until then)."""
    try:
        queue.enqueue(KEEP_JOB, case_id, job_id=keep_job_id(queue, case_id),
                      retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS),
                      failure_ttl=FAILURE_TTL)
    except redis.RedisError as exc:
        log.error("evidence job for case %d not enqueued: %s", case_id, type(exc).__name__)
        return False
    return True


def keep_job_waiting(queue: Queue, case_id: int) -> bool:
    """Tell whether a case's evidence job is queued, running or waiting for a retry."""
    status: Any = queue.connection.hget(f"rq:job:{keep_job_id(queue, case_id)}", "status")
    if isinstance(status, bytes):
        status = status.decode()
    return status in ("queued", "started", "scheduled", "deferred")


def enqueue_purge(queue: Queue) -> bool:
    """Queue the deletion of erased cases' stored copies (the upkeep also runs it)."""
    try:
        queue.enqueue(PURGE_JOB, job_id=f"{queue.name}-evidence-purge", failure_ttl=86400)
    except redis.RedisError as exc:
        log.error("evidence purge not enqueued: %s", type(exc).__name__)
        return False
    return True
