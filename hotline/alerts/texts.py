"""The words organizers read: alerts, answers to their commands, e-mails (the daily
digest's are in ``digest_texts``).

Pure: case facts in, text out. Words are gettext msgids in the same catalogs as the
bot's, rendered in the organizer's language (English until staff translate them).
An alert never carries the worker's number or their story: many phones see it. The one
thing it quotes is the place (at most 40 characters, digits-heavy text and anything that
looks like a link or a mention dropped). Only the organizer who takes the case gets the
rest (``claimed``, ``report_email``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from babel import Locale, UnknownLocaleError

from hotline.alerts.urgency import Reason
from hotline.crypto import UNREADABLE as MARKER
from hotline.dialogue import flow, messages
from hotline.dialogue.replies import Joined, Msg, Param, Reply
from hotline.dialogue.text import N_
from hotline.store.cases import CaseView
from hotline.words.segments import measure

#: An alert fits in this many SMS segments.
MAX_SEGMENTS = 2
#: Longest part of the worker's story put in the SMS answer to a claim.
CLAIM_STORY_CHARS = 500
#: Longest area shown in an alert.
AREA_CHARS = 40

_DIGITS = re.compile(r"\d")
#: Unicode controls that reorder the text around them (embeddings, overrides, isolates,
#: direction marks): an unclosed U+202E in a name shows the number after it reversed.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: Top-level domains a chat app or a phone turns into a link when written bare (a.com).
_TLDS = ("com|org|net|edu|gov|info|biz|io|co|me|ly|gl|gg|to|app|dev|link|site|online|"
         "xyz|top|club|shop|live|us|uk|ca|mx|kr|ru|cn|tk|ml|ga|cf|gq|de|fr|es|it|be|la")
#: Text in a place that a webhook or phone could render as a link, a mention or markup:
#: schemes (https://, mailto:), www., bare domains, e-mail addresses, @mentions,
#: Slack's <…> controls and markdown links.
_LINKISH = re.compile(
    r"<[^>]*>?|\[[^\]]*\]\([^)]*\)?|\S*(?:[a-z][a-z0-9+.-]*://|www\.|mailto:)\S*"
    r"|\S*@\S*|\S*\b[\w-]+\.(?:" + _TLDS + r")\b(?:[/?#:]\S*)?",
    re.IGNORECASE)

# TRANSLATORS: organizer alert, first line. {ref} is the case number, e.g. 482135.
HEADLINE = N_("Hotline case {ref}")
# TRANSLATORS: organizer alert, first line when nobody took the case in time.
HEADLINE_ESCALATED = N_("Still open after {minutes} min: case {ref}")
# TRANSLATORS: organizer alert to coordinators after two alerts went unanswered.
HEADLINE_COORDINATOR = N_("Nobody took case {ref} after two alerts")
# TRANSLATORS: organizer alert line; {reasons} e.g. "injury, violence".
URGENT = N_("URGENT: {reasons}")
# TRANSLATORS: organizer alert line; {kind} is "Report", "Callback request" or
# "Voicemail", {language} the worker's language, e.g. "Report in Spanish".
WHO = N_("{kind} in {language}")
REPORT = N_("Report")
CALLBACK = N_("Callback request")
# TRANSLATORS: a case that is a message a worker left on the hotline's voice line.
VOICEMAIL = N_("Voicemail")
#: What each kind of case is called in alerts, the digest and answers to organizers.
KINDS = {"report": REPORT, "callback": CALLBACK, "voicemail": VOICEMAIL}
# TRANSLATORS: organizer alert line: the worker's type of work.
WORK = N_("Work: {industry}")
# TRANSLATORS: organizer alert line: the issue types, e.g. "Tips taken; Sick leave denied".
PROBLEM = N_("Problem: {issues}")
# TRANSLATORS: organizer alert line: where the job is, as the worker wrote it.
AREA = N_("Area: {area}")
# TRANSLATORS: organizer alert, last line. Keep "OK" (TOMO and 확인 also work).
HOW_TO_CLAIM = N_("Reply OK {ref} to take it.")
# TRANSLATORS: more issue types than the alert has room for, e.g. "+2 more".
MORE_ISSUES = N_("+{count} more")

REASONS = {
    Reason.INJURY: N_("injury"),
    Reason.IMMIGRATION: N_("immigration threat"),
    Reason.UNPAID_WEEKS: N_("unpaid for weeks"),
    Reason.VIOLENCE: N_("violence"),
}

# TRANSLATORS: to the organizers who were alerted, once another organizer took the case.
TAKEN = N_("Case {ref} was taken by {name}. Nothing to do, thank you.")
# TRANSLATORS: answer to an organizer's OK: the case is now theirs.
CLAIMED = N_("Case {ref} is yours.")
# TRANSLATORS: how to reach the worker; {method} e.g. "Text this number".
CONTACT = N_("Contact: {name} - {method}: {number}")
# TRANSLATORS: the worker chose not to be contacted, or gave no number.
NO_CONTACT = N_("The worker asked not to be contacted; the report is for the record.")
# TRANSLATORS: the worker did not agree to share their details.
NO_CONSENT = N_("The worker did not agree to share their details.")
# TRANSLATORS: the report, in the answer to an organizer's OK.
REPORT_SUMMARY = N_("Business: {employer}. Place: {location}. When: {when}. "
                    "Still working there: {still}.")
# TRANSLATORS: the worker's own words, in the answer to an organizer's OK.
STORY = N_("Their words: {story}")
# TRANSLATORS: in place of a field of the report (a name, a number, a business, a place,
# the worker's words) that cannot be read: the key it was encrypted with was removed from
# the HOTLINE_ENCRYPTION_KEYS setting. Keep the setting's name as it is.
UNREADABLE = N_("[unreadable: its key is not in HOTLINE_ENCRYPTION_KEYS]")
# TRANSLATORS: the story did not fit in the SMS.
STORY_CUT = N_("(continued in the e-mail)")
PHOTOS = N_("Photos: {count} (links in the e-mail)")
# TRANSLATORS: answer to an organizer who took a voicemail case: how many recordings.
RECORDINGS = N_("Voice messages: {count} (links in the e-mail)")
# TRANSLATORS: last line of the answer to an organizer's OK. Keep "DONE".
HOW_TO_CLOSE = N_("Send DONE {ref} when the case is closed.")
# TRANSLATORS: an organizer sent OK for a case another organizer has.
TAKEN_BY_OTHER = N_("Case {ref} was already taken by {name}.")
# TRANSLATORS: an organizer sent OK or DONE for a closed case.
ALREADY_CLOSED = N_("Case {ref} is already closed.")
# TRANSLATORS: an organizer sent a case number that does not exist.
NO_SUCH_CASE = N_("There is no case {ref}. Check the number.")
# TRANSLATORS: an organizer sent a case number whose last digit (a check digit) does
# not fit: a typo. Say nothing about any case.
CHECK_NUMBER = N_("{ref} is not a case number. Check it and send it again.")
# TRANSLATORS: an organizer sent OK for a case that was alerted to other organizers.
NOT_ALERTED = N_("Case {ref} was sent to other organizers. A coordinator can give it to you.")
# TRANSLATORS: an organizer sent too many case numbers that did not work; OK and DONE
# from their phone are paused for an hour.
TOO_MANY_TRIES = N_("Too many case numbers that did not work. Try again in an hour, "
                    "or ask a coordinator.")
# TRANSLATORS: to coordinators: an organizer's phone sent many case numbers that did not
# work (typos, or someone guessing); {name} is the organizer.
FAILED_CLAIMS = N_("Hotline: {name} sent {count} case numbers that did not work within "
                   "an hour. Their OK and DONE are paused for an hour.")
# TRANSLATORS: to coordinators (or the digest's readers): no organizer could be alerted
# about case {ref} (none active or reachable, or every alert failed).
UNREACHED = N_("Hotline case {ref} reached no organizer. Please see to it: reply OK {ref} "
               "to take it.")
# TRANSLATORS: an organizer closed a case with DONE.
CLOSED = N_("Case {ref} is closed. Thank you.")
# TRANSLATORS: an organizer sent DONE for a case another organizer has.
NOT_YOURS = N_("Case {ref} is with {name}; only they can close it.")
# TRANSLATORS: an organizer sent DONE for a case nobody took.
NOT_TAKEN = N_("Nobody has taken case {ref} yet. Send OK {ref} to take it.")
# TRANSLATORS: an organizer sent something that is not a command. Keep OK and DONE.
ORGANIZER_HELP = N_("Organizer commands: OK 482135 takes case 482135; DONE 482135 closes it.")
# TRANSLATORS: an organizer's command could not be carried out (database down).
TRY_AGAIN = N_("Sorry, that did not work. Please try again in a few minutes.")
# TRANSLATORS: an organizer who had opted out sent START.
ALERTS_ON = N_("Alerts to this phone are on again.")
NOT_GIVEN = N_("not given")
UNKNOWN = N_("unknown")
SOMEONE = N_("another organizer")

# TRANSLATORS: e-mail subject of an alert.
ALERT_SUBJECT = N_("Hotline case {ref}")
# TRANSLATORS: e-mail subject of an urgent alert.
URGENT_SUBJECT = N_("URGENT hotline case {ref}")
# TRANSLATORS: e-mail footer of an alert: alerts are taken by text message.
ALERT_EMAIL_FOOTER = N_("To take it, text OK {ref} to the hotline number from your "
                        "registered phone.")
# TRANSLATORS: e-mail subject of the full report sent to who took a case.
REPORT_SUBJECT = N_("Case {ref}: full report")



class Renderer(Protocol):
    """What text needs of the catalogs (``hotline.words.catalogs.Catalogs``)."""

    def render(self, reply: Reply, locale: str, *, fold_accents: bool = False) -> str: ...

    def translate(self, locale: str, context: str | None, msgid: str) -> str: ...


@dataclass(frozen=True)
class Facts:
    """What an alert may say about a case: nothing that identifies or quotes the worker."""

    ref: str
    kind: str
    locale: str
    industry: str | None
    issues: tuple[str, ...]
    area: str | None
    urgent: bool = False
    reasons: tuple[str, ...] = ()

    @classmethod
    def of(cls, case: CaseView, *, urgent: bool = False,
           reasons: Sequence[str] = ()) -> Facts:
        """Take from a decrypted case only what an alert may carry."""
        return cls(ref=case.ref, kind=case.kind, locale=case.locale, industry=case.industry,
                   issues=case.issues, area=area_of(plain(_readable(case.location))),
                   urgent=urgent,
                   reasons=tuple(reasons))


def plain(text: str | None) -> str | None:
    """Drop the bidirectional controls from a worker's words (they never carry meaning
    an organizer needs, and could make the text around them read backwards)."""
    return _BIDI.sub("", text) if text else text


def _readable(text: str | None) -> str | None:
    """Leave out a field whose key is gone (an alert then says nothing of it)."""
    return None if text == MARKER else text


def _field(text: str | None, missing: Param) -> Param:
    """A field of the report as the organizer reads it: the worker's words, the words
    for one whose key is gone (in the organizer's language), or ``missing``."""
    if text == MARKER:
        return Msg(UNREADABLE)
    return text or missing


def _as_typed(case: CaseView) -> CaseView:
    """Return the case with every field the worker typed made ``plain``."""
    return replace(case, name=plain(case.name), employer=plain(case.employer),
                   location=plain(case.location), details=plain(case.details),
                   contact=plain(case.contact),
                   media=tuple((plain(u) or "", plain(t) or "") for u, t in case.media))


def locale_for(r: Renderer, locale: str) -> str:
    """Return the organizer's language if its catalog has the alert words, else English
    (organizers are staff: whole English beats half-translated)."""
    if locale == "en" or r.translate(locale, None, HOW_TO_CLAIM) != HOW_TO_CLAIM:
        return locale
    return "en"


def area_of(location: str | None) -> str | None:
    """Return the place for an alert: short, never something that looks like a phone
    number, and with anything link-like dropped (alerts go to every organizer's phone
    and to a chat channel, from the hotline's own number)."""
    if not location:
        return None
    if len(_DIGITS.findall(location)) >= 7:
        return None  # a phone number typed as the place stays out of alerts
    text = " ".join(_LINKISH.sub(" ", location).split())
    if not text.strip(" .,;:-&/"):
        return None
    return text if len(text) <= AREA_CHARS else text[: AREA_CHARS - 3] + "..."


def language_name(code: str, in_locale: str) -> str:
    """Name a language in the organizer's language: ``language_name("es", "en")`` → Spanish."""
    try:
        name = Locale.parse(code).get_display_name(Locale.parse(in_locale))
    except (UnknownLocaleError, ValueError, TypeError):
        return code
    return (name[:1].upper() + name[1:]) if name else code


def alert(r: Renderer, facts: Facts, locale: str, *, level: int = 0,
          minutes: int = 0, sms: bool = True) -> str:
    """Write an alert that fits 2 SMS segments, leaving out the least needed lines first."""
    issues = len(facts.issues)
    reasons = len(facts.reasons)
    # (area, issues shown, work, reasons shown, worker's language): most to least
    shapes = [(True, issues, True, reasons, True), (False, issues, True, reasons, True),
              (False, min(issues, 2), True, reasons, True),
              (False, min(issues, 1), True, reasons, True), (False, 0, True, reasons, True),
              (False, 0, False, reasons, True), (False, 0, False, min(reasons, 1), True),
              (False, 0, False, min(reasons, 1), False)]
    for shape in shapes:
        text = _alert(r, facts, locale, level, minutes, shape, sms)
        if measure(text).count <= MAX_SEGMENTS:
            return text
    return text


Shape = tuple[bool, int, bool, int, bool]


def _shown(items: list[Param], keep: int, separator: str = "; ") -> Joined:
    shown = items[:keep]
    if len(items) > keep:
        shown.append(Msg(MORE_ISSUES, params=(("count", len(items) - keep),)))
    return Joined(tuple(shown), separator)


def _alert(r: Renderer, facts: Facts, locale: str, level: int, minutes: int, shape: Shape,
           sms: bool) -> str:
    keep_area, keep_issues, keep_work, keep_reasons, keep_who = shape
    ref = facts.ref
    headline = (HEADLINE, HEADLINE_ESCALATED, HEADLINE_COORDINATOR)[min(level, 2)]
    lines: list[Reply] = [Reply(headline, {"ref": ref, "minutes": minutes})]
    if facts.urgent:
        reasons: list[Param] = [Msg(REASONS[Reason(x)]) if x in tuple(Reason) else x
                                for x in facts.reasons]
        lines.append(Reply(URGENT, {"reasons": _shown(reasons, keep_reasons, ", ")
                                    if reasons else "!"}))
    if keep_who:
        kind = Msg(KINDS.get(facts.kind, REPORT))
        lines.append(Reply(WHO, {"kind": kind,
                                 "language": language_name(facts.locale, locale)}))
    if keep_work and facts.industry:
        lines.append(Reply(WORK, {"industry": Msg(flow.label_of(flow.INDUSTRIES,
                                                                facts.industry))}))
    if facts.issues and keep_issues:
        issues: list[Param] = [Msg(flow.label_of(flow.ISSUE_TYPES, i)) for i in facts.issues]
        lines.append(Reply(PROBLEM, {"issues": _shown(issues, keep_issues)}))
    if keep_area and facts.area:
        lines.append(Reply(AREA, {"area": facts.area}))
    lines.append(Reply(HOW_TO_CLAIM, {"ref": ref}))
    return "\n".join(r.render(line, locale, fold_accents=sms) for line in lines)


def alert_email(r: Renderer, facts: Facts, locale: str, *, level: int = 0,
                minutes: int = 0) -> tuple[str, str]:
    """Return (subject, body) of an alert by e-mail."""
    subject = r.render(Reply(URGENT_SUBJECT if facts.urgent else ALERT_SUBJECT,
                             {"ref": facts.ref}), locale)
    body = alert(r, facts, locale, level=level, minutes=minutes, sms=False)
    footer = r.render(Reply(ALERT_EMAIL_FOOTER, {"ref": facts.ref}), locale)
    return subject, f"{body}\n\n{footer}\n"


def taken(r: Renderer, ref: str, name: str | None, locale: str) -> str:
    """Tell an alerted organizer that someone else has the case."""
    return r.render(Reply(TAKEN, {"ref": ref, "name": name or Msg(SOMEONE)}), locale,
                    fold_accents=True)


def claimed(r: Renderer, case: CaseView, locale: str, *, has_email: bool) -> str:
    """Answer an organizer's OK: the case, how to reach the worker, the report."""
    case = _as_typed(case)
    lines = [r.render(Reply(CLAIMED, {"ref": case.ref}), locale)]
    lines.append(r.render(Reply(WHO, {"kind": Msg(KINDS.get(case.kind, REPORT)),
                                      "language": language_name(case.locale, locale)}),
                          locale))
    if not case.consent:
        lines.append(r.render(Reply(NO_CONSENT), locale))
    else:
        lines.append(_contact(r, case, locale))
        if case.kind == "report":
            lines.extend(_report_lines(r, case, locale, has_email=has_email))
        elif case.kind == "voicemail":
            lines.append(r.render(Reply(RECORDINGS, {"count": len(case.media)}), locale))
    lines.append(r.render(Reply(HOW_TO_CLOSE, {"ref": case.ref}), locale))
    return "\n".join(line for line in lines if line)


def report_email(r: Renderer, case: CaseView, locale: str) -> tuple[str, str]:
    """Return (subject, body) of the full report for the organizer who took the case."""
    case = _as_typed(case)
    subject = r.render(Reply(REPORT_SUBJECT, {"ref": case.ref}), locale)
    body = [claimed(r, case, locale, has_email=False)]
    if case.consent and case.details and len(case.details) > CLAIM_STORY_CHARS:
        body.append(r.render(Reply(STORY, {"story": case.details}), locale))
    # photos and recordings are counted above, never linked: staff open them in the app
    return subject, "\n\n".join(body) + "\n"


def _contact(r: Renderer, case: CaseView, locale: str) -> str:
    if case.contact_method == "none" or not case.contact:
        return r.render(Reply(NO_CONTACT), locale)
    method = flow.label_of(flow.CONTACT_METHODS, case.contact_method)
    return r.render(Reply(CONTACT, {"name": _field(case.name, Msg(NOT_GIVEN)),
                                    "method": Msg(method),
                                    "number": _field(case.contact, "")}), locale)


def _report_lines(r: Renderer, case: CaseView, locale: str, *,
                  has_email: bool) -> list[str]:
    not_given = Msg(NOT_GIVEN)
    lines = []
    if case.industry:
        lines.append(r.render(Reply(WORK, {"industry": Msg(flow.label_of(flow.INDUSTRIES,
                                                                         case.industry))}),
                              locale))
    if case.issues:
        issues = tuple(Msg(flow.label_of(flow.ISSUE_TYPES, i)) for i in case.issues)
        lines.append(r.render(Reply(PROBLEM, {"issues": Joined(issues, "; ")}), locale))
    still: Param = not_given
    if case.still_working is not None:
        still = Msg(flow.label_of(flow.YES_NO_STILL, "yes" if case.still_working else "no"))
    when: Param = Msg(flow.label_of(flow.WHEN, case.happened)) if case.happened else not_given
    lines.append(r.render(Reply(REPORT_SUMMARY, {
        "employer": _field(case.employer, not_given),
        "location": _field(case.location, not_given), "when": when, "still": still}), locale))
    if case.details == MARKER:
        lines.append(r.render(Reply(STORY, {"story": Msg(UNREADABLE)}), locale))
    elif case.details:
        story = case.details
        if len(story) > CLAIM_STORY_CHARS:
            story = story[:CLAIM_STORY_CHARS].rstrip() + "... "
            if has_email:
                story += r.render(Reply(STORY_CUT), locale)
        lines.append(r.render(Reply(STORY, {"story": story}), locale))
    if case.media:
        lines.append(r.render(Reply(PHOTOS, {"count": len(case.media)}), locale))
    return lines


def simple(r: Renderer, msgid: str, locale: str, **params: Param) -> str:
    """Render one organizer answer such as ``NO_SUCH_CASE``."""
    return r.render(Reply(msgid, params), locale, fold_accents=True)


def worker_taken(r: Renderer, ref: str, locale: str, *, sms: bool) -> str | None:
    """Tell the worker, in their language, that an organizer will contact them.

    None if their language's catalog lacks the message: a worker never gets English
    in place of their language (the organizer will contact them anyway).
    """
    if locale != "en" and r.translate(locale, None, messages.CASE_TAKEN) == messages.CASE_TAKEN:
        return None
    return r.render(Reply(messages.CASE_TAKEN, {"ref": ref}), locale, fold_accents=sms)
