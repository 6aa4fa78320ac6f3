"""Every reply whose words come from the catalogs alone, for cost checks and previews."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from hotline.dialogue import explain, flow, messages, prompts
from hotline.dialogue.context import Context
from hotline.dialogue.inbound import Channel, Inbound
from hotline.dialogue.keywords import LANGUAGE_NAME, NAME_CONTEXT
from hotline.dialogue.prompts import topic_nav
from hotline.dialogue.replies import Reply
from hotline.dialogue.session import Draft, Session
from hotline.dialogue.steps import StepId
from hotline.dialogue.topics import TOPIC_CHANGES, TOPICS, Part
from hotline.dialogue.turn import Turn


@dataclass(frozen=True)
class FixedReply:
    """A reply whose words all come from the catalogs, for cost checks and previews.

    ``msgid`` is the message the reply is about (its SMS budget applies to the whole
    rendered text, options and navigation lines included): a topic part, a question.
    """

    name: str
    msgid: str
    reply: Reply
    context: str | None = None


#: The answers a sample summary echoes: typical lengths, clipped as the engine clips them.
SAMPLE_DRAFT = Draft(industry="restaurant", employer="Seoul Garden Korean BBQ",
                     location="Western & 6th", issues=("unpaid", "breaks"),
                     details=("...",), when="this_month", still_working=True,
                     contact="text", name="Maria", media=(("https://x", "image/jpeg"),))


#: The longest answers a summary can hold: every issue, photos, the longest labels, and
#: quotes that must be shortened to fit (the catalog text around them must leave room).
LONGEST_DRAFT = Draft(industry="cleaning", employer="서울가든 Seoul Garden Korean BBQ & Tofu House",
                      location="Western Ave & W 6th St, Koreatown, Los Angeles, CA 90020",
                      issues=tuple(o.value for o in flow.ISSUE_TYPES), details=("...",),
                      when="this_year", still_working=False, contact="whatsapp",
                      name="María José 👩🏽‍🍳", media=(("https://x", "image/jpeg"),) * 20)


def fixed_replies(ctx: Context, locale: str) -> tuple[FixedReply, ...]:
    """List every reply the bot can send whose text is fixed, as ``locale`` gets it.

    Every topic part, every question re-asked after a wrong answer (the longest way it is
    asked), the menus, the confirmations and a summary of a typical report. ``hotline
    i18n check`` measures each of these in SMS segments.
    """
    turn = Turn(ctx, Inbound("SM0", Channel.SMS, "+12135550100", ""), date.min)
    base = Session(locale=locale)
    found: list[FixedReply] = []

    def take(name: str, msgid: str) -> None:
        found.append(FixedReply(name, msgid, turn.replies[-1]))
        turn.replies.clear()

    for topic in TOPICS:
        for part, pieces in enumerate(topic.parts):
            for label, text in explain.variants(topic, part, ctx.facts):
                more = part + 1 < len(topic.parts)
                turn.replies.append(Reply("{text}", {"text": text}, extra=topic_nav(more)))
                take(f"{topic.id} {part + 1}/{len(topic.parts)}"
                     + (f" ({label})" if label else ""), _first(pieces))
        _, opening = next(explain.variants(topic, 0, ctx.facts))
        turn.replies.append(Reply("{text}", {"text": opening},
                                  extra=topic_nav(len(topic.parts) > 1, offer_report=True)))
        take(f"{topic.id} 1/{len(topic.parts)} (first message)", _first(topic.parts[0]))
    turn.replies.append(Reply("{text}", {"text": explain.changes(explain.SAMPLE_DAY)},
                              extra=topic_nav(False)))
    take("topic (rules changed)", TOPIC_CHANGES)
    turn.replies.append(Reply(messages.NOT_UNDERSTOOD, extra=topic_nav(True)))
    take("topic (not understood)", messages.NOT_UNDERSTOOD)
    for step_id in (StepId.MENU, StepId.RIGHTS, StepId.RESUME, StepId.FIX, StepId.ERASE,
                    *flow.QUESTIONS):
        turn.show(replace(base, step=step_id), not_understood=True)
        take(f"{step_id}", prompts.prompt(replace(base, step=step_id),
                                            ctx.languages).msgid)
    for step_id, last in ((StepId.MENU, 4), (StepId.RIGHTS, len(TOPICS)),
                          (StepId.RESUME, len(flow.RESUME)), (StepId.FIX, len(flow.FIXABLE)),
                          (StepId.ERASE, 2), (StepId.CONFIRM, len(flow.CONFIRM)),
                          *((q.step, len(q.options)) for q in flow.QUESTIONS.values()
                            if q.options)):
        turn.show(replace(base, step=step_id, draft=SAMPLE_DRAFT), out_of_range=last)
        take(f"{step_id} (out of range)",
             prompts.prompt(replace(base, step=step_id, draft=SAMPLE_DRAFT),
                            ctx.languages).msgid)
    for step_id in (StepId.CONTACT_NUMBER, StepId.CALLBACK_NUMBER):
        turn.show(replace(base, step=step_id), prefix=messages.BAD_NUMBER)
        take(f"{step_id} (bad number)", flow.QUESTIONS[step_id].prompt)
    turn.show(replace(base, step=StepId.CONFIRM, draft=SAMPLE_DRAFT))
    take("summary", messages.SUMMARY)
    turn.show(replace(base, step=StepId.CONFIRM, draft=LONGEST_DRAFT))
    take("summary (every issue, long answers)", messages.SUMMARY)
    ref = {"ref": "482135"}
    for name, msgid, params in (
        ("welcome", messages.WELCOME, {}),
        ("welcome with phone", messages.WELCOME_WITH_PHONE, {"phone": "(213) 555-0100"}),
        ("help", messages.HELP, {}),
        ("filed", messages.FILED, ref),
        ("filed, no contact", messages.FILED_NO_CONTACT, ref),
        ("callback filed", messages.CALLBACK_FILED, ref),
        ("file failed", messages.FILE_FAILED, {}),
        ("filed, nobody reachable", messages.FILED_UNREACHED, ref),
        ("filed, nobody reachable, phone", messages.FILED_UNREACHED_WITH_PHONE,
         {**ref, "phone": "(213) 555-0100"}),
        ("added to the open case", messages.ADDED_TO_CASE, ref),
        ("case already open", messages.ALREADY_OPEN, ref),
        ("case limit", messages.CASE_LIMIT, {}),
        ("case limit, phone", messages.CASE_LIMIT_WITH_PHONE, {"phone": "(213) 555-0100"}),
        ("deleted", messages.DELETED, {}),
        ("details noted", messages.DETAILS_NOTED, {}),
        ("photo noted", messages.PHOTO_NOTED, {}),
        ("details full", messages.DETAILS_FULL, {}),
    ):
        turn.replies.append(Reply(msgid, params))
        take(name, msgid)
    turn.language_menu(base)
    found.append(FixedReply("language menu", LANGUAGE_NAME, turn.replies.pop(), NAME_CONTEXT))
    return tuple(found)


def _first(pieces: Part) -> str:
    """Return the msgid whose budget and line a part's cost is reported under."""
    piece = pieces[0]
    return piece if isinstance(piece, str) else piece.stated
