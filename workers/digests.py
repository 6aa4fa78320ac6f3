"""The daily digest job: e-mail the open cases, then schedule tomorrow's."""

from __future__ import annotations

from datetime import date

from hotline import config
from hotline.alerts.dispatch import for_job


def send_digest(day: str) -> int:
    """Queue the digest of ``day`` (YYYY-MM-DD) to its readers; schedule the next one."""
    with for_job(config.load()) as dispatcher:
        dispatcher.schedule_digest()  # first, so a failure today doesn't stop tomorrow's
        return dispatcher.digest(date.fromisoformat(day))
