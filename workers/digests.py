"""The daily digest job: e-mail the open cases, then schedule tomorrow's."""

from __future__ import annotations

from datetime import date

from hotline import config
from hotline.dispatch import Dispatcher


def send_digest(day: str) -> int:
    """Queue the digest of ``day`` (YYYY-MM-DD) to its readers; schedule the next one."""
    with Dispatcher.opened(config.load()) as dispatcher:
        dispatcher.schedule_digest()  # first, so a failure today doesn't stop tomorrow's
        return dispatcher.digest(date.fromisoformat(day))
