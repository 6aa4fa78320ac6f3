"""The daily digest: who reads it, one delivery per reader and day, and its next run."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime

from rq.job import Job

from hotline.alerts import digest_texts, routing
from hotline.alerts.wiring import DIGEST_JOB, FAILURE_TTL, Wiring, need
from hotline.store.deliveries import Delivery, Purpose, Status, Transport, chain_of
from hotline.store.organizers import Role

log = logging.getLogger(__name__)


class Digests:
    """Queue, write and schedule the digest of open cases."""

    def __init__(self, wiring: Wiring, enqueue: Callable[[Delivery], None]) -> None:
        self.w = wiring
        self.enqueue = enqueue

    def recipients(self) -> list[str]:
        """Return DIGEST_TO, or else the e-mails of active coordinators."""
        listed = [a.strip() for a in self.w.settings.digest_to.split(",") if a.strip()]
        if listed:
            return listed
        return [o.email for o in self.w.organizers.all()
                if o.active and o.role == Role.COORDINATOR and o.email]

    def queue(self, day: date, now: datetime | None = None) -> int:
        """Queue the digest of ``day`` to each recipient (once per day and recipient)."""
        now = now or datetime.now(UTC)
        recipients = self.recipients()
        if not recipients:
            log.warning("digest of %s not sent: set DIGEST_TO or add a coordinator with an "
                        "e-mail", day)
        for address in recipients:
            row = self.w.deliveries.ensure(
                chain=chain_of(None, Purpose.DIGEST, None, address, scope=f"d{day}"),
                transport=Transport.EMAIL, purpose=Purpose.DIGEST, recipient=address, now=now)
            if row.status == Status.PENDING:
                self.enqueue(row)
        return len(recipients)

    def schedule(self, now: datetime | None = None) -> datetime:
        """Make sure the next digest is scheduled (idempotent: one job per day)."""
        w = self.w
        now = now or datetime.now(UTC)
        at = routing.next_at(w.settings.digest_clock, now, w.zone)
        day = at.date()
        job_id = w.job_id(f"digest-{day.isoformat()}")
        if not Job.exists(job_id, connection=w.conn):
            w.queue.enqueue_at(at, DIGEST_JOB, day.isoformat(), job_id=job_id,
                               failure_ttl=FAILURE_TTL)
        return at


def send(wiring: Wiring, row: Delivery, now: datetime) -> str:
    """Write the digest a delivery stands for (its day is in the chain) and e-mail it."""
    day = date.fromisoformat(row.chain.split(":", 1)[0].removeprefix("d"))
    subject, body = digest_texts.digest(wiring.catalogs,
                                        list(wiring.assignments.not_closed()), day, now)
    return wiring.senders.email.send(need(row.recipient), subject, body)
