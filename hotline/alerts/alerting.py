"""Who hears about a case: the organizers routing picks (everyone if urgent), everyone
again when nobody takes it in time, then the coordinators; and, once it is taken, the
others, the organizer who took it (the report) and the worker.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from rq import Retry
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hotline.alerts import routing, urgency
from hotline.alerts.attempts import Attempts
from hotline.alerts.wiring import EARLY_SLACK, ESCALATE_JOB, FAILURE_TTL, Wiring
from hotline.store.assignments import ALERTED, COORDINATORS, ESCALATED, CaseAlertRow
from hotline.store.cases import AlertIntentRow, CaseView, EventRow
from hotline.store.deliveries import (
    ALERTS,
    Delivery,
    DeliveryRow,
    Purpose,
    Status,
    Transport,
    chain_of,
    new_row,
    view,
)
from hotline.store.organizers import Organizer, Role

log = logging.getLogger(__name__)

#: How long an escalation waits for a first alert still on its way, each time.
ESCALATION_HOLD = timedelta(minutes=1)


class Alerting:
    """Decide who is alerted about a case, and when the alert escalates."""

    def __init__(self, wiring: Wiring, attempts: Attempts) -> None:
        self.w = wiring
        self.attempts = attempts

    # -- a new case ------------------------------------------------------------------

    def alert(self, case_id: int, now: datetime | None = None, *, raced: bool = False) -> str:
        """Alert the organizers routing picks (everyone if urgent); schedule escalation.

        Everything the alert decides is written in one transaction: the outbox row ticked
        (the job ran), the assignment started, the case's history, and one delivery per
        organizer and the webhook. The job then makes each new delivery's first attempt
        itself instead of queueing a ``deliver`` job for it: a ``hotline worker`` process
        runs its jobs one after another anyway, so an attempt made here holds up the next
        job no longer than a job of its own would, every transport gives up after
        TRANSPORT_TIMEOUT, and a surge costs one job per case instead of two. Only an
        attempt that failed but may pass later gets a ``deliver`` job (see
        ``Attempts.enqueue``).
        """
        w = self.w
        now = now or datetime.now(UTC)
        case = w.cases.get(case_id)
        if case is None:
            log.warning("alert for missing case %d dropped", case_id)
            return "missing"
        found = urgency.assess(case.issues, case.details)
        assignment = w.assignments.get(case_id)  # set if this job ran before
        if assignment is not None and not assignment.open:
            self._record_alert(case_id, now, None, [], [])  # tick the outbox only
            return "taken"
        urgent = assignment.urgent if assignment else found.urgent
        due_at = assignment.due_at if assignment else now + w.escalate_after(urgent)
        start = None if assignment else CaseAlertRow(
            case_id=case_id, urgent=urgent, reasons=",".join(str(r) for r in found.reasons),
            level=ALERTED, alerted_at=now, due_at=due_at)
        earlier = w.deliveries.for_case(case_id)
        organizers = w.organizers.all()
        # a re-run alerts the same organizers as the first run did
        alerted = {d.organizer_id for d in earlier if d.purpose == Purpose.ALERT}
        chosen = [o for o in organizers if o.id in alerted and o.active]
        events: list[tuple[str, str]] = []
        if not chosen:
            routed = routing.pick(organizers, locale=case.locale, industry=case.industry,
                                  urgent=urgent, now=now, zone=w.zone)
            chosen = list(routed.organizers)
            events.append(("alerted", f"{routed.tier}: {len(chosen)} organizers"))
        if not chosen:
            log.error("case %d: no active organizer to alert", case_id)
            events.append(("no_organizers", ""))
        new: list[DeliveryRow] = []
        again: list[Delivery] = []
        for organizer in chosen:
            self._plan(case_id, Purpose.ALERT, organizer, earlier, now, new, again)
        if w.ready("webhook"):
            self._plan(case_id, Purpose.ALERT, None, earlier, now, new, again)
        try:
            created = self._record_alert(case_id, now, start, events, new)
        except IntegrityError:
            if raced:
                raise
            # another run (or a claim) wrote first: look again, as a re-run
            return self.alert(case_id, now, raced=True)
        for row in again:
            self.attempts.enqueue_again(row)
        if due_at is not None:
            self._schedule_escalation(case_id, ESCALATED, due_at)
        for row in created:
            if row.status in (Status.PENDING, Status.SENDING):
                self.attempts.first_attempt(row, case, now)
        reachable = [r for r in created if r.organizer_id is not None
                     and r.status != Status.FAILED]
        if not earlier and not reachable and self.attempts.on_unreached:
            # nobody active, or nobody with a usable transport: staff must hear of it
            self.attempts.on_unreached(case_id, now)
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
        transports = self.attempts.transports_for(organizer, purpose)
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
        with Session(self.w.cases.engine) as db, db.begin():
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
        self.w.queue.enqueue_at(at, ESCALATE_JOB, case_id, level,
                                job_id=self.w.job_id(f"escalate-{case_id}-{level}-"
                                                     f"{int(at.timestamp())}"),
                                failure_ttl=FAILURE_TTL,
                                retry=Retry(max=3, interval=[30, 120, 600]))

    # -- escalation ------------------------------------------------------------------

    def escalate(self, case_id: int, level: int, now: datetime | None = None) -> str:
        """Re-alert everyone (level 1) or the coordinators (level 2) if nobody took the case."""
        w = self.w
        now = now or datetime.now(UTC)
        assignment = w.assignments.get(case_id)
        if assignment is None or not assignment.open or assignment.level >= level:
            return "nothing to do"
        if assignment.due_at is not None and now + EARLY_SLACK < assignment.due_at:
            self._schedule_escalation(case_id, level, assignment.due_at)
            return "not yet"
        after = w.escalate_after(assignment.urgent)
        if (level == ESCALATED and now < assignment.alerted_at + 2 * after
                and self._first_alert_in_flight(case_id)):
            # re-alerting everyone before the first alert is out would reach the same
            # organizer twice, escalation first; wait (at most one more period)
            hold = now + ESCALATION_HOLD
            if w.assignments.postpone(case_id, level, hold):
                self._schedule_escalation(case_id, level, hold)
            return "waiting for the first alert"
        next_due = now + after if level < COORDINATORS else None
        if not w.assignments.escalate(case_id, level, now, next_due):
            return "nothing to do"
        active = [o for o in w.organizers.all() if o.active]
        purpose = Purpose.ESCALATION
        chosen = active
        if level >= COORDINATORS:
            purpose = Purpose.COORDINATOR
            chosen = [o for o in active if o.role == Role.COORDINATOR]
            if not chosen:
                log.error("case %d: no coordinator to escalate to; alerting everyone", case_id)
                w.cases.record(case_id, "no_coordinator")
                chosen = active
        for organizer in chosen:
            self.attempts.start(case_id, purpose, organizer, now)
        self.attempts.start_webhook(case_id, purpose, now)
        if next_due is not None:
            self._schedule_escalation(case_id, level + 1, next_due)
        log.info("case %d escalated to level %d: %d organizers", case_id, level, len(chosen))
        return f"level {level}"

    def _first_alert_in_flight(self, case_id: int) -> bool:
        """Tell whether no organizer has the case's alert yet and one is on its way."""
        alerts = [d for d in self.w.deliveries.for_case(case_id)
                  if d.purpose == Purpose.ALERT and d.organizer_id is not None]
        if any(d.status == Status.SENT for d in alerts):
            return False
        return any(d.status in (Status.PENDING, Status.SENDING) for d in alerts)

    # -- claims ----------------------------------------------------------------------

    def claimed(self, case: CaseView, organizer: Organizer, now: datetime) -> None:
        """Tell the others it is taken, e-mail the report, and tell the worker."""
        w = self.w
        for other_id in w.deliveries.sent_to(case.id, ALERTS) - {organizer.id}:
            other = w.organizers.get(other_id)
            if other is not None and other.active:
                self.attempts.start(case.id, Purpose.TAKEN, other, now)
        self.attempts.start_webhook(case.id, Purpose.TAKEN, now)
        if organizer.email:
            self.attempts.start(case.id, Purpose.REPORT, organizer, now)
        if w.ready("twilio"):  # the one path to a worker honours (and records) their choice
            transport = Transport.WHATSAPP if case.channel == "whatsapp" else Transport.SMS
            row = w.deliveries.ensure(chain=chain_of(case.id, Purpose.WORKER, None, "worker"),
                                      transport=transport, purpose=Purpose.WORKER,
                                      case_id=case.id, now=now)
            self.attempts.enqueue(row)
