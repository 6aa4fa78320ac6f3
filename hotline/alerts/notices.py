"""Notices to coordinators: something staff must look at that is not a new case.

Today: an organizer's phone that keeps sending case numbers that do not work (typos,
cases not theirs, or someone guessing). A notice goes to every active coordinator by
their best transport, or, with no coordinator to reach, by e-mail to DIGEST_TO; once
per subject and hour. Like every delivery it holds ids only: its words are written
at send time (``write``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from hotline.alerts import texts as alerts
from hotline.alerts.wiring import Wiring
from hotline.store.deliveries import Delivery, Purpose, Status, Transport, chain_of
from hotline.store.organizers import Organizer, Role

log = logging.getLogger(__name__)

#: The scope of a failed-claims notice: ``fc<organizer id>x<count>-<hour>``.
FAILED_CLAIMS_SCOPE = "fc{organizer}x{count}-{hour}"


class Notices:
    """Queue notices to coordinators (or DIGEST_TO)."""

    def __init__(self, wiring: Wiring, enqueue: Callable[[Delivery], None],
                 transports_for: Callable[[Organizer, Purpose], list[Transport]]) -> None:
        self.w = wiring
        self.enqueue = enqueue
        self.transports_for = transports_for

    def failed_claims(self, organizer: Organizer, count: int, now: datetime) -> int:
        """Tell the coordinators that an organizer's case numbers keep failing; return
        how many recipients were queued."""
        scope = FAILED_CLAIMS_SCOPE.format(organizer=organizer.id, count=count,
                                           hour=int(now.timestamp()) // 3600)
        told = self._to_coordinators(scope, now, skip=organizer.id)
        if not told:
            log.error("failed claims of organizer %d: no coordinator and no DIGEST_TO to tell",
                      organizer.id)
        return told

    def _to_coordinators(self, scope: str, now: datetime, skip: int | None = None) -> int:
        coordinators = [o for o in self.w.organizers.all()
                        if o.active and o.role == Role.COORDINATOR and o.id != skip]
        told = 0
        for coordinator in coordinators:
            transports = self.transports_for(coordinator, Purpose.NOTICE)
            if transports:
                told += self._queue(scope, transports[0], now, coordinator.id, None)
        if not told:
            listed = [a.strip() for a in self.w.settings.digest_to.split(",") if a.strip()]
            for address in listed:
                told += self._queue(scope, Transport.EMAIL, now, None, address)
        return told

    def _queue(self, scope: str, transport: Transport, now: datetime,
               organizer_id: int | None, address: str | None) -> int:
        row = self.w.deliveries.ensure(
            chain=chain_of(None, Purpose.NOTICE, organizer_id, address, scope=scope),
            transport=transport, purpose=Purpose.NOTICE, organizer_id=organizer_id,
            recipient=address, now=now)
        if row.status == Status.PENDING:
            self.enqueue(row)
        return 1


def write(wiring: Wiring, row: Delivery) -> tuple[Organizer | None, str] | None:
    """Return the recipient (an organizer, or None for an address) and the words of a
    notice, from its chain; None if it is no longer needed."""
    scope = row.chain.split(":", 1)[0]
    if not scope.startswith("fc"):
        return None
    about = scope.removeprefix("fc").partition("-")[0]
    subject_id, _, count = about.partition("x")
    subject = wiring.organizers.get(int(subject_id))
    recipient = wiring.organizers.get(row.organizer_id) if row.organizer_id else None
    if subject is None or (row.organizer_id and (recipient is None or not recipient.active)):
        return None
    r = wiring.catalogs
    locale = alerts.locale_for(r, recipient.locale) if recipient else "en"
    return recipient, alerts.simple(r, alerts.FAILED_CLAIMS, locale, name=subject.name,
                                    count=int(count))
