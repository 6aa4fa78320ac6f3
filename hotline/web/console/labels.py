"""The words the console shows for stored values (industries, issue types, outcomes…).

Values are stored as codes (``car_wash``, ``unpaid``); these are their names in the
console's catalog, and ``waited`` says a duration the way people do. A field whose key
is gone reads as ``crypto.UNREADABLE`` (a marker code can test for); ``readable`` says
it in the reader's language.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from hotline.crypto import UNREADABLE as MARKER
from hotline.store.cases import CaseView
from hotline.web.console.words import L_, t

#: What staff read in place of a field no configured key opens.
UNREADABLE = L_("[unreadable: its key is not in HOTLINE_ENCRYPTION_KEYS]")

INDUSTRIES = {
    "restaurant": L_("Restaurant"), "market": L_("Market or grocery"), "garment": L_("Garment"),
    "car_wash": L_("Car wash"), "cleaning": L_("Cleaning or janitorial"),
    "other": L_("Other work"),
}
ISSUES = {
    "unpaid": L_("Not paid or paid late"), "min_wage": L_("Below minimum wage"),
    "overtime": L_("No overtime pay"), "breaks": L_("No meal or rest breaks"),
    "sick_leave": L_("Sick leave denied"), "tips": L_("Tips taken"),
    "retaliation": L_("Fired or punished"), "safety": L_("Unsafe, heat, injury"),
    "other": L_("Something else"),
}
OUTCOMES = {
    "resolved": L_("Resolved"),
    "labor_commissioner": L_("Referred to the Labor Commissioner"),
    "ows": L_("Referred to the Office of Wage Standards (OWS)"),
    "legal_aid": L_("Referred to legal aid"),
    "unreachable": L_("Worker unreachable"),
    "duplicate": L_("Duplicate"),
    "not_labor": L_("Not a labor issue"),
}
LANGUAGES = {"en": L_("English"), "es": L_("Spanish"), "ko": L_("Korean")}
CHANNELS = {"sms": L_("SMS"), "whatsapp": L_("WhatsApp"), "voice": L_("Phone call")}
TRANSPORTS = {"sms": L_("SMS"), "whatsapp": L_("WhatsApp"), "email": L_("e-mail"),
              "webhook": L_("webhook")}
KINDS = {"report": L_("Report"), "callback": L_("Call-back request"),
         "voicemail": L_("Voicemail")}
WHEN = {
    "this_week": L_("This week"), "this_month": L_("This month"),
    "this_year": L_("1 to 12 months ago"), "older": L_("More than a year ago"),
}
CONTACT = {"text": L_("Text this number"), "call": L_("Call this number"),
           "whatsapp": L_("WhatsApp this number"), "other": L_("Use another number"),
           "none": L_("Do not contact")}
REASONS = {
    "call": L_("To call or text the worker about the case"),
    "claim": L_("To fill in the wage claim with the worker"),
    "verify": L_("To check the worker's identity"),
    "other": L_("Other (say below)"),
}


def name(table: dict[str, str], value: str | None) -> str:
    """Return the shown name of a stored value (the value itself if it has none)."""
    if not value:
        return "—"
    return t(table[value]) if value in table else value


def readable(value: str | None) -> str | None:
    """Return a decrypted field as staff read it: its words, or that it is unreadable."""
    return t(UNREADABLE) if value == MARKER else value


def readable_case(case: CaseView) -> CaseView:
    """Return a case with each unreadable field said in the reader's language (for
    showing only: code keeps testing the stored marker)."""
    return replace(case, contact=readable(case.contact), name=readable(case.name),
                   employer=readable(case.employer), location=readable(case.location),
                   details=readable(case.details))


def waited(span: timedelta) -> str:
    """Say a duration: ``5 min``, ``3 h 20 min``, ``2 d 4 h``."""
    minutes = max(0, int(span.total_seconds() // 60))
    if minutes < 60:
        return t(L_("%(m)s min"), m=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return t(L_("%(h)s h %(m)s min"), h=hours, m=minutes)
    days, hours = divmod(hours, 24)
    return t(L_("%(d)s d %(h)s h"), d=days, h=hours)
