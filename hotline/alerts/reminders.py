"""E-mail the coordinators 30, 7 and 1 days before a dated figure runs out.

Run by the worker's upkeep. Each reminder goes once to each coordinator (Redis
remembers it); a failed send is tried again an hour later. When a figure runs out with
nothing entered after it, the bot itself stays true (it gives the agency's line), so
these e-mails are about keeping the answers useful, not about keeping them correct.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import date, datetime, timedelta, tzinfo
from typing import Protocol

import redis

from hotline.config import Settings
from hotline.dialogue.replies import Day, Reply
from hotline.dialogue.text import N_
from hotline.outbound import TransportError
from hotline.outbound.email import EmailSender
from hotline.store.cases import CaseStore
from hotline.store.organizers import OrganizerStore, Role
from hotline.words.catalogs import Catalogs
from hotline.words.facts import FactsFile, Standing, reminders_due

log = logging.getLogger(__name__)


class _Service(Protocol):
    """What reminders need of ``hotline.service.Service``."""

    settings: Settings
    conn: redis.Redis
    cases: CaseStore
    catalogs: Catalogs
    facts: FactsFile
    zone: tzinfo

#: How long a sent reminder is remembered (longer than the 30 days it covers).
REMEMBER = timedelta(days=60)
#: Wait before trying again a reminder that could not be sent.
RETRY_AFTER = timedelta(hours=1)

# TRANSLATORS: e-mail subject to the hotline's coordinators (staff). {what} names a dated
# figure, e.g. "California minimum wage, every employer"; {days} is a number of days.
SUBJECT = N_("Hotline facts: {what} runs out in {days} day(s)")
# TRANSLATORS: e-mail to coordinators. {figure} is e.g. "$16.90" or a topic's name;
# {next_change} a date. Keep "hotline facts check" as it is: it is a command.
BODY = N_(
    "{figure}: the hotline stops stating this figure on {next_change}. From that day it"
    " tells workers to call the agency for today's figure, until the new figure is"
    " entered.\n\nCheck the new figure on the agency's own site, add it to the facts file"
    " as a new entry with key {key} and effective {next_change_iso}, then run: hotline"
    " facts check"
)
# TRANSLATORS: e-mail line under the reminder above: where the figure came from.
SOURCE = N_("Source: {source}")
# TRANSLATORS: e-mail line under the reminder above: when a person last checked it.
REVIEWED = N_("Last reviewed: {date}")


def send_reminders(service: _Service, now: datetime) -> int:
    """E-mail every reminder due today to each coordinator; return how many were sent."""
    day = now.astimezone(service.zone).date()
    due = reminders_due(service.facts.current(), day)
    if not due:
        return 0
    prefix = service.settings.redis_prefix
    sender = EmailSender(service.settings)
    readers = recipients(service)
    if not sender.configured or not readers:
        if service.conn.set(f"{prefix}facts:unsent", "1", nx=True,
                            ex=int(RETRY_AFTER.total_seconds())):
            log.warning("%d dated-fact reminder(s) due but not sent: %s", len(due),
                        "set SMTP_URL or SMTP_HOST" if not sender.configured
                        else "add a coordinator with an e-mail (or set DIGEST_TO)")
        return 0
    sent = 0
    for standing, mark in due:
        for address, locale in readers:
            if _send_once(service, sender, standing, mark, address, locale, day):
                sent += 1
    return sent


def recipients(service: _Service) -> list[tuple[str, str]]:
    """Return (address, language) of every active coordinator with an e-mail; DIGEST_TO
    (in English) if there is none."""
    found = [(o.email, o.locale) for o in OrganizerStore(service.cases.engine).all()
             if o.active and o.role == Role.COORDINATOR and o.email]
    if found:
        return found
    return [(a.strip(), "en") for a in service.settings.digest_to.split(",") if a.strip()]


def compose(service: _Service, s: Standing, locale: str, day: date) -> tuple[str, str]:
    """Return (subject, body) of the reminder about ``s`` in ``locale``."""
    fact = s.current
    assert fact is not None and s.changes_on is not None
    r = service.catalogs
    subject = r.render(Reply(SUBJECT, {"what": fact.what, "days": (s.changes_on - day).days}),
                       locale)
    lines = [r.render(Reply(BODY, {"figure": fact.value or fact.what, "key": s.key,
                                   "next_change": Day(s.changes_on),
                                   "next_change_iso": s.changes_on.isoformat()}), locale), ""]
    lines += [r.render(Reply(SOURCE, {"source": source}), locale) for source in fact.sources]
    lines.append(r.render(Reply(REVIEWED, {"date": Day(fact.reviewed)}), locale))
    return subject, "\n".join(lines) + "\n"


def _send_once(service: _Service, sender: EmailSender, s: Standing, mark: int, address: str,
               locale: str, day: date) -> bool:
    conn = service.conn
    who = hashlib.sha256(address.lower().encode()).hexdigest()[:16]
    done = f"{service.settings.redis_prefix}facts:reminded:{s.key}:{s.changes_on}:{mark}:{who}"
    if conn.exists(done):
        return False
    if not conn.set(f"{done}:trying", "1", nx=True, ex=int(RETRY_AFTER.total_seconds())):
        return False  # sent by another worker just now, or failed within the hour
    subject, body = compose(service, s, locale, day)
    try:
        sender.send(address, subject, body)
    except TransportError as exc:
        log.error("dated-fact reminder for %s not sent: %s", s.key, type(exc).__name__)
        return False
    conn.set(done, "1", ex=int(REMEMBER.total_seconds()))
    log.info("dated-fact reminder sent: %s, %d day(s) left", s.key, mark)
    return True
