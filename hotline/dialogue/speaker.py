"""What the worker sees in one turn: replies collected as data, in the order said."""

from __future__ import annotations

from dataclasses import replace

from hotline.dialogue import messages, prompts
from hotline.dialogue.context import Context
from hotline.dialogue.effects import Effect
from hotline.dialogue.inbound import Inbound
from hotline.dialogue.prompts import find_topic
from hotline.dialogue.replies import Param, Reply
from hotline.dialogue.session import Session
from hotline.dialogue.steps import StepId


class Speaker:
    """The replies and effects of one step, built up as the message is understood."""

    def __init__(self, ctx: Context, inbound: Inbound) -> None:
        self.ctx = ctx
        self.inbound = inbound
        self.text = inbound.text.strip()
        self.replies: list[Reply] = []
        self.effects: list[Effect] = []


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

    def show_topic(self, s: Session, topic_id: str, part: int) -> Session:
        topic = find_topic(topic_id)
        if topic is None:
            return self.show(replace(s, step=StepId.RIGHTS))
        part = min(part, len(topic.parts) - 1)
        self.replies.append(prompts.topic_part(topic, part))
        return replace(s, step=StepId.TOPIC, topic=str(topic.id), part=part)

    def show(self, s: Session, *, not_understood: bool = False, empty: bool = False,
             prefix: str | None = None) -> Session:
        """Ask the question of the step the session is at."""
        if empty:
            prefix = messages.EMPTY
        elif not_understood:
            prefix = messages.NOT_UNDERSTOOD
        if s.step == StepId.LANGUAGE:
            return self.language_menu(s)
        if s.step == StepId.TOPIC and s.topic:
            return self.show_topic(s, s.topic, s.part)
        reply = prompts.prompt(s, self.ctx.languages)
        self.replies.append(replace(reply, prefix=prefix) if prefix else reply)
        return s
