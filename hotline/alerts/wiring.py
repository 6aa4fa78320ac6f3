"""What every part of the alerts shares: settings, stores, the queue and the transports.

``Dispatcher`` builds one ``Wiring`` and hands it to each of its parts (alerting,
attempts, writing, digest), so they read the same stores and queue the same jobs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

import redis

from hotline.config import Settings
from hotline.outbound import PermanentFailure
from hotline.outbound.email import EmailSender
from hotline.outbound.to_worker import ToWorker
from hotline.outbound.twilio_sms import TwilioSender
from hotline.outbound.webhook import WebhookSender
from hotline.sessions import jobs
from hotline.store.assignments import AssignmentStore
from hotline.store.cases import CaseStore
from hotline.store.deliveries import DeliveryStore
from hotline.store.messages import MessageStore
from hotline.store.optouts import OptOuts
from hotline.store.organizers import OrganizerStore
from hotline.words.catalogs import Catalogs

#: RQ jobs, by dotted path (hotline never imports workers).
DELIVER_JOB = "workers.alerts.deliver"
FAILED_LATER_JOB = "workers.alerts.delivery_failed"
ESCALATE_JOB = "workers.escalation.escalate"
DIGEST_JOB = "workers.digests.send_digest"
#: How long RQ keeps a failed job (its arguments are ids only).
FAILURE_TTL = 30 * 86400
#: A scheduled check that wakes this much early still counts as on time.
EARLY_SLACK = timedelta(seconds=5)


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


class Wiring:
    """The stores, queue and transports of one deployment's alerts."""

    def __init__(self, settings: Settings, cases: CaseStore, conn: redis.Redis,
                 catalogs: Catalogs, senders: Senders | None = None) -> None:
        self.settings = settings
        self.cases = cases
        self.conn = conn
        self.catalogs = catalogs
        self.organizers = OrganizerStore(cases.engine)
        self.assignments = AssignmentStore(cases.engine)
        self.deliveries = DeliveryStore(cases.engine)
        self.messages = MessageStore(cases.engine, cases.crypto)
        self.optouts = OptOuts(cases)
        self.queue = jobs.queue(settings.alerts_queue, conn)
        self.zone = ZoneInfo(settings.center_timezone)
        self._senders = senders

    @cached_property
    def senders(self) -> Senders:
        return self._senders or Senders.from_settings(self.settings)

    @cached_property
    def to_worker(self) -> ToWorker:
        """The one path to a worker, sending through this process's Twilio client."""
        return ToWorker(self.settings, self.cases, self.conn, lambda: self.senders.twilio)

    def close_senders(self) -> None:
        """Close the transports if this process built or was given them."""
        if self._senders is not None or "senders" in vars(self):
            self.senders.close()

    def job_id(self, name: str) -> str:
        """Name a job within this deployment's queue (deployments may share a Redis)."""
        return f"{self.queue.name}-{name}"

    def ready(self, name: str) -> bool:
        """Tell from the settings alone whether a transport can send (no clients built)."""
        s = self.settings
        if name == "twilio":
            return bool(s.twilio_account_sid and s.twilio_from)
        if name == "email":
            return bool(s.smtp_url or s.smtp_host)
        return bool(s.alert_webhook_url)

    def escalate_after(self, urgent: bool) -> timedelta:
        """Return how long a case may stay untaken before everyone is alerted."""
        minutes = (self.settings.urgent_escalate_after_minutes if urgent
                   else self.settings.escalate_after_minutes)
        return timedelta(minutes=minutes)


def need(value: str | None) -> str:
    """Return an address, or fail the delivery for good if the recipient has none."""
    if not value:
        raise PermanentFailure("no address")
    return value
