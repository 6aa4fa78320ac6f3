"""The upkeep job: runs every minute under `hotline worker` (see hotline.upkeep)."""

from __future__ import annotations

from hotline import config
from hotline.outbound.twilio_sms import TwilioSender
from hotline.service import Service
from hotline.sessions import jobs
from hotline.upkeep import Upkeep, schedule_next


def tick() -> dict[str, int]:
    """Do one round of upkeep, then schedule the next one."""
    settings = config.load()
    service = Service.from_settings(settings)
    twilio = TwilioSender(settings)
    try:
        schedule_next(jobs.queue(settings.alerts_queue, service.conn))
        report = Upkeep(service, twilio).tick()
        return dict(report.__dict__)
    finally:
        twilio.close()
        service.close()
