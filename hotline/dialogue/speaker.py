"""What the worker sees in one turn: replies collected as data, in the order said."""

from __future__ import annotations

from datetime import date

from hotline.dialogue import messages, prompts
from hotline.dialogue.answers import numbers
from hotline.dialogue.context import Context
from hotline.dialogue.effects import Effect
from hotline.dialogue.inbound import Inbound
from hotline.dialogue.prompts import find_topic
from hotline.dialogue.records import replace
from hotline.dialogue.replies import Msg, Param, Reply
from hotline.dialogue.session import Session
from hotline.dialogue.steps import StepId


class Speaker:
    """The replies and effects of one step, built up as the message is understood."""

    def __init__(self, ctx: Context, inbound: Inbound, day: date) -> None:
        self.ctx = ctx
        self.inbound = inbound
        self.day = day  # the center's calendar day: which dated figures hold
        self.text = inbound.text.strip()
        self.stamp = 0  # when the message was sent (epoch seconds; ``step`` sets it)
        self.replies: list[Reply] = []
        self.effects: list[Effect] = []

    # -- reading the answer ------------------------------------------------------------

    def choices(self) -> list[int]:
        """Read option numbers: digits ("1 3", "1️⃣", "1번") or a number word ("uno")."""
        found = numbers(self.text)
        if not found:
            spelled = self.ctx.lexicon.number(self.text)
            found = [spelled] if spelled is not None else []
        return found

    def choice(self) -> int | None:
        """Read one option number, or None when there is none or more than one."""
        found = self.choices()
        return found[0] if len(found) == 1 else None

    def yes_or_no(self, s: Session) -> bool | None:
        """Read "sí", "네", "ok" as yes and "no", "아니요" as no (None for neither)."""
        return self.ctx.lexicon.yes_or_no(self.text, s.locale)

    # -- what the worker sees ----------------------------------------------------------

    def say(self, msgid: str, *, needs_ref: bool = False, **params: Param) -> None:
        self.replies.append(Reply(msgid, params, needs_ref=needs_ref))

    def welcome(self) -> None:
        if self.ctx.center_phone:
            self.say(messages.WELCOME_WITH_PHONE, phone=self.ctx.center_phone)
        else:
            self.say(messages.WELCOME)

    def language_menu(self, s: Session) -> Session:
        self.replies.append(prompts.language_menu(self.ctx.languages))
        return s

    def show_topic(self, s: Session, topic_id: str, part: int, *,
                   offer_report: bool = False) -> Session:
        topic = find_topic(topic_id)
        if topic is None:
            return self.show(replace(s, step=StepId.RIGHTS))
        part = min(part, len(topic.parts) - 1)
        self.replies.append(prompts.topic_part(topic, part, self.ctx.facts, self.day,
                                               offer_report=offer_report))
        return replace(s, step=StepId.TOPIC, topic=str(topic.id), part=part)

    def show(self, s: Session, *, not_understood: bool = False, empty: bool = False,
             prefix: str | None = None, out_of_range: int | None = None) -> Session:
        """Ask the question of the step the session is at.

        ``out_of_range`` is the last valid option when the worker sent a number past it:
        they are told the range rather than that they were not understood.
        """
        pre: str | Msg | None = prefix
        if empty:
            pre = messages.EMPTY
        elif out_of_range is not None:
            pre = Msg(messages.OUT_OF_RANGE, params=(("last", out_of_range),))
        elif not_understood:
            pre = messages.NOT_UNDERSTOOD
        if s.step == StepId.LANGUAGE:
            return self.language_menu(s)
        if s.step == StepId.TOPIC and s.topic:
            return self.show_topic(s, s.topic, s.part)
        reply = prompts.prompt(s, self.ctx.languages)
        self.replies.append(replace(reply, prefix=pre) if pre else reply)
        return s
