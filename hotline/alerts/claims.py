"""Organizers answering by SMS: ``OK 482135`` (``TOMO``, ``확인``) takes a case, ``DONE 482135``
closes it. Only messages from a registered, active organizer's phone come here; any
other number goes to the worker dialogue, which knows nothing about cases.

A case goes only to an organizer it was alerted to (routed, or everyone after an
escalation) or to a coordinator. A reference whose check digit fails gets "check the
number" and nothing else; an organizer whose case numbers keep failing is paused for an
hour and the coordinators are told, so a typo or a guess never hands over a stranger's
case.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from hotline.alerts import texts as alerts
from hotline.alerts.dispatch import Dispatcher
from hotline.dialogue.inbound import Inbound
from hotline.store import refs
from hotline.store.assignments import ClaimResult
from hotline.store.organizers import Channel, Organizer

log = logging.getLogger(__name__)


class Verb(StrEnum):
    TAKE = "take"
    CLOSE = "close"
    START = "start"


#: Words an organizer may start a command with, in English, Spanish and Korean.
WORDS = {
    "OK": Verb.TAKE, "OKAY": Verb.TAKE, "TAKE": Verb.TAKE, "CLAIM": Verb.TAKE,
    "TOMO": Verb.TAKE, "TOMAR": Verb.TAKE, "확인": Verb.TAKE,
    "DONE": Verb.CLOSE, "CLOSE": Verb.CLOSE, "LISTO": Verb.CLOSE, "CERRAR": Verb.CLOSE,
    "완료": Verb.CLOSE,
}
#: Twilio's opt-in keywords: an organizer who had sent STOP turns alerts back on.
START_WORDS = frozenset({"START", "UNSTOP", "YES"})

#: Failed case numbers (check digit, no such case, not alerted to them) an organizer may
#: send in FAILED_CLAIMS_WINDOW before their commands are paused and coordinators told.
FAILED_CLAIMS_LIMIT = 5
FAILED_CLAIMS_WINDOW = 3600

# the reference may be grouped as people say it: "482 135", "482-135"
_COMMAND = re.compile(r"^(?P<word>[^\s\d#]+)\s*#?\s*(?P<ref>\d(?:[\d\s.-]*\d)?)$")


@dataclass(frozen=True)
class Command:
    """An organizer's command: ``Command(Verb.TAKE, "482135")``."""

    verb: Verb
    ref: str = ""


def parse(text: str) -> Command | None:
    """Read ``OK 482135``, ``ok #482135``, ``확인 482135``, ``DONE 482135`` or START; else None."""
    cleaned = " ".join(unicodedata.normalize("NFKC", text).strip().strip(".!").split())
    if cleaned.upper() in START_WORDS:
        return Command(Verb.START)
    match = _COMMAND.match(cleaned)
    if not match:
        return None
    ref = refs.clean(match["ref"])
    if not 4 <= len(ref) <= 8:
        return None
    verb = WORDS.get(match["word"].upper())
    return Command(verb, ref) if verb else None


class Claims:
    """Answer organizers' texts: take, close, turn alerts back on, or explain the commands."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher
        self.organizers = dispatcher.organizers
        self.assignments = dispatcher.assignments
        self.conn = dispatcher.conn
        self.prefix = dispatcher.settings.redis_prefix

    def organizer(self, inbound: Inbound) -> Organizer | None:
        """Return the active organizer who sent this, if one did."""
        if inbound.sender not in self.organizers.active_phones():
            return None  # a worker: no database read on their path
        return self.organizers.active_by_phone(inbound.sender)

    def answer(self, organizer: Organizer, inbound: Inbound, now: datetime) -> str:
        """Carry out an organizer's command and return the reply text."""
        self.organizers.heard_from(organizer.id, now)
        r = self.dispatcher.catalogs
        locale = alerts.locale_for(r, organizer.locale)
        command = parse(inbound.text)
        if command is None:
            return alerts.simple(r, alerts.ORGANIZER_HELP, locale)
        if command.verb == Verb.START:
            channel = Channel.WHATSAPP if inbound.channel == "whatsapp" else Channel.SMS
            self.organizers.opted_out(organizer.id, channel, False)
            return alerts.simple(r, alerts.ALERTS_ON, locale)
        if self.paused(organizer, now):
            return alerts.simple(r, alerts.TOO_MANY_TRIES, locale)
        if refs.check(command.ref) == refs.RefCheck.BAD:
            return self.failed(organizer, alerts.CHECK_NUMBER, command.ref, now)
        if command.verb == Verb.CLOSE:
            return self._close(organizer, command.ref, now)
        return self._take(organizer, command.ref, now)

    def unavailable(self, organizer: Organizer) -> str:
        """Return the answer for when a command could not be carried out."""
        r = self.dispatcher.catalogs
        return alerts.simple(r, alerts.TRY_AGAIN, alerts.locale_for(r, organizer.locale))

    # -- failed case numbers -----------------------------------------------------------

    def _failures_key(self, organizer: Organizer, now: datetime) -> str:
        window = int(now.timestamp()) // FAILED_CLAIMS_WINDOW
        return f"{self.prefix}claims:failed:{organizer.id}:{window}"

    def paused(self, organizer: Organizer, now: datetime) -> bool:
        """Tell whether this organizer sent too many failing case numbers this hour."""
        count = self.conn.get(self._failures_key(organizer, now))
        return count is not None and int(count) >= FAILED_CLAIMS_LIMIT

    def failed(self, organizer: Organizer, msgid: str, ref: str, now: datetime) -> str:
        """Count a case number that did not work; at the limit, tell the coordinators."""
        key = self._failures_key(organizer, now)
        with self.conn.pipeline() as pipe:
            pipe.incr(key)
            pipe.expire(key, FAILED_CLAIMS_WINDOW * 2)
            count = int(pipe.execute()[0])
        log.warning("organizer %d sent a case number that did not work (%d this hour)",
                    organizer.id, count)
        if count == FAILED_CLAIMS_LIMIT:
            self.dispatcher.failed_claims(organizer, count, now)
        r = self.dispatcher.catalogs
        return alerts.simple(r, msgid, alerts.locale_for(r, organizer.locale), ref=ref)

    def may_take(self, organizer: Organizer, case_id: int) -> bool:
        """Coordinators (and admins) take any case; others only one they were alerted to
        (by SMS here, and in the console)."""
        return (organizer.coordinating
                or organizer.id in self.dispatcher.deliveries.alerted(case_id))

    # -- commands --------------------------------------------------------------------

    def _take(self, organizer: Organizer, ref: str, now: datetime) -> str:
        r = self.dispatcher.catalogs
        locale = alerts.locale_for(r, organizer.locale)
        case_id = self.assignments.case_id(ref)
        if case_id is None:
            return self.failed(organizer, alerts.NO_SUCH_CASE, ref, now)
        if not self.may_take(organizer, case_id):
            log.warning("organizer %d asked for case %d, not alerted to them",
                        organizer.id, case_id)
            return self.failed(organizer, alerts.NOT_ALERTED, ref, now)
        claim = self.assignments.claim(ref, organizer.id, organizer.name, now)
        if claim.result == ClaimResult.MISSING:
            return alerts.simple(r, alerts.NO_SUCH_CASE, locale, ref=ref)
        if claim.result == ClaimResult.CLOSED:
            return alerts.simple(r, alerts.ALREADY_CLOSED, locale, ref=ref)
        if claim.result == ClaimResult.TAKEN_BY_OTHER:
            return alerts.simple(r, alerts.TAKEN_BY_OTHER, locale, ref=ref,
                                 name=claim.by or "?")
        assert claim.case_id is not None
        case = self.dispatcher.cases.get(claim.case_id)
        if case is None:
            return alerts.simple(r, alerts.NO_SUCH_CASE, locale, ref=ref)
        if claim.result == ClaimResult.TAKEN:
            log.info("case %d taken by organizer %d", case.id, organizer.id)
            self.dispatcher.claimed(case, organizer, now)
        return alerts.claimed(r, case, locale, has_email=bool(organizer.email))

    def _close(self, organizer: Organizer, ref: str, now: datetime) -> str:
        r = self.dispatcher.catalogs
        locale = alerts.locale_for(r, organizer.locale)
        claim = self.assignments.close(ref, organizer.id, now,
                                       any_claimer=organizer.coordinating)
        if claim.result == ClaimResult.MISSING:
            return self.failed(organizer, alerts.NO_SUCH_CASE, ref, now)
        msgid = {
            ClaimResult.MISSING: alerts.NO_SUCH_CASE,
            ClaimResult.CLOSED: alerts.ALREADY_CLOSED,
            ClaimResult.NOT_TAKEN: alerts.NOT_TAKEN,
            ClaimResult.NOT_YOURS: alerts.NOT_YOURS,
        }.get(claim.result, alerts.CLOSED)
        if msgid == alerts.CLOSED:
            log.info("case %s closed by organizer %d", claim.case_id, organizer.id)
        return alerts.simple(r, msgid, locale, ref=ref, name=claim.by or "?")
