"""Writing to a case's worker from the console, and ending the conversation.

The form goes through the same service as ``482135 your message`` by SMS
(``Conversations.write``): the one path to a worker, the introduction, WhatsApp's window,
the organizer's rules. Each form carries a one-time token that becomes the message's
provider id, so pressing *Send* twice, or the browser sending the form again, writes
once. Both actions are on the record (never the words).
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import flash, redirect, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response as WerkzeugResponse

from hotline.conversations.organizer import MAX_TEXT
from hotline.store.audit import Action
from hotline.store.conversations import Ended
from hotline.web.console.access import console, record, staff
from hotline.web.console.blueprint import bp
from hotline.web.console.cases import allowed, case_or_404
from hotline.web.console.conversation import once_token, why_not_to, window_note
from hotline.web.console.words import L_, t

#: What a console message's provider id starts with (Twilio's SIDs never do).
ONCE_PREFIX = "console:"


def _back(ref: str) -> WerkzeugResponse:
    return redirect(url_for("console.case_page", ref=ref) + "#conversation")


@bp.post("/cases/<ref>/talk")
@login_required
def write(ref: str) -> WerkzeugResponse:
    """Write to the worker of a case as its organizer (opens a conversation if none)."""
    case = case_or_404(ref)
    allowed(case, "view")
    c, who = console(), staff()
    text = request.form.get("body", "").strip()
    if not text:
        flash(t(L_("Write something first.")))
        return _back(case.ref)
    why_not = why_not_to(case, who.organizer)
    if why_not:
        record(Action.DENIED, case, detail="write to the worker")
        flash(why_not)
        return _back(case.ref)
    once = "".join(ch for ch in request.form.get("once", "") if ch.isalnum() or ch in "-_")
    provider_id = ONCE_PREFIX + (once[:40] or once_token())
    talk = c.service.talk
    if talk.store.by_provider_id(provider_id) is not None:
        flash(t(L_("This message was sent already.")))
        return _back(case.ref)
    now = datetime.now(UTC)
    answer = talk.write(who.organizer, case.id, text[:MAX_TEXT], now, provider_id=provider_id)
    if talk.store.by_provider_id(provider_id) is None:
        flash(answer)  # refused meanwhile: the service's own words say why
        return _back(case.ref)
    record(Action.WROTE, case)
    # outside WhatsApp's window it waits: say so rather than "on its way"
    flash(window_note(case, now) or t(L_("Your message is on its way to the worker, from "
                                         "the hotline number.")))
    return _back(case.ref)


@bp.post("/cases/<ref>/talk/end")
@login_required
def end(ref: str) -> WerkzeugResponse:
    """End the case's conversation, as ``BYE 482135`` does: the worker is told; the case
    stays open (closing the case ends it too)."""
    case = case_or_404(ref)
    allowed(case, "own")
    talk = console().service.talk
    conversation = talk.store.open_for_case(case.id)
    if conversation is None or not talk.end(conversation, Ended.BYE, datetime.now(UTC)):
        flash(t(L_("There is no conversation open on this case.")))
        return _back(case.ref)
    record(Action.TALK_ENDED, case)
    flash(t(L_("The conversation has ended and the worker was told. The case stays open.")))
    return _back(case.ref)
