"""The conversation state of one sender: small, JSON-serialisable, no English text inside."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from typing import Any

from hotline.dialogue.records import replace
from hotline.dialogue.steps import StepId

#: Most messages of free text kept for one report ("what happened"); more are refused.
MAX_DETAIL_MESSAGES = 20
#: Most photos attached to one report (Twilio sends at most 10 per message).
MAX_MEDIA = 20
#: How many steps BACK can undo.
MAX_HISTORY = 12


@dataclass(frozen=True, slots=True)
class Draft:
    """The answers of a report in progress; empty until the worker starts one."""

    industry: str | None = None
    employer: str | None = None
    location: str | None = None
    issues: tuple[str, ...] = ()
    details: tuple[str, ...] = ()
    when: str | None = None
    still_working: bool | None = None
    contact: str | None = None
    contact_number: str | None = None
    name: str | None = None
    media: tuple[tuple[str, str], ...] = ()
    #: when each message of ``details`` was sent (epoch seconds): the story stays in the
    #: order it was written even when a part arrives late (replayed from the spool)
    told_at: tuple[int, ...] = ()

    def is_empty(self) -> bool:
        """Tell whether the worker has answered anything yet."""
        return self == _EMPTY_DRAFT


_EMPTY_DRAFT = Draft()


@dataclass(frozen=True, slots=True)
class Session:
    """Where one sender is in the conversation.

    ``locale`` is None until the language is known; ``updated`` is the epoch second of
    the last inbound, used for the idle expiry; ``history`` holds steps BACK returns to;
    ``opted_out`` is set from STOP until START (the bot stays silent meanwhile);
    ``last_case`` is the number of the report filed in this conversation and
    ``last_filed`` the epoch second it was filed (a story part that arrived before and is
    replayed after joins that report).
    """

    locale: str | None = None
    step: StepId = StepId.START
    history: tuple[StepId, ...] = ()
    topic: str | None = None
    part: int = 0
    draft: Draft = _EMPTY_DRAFT  # frozen: one shared empty draft
    fixing: bool = False
    updated: int = 0
    opted_out: bool = False
    last_case: str | None = None
    last_filed: int = 0

    def moved(self, step: StepId, *, remember: bool = True) -> Session:
        """Go to ``step``, remembering the current one for BACK."""
        history = self.history
        if remember and self.step not in (step, StepId.START, StepId.LANGUAGE):
            history = (*history, self.step)[-MAX_HISTORY:]
        return replace(self, step=step, history=history)

    def to_json(self) -> str:
        """Serialise compactly: defaults are left out, keys are short."""
        data: dict[str, Any] = {}
        if self.locale:
            data["l"] = self.locale
        if self.step != StepId.START:
            data["s"] = str(self.step)
        if self.history:
            data["h"] = [str(s) for s in self.history]
        if self.topic:
            data["t"] = self.topic
        if self.part:
            data["p"] = self.part
        draft = self.draft
        if draft is not _EMPTY_DRAFT and not draft.is_empty():
            data["d"] = {key: value for name, key in _DRAFT_NAMES_KEYS
                         if (value := getattr(draft, name)) is not None and value != ()}
        if self.fixing:
            data["f"] = 1
        if self.updated:
            data["u"] = self.updated
        if self.opted_out:
            data["o"] = 1
        if self.last_case:
            data["lc"], data["lf"] = self.last_case, self.last_filed
        return _to_json(data)

    @classmethod
    def from_json(cls, raw: str | bytes | None) -> Session:
        """Read a session back; anything unreadable starts a fresh conversation."""
        if not raw:
            return cls()
        try:
            # str, not bytes: json.loads would guess the encoding of bytes every time
            data = json.loads(raw.decode() if isinstance(raw, bytes) else raw)
            draft_data = data.get("d")
            draft = _EMPTY_DRAFT
            if draft_data:
                draft = Draft(**{name: _tupled(draft_data[key])
                                 for name, key in _DRAFT_NAMES_KEYS if key in draft_data})
            return cls(
                locale=data.get("l"),
                step=_STEPS[data.get("s", "start")],
                history=tuple(map(_STEPS.__getitem__, data.get("h", ()))),
                topic=data.get("t"),
                part=int(data.get("p", 0)),
                draft=draft,
                fixing=bool(data.get("f", False)),
                updated=int(data.get("u", 0)),
                opted_out=bool(data.get("o", False)),
                last_case=data.get("lc"),
                last_filed=int(data.get("lf", 0)),
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            return cls()


_DRAFT_KEYS = ("i", "e", "w", "is", "dt", "wh", "sw", "c", "cn", "n", "m", "ta")
#: Each Draft field with its short key (computed once: sessions are read every message).
_DRAFT_NAMES_KEYS = tuple(zip((f.name for f in fields(Draft)), _DRAFT_KEYS, strict=True))
#: Steps by their stored name (a dict lookup; ``StepId(name)`` costs ten times more).
_STEPS = {str(step): step for step in StepId}
_to_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _tupled(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tupled(v) for v in value)
    return value
