"""``Service.handle``: the ordered I/O around one dialogue step.

Order matters: the durable write (SQL commit) comes first, then the queue, then the
session; so a worker is never told a case reference that is not committed.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import redis
from rq import Queue, Retry
from sqlalchemy.exc import SQLAlchemyError

from hotline import redis as redis_factory
from hotline.cases import CaseStore, make_engine
from hotline.config import Settings
from hotline.crypto import Crypto
from hotline.dialogue import messages
from hotline.dialogue.effects import Erase, FileCase, OptIn, OptOut
from hotline.dialogue.engine import Context, step
from hotline.dialogue.replies import Reply
from hotline.dialogue.topics import TOPICS
from hotline.i18n import Catalogs
from hotline.inbound import Channel, Inbound
from hotline.optouts import OptOuts
from hotline.sessions import SessionStore

log = logging.getLogger(__name__)

#: The RQ job that alerts organizers about a case (hotline never imports workers).
ALERT_JOB = "workers.alerts.alert_case"
#: Backoff of alert job retries, in seconds.
ALERT_RETRY_INTERVALS = [10, 30, 60, 300, 900]


@dataclass(frozen=True)
class Handled:
    """The bodies to send back, and whether they were a replay of an earlier answer."""

    bodies: tuple[str, ...]
    duplicate: bool = False


class Service:
    """Everything one process needs to answer workers, built from settings."""

    def __init__(self, settings: Settings, conn: redis.Redis, cases: CaseStore,
                 catalogs: Catalogs) -> None:
        self.settings = settings
        self.conn = conn
        self.crypto = cases.crypto
        self.cases = cases
        self.catalogs = catalogs
        self.sessions = SessionStore(
            conn, self.crypto, prefix=settings.redis_prefix,
            idle_seconds=settings.session_idle_minutes * 60,
            report_keep_seconds=settings.report_keep_hours * 3600,
            language_keep_seconds=settings.language_keep_days * 86400,
        )
        self.alerts = Queue(settings.alerts_queue, connection=conn)
        self.optouts = OptOuts(cases)

    @classmethod
    def from_settings(cls, settings: Settings) -> Service:
        """Connect to Redis and SQL as the settings say (embedded by default)."""
        conn = redis_factory.connect(settings.redis_url or None, settings.var_path,
                                     socket_timeout=settings.redis_timeout)
        crypto = Crypto(settings.secret_key, settings.encryption_keys)
        cases = CaseStore(make_engine(settings.sqlalchemy_url), crypto)
        cases.create_tables()
        return cls(settings, conn, cases, Catalogs(settings.locales_path, settings.languages))

    def close(self) -> None:
        """Release database and Redis connections (CLI commands, tests)."""
        self.cases.engine.dispose()
        self.conn.close()

    def context(self) -> Context:
        """Return the dialogue's view of this deployment (rebuilt when catalogs change)."""
        self.catalogs.reload_if_changed()
        topics = ((str(t.id), t.keywords) for t in TOPICS)
        return Context(
            lexicon=self.catalogs.lexicon(topics),
            languages=self.settings.languages,
            idle_seconds=self.settings.session_idle_minutes * 60,
            report_keep_seconds=self.settings.report_keep_hours * 3600,
            center_phone=self.settings.center_phone,
        )

    def handle(self, inbound: Inbound, now: datetime | None = None) -> Handled:
        """Answer one inbound message, exactly once per MessageSid."""
        now = now or datetime.now(UTC)
        token = self.sessions.lock(inbound.sender)
        try:
            loaded = self.sessions.load(inbound.sender, inbound.sid)
            if loaded.earlier_reply is not None:
                log.info("duplicate MessageSid answered from cache")
                return Handled(tuple(json.loads(loaded.earlier_reply)), duplicate=True)
            outcome = step(loaded.session, inbound, now, self.context())
            session, replies = outcome.session, outcome.replies
            ref: str | None = None
            erased = False
            for effect in outcome.effects:
                if isinstance(effect, FileCase):
                    ref = self._file(effect)
                    if ref is None:
                        session = replace(loaded.session, updated=session.updated)
                        replies = (Reply(messages.FILE_FAILED),)
                elif isinstance(effect, OptOut):
                    self.optouts.record(effect.sender, now)
                elif isinstance(effect, OptIn):
                    self.optouts.lift(effect.sender)
                elif isinstance(effect, Erase):
                    self.erase(effect.sender, now)
                    erased = True
            locale = session.locale or loaded.session.locale or "en"
            bodies = tuple(self.render(reply, locale, inbound.channel, ref) for reply in replies)
            if erased:
                log.info("sender erased at their request")
                return Handled(bodies)  # keep nothing, not even this reply
            self.sessions.save(inbound.sender, inbound.sid, session,
                               json.dumps(bodies, ensure_ascii=False).encode(), token)
            token = ""
            log.info("handled message: step=%s replies=%d effects=%d", session.step,
                     len(bodies), len(outcome.effects))
            return Handled(bodies)
        finally:
            if token:
                self.sessions.unlock(inbound.sender, token)

    def erase(self, sender: str, now: datetime | None = None) -> int:
        """Forget a sender everywhere: session, cached replies, personal case data."""
        touched = self.cases.erase_sender(sender, now)
        self.sessions.forget(sender)
        return touched

    def render(self, reply: Reply, locale: str, channel: Channel, ref: str | None) -> str:
        """Render one reply for a channel; SMS folds accents when that keeps it GSM-7."""
        if reply.needs_ref:
            reply = replace(reply, params={**reply.params, "ref": ref or "?"})
        fold = channel == Channel.SMS and self.settings.sms_fold_accents
        return self.catalogs.render(reply, locale, fold_accents=fold)

    def _file(self, effect: FileCase) -> str | None:
        """Commit the case, then enqueue its alert; return the ref, or None if not saved."""
        try:
            case_id, ref = self.cases.file(effect)
        except SQLAlchemyError as exc:
            log.error("case could not be saved: %s", type(exc).__name__)
            return None
        log.info("case filed: id=%d kind=%s", case_id, effect.kind)
        try:
            self.alerts.enqueue(ALERT_JOB, case_id, job_id=f"alert-case-{case_id}",
                                retry=Retry(max=len(ALERT_RETRY_INTERVALS),
                                            interval=ALERT_RETRY_INTERVALS),
                                failure_ttl=30 * 86400)
        except redis.RedisError as exc:
            log.error("alert for case %d not enqueued: %s", case_id, type(exc).__name__)
            self.cases.record(case_id, "alert_enqueue_failed", type(exc).__name__)
        return ref
