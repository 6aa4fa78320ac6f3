"""The upkeep ``hotline worker`` runs on its own clock, so nothing falls through a crack.

Often (every FREQUENT): re-queue alerts whose case was committed while Redis was down or
lost their job (the outbox), replay inbound messages kept in the spool and text their
replies, and sweep what a crash or a lost job left half-done (``alerts.sweeper``). Every
minute: reconcile with Twilio's list of inbound messages (any MessageSid we never saw is
handled now), send what was held for workers whose WhatsApp window is open again, delete
at Twilio what erasure and retention queued, e-mail coordinators 30, 7 and 1 days
before a dated figure runs out, sweep the conversations between organizers and workers
(``conversations.sweeping``), queue the evidence job of any case whose photos or
recordings have work due and delete the stored copies of erased cases, make sure the
next digest is scheduled, and, once a day, strip personal data from cases, worker
messages and conversations past RETENTION_DAYS, with the cases' evidence (and queue the
deletion of Twilio's older messages and those cases' recordings), and delete the
console's sign-ins ended over a month ago and its used recovery codes. Replies go out
through the one path to a worker (``hotline.outbound.to_worker``). ``run_due`` runs what is due
(one worker at a time); ``tick`` runs everything (``hotline upkeep``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hotline.alerts.reminders import send_reminders
from hotline.alerts.sweeper import job_waiting
from hotline.dialogue.inbound import Channel, Inbound
from hotline.evidence import queueing as evidence_jobs
from hotline.forgetting import TwilioForgetting
from hotline.health import Marks
from hotline.outbound import TransportError
from hotline.outbound.to_worker import Message, Outcome, ToWorker
from hotline.outbound.twilio_sms import TwilioSender, inbound_since
from hotline.service import Service
from hotline.store.factors import FactorStore
from hotline.store.logins import KEEP_ENDED, LoginStore

log = logging.getLogger(__name__)

#: The RQ job of one round of upkeep, for running it by hand through the queue.
TICK_JOB = "workers.upkeep.tick"
#: Time between runs of the frequent chores, and of the rest.
FREQUENT = timedelta(seconds=10)
INTERVAL = timedelta(minutes=1)
#: The chores run every FREQUENT; the others run every INTERVAL.
FREQUENT_CHORES = frozenset({"outbox", "spool", "sweep"})
EVERY_CHORE = FREQUENT_CHORES | {"reconcile", "held", "retention", "twilio deletions",
                                  "facts", "conversations", "digest", "evidence"}
#: Longest a drain of the spool holds its lock if its worker dies meanwhile.
DRAIN_LEASE = 60
#: A committed case whose alert job has not run after this long, and is not in Redis
#: either (Redis was down, or lost its data), is queued by the tick.
OUTBOX_GRACE = timedelta(seconds=30)
#: How far back the first reconciliation looks; later ones start where the last ended
#: (after Redis lost its data: where that happened, see ``reconcile``).
FIRST_LOOKBACK = timedelta(hours=1)
#: Reconciliation's durable watermark (``store.watermarks``).
RECONCILED = "reconciled"
#: Overlap between reconciliation windows (clocks differ; MessageSids dedupe).
OVERLAP = timedelta(minutes=2)
#: Reconciliation never looks further back than this: handled MessageSids are marked
#: for ``sessions.store.HANDLED_SECONDS`` (8 days), and a message older than the mark
#: could be replayed to a worker who erased themselves.
LOOKBACK_LIMIT = timedelta(days=7)


@dataclass(frozen=True)
class Report:
    """What one tick did, for the log and tests."""

    requeued: int = 0
    replayed: int = 0
    swept: int = 0
    reconciled: int = 0
    released: int = 0
    expired: int = 0
    deleted_at_twilio: int = 0
    reminded: int = 0
    evidence: int = 0
    conversations: int = 0


class Upkeep:
    """Run the periodic chores against one service and one Twilio sender."""

    def __init__(self, service: Service, twilio: TwilioSender) -> None:
        self.service = service
        self.twilio = twilio
        self.prefix = service.settings.redis_prefix
        self.to_worker = ToWorker(service.settings, service.cases, service.conn,
                                  lambda: twilio)
        self.forgetting = TwilioForgetting(service.deletions, twilio)

    def tick(self, now: datetime | None = None,
             chores: frozenset[str] = EVERY_CHORE) -> Report:
        """Do the chores once; a chore that fails is logged and the others still run."""
        now = now or datetime.now(UTC)

        def run(name: str, chore: Callable[[], int]) -> int:
            return self._guarded(name, chore) if name in chores else 0

        report = Report(
            requeued=run("outbox", lambda: self.requeue_alerts(now)),
            replayed=run("spool", self.drain_spool),
            swept=run("sweep", lambda: self.service.dispatcher.sweep(now)),
            reconciled=run("reconcile", lambda: self.reconcile(now)),
            released=run("held", lambda: self.to_worker.release_open(now)),
            expired=run("retention", lambda: self.retention(now)),
            deleted_at_twilio=run("twilio deletions",
                                  lambda: self.forgetting.run(now).deleted),
            reminded=run("facts", lambda: send_reminders(self.service, now)),
            evidence=run("evidence", lambda: self.evidence(now)),
            conversations=run("conversations", lambda: self.service.talk.sweep(now)),
        )
        run("digest", self.schedule_digest)
        if chores != FREQUENT_CHORES or report != Report():
            log.info("upkeep: %s", report)
        return report

    def run_due(self, now: datetime | None = None) -> Report | None:
        """Run the chores whose time has come, unless another worker just did.

        Each interval is a Redis key that lives as long as the interval: whoever sets it
        runs the chores. If Redis loses its data, the keys go too, and the chores run at
        once: nothing here depends on a job or a schedule kept in Redis.
        """
        conn, p = self.service.conn, self.prefix
        chores: set[str] = set()
        if self.service.spool.has_waiting():  # kept messages go as soon as Redis answers
            chores.add("spool")
        if conn.set(f"{p}upkeep:due:often", "1", nx=True,
                    ex=int(FREQUENT.total_seconds())):
            chores |= FREQUENT_CHORES
        if conn.set(f"{p}upkeep:due:minute", "1", nx=True,
                    ex=int(INTERVAL.total_seconds())):
            chores |= EVERY_CHORE
        if not chores:
            return None
        report = self.tick(now, frozenset(chores))
        Marks(conn, p).ran("upkeep")
        return report

    def drain_spool(self) -> int:
        """Replay the spool, one worker at a time (two would replay a message twice)."""
        key = f"{self.prefix}upkeep:draining"
        if not self.service.conn.set(key, "1", nx=True, ex=DRAIN_LEASE):
            return 0
        try:
            return self.service.drain_spool(self.deliver)
        finally:
            self.service.conn.delete(key)

    def schedule_digest(self) -> int:
        """Make sure the next digest is scheduled (its job is lost if Redis loses its data)."""
        self.service.dispatcher.schedule_digest()
        return 1

    def requeue_alerts(self, now: datetime) -> int:
        """Queue the alert of every case whose job never ran and will not run: not in
        Redis (lost), or failed (a job still queued behind a surge is left where it is)."""
        service = self.service
        waiting = [case_id for case_id in service.cases.alerts_not_queued(now - OUTBOX_GRACE)
                   if not job_waiting(service.conn, service.alert_job_id(case_id))]
        return sum(1 for case_id in waiting if service.enqueue_alert(case_id))

    def deliver(self, key: str, inbound: Inbound, bodies: tuple[str, ...],
                forget: bool = False) -> bool:
        """Send late replies to a worker (the webhook's answer could not carry them), in
        order; False if one could not go yet (it and the rest are tried next tick)."""
        for i, body in enumerate(bodies):
            message = Message(key=f"{key}:{i}", purpose="reply", text=body, forget=forget)
            try:
                result = self.to_worker.reply(inbound.sender, inbound.channel, message)
            except TransportError as exc:
                log.error("late reply not sent: %s", exc.code)
                return False
            if result.outcome == Outcome.HELD:
                log.warning("late reply held: %s", result.reason)
        return True

    def reconcile(self, now: datetime) -> int:
        """Handle inbound messages Twilio has and we never saw; return how many."""
        if not self.twilio.configured:
            return 0
        key = f"{self.prefix}upkeep:reconciled"
        last: Any = self.service.conn.get(key)
        if last:
            since = datetime.fromisoformat(last.decode()) - OVERLAP
        elif self.service.watermarks.get(RECONCILED) is not None:
            # Redis lost its data, and with it the marks of handled MessageSids: anything
            # before now may have been answered already (or erased), so none of it is
            # replayed; what reached the webhook while Redis was down is in the spool.
            log.warning("reconciliation's watermark was lost with Redis's data: "
                        "resuming from now, nothing earlier is replayed")
            since = now
        else:
            since = now - FIRST_LOOKBACK
        since = max(since, now - LOOKBACK_LIMIT)
        handled = 0
        for received in inbound_since(self.twilio, since):
            whatsapp = received.sender.startswith("whatsapp:")
            inbound = Inbound(received.sid, Channel.WHATSAPP if whatsapp else Channel.SMS,
                              received.sender.removeprefix("whatsapp:"), received.body,
                              to=received.to.removeprefix("whatsapp:"))
            outcome = self.service.handle(inbound, now=received.sent_at or now)
            if outcome.duplicate or outcome.spooled:
                continue
            handled += 1
            log.warning("reconciled a message we had missed")
            if outcome.bodies:
                self.deliver(f"reconciled:{received.sid}", inbound, outcome.bodies,
                             outcome.erased)
        self.service.conn.set(key, now.isoformat(), ex=7 * 86400)
        self.service.watermarks.set(RECONCILED, now)
        return handled

    def retention(self, now: datetime) -> int:
        """Strip personal data from old cases, once a day."""
        key = f"{self.prefix}upkeep:retention:{now.date().isoformat()}"
        if not self.service.conn.set(key, "1", nx=True, ex=2 * 86400):
            return 0
        cutoff = now - timedelta(days=self.service.settings.retention_days)
        engine = self.service.cases.engine  # the console's sign-ins and used codes
        LoginStore(engine).forget_old(now)
        FactorStore(engine, self.service.crypto).forget_used(now - KEEP_ENDED)
        self.service.messages.strip_older_than(cutoff, now)
        if self.service.keeper.forget_cases(self.service.cases.ids_filed_before(cutoff), now):
            evidence_jobs.enqueue_purge(self.service.alerts)
        self.service.talk.store.strip_older_than(cutoff)
        stripped = self.service.cases.strip_older_than(cutoff, now)
        if self.twilio.configured:
            self.service.deletions.before(cutoff, now)
        return stripped

    def evidence(self, now: datetime) -> int:
        """Delete the stored copies of erased and expired cases; queue the evidence job of
        each case with an item due (its job lost, or retried past RQ's retries) unless it
        is waiting already. Return how many jobs were queued."""
        keeper, queue = self.service.keeper, self.service.alerts
        keeper.purge()
        if not self.service.settings.twilio_account_sid:
            return 0
        due = [c for c in keeper.due_cases(now) if not evidence_jobs.keep_job_waiting(queue, c)]
        return sum(1 for case_id in due if evidence_jobs.enqueue_keep(queue, case_id))

    def _guarded(self, name: str, chore: Callable[[], int]) -> int:
        try:
            return int(chore())
        except Exception as exc:  # noqa: BLE001 - one chore must never stop the others
            log.error("upkeep %s failed: %s", name, type(exc).__name__)
            return 0
