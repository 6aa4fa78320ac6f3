"""The job that sends what was held for a worker once they write again (see
``hotline.outbound.to_worker``). Its argument is the number's pseudonym, never the number.
"""

from __future__ import annotations

from hotline import config
from hotline.alerts.dispatch import for_job
from hotline.dialogue.inbound import Channel


def release_held(recipient_id: str, channel: str) -> int:
    """Send the messages held for a worker, oldest first, by the channel they now use."""
    with for_job(config.load()) as dispatcher:
        return dispatcher.wiring.to_worker.release(recipient_id, Channel(channel))
