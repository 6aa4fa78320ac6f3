"""The voice line's I/O: the caller's remembered language, call-back requests, the
voicemail job and the text after an unanswered call.

``CallLine.answer`` wraps the pure call flow (``dialogue.call``) the way ``Service.handle``
wraps the SMS dialogue: durable first (a call-back request is committed before its case
number is said), then the queue. Nothing slow runs while the caller waits: the recording
is filed by an RQ job (``store_voicemail``), the SMS by another (``text_center_phone``).
Jobs take plain JSON with no number in the clear: the caller's number travels encrypted.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import redis
from rq import Retry
from sqlalchemy.exc import SQLAlchemyError

from hotline.dialogue import call, spoken
from hotline.dialogue.answers import numbers, phone
from hotline.dialogue.call import CallContext, CallState, CallTurn, Heard
from hotline.dialogue.effects import CaseKind, FileCase, MediaItem
from hotline.dialogue.facts import Changes
from hotline.dialogue.inbound import Channel
from hotline.dialogue.replies import Reply
from hotline.outbound.to_worker import Message, Result, ToWorker
from hotline.service import Service
from hotline.words.catalogs import Catalogs

log = logging.getLogger(__name__)

#: RQ jobs, by dotted path (hotline never imports workers).
VOICEMAIL_JOB = "workers.voice.store_voicemail"
CALL_TEXT_JOB = "workers.voice.text_center_phone_after_call"
#: Retries of the voice jobs (the recording may not be ready at Twilio at once).
JOB_RETRY_INTERVALS = [10, 60, 300, 900]
#: How the case keeps a voicemail's recording sid (and finds it again if the job reruns).
VOICEMAIL_EVENT = "voicemail"
#: The channel recorded on cases filed by a call.
VOICE_CHANNEL = "voice"
#: What a recording Twilio keeps is, as the case lists it (Twilio serves WAV by default).
RECORDING_TYPE = "audio/wav"


@dataclass(frozen=True)
class Caller:
    """Who is calling: Twilio's CallSid and the calling number (None when hidden)."""

    sid: str
    number: str | None

    @classmethod
    def from_form(cls, form: Mapping[str, str]) -> Caller:
        """Read Twilio's voice webhook form (ValueError without a CallSid)."""
        sid = (form.get("CallSid") or "").strip()
        if not sid or len(sid) > 64:
            raise ValueError("CallSid is required")
        return cls(sid, phone((form.get("From") or "").strip()[:32]))


@dataclass(frozen=True)
class Recording:
    """A finished recording, as the voicemail job gets it (plain JSON, no number in the
    clear): ``caller`` is the calling number encrypted, or "" when it was hidden."""

    sid: str
    url: str
    call_sid: str
    duration: int
    locale: str
    caller: str

    def to_job(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_job(cls, data: Mapping[str, Any]) -> Recording:
        return cls(str(data["sid"]), str(data["url"]), str(data["call_sid"]),
                   int(data["duration"]), str(data["locale"]), str(data.get("caller", "")))


class CallLine:
    """Answer calls for one process, with its Service's stores and queue."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self.settings = service.settings

    # -- languages ---------------------------------------------------------------------

    def locales(self) -> tuple[str, ...]:
        """The voice line's languages: those with a voice (VOICES, in its order) that are
        offered to workers (their catalog passes the check)."""
        self.service.context()  # reloads catalogs and the offered languages if changed
        offered = self.service.languages
        return tuple(loc for loc in self.settings.voice_map if loc in offered)

    def voice(self, locale: str) -> tuple[str, str]:
        """Return (Twilio voice, language tag) of a language on the voice line."""
        return self.settings.voice_map[locale]

    @property
    def catalogs(self) -> Catalogs:
        return self.service.catalogs

    def remembered(self, caller: Caller) -> str | None:
        """Return the language the caller used when texting us, if it is remembered."""
        if caller.number is None:
            return None
        try:
            return self.service.sessions.language(caller.number)
        except redis.RedisError as exc:
            log.warning("caller's language not read: %s", type(exc).__name__)
            return None

    def key_from_speech(self, text: str) -> str | None:
        """Read a spoken option ("two", "dos", "2번") as the key it names, if it names one."""
        found = numbers(text)
        if len(found) == 1:
            return str(found[0])
        number = self.service.context().lexicon.number(text)
        return None if number is None else str(number)

    # -- one request -------------------------------------------------------------------

    def answer(self, state: CallState, heard: Heard, caller: Caller,
               now: datetime | None = None) -> CallTurn:
        """Decide what the caller hears, carrying out what the call flow asks for."""
        now = now or datetime.now(UTC)
        locales = self.locales()
        remembered = self.remembered(caller) if state.step == call.Step.START else None
        ctx = CallContext(locales, remembered, self._rights_changed(now))
        turn = call.answer(state, heard, ctx)
        if isinstance(turn.effect, call.RequestCallback):
            return self._callback(turn.effect, caller, ctx, now)
        if isinstance(turn.effect, call.EndUnanswered):
            if self._text_center_phone(turn.effect.locale, caller):
                return call.unanswered(turn.effect.locale, locales, texted=True)
            return replace(turn, effect=None)
        return turn

    def _rights_changed(self, now: datetime) -> date | None:
        """Return the day the spoken summary's rules changed, if its dated entry ran out
        (the center's calendar day, as the SMS explainers count it)."""
        found = self.service.context().facts.at(spoken.SPOKEN_RIGHTS,
                                                now.astimezone(self.service.zone).date())
        return found.on if isinstance(found, Changes) else None

    def _callback(self, effect: call.RequestCallback, caller: Caller, ctx: CallContext,
                  now: datetime) -> CallTurn:
        """File a call-back request for the calling number (one open case per number,
        CASES_PER_DAY), then say its number; the same rules as a request by text."""
        locale, center = effect.locale, self.settings.center_phone
        if caller.number is None:
            return call.callback_impossible(effect, spoken.NO_CALLER_ID, ctx)
        cases = self.service.cases
        try:
            found = cases.open_case_of(caller.number)
            if found is not None:
                log.info("case %d: still open, no new call-back request", found[0])
                return call.callback_already_open(locale, found[1])
            if cases.filed_since(caller.number, now - timedelta(days=1)) \
                    >= self.settings.cases_per_day:
                log.warning("call-back not filed: the caller reached CASES_PER_DAY")
                return call.callback_refused(locale, center)
            case_id, ref = cases.file(FileCase(
                kind=CaseKind.CALLBACK, locale=locale, channel=VOICE_CHANNEL,
                sender=caller.number, contact_method="call", contact_number=caller.number),
                now)
        except SQLAlchemyError as exc:
            log.error("call-back request could not be saved: %s", type(exc).__name__)
            return call.callback_impossible(effect, spoken.SAVE_FAILED, ctx)
        log.info("case filed: id=%d kind=callback channel=voice", case_id)
        self.service.enqueue_alert(case_id)
        return call.callback_filed(locale, ref, reachable=self.service.someone_reachable(),
                                   phone=center)

    def _text_center_phone(self, locale: str | None, caller: Caller) -> bool:
        """Queue the center's number by SMS to a caller we know by text (their language
        is remembered and they have not opted out); True if it was queued."""
        if not self.settings.center_phone or caller.number is None:
            return False
        known = self.remembered(caller)
        if known is None:
            return False
        try:
            if self.service.optouts.opted_out(caller.number):
                return False
            self.service.alerts.enqueue(
                CALL_TEXT_JOB, {"call_sid": caller.sid, "locale": known,
                                "caller": self.encrypt(caller.number)},
                job_id=f"{self.settings.alerts_queue}-call-text-{caller.sid}",
                retry=Retry(max=3, interval=JOB_RETRY_INTERVALS[:3]),
                failure_ttl=30 * 86400)
        except (redis.RedisError, SQLAlchemyError) as exc:
            log.error("text after a call not queued: %s", type(exc).__name__)
            return False
        log.info("text with the center's number queued for a caller")
        return True

    # -- the recording -----------------------------------------------------------------

    def encrypt(self, number: str | None) -> str:
        """Return a number encrypted for a URL or a job ("" for none)."""
        token = self.service.crypto.encrypt(number) if number else None
        return token.decode() if token else ""

    def recorded(self, form: Mapping[str, str], locale: str, caller: str) -> bool:
        """Hear Twilio's recording status callback: queue the voicemail job for a finished
        recording with sound in it; a caller who hung up before saying anything (no
        recording, or ``absent``) files nothing. True if a job was queued."""
        status = form.get("RecordingStatus", "")
        duration = (form.get("RecordingDuration") or "0").strip()
        sid, url = form.get("RecordingSid", "").strip(), form.get("RecordingUrl", "").strip()
        if status != "completed" or not duration.isdigit() or int(duration) <= 0:
            log.info("recording %s: nothing to keep", status or "reported")
            return False
        if not sid or not url.startswith(("https://", "http://")) or len(url) > 500:
            log.warning("recording callback without a usable recording")
            return False
        if locale not in self.settings.voice_map:
            locale = next(iter(self.locales()), "en")
        recording = Recording(sid[:64], url, form.get("CallSid", "")[:64], int(duration),
                              locale, caller[:1000])
        self.service.alerts.enqueue(VOICEMAIL_JOB, recording.to_job(),
                                    job_id=f"{self.settings.alerts_queue}-voicemail-{sid}",
                                    retry=Retry(max=len(JOB_RETRY_INTERVALS),
                                                interval=JOB_RETRY_INTERVALS),
                                    failure_ttl=30 * 86400)
        log.info("voicemail job queued (%s s)", duration)
        return True


# -- the jobs' work ----------------------------------------------------------------------


def keep_recording(recording: Recording) -> MediaItem:
    """Attach the recording to its case as one of its items (Twilio's URL, encrypted
    like a photo's); the recording's sid goes in its history (``VOICEMAIL_EVENT``).

    Once the case is committed the evidence job (``Service.enqueue_evidence``, or the
    upkeep within minutes) copies the audio from Twilio's API, stores it encrypted,
    verifies it and only then deletes it at Twilio (Recording DELETE): Twilio's copy is
    never deleted before a committed case holds ours (``hotline.evidence.keeping``).
    """
    return MediaItem(recording.url, RECORDING_TYPE)


def transcribe(recording: Recording) -> str | None:
    """Return the words of a recording, to add to its case as the worker's story.

    No transcription runs today (Twilio's own does not serve Korean or Spanish well), so
    a voicemail's urgency is unknown until an organizer listens. A transcription step
    plugs in here: its text becomes the case's details, which the alert's urgency reading
    (``alerts.urgency``) then sees like a texted story.
    """
    return None


class Voicemails:
    """File voicemails as cases and alert organizers (the job behind ``VOICEMAIL_JOB``)."""

    def __init__(self, service: Service) -> None:
        self.service = service

    def file(self, recording: Recording, now: datetime | None = None) -> str:
        """File a voicemail case (language, encrypted number, the recording) and alert it
        as any case; once per recording, however often the job runs."""
        now = now or datetime.now(UTC)
        cases = self.service.cases
        done = cases.with_event(VOICEMAIL_EVENT, recording.sid)
        if done is not None:
            return f"already filed: case {done[0]}"
        number = self.service.crypto.decrypt(recording.caller.encode()) \
            if recording.caller else None
        kept = keep_recording(recording)
        text = transcribe(recording)
        effect = FileCase(
            kind=CaseKind.VOICEMAIL, locale=recording.locale, channel=VOICE_CHANNEL,
            # a hidden number files under the call itself: nobody to call back
            sender=number or f"call:{recording.call_sid or recording.sid}",
            contact_method="call" if number else "none", contact_number=number,
            details=(text,) if text else (), media=(kept,))
        if number is not None:
            over = cases.filed_since(number, now - timedelta(days=1)) \
                >= self.service.settings.cases_per_day
            found = cases.open_case_of(number) if over else None
            if found is not None:
                # a flood of calls: the message joins the caller's open case, unalerted
                cases.add_to(found[0], effect, now)
                cases.record(found[0], VOICEMAIL_EVENT, recording.sid)
                self.service.enqueue_evidence(found[0])
                log.warning("case %d: a voicemail past CASES_PER_DAY was added to it",
                            found[0])
                return f"added to case {found[0]}"
        case_id, _ = cases.file(effect, now, events=((VOICEMAIL_EVENT, recording.sid),))
        log.info("case filed: id=%d kind=voicemail (%d s)", case_id, recording.duration)
        self.service.enqueue_alert(case_id)
        self.service.enqueue_evidence(case_id)
        return f"filed case {case_id}"


def text_center_phone(to_worker: ToWorker, catalogs: Catalogs, center_phone: str,
                      data: Mapping[str, Any]) -> Result | None:
    """Text a caller whose call ended unanswered the center's number, in their language,
    through the one path to a worker (opt-outs, records); None if there is no number."""
    number = to_worker.crypto.decrypt(str(data.get("caller", "")).encode()) \
        if data.get("caller") else None
    if number is None or not center_phone:
        return None
    locale = str(data.get("locale") or "en")
    text = catalogs.render(Reply(spoken.CALL_TEXT, {"phone": center_phone}), locale)
    return to_worker.reply(number, Channel.SMS, Message(
        key=f"call:{data.get('call_sid', '')}", purpose="after call", text=text,
        locale=locale))
