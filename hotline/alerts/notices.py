"""Notices to coordinators: something staff must look at that is not a new case.

A case no organizer could be alerted about (nobody active or reachable when it was
filed, or every alert failed later), and an organizer's phone that keeps sending case
numbers that do not work (typos, cases not theirs, or someone guessing). A notice goes
to every active coordinator by their best transport, or, with no coordinator to reach,
by e-mail to DIGEST_TO; once per case, or per subject and hour. Like every delivery it
holds ids only: its words are written at send time (``write``).
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

    def unreached(self, case_id: int, now: datetime) -> int:
        """Tell the coordinators (or DIGEST_TO) that a case reached no organizer (once)."""
        told = self._to_coordinators("", now, case_id=case_id)
        self.w.cases.record(case_id, "unreached", f"raised to {told} recipient(s)")
        if not told:
            log.critical("case %d reached nobody: no coordinator and no DIGEST_TO", case_id)
        return told

    def _to_coordinators(self, scope: str, now: datetime, skip: int | None = None,
                         case_id: int | None = None) -> int:
        coordinators = [o for o in self.w.organizers.all()
                        if o.active and o.role == Role.COORDINATOR and o.id != skip]
        told = 0
        for coordinator in coordinators:
            transports = self.transports_for(coordinator, Purpose.NOTICE)
            if transports:
                told += self._queue(scope, transports[0], now, coordinator.id, None, case_id)
        if not told and self.w.ready("email"):
            listed = [a.strip() for a in self.w.settings.digest_to.split(",") if a.strip()]
            for address in listed:
                told += self._queue(scope, Transport.EMAIL, now, None, address, case_id)
        return told

    def _queue(self, scope: str, transport: Transport, now: datetime,
               organizer_id: int | None, address: str | None,
               case_id: int | None = None) -> int:
        row = self.w.deliveries.ensure(
            chain=chain_of(case_id, Purpose.NOTICE, organizer_id, address, scope=scope),
            transport=transport, purpose=Purpose.NOTICE, organizer_id=organizer_id,
            recipient=address, case_id=case_id, now=now)
        if row.status == Status.PENDING:
            self.enqueue(row)
        return 1


def write(wiring: Wiring, row: Delivery) -> tuple[Organizer | None, str] | None:
    """Return the recipient (an organizer, or None for an address) and the words of a
    notice, from its chain; None if it is no longer needed."""
    scope = row.chain.split(":", 1)[0]
    recipient = wiring.organizers.get(row.organizer_id) if row.organizer_id else None
    if row.organizer_id and (recipient is None or not recipient.active):
        return None
    r = wiring.catalogs
    locale = alerts.locale_for(r, recipient.locale) if recipient else "en"
    if row.case_id is not None:
        case = wiring.cases.get(row.case_id)
        assignment = wiring.assignments.get(row.case_id)
        if case is None or (assignment is not None and not assignment.open):
            return None  # someone took it meanwhile
        return recipient, alerts.simple(r, alerts.UNREACHED, locale, ref=case.ref)
    if not scope.startswith("fc"):
        return None
    about = scope.removeprefix("fc").partition("-")[0]
    subject_id, _, count = about.partition("x")
    subject = wiring.organizers.get(int(subject_id))
    if subject is None:
        return None
    return recipient, alerts.simple(r, alerts.FAILED_CLAIMS, locale, name=subject.name,
                                    count=int(count))
