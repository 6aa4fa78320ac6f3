"""One round of upkeep as a job (by hand: ``hotline worker`` runs it on its own clock)."""

from __future__ import annotations

from hotline import config
from hotline.outbound.twilio_sms import TwilioSender
from hotline.service import Service
from hotline.upkeep import Upkeep


def tick() -> dict[str, int]:
    """Do one round of upkeep."""
    settings = config.load()
    service = Service.from_settings(settings)
    twilio = TwilioSender(settings)
    try:
        report = Upkeep(service, twilio).tick()
        return dict(report.__dict__)
    finally:
        twilio.close()
        service.close()
