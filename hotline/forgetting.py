"""Forgetting at Twilio: carry out the deletions erasure and retention queued.

Each upkeep tick turns a queued number (erasure) or date (retention) into the SIDs of
the messages Twilio holds, then deletes each message; anything that fails waits and
is tried again (``store.deletions``). A number is decrypted only to ask Twilio for
its messages and is gone from the database as soon as Twilio has listed them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from hotline.outbound import NotConfigured, TransportError
from hotline.outbound import twilio_records as records
from hotline.outbound.twilio_sms import TwilioSender
from hotline.store.deletions import Deletion, Deletions, Kind

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Forgotten:
    """What one round did: messages deleted, searches done, tries that will be repeated."""

    deleted: int = 0
    searched: int = 0
    retrying: int = 0


class TwilioForgetting:
    """Delete the messages queued in ``Deletions`` at Twilio, with retries."""

    def __init__(self, deletions: Deletions, twilio: TwilioSender) -> None:
        self.deletions = deletions
        self.twilio = twilio

    def run(self, now: datetime) -> Forgotten:
        """Do every deletion whose time has come (searches first, then the SIDs found)."""
        if not self.twilio.configured:
            return Forgotten()
        deleted = searched = retrying = 0
        for round_ in range(2):  # a search queues SIDs that are due at once
            for item in self.deletions.due(now):
                if round_ and item.kind not in (Kind.SID, Kind.RECORDING):
                    continue
                try:
                    if item.kind == Kind.SID:
                        records.delete(self.twilio, item.sid or "")
                        deleted += 1
                    elif item.kind == Kind.RECORDING:
                        records.delete_recording(self.twilio, item.sid or "")
                        deleted += 1
                    else:
                        found = self._search(item)
                        self.deletions.sids(found, now)
                        searched += 1
                        log.info("twilio: %d message(s) queued for deletion (%s)", len(found),
                                 item.kind)
                    self.deletions.done(item.id)
                except NotConfigured:
                    return Forgotten(deleted, searched, retrying)
                except TransportError as exc:
                    retrying += 1
                    again = self.deletions.retry(item.id, exc.code, now)
                    log.log(logging.WARNING if again else logging.CRITICAL,
                            "twilio deletion %d (%s) failed%s: %s", item.id, item.kind,
                            ", will retry" if again else ", given up", exc.code)
        return Forgotten(deleted, searched, retrying)

    def _search(self, item: Deletion) -> list[str]:
        if item.kind == Kind.NUMBER:
            if not item.number:
                return []
            return records.sids_involving(self.twilio, item.number, before=item.before)
        assert item.before is not None
        return records.sids_before(self.twilio, item.before)
