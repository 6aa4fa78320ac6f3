"""Alert jobs, run by ``hotline worker`` from the alerts queue.

Job arguments are ids only; RQ keeps a failed job's arguments in Redis for a long time,
and an id reveals nothing about the worker.
"""

from __future__ import annotations

import logging

from rq import get_current_job

from hotline import config
from hotline.alerts.dispatch import for_job

log = logging.getLogger(__name__)


def alert_case(case_id: int) -> str:
    """Alert the organizers routing picks for a newly filed case."""
    with for_job(config.load()) as dispatcher:
        return dispatcher.alert(case_id)


def deliver(delivery_id: int) -> str:
    """Send one delivery; raise to be retried, or fall back on the last attempt."""
    job = get_current_job()
    final = job is None or not job.retries_left
    with for_job(config.load()) as dispatcher:
        return dispatcher.deliver(delivery_id, final=final)


def delivery_failed(delivery_id: int, code: str) -> str:
    """Handle a failure Twilio reported after it had accepted a message."""
    with for_job(config.load()) as dispatcher:
        return dispatcher.failed_later(delivery_id, code)
