"""Voice-line jobs: file a voicemail, and text the center's number after a call nobody
answered. Their arguments are plain JSON with the caller's number encrypted (see
``hotline.calls``): RQ keeps a failed job's arguments in Redis for a long time.
"""

from __future__ import annotations

from typing import Any

from hotline import config
from hotline.alerts.dispatch import for_job
from hotline.calls import Recording, Voicemails, text_center_phone
from hotline.service import Service


def store_voicemail(recording: dict[str, Any]) -> str:
    """File a recorded message as a voicemail case and alert organizers (once)."""
    service = Service.from_settings(config.load())
    try:
        return Voicemails(service).file(Recording.from_job(recording))
    finally:
        service.close()


def text_center_phone_after_call(call: dict[str, Any]) -> str:
    """Text a known worker whose call ended unanswered the center's phone number."""
    settings = config.load()
    with for_job(settings) as dispatcher:
        result = text_center_phone(dispatcher.wiring.to_worker, dispatcher.catalogs,
                                   settings.center_phone, call)
    return "nothing to send" if result is None else str(result.outcome)
