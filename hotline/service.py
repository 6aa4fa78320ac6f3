"""``Service.handle``: the ordered I/O around one dialogue step.

Order matters: the durable write (SQL commit) comes first, then the queue, then the
session; so a worker is never told a case reference that is not committed.
"""

from __future__ import annotations

import contextlib
import json
import logging
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import redis
from rq import Retry
from sqlalchemy.exc import SQLAlchemyError

from hotline import spooling
from hotline.alerts.claims import Claims
from hotline.alerts.dispatch import Dispatcher
from hotline.config import Settings
from hotline.conversations.talk import Conversations, Relayed
from hotline.crypto import Crypto
from hotline.dialogue import messages
from hotline.dialogue.effects import AddToStory, CaseKind, Erase, FileCase, OptIn, OptOut
from hotline.dialogue.engine import Context, step
from hotline.dialogue.inbound import Channel, Inbound
from hotline.dialogue.records import replace
from hotline.dialogue.replies import Reply
from hotline.dialogue.topics import TOPICS
from hotline.evidence import queueing as evidence_jobs
from hotline.evidence.keeping import Keeper
from hotline.sessions import connection as redis_factory
from hotline.sessions import jobs
from hotline.sessions.store import Loaded, SessionStore
from hotline.spooling import Handled
from hotline.store import deadline
from hotline.store.cases import CaseStore
from hotline.store.conversations import Ended
from hotline.store.db import make_engine
from hotline.store.deletions import Deletions
from hotline.store.deliveries import Purpose
from hotline.store.fingerprints import require_same_secret
from hotline.store.messages import MessageStore
from hotline.store.optouts import OptOuts
from hotline.store.schema_version import prepare
from hotline.store.spool import Spool
from hotline.store.watermarks import Watermarks
from hotline.words.catalogs import Catalogs
from hotline.words.check import offered_languages
from hotline.words.facts import FactsFile

log = logging.getLogger(__name__)


#: The RQ job that alerts organizers about a case (hotline never imports workers).
ALERT_JOB = "workers.alerts.alert_case"
#: The RQ job that sends what was held for a worker once they write again.
RELEASE_JOB = "workers.outbound.release_held"
_to_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
#: Each topic's id and its keyword msgid, as the lexicon is built from them.
_TOPIC_KEYWORDS = tuple((str(t.id), t.keywords) for t in TOPICS)
#: Backoff of alert job retries, in seconds.
ALERT_RETRY_INTERVALS = [10, 30, 60, 300, 900]


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
        self.alerts = jobs.queue(settings.alerts_queue, conn)
        self.optouts = OptOuts(cases)
        self.spool = Spool(cases)
        self.deletions = Deletions(cases)
        self.watermarks = Watermarks(cases)
        self.messages = MessageStore(cases.engine, cases.crypto)
        self.keeper = Keeper(settings, cases, self.deletions)
        self.dispatcher = Dispatcher(settings, cases, conn, catalogs)
        self.claims = Claims(self.dispatcher)
        self.talk = Conversations(self.dispatcher)  # refuses a malformed CENTER_HOURS
        self.facts = FactsFile(settings.facts_path)  # a broken facts file stops the start
        self.zone: tzinfo = ZoneInfo(settings.center_timezone)
        self._context: Context | None = None
        self.erased_replies: set[int] = set()
        self.languages = self._offered()

    @classmethod
    def from_settings(cls, settings: Settings, *, request_path: bool = False) -> Service:
        """Connect to Redis and SQL as the settings say (embedded by default).

        Refuses to start on a database whose schema is not current (SchemaNotCurrent),
        or that was written with another HOTLINE_SECRET_KEY (KeyChanged);
        only the embedded default is migrated here (see ``store.schema_version.prepare``).
        On the ``request_path`` (the web app) every SQL statement has a deadline
        (``store.deadline.REQUEST_PATH``), so a hanging database cannot hold an answer.
        """
        engine = make_engine(settings.sqlalchemy_url)
        crypto = Crypto(settings.secret_key, settings.encryption_keys)
        try:
            prepare(engine, embedded=not settings.database_url)
            require_same_secret(engine, crypto)  # KeyChanged: opt-outs would be lost
        except BaseException:
            engine.dispose()
            raise
        if request_path:  # migrating may take longer than a request's deadline
            engine.dispose()
            engine = make_engine(settings.sqlalchemy_url, deadline.REQUEST_PATH)
        conn = redis_factory.connect(settings.redis_url or None, settings.var_path,
                                     socket_timeout=settings.redis_timeout)
        cases = CaseStore(engine, crypto)
        service = cls(settings, conn, cases, Catalogs(settings.locales_path, settings.languages))
        with contextlib.suppress(redis.RedisError):  # Redis down at start: load on first use
            service.sessions.preload()
        return service

    def close(self) -> None:
        """Release database and Redis connections (CLI commands, tests)."""
        self.sessions.close()
        self.keeper.close()
        self.cases.engine.dispose()
        self.conn.close()

    def _offered(self) -> tuple[str, ...]:
        """Return the enabled languages whose catalogs pass the check; log the others."""
        offered, problems = offered_languages(self.catalogs.locales_dir, self.settings.languages)
        for locale in dict.fromkeys(p.locale for p in problems):
            found = [p for p in problems if p.locale == locale]
            log.warning("language %s is not offered to workers: %d problem(s), first: %s "
                        "(see `hotline i18n check --lang %s`)", locale, len(found), found[0],
                        locale)
        return offered

    def context(self) -> Context:
        """Return the dialogue's view of this deployment (rebuilt when catalogs change)."""
        if self.catalogs.reload_if_changed():
            self.languages = self._offered()
        lexicon = self.catalogs.lexicon(_TOPIC_KEYWORDS, self.languages)
        facts = self.facts.current()
        built = self._context
        if built is None or built.lexicon is not lexicon or built.languages != self.languages \
                or built.facts is not facts:
            built = self._context = Context(
                lexicon=lexicon,
                languages=self.languages,
                idle_seconds=self.settings.session_idle_minutes * 60,
                report_keep_seconds=self.settings.report_keep_hours * 3600,
                center_phone=self.settings.center_phone,
                facts=facts,
                zone=self.zone,
            )
        return built

    def handle(self, inbound: Inbound, now: datetime | None = None) -> Handled:
        """Answer one inbound message, exactly once per MessageSid.

        If Redis is unreachable (or the sender stays locked), the message is kept in the
        SQL spool and the worker is told we will answer soon; ``drain_spool`` replays it.
        """
        now = now or datetime.now(UTC)
        answered = self._organizer(inbound, now)
        if answered is not None:
            return answered
        return spooling.in_order(self, inbound, now)

    def _organizer(self, inbound: Inbound, now: datetime) -> Handled | None:
        """Answer a registered organizer's command; None for anyone else (workers)."""
        try:
            organizer = self.claims.organizer(inbound)
        except SQLAlchemyError as exc:
            log.error("organizer lookup failed: %s", type(exc).__name__)
            return None
        if organizer is None:
            return None
        try:
            # a command is carried out once: a Twilio retry or reconciliation of the same
            # MessageSid must not answer it again (the answer to OK carries the worker's
            # number and story)
            if not self.sessions.first_time(inbound.sid):
                log.info("organizer command already handled (MessageSid seen)")
                return Handled((), duplicate=True)
            answer = self.talk.organizer_says(organizer, inbound, now)
            if answer is None:  # not a conversation command: OK, DONE, START or help
                answer = self.talk.after_claims(
                    inbound, self.claims.answer(organizer, inbound, now), now)
            return Handled((answer,) if answer else ())
        except (SQLAlchemyError, redis.RedisError) as exc:
            log.error("organizer command failed: %s", type(exc).__name__)
            return Handled((self.claims.unavailable(organizer),))

    def drain_spool(self, deliver: spooling.Deliver) -> int:
        """Replay spooled messages once Redis is back; send their replies by ``deliver``
        (``spooling.drain``)."""
        return spooling.drain(self, deliver)

    def handle_now(self, inbound: Inbound, now: datetime, *, token: str | None = None,
                   replaying: bool = False, take_over: str | None = None) -> Handled:
        """Answer one message now; raise if Redis fails (``handle`` spools it then).
        ``replaying`` (with ``take_over``): a kept message (``SessionStore.begin``)."""
        stamp = int(now.timestamp())
        turn = self.sessions.begin(inbound.sender, inbound.sid, stamp // 60, whatsapp_at=(
            stamp if inbound.channel == Channel.WHATSAPP else None), token=token,
            replaying=replaying, take_over=take_over)
        loaded = turn.loaded
        saved = False
        try:
            if loaded.earlier_reply is not None:
                log.info("duplicate MessageSid answered from cache")
                return Handled(tuple(json.loads(loaded.earlier_reply)), duplicate=True)
            if loaded.handled:
                # handled, and its sender erased since: nothing to answer, nothing to redo
                log.info("MessageSid handled before, its sender erased: ignored")
                return Handled((), duplicate=True)
            if not loaded.opted_out and not loaded.session.updated:
                loaded = self._known_opt_out(loaded, inbound.sender)
            prefix: tuple[str, ...] = ()
            if loaded.talk is not None and not loaded.opted_out:
                relayed = self._relay(loaded, inbound, now)
                if not relayed.to_bot:  # to their organizer: the bot says nothing
                    self.sessions.save(turn, loaded.session, _to_json(relayed.bodies).encode())
                    saved = True
                    if loaded.held:
                        self.release_held(inbound)
                    return Handled(relayed.bodies)
                prefix = relayed.bodies
            outcome = step(loaded.session, inbound, now, self.context())
            session, replies = outcome.session, outcome.replies
            ref: str | None = None
            erased = False
            for effect in outcome.effects:
                if isinstance(effect, FileCase):
                    if loaded.recent > self.settings.reply_limit_per_minute:
                        # a flood files nothing (and loses nothing: the draft is kept)
                        log.warning("case not filed: sender throttled")
                        session = replace(loaded.session, updated=session.updated)
                        continue
                    filed = self._file(effect, now)
                    if filed is None:
                        session = replace(loaded.session, updated=session.updated)
                        replies = (Reply(messages.FILE_FAILED),)
                        continue
                    ref, instead = filed
                    if instead is not None:
                        replies = (instead,)
                    if ref and effect.kind == CaseKind.REPORT:  # late parts join it
                        session = replace(session, last_case=ref, last_filed=stamp)
                elif isinstance(effect, AddToStory):
                    if not spooling.add_to_story(self, effect, now):
                        replies = ()  # never say it was added when it was not
                elif isinstance(effect, OptOut):
                    self.optouts.record(effect.sender, now)
                    self.sessions.opt_out(effect.sender)
                    self.talk.worker_gone(effect.sender, Ended.OPTED_OUT, now)
                elif isinstance(effect, OptIn):
                    self.optouts.lift(effect.sender)
                    self.sessions.opt_in(effect.sender)
                elif isinstance(effect, Erase):
                    self.erase(effect.sender, now)
                    erased = True
            locale = session.locale or loaded.session.locale or "en"
            bodies = prefix + tuple(self.render(reply, locale, inbound.channel, ref)
                                    for reply in replies)
            if erased:
                log.info("sender erased at their request")
                # keep nothing, not even this reply; only the bare mark that this
                # MessageSid was handled, so reconciliation never replays it
                self.sessions.mark_handled(inbound.sid)
                return Handled(bodies, erased=True)
            if loaded.recent > self.settings.reply_limit_per_minute:
                # a flood or an auto-responder loop: keep handling, stop answering
                log.warning("replies throttled for a sender (%d messages/minute)",
                            loaded.recent)
                bodies = ()
            try:
                self.sessions.save(turn, session, _to_json(bodies).encode())
            except redis.RedisError as exc:
                # effects are done (a case may be committed): answer, don't replay. (Sent
                # and not waited for: a failure Redis reports later is logged then.)
                log.error("session not saved after effects: %s", type(exc).__name__)
                return Handled(bodies)
            saved = True
            # DEBUG: gunicorn's access log already has a line per message, and this one
            # cost 4 % of a message's CPU at INFO (bench/optimisations.md)
            log.debug("handled message: step=%s replies=%d effects=%d", session.step,
                      len(bodies), len(outcome.effects))
            if loaded.held:  # messages wait for this worker to write: they just did
                self.release_held(inbound)
            return Handled(bodies)
        finally:
            if not saved:
                with contextlib.suppress(redis.RedisError):
                    self.sessions.unlock(turn)

    def _relay(self, loaded: Loaded, inbound: Inbound, now: datetime) -> Relayed:
        """Pass a message to the organizer its sender talks with, unless it is one the bot
        always answers (``dialogue.conversation.route``)."""
        assert loaded.talk is not None
        flood = loaded.recent > self.settings.reply_limit_per_minute
        try:
            return self.talk.worker_turn(loaded.talk, loaded.session, inbound, now,
                                         self.context(), flood=flood)
        except SQLAlchemyError as exc:
            log.error("worker message not passed to their organizer: %s", type(exc).__name__)
            return Relayed(self.talk.not_passed(loaded.session.locale, inbound))

    def _known_opt_out(self, loaded: Loaded, sender: str) -> Loaded:
        """At the start of a conversation, look for a STOP Redis does not know about (one
        Twilio reported, or Redis lost its data) and remember it there."""
        try:
            opted_out = self.optouts.opted_out(sender)
        except SQLAlchemyError as exc:
            log.error("opt-out not checked: %s", type(exc).__name__)
            return loaded
        if not opted_out:
            return loaded
        self.sessions.opt_out(sender)
        return replace(loaded, session=replace(loaded.session, opted_out=True),
                       opted_out=True)

    def erase(self, sender: str, now: datetime | None = None) -> int:
        """Forget a sender everywhere: session, cached replies, personal case data, and
        the messages sent or held for them (a held one is never sent), the stored copies
        of their photos and recordings (deleted by a job), and (queued for the upkeep,
        which retries) their messages, media and recordings at Twilio; their conversation
        with an organizer ends and its messages go."""
        self.talk.worker_gone(sender, Ended.ERASED, now or datetime.now(UTC))
        doomed = self.keeper.forget_cases(self.cases.ids_of(sender), now)
        touched = self.cases.erase_sender(sender, now)
        self.messages.erase(sender, now)
        if self.settings.twilio_account_sid:  # else the REST API cannot be reached
            self.deletions.number(sender, now)
        self.sessions.forget(sender)
        if doomed:
            evidence_jobs.enqueue_purge(self.alerts)
        return touched

    def release_held(self, inbound: Inbound) -> None:
        """Queue the sending of what was held for a worker who just wrote (by pseudonym)."""
        who = self.crypto.sender_id(inbound.sender)
        try:
            # no fixed job id: a second job finds nothing left (each message is taken once)
            self.alerts.enqueue(RELEASE_JOB, who, str(inbound.channel),
                                retry=Retry(max=3, interval=[10, 60, 300]),
                                failure_ttl=30 * 86400)
        except redis.RedisError as exc:  # the upkeep sends them once the window is open
            log.error("held messages not queued: %s", type(exc).__name__)

    def render(self, reply: Reply, locale: str, channel: Channel, ref: str | None) -> str:
        """Render one reply for a channel; SMS folds accents when that keeps it GSM-7."""
        if reply.needs_ref:
            reply = replace(reply, params={**reply.params, "ref": ref or "?"})
        fold = channel == Channel.SMS and self.settings.sms_fold_accents
        return self.catalogs.render(reply, locale, fold_accents=fold)

    def _file(self, effect: FileCase, now: datetime) -> tuple[str | None, Reply | None] | None:
        """Commit the case, then enqueue its alert; return its ref and the reply to give
        instead of the dialogue's own (or None for that), or None if nothing was saved.

        One open case per worker: a repeat report goes into their open case, a callback
        request while one is open opens nothing; past CASES_PER_DAY nothing is filed. A
        case no organizer can be alerted about is said so, with the center's phone.
        """
        phone = self.settings.center_phone
        try:
            found, filed = self.cases.filing_state(effect.sender, now - timedelta(days=1))
            if found is not None:
                case_id, ref, _ = found
                if effect.kind == CaseKind.REPORT:
                    self.cases.add_to(case_id, effect, now)
                    log.info("case %d: a repeat report was added to it", case_id)
                    if effect.media:
                        self.enqueue_evidence(case_id)
                    return ref, Reply(messages.ADDED_TO_CASE, needs_ref=True)
                log.info("case %d: still open, no new callback request", case_id)
                return ref, Reply(messages.ALREADY_OPEN, needs_ref=True)
            if filed >= self.settings.cases_per_day:
                log.warning("case not filed: the sender reached CASES_PER_DAY")
                return None, Reply(messages.CASE_LIMIT_WITH_PHONE if phone
                                   else messages.CASE_LIMIT, {"phone": phone})
            case_id, ref = self.cases.file(effect, now)
        except SQLAlchemyError as exc:
            log.error("case could not be saved: %s", type(exc).__name__)
            return None
        log.info("case filed: id=%d kind=%s", case_id, effect.kind)
        self.enqueue_alert(case_id)
        if effect.media:
            self.enqueue_evidence(case_id)
        if not self.someone_reachable():
            log.error("case %d filed with no organizer to alert; the worker was told", case_id)
            return ref, Reply(messages.FILED_UNREACHED_WITH_PHONE if phone
                              else messages.FILED_UNREACHED, {"phone": phone}, needs_ref=True)
        return ref, None

    def someone_reachable(self) -> bool:
        """Tell whether some active organizer can be alerted by a configured transport."""
        try:
            return any(o.active and self.dispatcher.transports_for(o, Purpose.ALERT)
                       for o in self.dispatcher.organizers.all())
        except SQLAlchemyError:
            return True  # unknown: the alert job will find out (and fall back)

    def enqueue_alert(self, case_id: int) -> bool:
        """Put a case's alert job on the queue.

        The outbox row written with the case is ticked by the alert job itself when it
        runs (not by a second transaction here, on the worker's time); until then the
        upkeep re-queues any case whose job is nowhere in Redis. The job id is fixed per
        case and deliveries are idempotent, so twice is harmless.
        """
        try:
            with self.conn.pipeline() as pipe:  # one round trip (RQ alone makes two)
                self.alerts.enqueue(ALERT_JOB, case_id,
                                    job_id=self.alert_job_id(case_id),
                                    retry=Retry(max=len(ALERT_RETRY_INTERVALS),
                                                interval=ALERT_RETRY_INTERVALS),
                                    failure_ttl=30 * 86400, pipeline=pipe)
                pipe.execute()
        except redis.RedisError as exc:
            log.error("alert for case %d not enqueued: %s", case_id, type(exc).__name__)
            with contextlib.suppress(SQLAlchemyError):
                self.cases.record(case_id, "alert_enqueue_failed", type(exc).__name__)
            return False
        return True

    def alert_job_id(self, case_id: int) -> str:
        """Name a case's alert job (one per case, within this deployment's queue)."""
        return f"{self.settings.alerts_queue}-alert-case-{case_id}"

    def enqueue_evidence(self, case_id: int) -> bool:
        """Queue the copying of a case's photos and recordings from Twilio (a case filed
        with media, or media added to it; the voicemail job files its recording so)."""
        return evidence_jobs.enqueue_keep(self.alerts, case_id)
