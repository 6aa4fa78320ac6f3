"""How one delivery is attempted: taken once, sent, retried, and moved down its
recipient's transports (WhatsApp → SMS → e-mail) when it keeps failing.

Every message is a row in ``deliveries`` before it is sent: the alert job makes a new
alert's first attempt itself, and a ``deliver`` job (carrying the row's id only) makes
every other; each takes the row for sending atomically first. A message that reached
nobody is listed by ``hotline alerts failed`` and can be started again (``retry``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import redis
from rq import Retry

from hotline.alerts.wiring import (
    DELIVER_JOB,
    EARLY_SLACK,
    FAILED_LATER_JOB,
    FAILURE_TTL,
    Wiring,
)
from hotline.alerts.writing import Skip, Writer
from hotline.outbound import OptedOut, PermanentFailure, TransportError, WindowClosed
from hotline.outbound.twilio_sms import UNCONFIRMED, classify
from hotline.store.cases import CaseView
from hotline.store.deliveries import (
    ALERTS,
    SENDING_LEASE,
    Delivery,
    Mode,
    Purpose,
    Status,
    Transport,
    chain_of,
)
from hotline.store.organizers import Channel, Organizer

log = logging.getLogger(__name__)

#: The order transports are tried in for an organizer.
ORDER = (Transport.WHATSAPP, Transport.SMS, Transport.EMAIL)


class Retrying(TransportError):
    """Raised out of a delivery job so RQ retries it after its backoff."""


class Attempts:
    """Start deliveries, queue their jobs, and carry each through to sent or failed."""

    def __init__(self, wiring: Wiring, writer: Writer) -> None:
        self.w = wiring
        self.writer = writer
        #: called with (case id, now) when a case's every alert failed (``notices``)
        self.on_unreached: Callable[[int, datetime], object] | None = None

    # -- starting deliveries ---------------------------------------------------------

    def transports_for(self, organizer: Organizer, purpose: Purpose) -> list[Transport]:
        """Return the transports to try for an organizer, best first."""
        found: list[Transport] = []
        if purpose != Purpose.REPORT and organizer.phone and self.w.ready("twilio"):
            if organizer.channel == Channel.WHATSAPP and not organizer.whatsapp_opted_out:
                found.append(Transport.WHATSAPP)
            if not organizer.sms_opted_out:
                found.append(Transport.SMS)
        if organizer.email and self.w.ready("email"):
            found.append(Transport.EMAIL)
        return found

    def start(self, case_id: int, purpose: Purpose, organizer: Organizer,
              now: datetime) -> None:
        """Create the first delivery of a message to an organizer (once) and queue it."""
        deliveries = self.w.deliveries
        chain = chain_of(case_id, purpose, organizer.id)
        existing = deliveries.chain(chain)
        if any(d.status == Status.SENT for d in existing):
            return
        pending = [d for d in existing if d.status == Status.PENDING]
        if existing:
            for row in pending:
                self.enqueue(row)  # a re-run job picks up what a crash left
            return
        transports = self.transports_for(organizer, purpose)
        if not transports:
            row = deliveries.ensure(chain=chain, transport=Transport.SMS, purpose=purpose,
                                    case_id=case_id, organizer_id=organizer.id, now=now)
            deliveries.mark(row.id, Status.FAILED, now, error="no usable transport")
            log.error("case %d: organizer %d has no usable transport", case_id, organizer.id)
            return
        row = deliveries.ensure(chain=chain, transport=transports[0], purpose=purpose,
                                case_id=case_id, organizer_id=organizer.id, now=now)
        self.enqueue(row)

    def start_webhook(self, case_id: int, purpose: Purpose, now: datetime) -> None:
        if not self.w.ready("webhook"):
            return
        row = self.w.deliveries.ensure(chain=chain_of(case_id, purpose, None), now=now,
                                       transport=Transport.WEBHOOK, purpose=purpose,
                                       case_id=case_id)
        if row.status == Status.PENDING:
            self.enqueue(row)

    # -- queueing their jobs ---------------------------------------------------------

    def enqueue(self, row: Delivery, suffix: str = "", *, tried: bool = False) -> None:
        """Queue a delivery's job; if Redis is down it stays pending (``alerts failed``).

        A delivery gets 1 + len(ALERT_RETRY_SECONDS) attempts in all before it falls back
        to its next transport. If the first was ``tried`` already (inline, by the alert
        job), its job runs one interval later and has one retry fewer.
        """
        w = self.w
        intervals = w.settings.alert_retry_intervals
        job_id = w.job_id(f"deliver-{row.id}{suffix}")
        try:
            if not tried:
                w.queue.enqueue(DELIVER_JOB, row.id, job_id=job_id,
                                retry=Retry(max=len(intervals), interval=intervals),
                                failure_ttl=FAILURE_TTL)
                return
            first, rest = intervals[0], intervals[1:]
            retry = Retry(max=len(rest), interval=rest) if rest else None
            if first:
                w.queue.enqueue_in(timedelta(seconds=first), DELIVER_JOB, row.id,
                                   job_id=job_id, retry=retry, failure_ttl=FAILURE_TTL)
            else:
                w.queue.enqueue(DELIVER_JOB, row.id, job_id=job_id, retry=retry,
                                failure_ttl=FAILURE_TTL)
        except redis.RedisError as exc:
            log.error("delivery %d not queued: %s", row.id, type(exc).__name__)

    def enqueue_again(self, row: Delivery) -> None:
        """Queue an unsent delivery a crashed alert job left behind.

        One still ``sending`` was being sent when its process died: its job runs when the
        lease is over, finds it interrupted and falls back (it is never sent again).
        """
        if row.status == Status.PENDING:
            self.enqueue(row)
            return
        at = row.updated_at + SENDING_LEASE + EARLY_SLACK
        try:
            self.w.queue.enqueue_at(at, DELIVER_JOB, row.id,
                                    job_id=self.w.job_id(f"deliver-{row.id}-lease"),
                                    failure_ttl=FAILURE_TTL)
        except redis.RedisError as exc:
            log.error("delivery %d not queued: %s", row.id, type(exc).__name__)

    # -- one attempt -----------------------------------------------------------------

    def deliver(self, delivery_id: int, *, final: bool = True,
                now: datetime | None = None) -> str:
        """Send one delivery unless it was sent; retry (raise), fall back, or give up."""
        now = now or datetime.now(UTC)
        row = self.w.deliveries.take(delivery_id, now)
        if row is None:
            stuck = self.w.deliveries.get(delivery_id)
            if stuck is not None and stuck.status == Status.SENDING:
                return self.interrupted(stuck, now)
            return "not pending"
        return self.attempt(row, final=final, now=now)

    def interrupted(self, row: Delivery, now: datetime) -> str:
        """Move on a send whose worker died mid-way (its lease lapsed); never send twice.

        Twilio can say whether it got the message: the row goes back to pending marked
        unconfirmed, so its next try looks in Twilio's list first and sends only if the
        message is not there. An e-mail or a webhook post cannot be looked up: it falls
        back to the next transport instead (or is listed by ``hotline alerts failed``).
        """
        phone = row.transport in (Transport.SMS, Transport.WHATSAPP)
        closed = self.w.deliveries.interrupted(row.id, now,
                                               look_up=UNCONFIRMED if phone else None)
        if closed is None:
            return "not pending"  # still within its lease: the send may go on
        log.warning("delivery %d (%s) was left mid-send by a worker that died", row.id,
                    row.transport)
        if phone:
            self.enqueue(closed, suffix=f"-unconfirmed-{closed.attempts}")
            return "looking it up"
        return self.failed(closed, TransportError("interrupted"), now, already_marked=True)

    def first_attempt(self, row: Delivery, case: CaseView, now: datetime) -> str:
        """Make a new delivery's first attempt in the alert job; queue a job to retry it."""
        if row.status == Status.PENDING:
            taken = self.w.deliveries.take(row.id, now)
            if taken is None:
                return "not pending"  # another run of the job has it
            row = taken
        try:
            return self.attempt(row, final=False, now=now, case=case)
        except Retrying:
            self.enqueue(row, tried=True)
            return "will retry"

    def attempt(self, row: Delivery, *, final: bool, now: datetime,
                case: CaseView | None = None) -> str:
        """Send a delivery taken for sending; mark what happened, fall back or raise."""
        deliveries = self.w.deliveries
        try:
            with deliveries.leased(row.id):  # a send that outlives its lease was abandoned
                provider_id = self.writer.send(row, now, case)
        except WindowClosed as exc:
            if self.use_template(row, now, exc.code):
                return "template"
            return self.failed(row, exc, now)
        except Skip as skip:
            deliveries.mark(row.id, Status.SKIPPED, now, error=skip.reason[:60])
            return "skipped"
        except PermanentFailure as exc:
            return self.failed(row, exc, now)
        except TransportError as exc:
            if final:
                return self.failed(row, exc, now)
            deliveries.mark(row.id, Status.PENDING, now, error=exc.code)
            log.warning("delivery %d (%s) failed, will retry: %s", row.id, row.transport,
                        exc.code)
            raise Retrying(exc.code) from None
        if provider_id is None:
            deliveries.mark(row.id, Status.SKIPPED, now, error="no longer needed")
            return "skipped"
        deliveries.mark(row.id, Status.SENT, now, provider_id=provider_id)
        log.info("delivery %d sent: %s %s", row.id, row.purpose, row.transport)
        return "sent"

    # -- what Twilio reports later ---------------------------------------------------

    def reported(self, provider_id: str, status: str, code: str) -> bool:
        """Queue the handling of a Twilio status callback that says a message failed
        (unless Twilio had said it was delivered: callbacks come out of order)."""
        if status not in ("failed", "undelivered") or not provider_id:
            return False
        row = self.w.deliveries.by_provider_id(provider_id)
        if row is None or self.w.messages.arrived(provider_id):
            return False
        try:
            self.w.queue.enqueue(FAILED_LATER_JOB, row.id, code[:12] or "0",
                                 job_id=self.w.job_id(f"failed-later-{row.id}"),
                                 failure_ttl=FAILURE_TTL,
                                 retry=Retry(max=3, interval=[10, 60, 300]))
        except redis.RedisError as exc:
            log.error("delivery report for %d not queued: %s", row.id, type(exc).__name__)
            return False
        return True

    def failed_later(self, delivery_id: int, code: str, now: datetime | None = None) -> str:
        """Handle a failure Twilio reported after accepting a message (status callback)."""
        now = now or datetime.now(UTC)
        row = self.w.deliveries.get(delivery_id)
        if row is None or row.status != Status.SENT:
            return "not sent"
        if row.provider_id and self.w.messages.arrived(row.provider_id):
            return "delivered"  # a delivered report came too: never move back from it
        self.w.deliveries.mark(row.id, Status.FAILED, now, error=f"twilio {code}")
        exc = classify(code)
        if isinstance(exc, WindowClosed) and self.use_template(row, now, exc.code):
            return "template"
        return self.failed(row, exc, now, already_marked=True)

    def use_template(self, row: Delivery, now: datetime, code: str) -> bool:
        """Resend a WhatsApp alert as the approved template, once, if there is one."""
        if (row.transport != Transport.WHATSAPP or row.mode == Mode.TEMPLATE
                or row.purpose not in ALERTS or not self.w.settings.twilio_content_sid):
            return False
        self.w.deliveries.mark(row.id, Status.PENDING, now, error=code, mode=Mode.TEMPLATE)
        self.enqueue(row, suffix="-template")
        log.info("delivery %d: WhatsApp window closed, sending the template", row.id)
        return True

    # -- failing and falling back ----------------------------------------------------

    def failed(self, row: Delivery, exc: TransportError, now: datetime, *,
               already_marked: bool = False) -> str:
        w = self.w
        if not already_marked:
            w.deliveries.mark(row.id, Status.FAILED, now, error=exc.code)
        log.warning("delivery %d (%s) failed for good: %s", row.id, row.transport, exc.code)
        if isinstance(exc, OptedOut) and row.organizer_id is not None:
            channel = Channel.WHATSAPP if row.transport == Transport.WHATSAPP else Channel.SMS
            w.organizers.opted_out(row.organizer_id, channel)
            log.warning("organizer %d opted out of %s", row.organizer_id, channel)
        nxt = self.fallback(row, now)
        if nxt is None:
            if row.case_id is not None:
                w.cases.record(row.case_id, "delivery_failed",
                               f"{row.purpose} {row.transport}: {exc.code}")
                if row.purpose in ALERTS and self.on_unreached and self._reached_nobody(
                        row.case_id):
                    self.on_unreached(row.case_id, now)
            return "failed"
        return f"fell back to {nxt}"

    def _reached_nobody(self, case_id: int) -> bool:
        """Tell whether every alert about a case to an organizer failed (none sent or on
        its way), and the case is still open."""
        assignment = self.w.assignments.get(case_id)
        if assignment is not None and not assignment.open:
            return False
        rows = [d for d in self.w.deliveries.for_case(case_id)
                if d.purpose in ALERTS and d.organizer_id is not None]
        return all(d.status in (Status.FAILED, Status.SKIPPED) for d in rows)

    def fallback(self, row: Delivery, now: datetime) -> Transport | None:
        """Queue the next transport of an organizer's message; None if none is left."""
        if row.organizer_id is None or row.transport not in ORDER:
            return None
        organizer = self.w.organizers.get(row.organizer_id)
        if organizer is None:
            return None
        later = [t for t in self.transports_for(organizer, row.purpose)
                 if ORDER.index(t) > ORDER.index(row.transport)]
        if not later:
            return None
        deliveries = self.w.deliveries
        nxt = deliveries.ensure(chain=row.chain, transport=later[0], purpose=row.purpose,
                                case_id=row.case_id, organizer_id=row.organizer_id, now=now)
        if nxt.status in (Status.FAILED, Status.SKIPPED):
            deliveries.reopen(nxt.id, now)
        if nxt.status != Status.SENT:
            self.enqueue(nxt)
        return later[0]

    def retry(self, chain: str, now: datetime | None = None) -> Transport | None:
        """Start a message that reached nobody again from its first transport (staff)."""
        now = now or datetime.now(UTC)
        deliveries = self.w.deliveries
        rows = deliveries.chain(chain)
        if not rows or any(d.status == Status.SENT for d in rows):
            return None
        first = rows[0]
        transport = first.transport
        if first.organizer_id is not None:
            organizer = self.w.organizers.get(first.organizer_id)
            usable = self.transports_for(organizer, first.purpose) if organizer else []
            if not usable:
                return None
            transport = usable[0]
        row = deliveries.ensure(chain=chain, transport=transport, purpose=first.purpose,
                                case_id=first.case_id, organizer_id=first.organizer_id,
                                recipient=first.recipient, now=now)
        deliveries.reopen(row.id, now)
        self.enqueue(row, suffix=f"-r{int(now.timestamp())}")
        return transport
