"""Escalation job: scheduled when a case is alerted, it re-alerts if nobody took it."""

from __future__ import annotations

from hotline import config
from hotline.alerts.dispatch import for_job


def escalate(case_id: int, level: int) -> str:
    """Re-alert everyone (level 1) or the coordinators (level 2) about an untaken case."""
    with for_job(config.load()) as dispatcher:
        return dispatcher.escalate(case_id, level)
