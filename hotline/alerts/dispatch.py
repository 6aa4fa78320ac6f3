"""``Dispatcher``: the alerts of one deployment, as jobs and doors use them.

It only wires the parts, each in its own module, and gives jobs one object to call:

- ``alerting``: who hears about a case, escalation, and the news that it is taken;
- ``attempts``: how one delivery is attempted, retried and falls back (WhatsApp → SMS →
  e-mail), and what Twilio's status callbacks do to it;
- ``writing``: the words of one delivery, written at send time from the case;
- ``digest``: the daily list of open cases;
- ``notices``: notices to coordinators (an organizer's case numbers keep failing);
- ``sweeper``: deliveries and escalations a crash or a lost job left behind.

Jobs in ``workers/`` call it; so does ``claims`` when an organizer answers.
"""

from __future__ import annotations

import atexit
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date, datetime, timedelta

import redis

from hotline.alerts.alerting import Alerting
from hotline.alerts.attempts import Attempts
from hotline.alerts.digest import Digests
from hotline.alerts.notices import Notices
from hotline.alerts.sweeper import Sweeper
from hotline.alerts.wiring import Senders, Wiring
from hotline.alerts.writing import Writer
from hotline.config import Settings
from hotline.crypto import Crypto
from hotline.sessions import connection as redis_factory
from hotline.store.cases import CaseStore, CaseView
from hotline.store.db import make_engine
from hotline.store.deliveries import Purpose, Transport
from hotline.store.organizers import Organizer
from hotline.words.catalogs import Catalogs


class Dispatcher:
    """Alerts, deliveries, escalations and digests for one deployment."""

    def __init__(self, settings: Settings, cases: CaseStore, conn: redis.Redis,
                 catalogs: Catalogs, senders: Senders | None = None) -> None:
        self.wiring = w = Wiring(settings, cases, conn, catalogs, senders)
        self.settings, self.cases, self.conn, self.catalogs = settings, cases, conn, catalogs
        self.organizers, self.assignments = w.organizers, w.assignments
        self.deliveries, self.optouts = w.deliveries, w.optouts
        self.queue, self.zone = w.queue, w.zone
        self.attempts = Attempts(w, Writer(w))
        self.alerting = Alerting(w, self.attempts)
        self.digests = Digests(w, self.attempts.enqueue)
        self.notices = Notices(w, self.attempts.enqueue, self.attempts.transports_for)
        self.attempts.on_unreached = self.notices.unreached
        self.sweeper = Sweeper(w, self.attempts)

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
            dispatcher.wiring.close_senders()
            cases.engine.dispose()
            conn.close()

    @property
    def senders(self) -> Senders:
        return self.wiring.senders

    # -- who hears about a case (alerting) -------------------------------------------

    def alert(self, case_id: int, now: datetime | None = None) -> str:
        """Alert the organizers routing picks (everyone if urgent); schedule escalation."""
        return self.alerting.alert(case_id, now)

    def escalate(self, case_id: int, level: int, now: datetime | None = None) -> str:
        """Re-alert everyone (level 1) or the coordinators (level 2) if nobody took the case."""
        return self.alerting.escalate(case_id, level, now)

    def escalate_after(self, urgent: bool) -> timedelta:
        """Return how long a case may stay untaken before everyone is alerted."""
        return self.wiring.escalate_after(urgent)

    def claimed(self, case: CaseView, organizer: Organizer, now: datetime) -> None:
        """Tell the others it is taken, e-mail the report, and tell the worker."""
        self.alerting.claimed(case, organizer, now)

    # -- one delivery (attempts) -----------------------------------------------------

    def senders_ready(self, name: str) -> bool:
        """Tell from the settings alone whether a transport can send (no clients built)."""
        return self.wiring.ready(name)

    def transports_for(self, organizer: Organizer, purpose: Purpose) -> list[Transport]:
        """Return the transports to try for an organizer, best first."""
        return self.attempts.transports_for(organizer, purpose)

    def deliver(self, delivery_id: int, *, final: bool = True,
                now: datetime | None = None) -> str:
        """Send one delivery unless it was sent; retry (raise), fall back, or give up."""
        return self.attempts.deliver(delivery_id, final=final, now=now)

    def reported(self, provider_id: str, status: str, code: str) -> bool:
        """Queue the handling of a Twilio status callback that says a message failed."""
        return self.attempts.reported(provider_id, status, code)

    def failed_later(self, delivery_id: int, code: str, now: datetime | None = None) -> str:
        """Handle a failure Twilio reported after accepting a message (status callback)."""
        return self.attempts.failed_later(delivery_id, code, now)

    def retry(self, chain: str, now: datetime | None = None) -> Transport | None:
        """Start a message that reached nobody again from its first transport (staff)."""
        return self.attempts.retry(chain, now)

    def sweep(self, now: datetime | None = None) -> int:
        """Move on deliveries and escalations a crash or a lost job left behind."""
        return self.sweeper.sweep(now)

    # -- notices to coordinators -----------------------------------------------------

    def failed_claims(self, organizer: Organizer, count: int, now: datetime) -> int:
        """Tell the coordinators (or DIGEST_TO) that an organizer's case numbers keep
        failing; once per organizer and hour."""
        return self.notices.failed_claims(organizer, count, now)

    # -- the daily digest ------------------------------------------------------------

    def digest_recipients(self) -> list[str]:
        """Return DIGEST_TO, or else the e-mails of active coordinators."""
        return self.digests.recipients()

    def digest(self, day: date, now: datetime | None = None) -> int:
        """Queue the digest of ``day`` to each recipient (once per day and recipient)."""
        return self.digests.queue(day, now)

    def schedule_digest(self, now: datetime | None = None) -> datetime:
        """Make sure the next digest is scheduled (idempotent: one job per day)."""
        return self.digests.schedule(now)


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


def kept_open() -> bool:
    """Say whether this process's jobs share their connections (``keep_open``)."""
    return _keep_open


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
