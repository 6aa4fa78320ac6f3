"""A case page and what can be done from it: claim, assign, note, close, reopen, reveal.

Opening the page is recorded in the audit, as is every action. The worker's number is
masked to its last four digits; "show" asks for a reason, needs a recent sign-in and is
recorded, and works only for the organizer who has the case (or a coordinator) and only
if the worker agreed to be contacted. Photos and recordings are served from here,
decrypted from the evidence store and on the record, never linked anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response as WerkzeugResponse

from hotline.evidence.access import Unavailable, items, open_item
from hotline.store.assignments import Outcome
from hotline.store.audit import Action
from hotline.store.cases import CaseView
from hotline.store.conversations import Ended
from hotline.store.db import aware
from hotline.store.organizers import Organizer
from hotline.web.console import labels
from hotline.web.console.access import (
    CaseAccess,
    access_to,
    console,
    coordinating,
    recent_sign_in,
    record,
    staff,
)
from hotline.web.console.blueprint import bp
from hotline.web.console.conversation import lines as talk_lines
from hotline.web.console.conversation import once_token, panel, status_words
from hotline.web.console.words import L_, t

#: Media types shown inline; anything else (PDF, HEIC, audio, video) is a download.
INLINE = ("image/jpeg", "image/png")


def case_or_404(ref: str) -> CaseView:
    """Return the case with this reference, or answer 404."""
    case = console().cases.by_ref(ref)
    if case is None:
        abort(404)
    return case


def allowed(case: CaseView, what: str) -> CaseAccess:
    """Return the person's access to a case; 403 (recorded) if ``what`` is not allowed."""
    access = access_to(case.id)
    if not getattr(access, what):
        record(Action.DENIED, case, detail=what)
        abort(403)
    return access


def masked_number(number: str | None) -> str:
    """Return a number with all but its last four digits hidden: ``••• ••• 0123``."""
    digits = "".join(ch for ch in number or "" if ch.isdigit())
    return f"••• ••• {digits[-4:]}" if len(digits) >= 4 else "•••"


def may_contact(case: CaseView) -> bool:
    """Tell whether the worker agreed to be contacted (and left a way to do it)."""
    return case.consent and case.contact_method != "none" and bool(case.contact)


@dataclass(frozen=True)
class Moment:
    """One line of a case's timeline."""

    at: datetime
    kind: str
    text: str
    body: str = ""


def _who(organizers: dict[int, Organizer], detail: str) -> str:
    """Read ``organizer 3`` (as events record it) as the organizer's name."""
    names = []
    for word in detail.replace(":", " ").split():
        if word.isdigit() and int(word) in organizers:
            names.append(organizers[int(word)].name)
    return ", ".join(names)


def timeline(case: CaseView) -> list[Moment]:
    """Gather everything that happened to a case, oldest first."""
    c = console()
    organizers = {o.id: o for o in c.organizers.all()}
    moments: list[Moment] = []
    events = {
        "filed": L_("Filed by the worker"), "urgent": L_("Marked urgent"),
        "alerted": L_("Alerted the organizers the routing chose"),
        "no_organizers": L_("No organizer could be alerted"),
        "escalated": L_("Nobody took it in time: alerted more organizers"),
        "claimed": L_("Taken by %(who)s"), "assigned": L_("Assigned to %(who)s"),
        "closed": L_("Closed by %(who)s"), "reopened": L_("Reopened by %(who)s"),
        "erased": L_("Personal data erased at the worker's request"),
        "expired": L_("Personal data removed: retention period over"),
        "talk_opened": L_("Conversation with the worker opened by %(who)s"),
        "talk_ended": L_("Conversation with the worker ended"),
        "talk_handed_over": L_("Conversation with the worker handed over to %(who)s"),
        "talk_photo": L_("The worker sent photos in the conversation"),
    }
    for at, kind, detail in c.cases.history(case.id):
        text = events.get(kind)
        if text is None:
            moments.append(Moment(at, kind, kind))
            continue
        moments.append(Moment(at, kind, t(text, who=_who(organizers, detail) or "?")))
        if kind == "closed" and ":" in detail:
            moments[-1] = Moment(at, kind, moments[-1].text + " — " + labels.name(
                labels.OUTCOMES, detail.rsplit(":", 1)[1].strip()))
    purposes = {
        "alert": L_("Alert"), "escalation": L_("Alert (escalated)"),
        "coordinator": L_("Alert to coordinators"), "taken": L_("News that it is taken"),
        "report": L_("Full report by e-mail"), "worker": "",
    }
    statuses = {"pending": L_("waiting"), "sending": L_("sending"), "sent": L_("sent"),
                "failed": L_("failed"), "skipped": L_("skipped")}
    for d in c.deliveries.for_case(case.id):
        if d.purpose not in purposes:
            continue
        status = t(statuses.get(d.status, d.status))
        if d.error:
            status += f" ({d.error})"
        if d.purpose == "worker":
            moments.append(Moment(d.created_at, "delivery", t(
                L_("Message to the worker that an organizer will contact them, by %(how)s: "
                   "%(status)s"), how=labels.name(labels.TRANSPORTS, d.transport),
                status=status)))
            continue
        who = (organizers[d.organizer_id].name if d.organizer_id in organizers
               else t(L_("the team's webhook")))
        moments.append(Moment(d.created_at, "delivery", t(
            L_("%(what)s to %(who)s by %(how)s: %(status)s"), what=t(purposes[d.purpose]),
            who=who, how=labels.name(labels.TRANSPORTS, d.transport), status=status)))
    for line in talk_lines(case):
        text = (t(L_("The worker wrote (%(how)s)"), how=line.channel) if line.incoming else
                t(L_("%(who)s wrote to the worker (%(how)s): %(status)s"), who=line.author,
                  how=line.channel, status=line.status))
        moments.append(Moment(line.at, "talk-in" if line.incoming else "talk-out", text,
                              line.body))
    linked = {m.worker_message_id for m in c.service.talk.store.messages_for_case(case.id)}
    for message in c.messages.for_case(case.id):
        if message.id in linked:  # an organizer's message: shown as such above
            continue
        text = t(L_("Message to the worker by %(how)s: %(status)s"),
                 how=labels.name(labels.TRANSPORTS, message.channel),
                 status=status_words(message))
        moments.append(Moment(message.created_at, "message", text,
                              labels.readable(message.body) or ""))
    for note in c.notes.for_case(case.id):
        moments.append(Moment(note.at, "note", t(L_("Note by %(who)s"), who=note.author),
                              labels.readable(note.body) or ""))
    shown = {
        Action.REVEALED: L_("%(who)s showed the worker's number"),
        Action.PACKET: L_("%(who)s opened the claim packet"),
        Action.EVIDENCE: L_("%(who)s opened a photo or recording"),
        Action.EXPORTED: L_("%(who)s exported it"),
        Action.DENIED: L_("%(who)s was refused"),
    }
    for entry in c.audit.entries(case_id=case.id, actions=shown, limit=100):
        body = entry.detail
        if entry.action == Action.REVEALED:  # the reason's words, not its code
            code, _, said = entry.detail.partition(": ")
            body = labels.name(labels.REASONS, code) + (f" — {said}" if said else "")
        moments.append(Moment(entry.at, "audit", t(shown[entry.action], who=entry.actor),
                              body))
    moments.sort(key=lambda m: m.at)
    return moments


def _page(case: CaseView, *, number: str | None = None, status: int = 200) -> Any:
    c, who = console(), staff()
    access = access_to(case.id)
    assignment = c.assignments.get(case.id)
    organizers = [o for o in c.organizers.all() if o.active]
    key = c.employers.key_of_case(case.id)
    related: tuple[str, ...] = ()
    if key:
        related = next((e.refs for e in c.employers.employers(2) if e.key == key), ())
    now = datetime.now(UTC)
    filed = aware(case.created_at) or now
    waited = ((assignment.claimed_at if assignment and assignment.claimed_at else now) - filed)
    shown = labels.readable_case(case)
    masked = masked_number(case.contact) if shown.contact == case.contact else shown.contact
    return render_template(
        "console/case.html", case=shown, filed=filed, waited=labels.waited(waited),
        access=access, assignment=assignment,
        timeline=timeline(case), labels=labels, masked=masked,
        number=labels.readable(number), may_contact=may_contact(case), organizers=organizers,
        outcomes=list(Outcome), me=who.organizer,
        views=len(c.audit.entries(case_id=case.id, actions=(Action.VIEWED,), limit=1000)),
        related=[r for r in related if r != case.ref],
        evidence=items(c.service.keeper.evidence, case.id),
        talk=panel(case, now), once=once_token(),
    ), status


@bp.get("/cases/<ref>")
@login_required
def case_page(ref: str) -> Any:
    """Show a case, decrypted for the viewer, and record the look."""
    case = case_or_404(ref)
    allowed(case, "view")
    record(Action.VIEWED, case)
    return _page(case)


@bp.get("/cases/<ref>/photos/<int:index>")
@login_required
def photo(ref: str, index: int) -> WerkzeugResponse:
    """Serve one of the case's photos or recordings, decrypted from the evidence store
    and checked against its SHA-256; each look is in the audit."""
    case = case_or_404(ref)
    allowed(case, "view")
    keeper = console().service.keeper

    def audit(case_id: int, number: int, what: str) -> None:
        record(Action.EVIDENCE, case, detail=what)

    try:
        opened = open_item(keeper.evidence, keeper.vault, keeper.crypto, case.id, index + 1,
                           audit, "opened in the console")
    except Unavailable:
        abort(404)
    inline = opened.content_type in INLINE
    response = Response(opened.data,
                        mimetype=opened.content_type if inline else "application/octet-stream")
    response.headers["Content-Disposition"] = (
        "inline" if inline else
        f'attachment; filename="case-{case.ref}-{index + 1}.{opened.extension}"')
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/cases/<ref>/claim")
@login_required
def claim(ref: str) -> WerkzeugResponse:
    """Take a case, as ``OK 4821`` does: the others and the worker are told."""
    case = case_or_404(ref)
    allowed(case, "claim")
    c, who = console(), staff()
    now = datetime.now(UTC)
    taken = c.assignments.claim(case.ref, who.organizer.id, who.organizer.name, now)
    if taken.result == "taken":
        record(Action.CLAIMED, case)
        c.dispatcher.claimed(case, who.organizer, now)
        flash(t(L_("The case is yours. The worker has been told an organizer will contact "
                   "them.")))
    elif taken.result == "already_yours":
        flash(t(L_("This case is already yours.")))
    elif taken.result == "taken_by_other":
        flash(t(L_("%(name)s took this case first."), name=taken.by or "?"))
    else:
        flash(t(L_("This case is closed.")))
    return redirect(url_for("console.case_page", ref=case.ref))


@bp.post("/cases/<ref>/assign")
@login_required
@coordinating
def assign(ref: str) -> WerkzeugResponse:
    """Give a case to an organizer (coordinators)."""
    case = case_or_404(ref)
    c, who = console(), staff()
    organizer_id = request.form.get("organizer", "")
    organizer = c.organizers.get(int(organizer_id)) if organizer_id.isdigit() else None
    if organizer is None or not organizer.active:
        flash(t(L_("Choose an active organizer.")))
        return redirect(url_for("console.case_page", ref=case.ref))
    now = datetime.now(UTC)
    before = c.assignments.get(case.id)
    first = before is None or before.claimed_at is None
    if c.assignments.assign(case.id, organizer.id, organizer.name, who.organizer.id, now):
        record(Action.ASSIGNED, case, detail=f"to {organizer.name}")
        if first:  # the worker hears once that someone has their case
            c.dispatcher.claimed(case, organizer, now)
        flash(t(L_("Assigned to %(name)s."), name=organizer.name))
    else:
        flash(t(L_("This case is closed.")))
    return redirect(url_for("console.case_page", ref=case.ref))


@bp.post("/cases/<ref>/notes")
@login_required
def note(ref: str) -> WerkzeugResponse:
    """Keep an internal note (encrypted; never sent to the worker)."""
    case = case_or_404(ref)
    allowed(case, "view")
    c, who = console(), staff()
    try:
        c.notes.add(case.id, who.organizer.id, who.organizer.name, request.form.get("body", ""))
    except ValueError:
        flash(t(L_("Write something first.")))
    else:
        record(Action.NOTED, case)
        flash(t(L_("Note saved.")))
    return redirect(url_for("console.case_page", ref=case.ref) + "#timeline")


@bp.post("/cases/<ref>/close")
@login_required
def close(ref: str) -> WerkzeugResponse:
    """Close a case with its outcome: its organizer, or a coordinator."""
    case = case_or_404(ref)
    allowed(case, "own")
    try:
        outcome = Outcome(request.form.get("outcome", ""))
    except ValueError:
        flash(t(L_("Choose how the case ended.")))
        return redirect(url_for("console.case_page", ref=case.ref))
    c, who = console(), staff()
    now = datetime.now(UTC)
    if c.assignments.close_with(case.id, outcome, who.organizer.id, now):
        record(Action.CLOSED, case, detail=str(outcome))
        talking = c.service.talk.store.open_for_case(case.id)
        if talking is not None:  # as DONE 482135 does: ended now, the worker told
            c.service.talk.end(talking, Ended.DONE, now)
        flash(t(L_("Case closed: %(outcome)s."), outcome=labels.name(labels.OUTCOMES,
                                                                    str(outcome))))
    else:
        flash(t(L_("This case is closed.")))
    return redirect(url_for("console.case_page", ref=case.ref))


@bp.post("/cases/<ref>/reopen")
@login_required
def reopen(ref: str) -> WerkzeugResponse:
    """Open a closed case again."""
    case = case_or_404(ref)
    allowed(case, "own")
    c, who = console(), staff()
    if c.assignments.reopen(case.id, who.organizer.id, datetime.now(UTC)):
        record(Action.REOPENED, case)
        flash(t(L_("Case reopened.")))
    return redirect(url_for("console.case_page", ref=case.ref))


@bp.post("/cases/<ref>/reveal")
@login_required
@recent_sign_in
def reveal(ref: str) -> Any:
    """Show the worker's number, for a reason that goes on the record."""
    case = case_or_404(ref)
    allowed(case, "reveal")
    if not may_contact(case):
        record(Action.DENIED, case, detail="reveal: no consent to contact")
        abort(403)
    reason = request.form.get("reason", "")
    if reason not in labels.REASONS:
        flash(t(L_("Say why you need the number.")))
        return redirect(url_for("console.case_page", ref=case.ref))
    said = " ".join(request.form.get("why", "").split())[:150]
    if reason == "other" and not said:
        flash(t(L_("Say why you need the number.")))
        return redirect(url_for("console.case_page", ref=case.ref))
    record(Action.REVEALED, case, detail=reason + (f": {said}" if said else ""))
    return _page(case, number=case.contact)


@bp.post("/cases/<ref>/erase")
@login_required
@coordinating
@recent_sign_in
def erase(ref: str) -> WerkzeugResponse:
    """Erase the worker's personal data from all their cases, as ``DELETE`` by text does
    (coordinators, after a recent sign-in, on the record)."""
    case = case_or_404(ref)
    if request.form.get("sure") != "yes":
        flash(t(L_("Tick the box to confirm the erasure.")))
        return redirect(url_for("console.case_page", ref=case.ref))
    c = console()
    sender = c.cases.sender_of(case.id)
    if sender is None:
        flash(t(L_("This worker's personal data is already gone.")))
        return redirect(url_for("console.case_page", ref=case.ref))
    touched = c.service.erase(sender)
    record(Action.ERASED, case, detail=f"{touched} cases")
    flash(t(L_("Erased: the worker's personal data is gone from %(n)s case(s)."), n=touched))
    return redirect(url_for("console.case_page", ref=case.ref))
