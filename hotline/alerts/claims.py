"""Organizers answering by SMS: ``OK 4821`` (``TOMO``, ``확인``) takes a case, ``DONE 4821``
closes it. Only messages from a registered, active organizer's phone come here; any
other number goes to the worker dialogue, which knows nothing about cases.
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
from hotline.store.assignments import ClaimResult
from hotline.store.organizers import Channel, Organizer, Role

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

_COMMAND = re.compile(r"^(?P<word>[^\s\d#]+)\s*#?\s*(?P<ref>\d{4,8})$")


@dataclass(frozen=True)
class Command:
    """An organizer's command: ``Command(Verb.TAKE, "4821")``."""

    verb: Verb
    ref: str = ""


def parse(text: str) -> Command | None:
    """Read ``OK 4821``, ``ok #4821``, ``확인 4821``, ``DONE 4821`` or START; else None."""
    cleaned = " ".join(unicodedata.normalize("NFKC", text).strip().strip(".!").split())
    if cleaned.upper() in START_WORDS:
        return Command(Verb.START)
    match = _COMMAND.match(cleaned)
    if not match:
        return None
    verb = WORDS.get(match["word"].upper())
    return Command(verb, match["ref"]) if verb else None


class Claims:
    """Answer organizers' texts: take, close, turn alerts back on, or explain the commands."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher
        self.organizers = dispatcher.organizers
        self.assignments = dispatcher.assignments

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
        if command.verb == Verb.CLOSE:
            return self._close(organizer, command.ref, now)
        return self._take(organizer, command.ref, now)

    def unavailable(self, organizer: Organizer) -> str:
        """Return the answer for when a command could not be carried out."""
        r = self.dispatcher.catalogs
        return alerts.simple(r, alerts.TRY_AGAIN, alerts.locale_for(r, organizer.locale))

    def _take(self, organizer: Organizer, ref: str, now: datetime) -> str:
        r = self.dispatcher.catalogs
        locale = alerts.locale_for(r, organizer.locale)
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
                                       any_claimer=organizer.role == Role.COORDINATOR)
        msgid = {
            ClaimResult.MISSING: alerts.NO_SUCH_CASE,
            ClaimResult.CLOSED: alerts.ALREADY_CLOSED,
            ClaimResult.NOT_TAKEN: alerts.NOT_TAKEN,
            ClaimResult.NOT_YOURS: alerts.NOT_YOURS,
        }.get(claim.result, alerts.CLOSED)
        if msgid == alerts.CLOSED:
            log.info("case %s closed by organizer %d", claim.case_id, organizer.id)
        return alerts.simple(r, msgid, locale, ref=ref, name=claim.by or "?")
