"""Conversation jobs: what an organizer writes goes to the worker, and the worker hears
that a conversation ended or who has their case now (``hotline.conversations``).
Arguments are ids only; the words are read from the database when the job runs."""

from __future__ import annotations

from hotline import config
from hotline.alerts.dispatch import for_job
from hotline.conversations.talk import Conversations


def send_to_worker(message_id: int, intro: bool) -> str:
    """Send an organizer's message to the worker through the one path to a worker."""
    with for_job(config.load()) as dispatcher:
        return Conversations(dispatcher).send(message_id, intro)


def tell_worker(conversation_id: int, what: str, organizer_id: int, stamp: int) -> str:
    """Tell the worker their conversation ended, or the first name of who has it now."""
    with for_job(config.load()) as dispatcher:
        return Conversations(dispatcher).tell(conversation_id, what, organizer_id, stamp)
