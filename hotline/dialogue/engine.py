"""``step()``: one inbound in, the next session, the replies and the effects out. No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hotline.dialogue import flow, messages
from hotline.dialogue.context import Context
from hotline.dialogue.effects import Effect
from hotline.dialogue.inbound import Inbound
from hotline.dialogue.records import replace
from hotline.dialogue.replies import Reply
from hotline.dialogue.session import MAX_MEDIA, Session
from hotline.dialogue.steps import StepId
from hotline.dialogue.turn import Turn

__all__ = ["Context", "Outcome", "step"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of one step: the next session, what to answer, what to do."""

    session: Session
    replies: tuple[Reply, ...]
    effects: tuple[Effect, ...] = ()


def step(session: Session, inbound: Inbound, now: datetime, ctx: Context) -> Outcome:
    """Advance one sender's conversation by one inbound message."""
    turn = Turn(ctx, inbound, now.astimezone(ctx.zone).date())
    stamp = turn.stamp = int(now.timestamp())
    s = session
    if s.opted_out and ctx.lexicon.consent_word(turn.text) is None:
        # after STOP, silence: nothing answered, nothing recorded, until START
        return Outcome(session, ())
    if s.locale not in ctx.languages:
        s = replace(s, locale=None)
    if s.updated and stamp - s.updated > ctx.report_keep_seconds:
        s = Session(locale=s.locale)
    consent = ctx.lexicon.consent_word(turn.text)
    if consent is None and s.updated and stamp < s.updated and s.locale:
        # it arrived before messages already answered (replayed from the spool)
        s = turn.on_late(_collect_media(s, inbound) if s.step in flow.REPORT_STEPS else s)
        return Outcome(s, tuple(turn.replies), tuple(turn.effects))
    fresh = not s.updated or stamp - s.updated > ctx.idle_seconds
    kept_photo = False
    if inbound.media and consent is None and s.step != StepId.ERASE:
        # in a report it joins the report; anywhere else it waits for the next one
        kept_photo = fresh or s.step not in flow.REPORT_STEPS
        s = _collect_media(s, inbound)
    if consent is not None:
        s = turn.consent(s, *consent)
    elif s.step == StepId.ERASE and not fresh:
        s = turn.on_erase(s)
    elif s.locale is None:
        s = turn.first_contact(s)
    elif kept_photo and not turn.text and not fresh:
        s = turn.show(replace(s, step=StepId.MENU, history=()), prefix=messages.PHOTO_KEPT)
        kept_photo = False
    elif fresh:
        s = turn.returning(s)
    else:
        s = turn.handle(s)
    if kept_photo and s.step == StepId.MENU and s.locale:
        turn.say(messages.PHOTO_KEPT)
    return Outcome(replace(s, updated=stamp), tuple(turn.replies), tuple(turn.effects))


def _collect_media(s: Session, inbound: Inbound) -> Session:
    if not inbound.media:
        return s
    media = (*s.draft.media, *((m.url, m.content_type) for m in inbound.media))
    return replace(s, draft=replace(s.draft, media=media[:MAX_MEDIA]))
