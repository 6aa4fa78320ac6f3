"""Write one delivery's words at send time, from the case, and hand them to its transport.

A delivery row holds ids only; the words (alert, escalation, "taken", the report, the
worker's notice, the webhook's JSON) are built here in the recipient's language just
before the transport sends them, so nothing a worker wrote waits in a queue.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from hotline.alerts import digest, notices
from hotline.alerts import texts as alerts
from hotline.alerts.digest_texts import DIGEST_URGENT
from hotline.alerts.wiring import Wiring, need
from hotline.conversations import words as talk_words
from hotline.outbound import WindowClosed
from hotline.outbound.to_worker import Message
from hotline.outbound.twilio_sms import UNCONFIRMED
from hotline.store.assignments import Assignment
from hotline.store.cases import CaseView
from hotline.store.deliveries import ALERTS, Delivery, Mode, Purpose, Transport
from hotline.store.organizers import Organizer

log = logging.getLogger(__name__)

#: WhatsApp lets a business write free text this long after the person's last message.
WHATSAPP_WINDOW = timedelta(hours=24)


class Skip(Exception):  # noqa: N818 - a decision, not an error
    """Nothing to send for this delivery after all; ``reason`` is recorded on it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Writer:
    """Build and send the message a delivery stands for."""

    def __init__(self, wiring: Wiring) -> None:
        self.w = wiring

    def send(self, row: Delivery, now: datetime, case: CaseView | None = None) -> str | None:
        """Write and send a delivery; return the provider's id, or None if not needed."""
        w = self.w
        if row.purpose == Purpose.DIGEST:
            return digest.send(w, row, now)
        if row.purpose == Purpose.NOTICE:
            return self._send_notice(row, now)
        if row.purpose in (Purpose.RELAY, Purpose.CONVERSATION):
            return self._send_talk(row, now)
        if case is None or case.id != row.case_id:
            case = w.cases.get(row.case_id) if row.case_id is not None else None
        if case is None:
            return None
        assignment = w.assignments.get(case.id)
        if row.purpose in ALERTS and (assignment is None or not assignment.open):
            return None  # taken before this alert went out
        if row.purpose == Purpose.WORKER:
            return self._send_worker(row, case)
        if row.transport == Transport.WEBHOOK:
            return self._send_webhook(row, case, assignment)
        organizer = w.organizers.get(row.organizer_id) if row.organizer_id else None
        if organizer is None or not organizer.active:
            return None
        r = w.catalogs
        locale = alerts.locale_for(r, organizer.locale)
        if row.purpose == Purpose.REPORT:
            subject, body = alerts.report_email(r, case, locale)
            return w.senders.email.send(need(organizer.email), subject, body)
        if row.purpose == Purpose.TAKEN:
            name = assignment.claimed_name if assignment else None
            text = alerts.taken(r, case.ref, name, locale)
            if row.transport == Transport.EMAIL:
                return w.senders.email.send(need(organizer.email), text.split("\n")[0], text)
            return self._send_phone(row, organizer, text, now, None)
        assert assignment is not None
        facts = alerts.Facts.of(case, urgent=assignment.urgent, reasons=assignment.reasons)
        level = ALERTS.index(row.purpose)
        minutes = int(w.escalate_after(assignment.urgent).total_seconds() // 60)
        if row.transport == Transport.EMAIL:
            subject, body = alerts.alert_email(r, facts, locale, level=level, minutes=minutes)
            return w.senders.email.send(need(organizer.email), subject, body)
        text = alerts.alert(r, facts, locale, level=level, minutes=minutes,
                            sms=row.transport == Transport.SMS)
        template = {"1": case.ref, "2": self._summary(facts)}
        return self._send_phone(row, organizer, text, now, template)

    def _send_notice(self, row: Delivery, now: datetime) -> str | None:
        written = notices.write(self.w, row)
        if written is None:
            return None
        organizer, text = written
        if row.transport == Transport.EMAIL:
            address = organizer.email if organizer else row.recipient
            return self.w.senders.email.send(need(address), text.split(". ")[0], text)
        assert organizer is not None
        return self._send_phone(row, organizer, text, now, None)

    def _send_talk(self, row: Delivery, now: datetime) -> str | None:
        """A worker's message to their organizer, or a notice about a conversation: to
        that organizer (or coordinator, or a DIGEST_TO address) only, never the webhook."""
        written = talk_words.write(self.w, row)
        if written is None:
            return None
        organizer, text, subject = written
        if row.transport == Transport.EMAIL:
            address = organizer.email if organizer else row.recipient
            return self.w.senders.email.send(need(address), subject, text)
        if organizer is None or row.transport == Transport.WEBHOOK:
            return None
        return self._send_phone(row, organizer, text, now, None)

    def _send_phone(self, row: Delivery, organizer: Organizer, text: str, now: datetime,
                    template: dict[str, str] | None) -> str:
        phone = need(organizer.phone)
        twilio = self.w.senders.twilio
        since = None
        if row.error == UNCONFIRMED:  # the last try lost Twilio's answer: look first
            since = row.created_at
        if row.transport != Transport.WHATSAPP:
            return twilio.send(phone, text, since=since)
        heard = organizer.last_inbound_at
        window_open = heard is not None and now - heard < WHATSAPP_WINDOW
        if row.mode == Mode.TEMPLATE or not window_open:
            if template is None or not self.w.settings.twilio_content_sid:
                raise WindowClosed("whatsapp window closed")
            return twilio.send(phone, "", whatsapp=True, template=template, since=since)
        return twilio.send(phone, text, whatsapp=True, since=since)

    def _summary(self, facts: alerts.Facts) -> str:
        """One line for the WhatsApp template's second variable."""
        r = self.w.catalogs
        parts = [alerts.simple(r, DIGEST_URGENT, "en")] if facts.urgent else []
        parts.append(alerts.language_name(facts.locale, "en"))
        if facts.industry:
            parts.append(facts.industry.replace("_", " "))
        return ", ".join(parts)

    def _send_worker(self, row: Delivery, case: CaseView) -> str:
        """Tell the worker an organizer has their case, through the one path to a worker
        (which honours their contact choice, opt-out, erasure and WhatsApp's window)."""
        w = self.w
        text = alerts.worker_taken(w.catalogs, case.ref, case.locale, sms=False)
        if text is None:
            log.warning("case %d: worker not told (no %s translation of the notice)",
                        case.id, case.locale)
            w.cases.record(case.id, "worker_notice_untranslated", case.locale)
            raise Skip("untranslated")
        result = w.to_worker.about_case(case.id, Message(
            key=f"delivery:{row.id}", purpose=str(Purpose.TAKEN), text=text,
            locale=case.locale, template="taken", variables={"1": case.ref}))
        if result.provider_id is None:
            raise Skip(f"{result.outcome}: {result.reason}")
        return result.provider_id

    def _send_webhook(self, row: Delivery, case: CaseView,
                      assignment: Assignment | None) -> str:
        w = self.w
        urgent = bool(assignment and assignment.urgent)
        payload: dict[str, object] = {"case": case.ref, "event": str(row.purpose),
                                      "urgent": urgent}
        if row.purpose == Purpose.TAKEN:
            payload["text"] = alerts.taken(w.catalogs, case.ref,
                                           assignment.claimed_name if assignment else None,
                                           "en")
            payload["taken_by"] = assignment.claimed_name if assignment else None
        else:
            facts = alerts.Facts.of(case, urgent=urgent,
                                    reasons=assignment.reasons if assignment else ())
            minutes = int(w.escalate_after(urgent).total_seconds() // 60)
            payload["text"] = alerts.alert(w.catalogs, facts, "en", sms=False,
                                           level=ALERTS.index(row.purpose), minutes=minutes)
            payload.update(kind=case.kind, language=case.locale, industry=case.industry,
                           issues=list(case.issues),
                           reasons=list(assignment.reasons) if assignment else [])
        return w.senders.webhook.send(payload)
