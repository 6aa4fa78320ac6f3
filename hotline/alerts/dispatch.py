"""``Dispatcher``: who hears about a case, through what, and what happens when nobody
answers. Jobs in ``workers/`` call it; so does ``claims`` when an organizer answers.

Every message is a row in ``deliveries`` before it is sent: the alert job makes a new
alert's first attempt itself, and a ``deliver`` job (carrying the row's id only) makes
every other; each takes the row for sending atomically first, and writes the words at
send time from the case. A message that keeps failing moves down its recipient's transports
(WhatsApp → SMS → e-mail); one that reached nobody is listed by ``hotline alerts failed``.
"""

from __future__ import annotations

import atexit
import logging
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

import redis
from rq import Retry
from rq.job import Job
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hotline.alerts import routing, urgency
from hotline.alerts import texts as alerts
from hotline.config import Settings
from hotline.crypto import Crypto, Unreadable
from hotline.outbound import OptedOut, PermanentFailure, TransportError, WindowClosed
from hotline.outbound.email import EmailSender
from hotline.outbound.twilio_sms import TwilioSender, classify
from hotline.outbound.webhook import WebhookSender
from hotline.sessions import connection as redis_factory
from hotline.sessions import jobs
from hotline.store.assignments import (
    ALERTED,
    COORDINATORS,
    ESCALATED,
    Assignment,
    AssignmentStore,
    CaseAlertRow,
)
from hotline.store.cases import AlertIntentRow, CaseRow, CaseStore, CaseView, EventRow
from hotline.store.db import make_engine
from hotline.store.deliveries import (
    ALERTS,
    SENDING_LEASE,
    Delivery,
    DeliveryRow,
    DeliveryStore,
    Mode,
    Purpose,
    Status,
    Transport,
    chain_of,
    new_row,
    view,
)
from hotline.store.optouts import OptOuts
from hotline.store.organizers import Channel, Organizer, OrganizerStore, Role
from hotline.words.catalogs import Catalogs

log = logging.getLogger(__name__)

#: RQ jobs, by dotted path (hotline never imports workers).
DELIVER_JOB = "workers.alerts.deliver"
FAILED_LATER_JOB = "workers.alerts.delivery_failed"
ESCALATE_JOB = "workers.escalation.escalate"
DIGEST_JOB = "workers.digests.send_digest"
#: How long RQ keeps a failed job (its arguments are ids only).
FAILURE_TTL = 30 * 86400
#: WhatsApp lets a business write free text this long after the person's last message.
WHATSAPP_WINDOW = timedelta(hours=24)
#: A scheduled check that wakes this much early still counts as on time.
EARLY_SLACK = timedelta(seconds=5)
#: The order transports are tried in for an organizer.
ORDER = (Transport.WHATSAPP, Transport.SMS, Transport.EMAIL)


class Retrying(TransportError):
    """Raised out of a delivery job so RQ retries it after its backoff."""


@dataclass
class Senders:
    """The three transports; built on first use (the web process never sends)."""

    twilio: TwilioSender
    email: EmailSender
    webhook: WebhookSender

    @classmethod
    def from_settings(cls, settings: Settings) -> Senders:
        return cls(TwilioSender(settings), EmailSender(settings), WebhookSender(settings))

    def close(self) -> None:
        """Release the Twilio client's and the webhook's pooled HTTP connections."""
        self.twilio.close()
        self.webhook.close()


class Dispatcher:
    """Alerts, deliveries, escalations and digests for one deployment."""

    def __init__(self, settings: Settings, cases: CaseStore, conn: redis.Redis,
                 catalogs: Catalogs, senders: Senders | None = None) -> None:
        self.settings = settings
        self.cases = cases
        self.conn = conn
        self.catalogs = catalogs
        self.organizers = OrganizerStore(cases.engine)
        self.assignments = AssignmentStore(cases.engine)
        self.deliveries = DeliveryStore(cases.engine)
        self.optouts = OptOuts(cases)
        self.queue = jobs.queue(settings.alerts_queue, conn)
        self.zone = ZoneInfo(settings.center_timezone)
        self._senders = senders

    @classmethod
    @contextmanager
    def opened(cls, settings: Settings, senders: Senders | None = None
               ) -> Iterator[Dispatcher]:
        """Connect as the settings say, for one job; release the connections after."""
        conn = redis_factory.connect(settings.redis_url or None, settings.var_path,
                                     socket_timeout=10)
        cases = CaseStore(make_engine(settings.sqlalchemy_url),
                          Crypto(settings.secret_key, settings.encryption_keys))
        dispatcher = cls(settings, cases, conn,
                         Catalogs(settings.locales_path, settings.languages), senders)
        try:
            yield dispatcher
        finally:
            if dispatcher._senders is not None or "senders" in vars(dispatcher):
                dispatcher.senders.close()
            cases.engine.dispose()
            conn.close()

    def _job_id(self, name: str) -> str:
        """Name a job within this deployment's queue (deployments may share a Redis)."""
        return f"{self.queue.name}-{name}"

    @cached_property
    def senders(self) -> Senders:
        return self._senders or Senders.from_settings(self.settings)

    # -- a new case ------------------------------------------------------------------

    def escalate_after(self, urgent: bool) -> timedelta:
        """Return how long a case may stay untaken before everyone is alerted."""
        minutes = (self.settings.urgent_escalate_after_minutes if urgent
                   else self.settings.escalate_after_minutes)
        return timedelta(minutes=minutes)

    def alert(self, case_id: int, now: datetime | None = None, *, raced: bool = False) -> str:
        """Alert the organizers routing picks (everyone if urgent); schedule escalation.

        Everything the alert decides is written in one transaction: the outbox row ticked
        (the job ran), the assignment started, the case's history, and one delivery per
        organizer and the webhook. The job then makes each new delivery's first attempt
        itself instead of queueing a ``deliver`` job for it: a ``hotline worker`` process
        runs its jobs one after another anyway, so an attempt made here holds up the next
        job no longer than a job of its own would, every transport gives up after
        TRANSPORT_TIMEOUT, and a surge costs one job per case instead of two. Only an
        attempt that failed but may pass later gets a ``deliver`` job (see ``_enqueue``).
        """
        now = now or datetime.now(UTC)
        case = self.cases.get(case_id)
        if case is None:
            log.warning("alert for missing case %d dropped", case_id)
            return "missing"
        found = urgency.assess(case.issues, case.details)
        assignment = self.assignments.get(case_id)  # set if this job ran before
        if assignment is not None and not assignment.open:
            self._record_alert(case_id, now, None, [], [])  # tick the outbox only
            return "taken"
        urgent = assignment.urgent if assignment else found.urgent
        due_at = assignment.due_at if assignment else now + self.escalate_after(urgent)
        start = None if assignment else CaseAlertRow(
            case_id=case_id, urgent=urgent, reasons=",".join(str(r) for r in found.reasons),
            level=ALERTED, alerted_at=now, due_at=due_at)
        earlier = self.deliveries.for_case(case_id)
        organizers = self.organizers.all()
        # a re-run alerts the same organizers as the first run did
        alerted = {d.organizer_id for d in earlier if d.purpose == Purpose.ALERT}
        chosen = [o for o in organizers if o.id in alerted and o.active]
        events: list[tuple[str, str]] = []
        if not chosen:
            routed = routing.pick(organizers, locale=case.locale, industry=case.industry,
                                  urgent=urgent, now=now, zone=self.zone)
            chosen = list(routed.organizers)
            events.append(("alerted", f"{routed.tier}: {len(chosen)} organizers"))
        if not chosen:
            log.error("case %d: no active organizer to alert", case_id)
            events.append(("no_organizers", ""))
        new: list[DeliveryRow] = []
        again: list[Delivery] = []
        for organizer in chosen:
            self._plan(case_id, Purpose.ALERT, organizer, earlier, now, new, again)
        if self.senders_ready("webhook"):
            self._plan(case_id, Purpose.ALERT, None, earlier, now, new, again)
        try:
            created = self._record_alert(case_id, now, start, events, new)
        except IntegrityError:
            if raced:
                raise
            # another run (or a claim) wrote first: look again, as a re-run
            return self.alert(case_id, now, raced=True)
        for row in again:
            self._enqueue_again(row)
        if due_at is not None:
            self._schedule_escalation(case_id, ESCALATED, due_at)
        for row in created:
            if row.status in (Status.PENDING, Status.SENDING):
                self._first_attempt(row, case, now)
        log.info("case %d alerted: %d organizers, urgent=%s", case_id, len(chosen), urgent)
        return case.ref

    def _plan(self, case_id: int, purpose: Purpose, organizer: Organizer | None,
              earlier: list[Delivery], now: datetime, new: list[DeliveryRow],
              again: list[Delivery]) -> None:
        """Add the first delivery of a message to ``new``, or its unsent ones to ``again``."""
        chain = chain_of(case_id, purpose, organizer.id if organizer else None)
        existing = [d for d in earlier if d.chain == chain]
        if any(d.status == Status.SENT for d in existing):
            return
        if existing:  # a re-run job picks up what a crash left
            again.extend(d for d in existing if d.status in (Status.PENDING, Status.SENDING))
            return
        if organizer is None:
            new.append(new_row(chain=chain, transport=Transport.WEBHOOK, purpose=purpose,
                               case_id=case_id, now=now))
            return
        transports = self.transports_for(organizer, purpose)
        if not transports:
            log.error("case %d: organizer %d has no usable transport", case_id, organizer.id)
            new.append(new_row(chain=chain, transport=Transport.SMS, purpose=purpose,
                               case_id=case_id, organizer_id=organizer.id, now=now,
                               status=Status.FAILED, error="no usable transport"))
            return
        new.append(new_row(chain=chain, transport=transports[0], purpose=purpose,
                           case_id=case_id, organizer_id=organizer.id, now=now))

    def _record_alert(self, case_id: int, now: datetime, start: CaseAlertRow | None,
                      events: list[tuple[str, str]], new: list[DeliveryRow]
                      ) -> list[Delivery]:
        """Write what an alert job decided in one transaction; return the new deliveries.

        The first new delivery is written already taken (``sending``, one attempt), as
        ``DeliveryStore.take`` would leave it, because the job sends it right after.
        """
        pending = [r for r in new if r.status == Status.PENDING]
        if pending:
            pending[0].status, pending[0].attempts = str(Status.SENDING), 1
        with Session(self.cases.engine) as db, db.begin():
            # a write first, so SQLite takes its write lock before anything is read
            db.execute(update(AlertIntentRow)
                       .where(AlertIntentRow.case_id == case_id,
                              AlertIntentRow.queued_at.is_(None))
                       .values(queued_at=now))
            if start is not None:
                db.add(start)
                if start.urgent:
                    db.add(EventRow(case_id=case_id, at=now, kind="urgent",
                                    detail=start.reasons))
            db.add_all(EventRow(case_id=case_id, at=now, kind=kind, detail=detail[:200])
                       for kind, detail in events)
            db.add_all(new)
            db.flush()
            return [view(r) for r in new]

    def _schedule_escalation(self, case_id: int, level: int, at: datetime) -> None:
        self.queue.enqueue_at(at, ESCALATE_JOB, case_id, level,
                              job_id=self._job_id(f"escalate-{case_id}-{level}-"
                                                  f"{int(at.timestamp())}"),
                              failure_ttl=FAILURE_TTL,
                              retry=Retry(max=3, interval=[30, 120, 600]))

    # -- escalation ------------------------------------------------------------------

    def escalate(self, case_id: int, level: int, now: datetime | None = None) -> str:
        """Re-alert everyone (level 1) or the coordinators (level 2) if nobody took the case."""
        now = now or datetime.now(UTC)
        assignment = self.assignments.get(case_id)
        if assignment is None or not assignment.open or assignment.level >= level:
            return "nothing to do"
        if assignment.due_at is not None and now + EARLY_SLACK < assignment.due_at:
            self._schedule_escalation(case_id, level, assignment.due_at)
            return "not yet"
        after = self.escalate_after(assignment.urgent)
        next_due = now + after if level < COORDINATORS else None
        if not self.assignments.escalate(case_id, level, now, next_due):
            return "nothing to do"
        active = [o for o in self.organizers.all() if o.active]
        purpose = Purpose.ESCALATION
        chosen = active
        if level >= COORDINATORS:
            purpose = Purpose.COORDINATOR
            chosen = [o for o in active if o.role == Role.COORDINATOR]
            if not chosen:
                log.error("case %d: no coordinator to escalate to; alerting everyone", case_id)
                self.cases.record(case_id, "no_coordinator")
                chosen = active
        for organizer in chosen:
            self._start(case_id, purpose, organizer, now)
        self._start_webhook(case_id, purpose, now)
        if next_due is not None:
            self._schedule_escalation(case_id, level + 1, next_due)
        log.info("case %d escalated to level %d: %d organizers", case_id, level, len(chosen))
        return f"level {level}"

    # -- claims ----------------------------------------------------------------------

    def claimed(self, case: CaseView, organizer: Organizer, now: datetime) -> None:
        """Tell the others it is taken, e-mail the report, and tell the worker."""
        for other_id in self.deliveries.sent_to(case.id, ALERTS) - {organizer.id}:
            other = self.organizers.get(other_id)
            if other is not None and other.active:
                self._start(case.id, Purpose.TAKEN, other, now)
        self._start_webhook(case.id, Purpose.TAKEN, now)
        if organizer.email:
            self._start(case.id, Purpose.REPORT, organizer, now)
        if case.consent and case.contact_method != "none" and self.senders_ready("twilio"):
            transport = Transport.WHATSAPP if case.channel == "whatsapp" else Transport.SMS
            row = self.deliveries.ensure(chain=chain_of(case.id, Purpose.WORKER, None, "worker"),
                                         transport=transport, purpose=Purpose.WORKER,
                                         case_id=case.id, now=now)
            self._enqueue(row)

    def senders_ready(self, name: str) -> bool:
        """Tell from the settings alone whether a transport can send (no clients built)."""
        s = self.settings
        if name == "twilio":
            return bool(s.twilio_account_sid and s.twilio_from)
        if name == "email":
            return bool(s.smtp_url or s.smtp_host)
        return bool(s.alert_webhook_url)

    # -- starting and sending deliveries ---------------------------------------------

    def transports_for(self, organizer: Organizer, purpose: Purpose) -> list[Transport]:
        """Return the transports to try for an organizer, best first."""
        found: list[Transport] = []
        if purpose != Purpose.REPORT and organizer.phone and self.senders_ready("twilio"):
            if organizer.channel == Channel.WHATSAPP and not organizer.whatsapp_opted_out:
                found.append(Transport.WHATSAPP)
            if not organizer.sms_opted_out:
                found.append(Transport.SMS)
        if organizer.email and self.senders_ready("email"):
            found.append(Transport.EMAIL)
        return found

    def _start(self, case_id: int, purpose: Purpose, organizer: Organizer,
               now: datetime) -> None:
        """Create the first delivery of a message to an organizer (once) and queue it."""
        chain = chain_of(case_id, purpose, organizer.id)
        existing = self.deliveries.chain(chain)
        if any(d.status == Status.SENT for d in existing):
            return
        pending = [d for d in existing if d.status == Status.PENDING]
        if existing:
            for row in pending:
                self._enqueue(row)  # a re-run job picks up what a crash left
            return
        transports = self.transports_for(organizer, purpose)
        if not transports:
            row = self.deliveries.ensure(chain=chain, transport=Transport.SMS, purpose=purpose,
                                         case_id=case_id, organizer_id=organizer.id, now=now)
            self.deliveries.mark(row.id, Status.FAILED, now, error="no usable transport")
            log.error("case %d: organizer %d has no usable transport", case_id, organizer.id)
            return
        row = self.deliveries.ensure(chain=chain, transport=transports[0], purpose=purpose,
                                     case_id=case_id, organizer_id=organizer.id, now=now)
        self._enqueue(row)

    def _start_webhook(self, case_id: int, purpose: Purpose, now: datetime) -> None:
        if not self.senders_ready("webhook"):
            return
        row = self.deliveries.ensure(chain=chain_of(case_id, purpose, None), now=now,
                                     transport=Transport.WEBHOOK, purpose=purpose,
                                     case_id=case_id)
        if row.status == Status.PENDING:
            self._enqueue(row)

    def _enqueue(self, row: Delivery, suffix: str = "", *, tried: bool = False) -> None:
        """Queue a delivery's job; if Redis is down it stays pending (``alerts failed``).

        A delivery gets 1 + len(ALERT_RETRY_SECONDS) attempts in all before it falls back
        to its next transport. If the first was ``tried`` already (inline, by the alert
        job), its job runs one interval later and has one retry fewer.
        """
        intervals = self.settings.alert_retry_intervals
        job_id = self._job_id(f"deliver-{row.id}{suffix}")
        try:
            if not tried:
                self.queue.enqueue(DELIVER_JOB, row.id, job_id=job_id,
                                   retry=Retry(max=len(intervals), interval=intervals),
                                   failure_ttl=FAILURE_TTL)
                return
            first, rest = intervals[0], intervals[1:]
            retry = Retry(max=len(rest), interval=rest) if rest else None
            if first:
                self.queue.enqueue_in(timedelta(seconds=first), DELIVER_JOB, row.id,
                                      job_id=job_id, retry=retry, failure_ttl=FAILURE_TTL)
            else:
                self.queue.enqueue(DELIVER_JOB, row.id, job_id=job_id, retry=retry,
                                   failure_ttl=FAILURE_TTL)
        except redis.RedisError as exc:
            log.error("delivery %d not queued: %s", row.id, type(exc).__name__)

    def _enqueue_again(self, row: Delivery) -> None:
        """Queue an unsent delivery a crashed alert job left behind.

        One still ``sending`` was being sent when its process died: its job runs when the
        lease is over, finds it interrupted and falls back (it is never sent again).
        """
        if row.status == Status.PENDING:
            self._enqueue(row)
            return
        at = row.updated_at + SENDING_LEASE + EARLY_SLACK
        try:
            self.queue.enqueue_at(at, DELIVER_JOB, row.id,
                                  job_id=self._job_id(f"deliver-{row.id}-lease"),
                                  failure_ttl=FAILURE_TTL)
        except redis.RedisError as exc:
            log.error("delivery %d not queued: %s", row.id, type(exc).__name__)

    def deliver(self, delivery_id: int, *, final: bool = True,
                now: datetime | None = None) -> str:
        """Send one delivery unless it was sent; retry (raise), fall back, or give up."""
        now = now or datetime.now(UTC)
        row = self.deliveries.take(delivery_id, now)
        if row is None:
            stuck = self.deliveries.interrupted(delivery_id, now)
            if stuck is not None:  # its worker died mid-send: never send it twice
                return self._failed(stuck, TransportError("interrupted"), now,
                                    already_marked=True)
            return "not pending"
        return self._attempt(row, final=final, now=now)

    def _first_attempt(self, row: Delivery, case: CaseView, now: datetime) -> str:
        """Make a new delivery's first attempt in the alert job; queue a job to retry it."""
        if row.status == Status.PENDING:
            taken = self.deliveries.take(row.id, now)
            if taken is None:
                return "not pending"  # another run of the job has it
            row = taken
        try:
            return self._attempt(row, final=False, now=now, case=case)
        except Retrying:
            self._enqueue(row, tried=True)
            return "will retry"

    def _attempt(self, row: Delivery, *, final: bool, now: datetime,
                 case: CaseView | None = None) -> str:
        """Send a delivery taken for sending; mark what happened, fall back or raise."""
        try:
            provider_id = self._send(row, now, case)
        except WindowClosed as exc:
            if self._use_template(row, now, exc.code):
                return "template"
            return self._failed(row, exc, now)
        except PermanentFailure as exc:
            return self._failed(row, exc, now)
        except TransportError as exc:
            if final:
                return self._failed(row, exc, now)
            self.deliveries.mark(row.id, Status.PENDING, now, error=exc.code)
            log.warning("delivery %d (%s) failed, will retry: %s", row.id, row.transport,
                        exc.code)
            raise Retrying(exc.code) from None
        if provider_id is None:
            self.deliveries.mark(row.id, Status.SKIPPED, now, error="no longer needed")
            return "skipped"
        self.deliveries.mark(row.id, Status.SENT, now, provider_id=provider_id)
        log.info("delivery %d sent: %s %s", row.id, row.purpose, row.transport)
        return "sent"

    def reported(self, provider_id: str, status: str, code: str) -> bool:
        """Queue the handling of a Twilio status callback that says a message failed."""
        if status not in ("failed", "undelivered") or not provider_id:
            return False
        row = self.deliveries.by_provider_id(provider_id)
        if row is None:
            return False
        try:
            self.queue.enqueue(FAILED_LATER_JOB, row.id, code[:12] or "0",
                               job_id=self._job_id(f"failed-later-{row.id}"),
                               failure_ttl=FAILURE_TTL,
                               retry=Retry(max=3, interval=[10, 60, 300]))
        except redis.RedisError as exc:
            log.error("delivery report for %d not queued: %s", row.id, type(exc).__name__)
            return False
        return True

    def failed_later(self, delivery_id: int, code: str, now: datetime | None = None) -> str:
        """Handle a failure Twilio reported after accepting a message (status callback)."""
        now = now or datetime.now(UTC)
        row = self.deliveries.get(delivery_id)
        if row is None or row.status != Status.SENT:
            return "not sent"
        self.deliveries.mark(row.id, Status.FAILED, now, error=f"twilio {code}")
        exc = classify(code)
        if isinstance(exc, WindowClosed) and self._use_template(row, now, exc.code):
            return "template"
        return self._failed(row, exc, now, already_marked=True)

    def _use_template(self, row: Delivery, now: datetime, code: str) -> bool:
        """Resend a WhatsApp alert as the approved template, once, if there is one."""
        if (row.transport != Transport.WHATSAPP or row.mode == Mode.TEMPLATE
                or row.purpose not in ALERTS or not self.settings.twilio_content_sid):
            return False
        self.deliveries.mark(row.id, Status.PENDING, now, error=code, mode=Mode.TEMPLATE)
        self._enqueue(row, suffix="-template")
        log.info("delivery %d: WhatsApp window closed, sending the template", row.id)
        return True

    def _failed(self, row: Delivery, exc: TransportError, now: datetime, *,
                already_marked: bool = False) -> str:
        if not already_marked:
            self.deliveries.mark(row.id, Status.FAILED, now, error=exc.code)
        log.warning("delivery %d (%s) failed for good: %s", row.id, row.transport, exc.code)
        if isinstance(exc, OptedOut) and row.organizer_id is not None:
            channel = Channel.WHATSAPP if row.transport == Transport.WHATSAPP else Channel.SMS
            self.organizers.opted_out(row.organizer_id, channel)
            log.warning("organizer %d opted out of %s", row.organizer_id, channel)
        nxt = self._fallback(row, now)
        if nxt is None:
            if row.case_id is not None:
                self.cases.record(row.case_id, "delivery_failed",
                                  f"{row.purpose} {row.transport}: {exc.code}")
            return "failed"
        return f"fell back to {nxt}"

    def _fallback(self, row: Delivery, now: datetime) -> Transport | None:
        """Queue the next transport of an organizer's message; None if none is left."""
        if row.organizer_id is None or row.transport not in ORDER:
            return None
        organizer = self.organizers.get(row.organizer_id)
        if organizer is None:
            return None
        later = [t for t in self.transports_for(organizer, row.purpose)
                 if ORDER.index(t) > ORDER.index(row.transport)]
        if not later:
            return None
        nxt = self.deliveries.ensure(chain=row.chain, transport=later[0], purpose=row.purpose,
                                     case_id=row.case_id, organizer_id=row.organizer_id,
                                     now=now)
        if nxt.status in (Status.FAILED, Status.SKIPPED):
            self.deliveries.reopen(nxt.id, now)
        if nxt.status != Status.SENT:
            self._enqueue(nxt)
        return later[0]

    def retry(self, chain: str, now: datetime | None = None) -> Transport | None:
        """Start a message that reached nobody again from its first transport (staff)."""
        now = now or datetime.now(UTC)
        rows = self.deliveries.chain(chain)
        if not rows or any(d.status == Status.SENT for d in rows):
            return None
        first = rows[0]
        transport = first.transport
        if first.organizer_id is not None:
            organizer = self.organizers.get(first.organizer_id)
            usable = self.transports_for(organizer, first.purpose) if organizer else []
            if not usable:
                return None
            transport = usable[0]
        row = self.deliveries.ensure(chain=chain, transport=transport, purpose=first.purpose,
                                     case_id=first.case_id, organizer_id=first.organizer_id,
                                     recipient=first.recipient, now=now)
        self.deliveries.reopen(row.id, now)
        self._enqueue(row, suffix=f"-r{int(now.timestamp())}")
        return transport

    # -- writing and sending one message ---------------------------------------------

    def _send(self, row: Delivery, now: datetime, case: CaseView | None = None) -> str | None:
        """Write and send a delivery; return the provider's id, or None if not needed."""
        if row.purpose == Purpose.DIGEST:
            return self._send_digest(row, now)
        if case is None or case.id != row.case_id:
            case = self.cases.get(row.case_id) if row.case_id is not None else None
        if case is None:
            return None
        assignment = self.assignments.get(case.id)
        if row.purpose in ALERTS and (assignment is None or not assignment.open):
            return None  # taken before this alert went out
        if row.purpose == Purpose.WORKER:
            return self._send_worker(row, case)
        if row.transport == Transport.WEBHOOK:
            return self._send_webhook(row, case, assignment)
        organizer = self.organizers.get(row.organizer_id) if row.organizer_id else None
        if organizer is None or not organizer.active:
            return None
        r = self.catalogs
        locale = alerts.locale_for(r, organizer.locale)
        if row.purpose == Purpose.REPORT:
            subject, body = alerts.report_email(r, case, locale)
            return self.senders.email.send(_need(organizer.email), subject, body)
        if row.purpose == Purpose.TAKEN:
            name = assignment.claimed_name if assignment else None
            text = alerts.taken(r, case.ref, name, locale)
            if row.transport == Transport.EMAIL:
                return self.senders.email.send(_need(organizer.email), text.split("\n")[0], text)
            return self._send_phone(row, organizer, text, now, None)
        assert assignment is not None
        facts = alerts.Facts.of(case, urgent=assignment.urgent, reasons=assignment.reasons)
        level = ALERTS.index(row.purpose)
        minutes = int(self.escalate_after(assignment.urgent).total_seconds() // 60)
        if row.transport == Transport.EMAIL:
            subject, body = alerts.alert_email(r, facts, locale, level=level, minutes=minutes)
            return self.senders.email.send(_need(organizer.email), subject, body)
        text = alerts.alert(r, facts, locale, level=level, minutes=minutes,
                            sms=row.transport == Transport.SMS)
        template = {"1": case.ref, "2": self._summary(facts)}
        return self._send_phone(row, organizer, text, now, template)

    def _send_phone(self, row: Delivery, organizer: Organizer, text: str, now: datetime,
                    template: dict[str, str] | None) -> str:
        phone = _need(organizer.phone)
        if row.transport != Transport.WHATSAPP:
            return self.senders.twilio.send(phone, text)
        heard = organizer.last_inbound_at
        window_open = heard is not None and now - heard < WHATSAPP_WINDOW
        if row.mode == Mode.TEMPLATE or not window_open:
            if template is None or not self.settings.twilio_content_sid:
                raise WindowClosed("whatsapp window closed")
            return self.senders.twilio.send(phone, "", whatsapp=True, template=template)
        return self.senders.twilio.send(phone, text, whatsapp=True)

    def _summary(self, facts: alerts.Facts) -> str:
        """One line for the WhatsApp template's second variable."""
        parts = [alerts.simple(self.catalogs, alerts.DIGEST_URGENT, "en")] if facts.urgent else []
        parts.append(alerts.language_name(facts.locale, "en"))
        if facts.industry:
            parts.append(facts.industry.replace("_", " "))
        return ", ".join(parts)

    def _send_worker(self, row: Delivery, case: CaseView) -> str | None:
        """Tell the worker an organizer has their case; never if they opted out or erased."""
        sender = self._sender_of(case.id)
        if sender is None or self.optouts.opted_out(sender):
            return None
        whatsapp = row.transport == Transport.WHATSAPP
        sms = not whatsapp and self.settings.sms_fold_accents
        text = alerts.worker_taken(self.catalogs, case.ref, case.locale, sms=sms)
        if text is None:
            log.warning("case %d: worker not told (no %s translation of the notice)",
                        case.id, case.locale)
            self.cases.record(case.id, "worker_notice_untranslated", case.locale)
            return None
        try:
            return self.senders.twilio.send(sender, text, whatsapp=whatsapp)
        except OptedOut:
            self.optouts.record(sender)
            raise

    def _sender_of(self, case_id: int) -> str | None:
        with Session(self.cases.engine) as db:
            token = db.scalar(select(CaseRow.sender_enc).where(CaseRow.id == case_id))
        try:
            return self.cases.crypto.decrypt(token)
        except Unreadable:  # its key was dropped: the worker cannot be reached, say so
            log.warning("case %d: the worker's number opens under no configured key", case_id)
            return None

    def _send_webhook(self, row: Delivery, case: CaseView,
                      assignment: Assignment | None) -> str:
        urgent = bool(assignment and assignment.urgent)
        payload: dict[str, object] = {"case": case.ref, "event": str(row.purpose),
                                      "urgent": urgent}
        if row.purpose == Purpose.TAKEN:
            payload["text"] = alerts.taken(self.catalogs, case.ref,
                                           assignment.claimed_name if assignment else None,
                                           "en")
            payload["taken_by"] = assignment.claimed_name if assignment else None
        else:
            facts = alerts.Facts.of(case, urgent=urgent,
                                    reasons=assignment.reasons if assignment else ())
            minutes = int(self.escalate_after(urgent).total_seconds() // 60)
            payload["text"] = alerts.alert(self.catalogs, facts, "en", sms=False,
                                           level=ALERTS.index(row.purpose), minutes=minutes)
            payload.update(kind=case.kind, language=case.locale, industry=case.industry,
                           issues=list(case.issues),
                           reasons=list(assignment.reasons) if assignment else [])
        return self.senders.webhook.send(payload)

    # -- the daily digest ------------------------------------------------------------

    def digest_recipients(self) -> list[str]:
        """Return DIGEST_TO, or else the e-mails of active coordinators."""
        listed = [a.strip() for a in self.settings.digest_to.split(",") if a.strip()]
        if listed:
            return listed
        return [o.email for o in self.organizers.all()
                if o.active and o.role == Role.COORDINATOR and o.email]

    def digest(self, day: date, now: datetime | None = None) -> int:
        """Queue the digest of ``day`` to each recipient (once per day and recipient)."""
        now = now or datetime.now(UTC)
        recipients = self.digest_recipients()
        if not recipients:
            log.warning("digest of %s not sent: set DIGEST_TO or add a coordinator with an "
                        "e-mail", day)
        for address in recipients:
            row = self.deliveries.ensure(
                chain=chain_of(None, Purpose.DIGEST, None, address, scope=f"d{day}"),
                transport=Transport.EMAIL, purpose=Purpose.DIGEST, recipient=address, now=now)
            if row.status == Status.PENDING:
                self._enqueue(row)
        return len(recipients)

    def _send_digest(self, row: Delivery, now: datetime) -> str:
        day = date.fromisoformat(row.chain.split(":", 1)[0].removeprefix("d"))
        subject, body = alerts.digest(self.catalogs, list(self.assignments.not_closed()), day,
                                      now)
        return self.senders.email.send(_need(row.recipient), subject, body)

    def schedule_digest(self, now: datetime | None = None) -> datetime:
        """Make sure the next digest is scheduled (idempotent: one job per day)."""
        now = now or datetime.now(UTC)
        at = routing.next_at(self.settings.digest_clock, now, self.zone)
        day = at.date()
        job_id = self._job_id(f"digest-{day.isoformat()}")
        if not Job.exists(job_id, connection=self.conn):
            self.queue.enqueue_at(at, DIGEST_JOB, day.isoformat(), job_id=job_id,
                                  failure_ttl=FAILURE_TTL)
        return at


def _need(value: str | None) -> str:
    if not value:
        raise PermanentFailure("no address")
    return value


_kept: dict[Settings, tuple[AbstractContextManager[Dispatcher], Dispatcher]] = {}
_keep_open = False


def keep_open() -> None:
    """Let every job of this process share one Dispatcher per settings.

    ``hotline worker`` runs jobs in its own process (no fork per job), so connections,
    catalogs and clients are built once instead of once per job: under a surge that is
    the difference between ~8 and ~50 alerted cases a second on two cores.
    """
    global _keep_open
    if not _keep_open:
        _keep_open = True
        atexit.register(_close_kept)


@contextmanager
def for_job(settings: Settings) -> Iterator[Dispatcher]:
    """Give a job its Dispatcher: the process's shared one, or a fresh one it closes."""
    if not _keep_open:
        with Dispatcher.opened(settings) as dispatcher:
            yield dispatcher
        return
    kept = _kept.get(settings)
    if kept is None:
        opener = Dispatcher.opened(settings)
        kept = _kept[settings] = (opener, opener.__enter__())
    kept[1].catalogs.reload_if_changed()
    yield kept[1]


def _close_kept() -> None:
    for opener, _ in _kept.values():
        opener.__exit__(None, None, None)
    _kept.clear()
