"""Effects: what the dialogue decided should happen in the world, carried out by service."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class CaseKind(StrEnum):
    REPORT = "report"
    CALLBACK = "callback"
    VOICEMAIL = "voicemail"  # a message left on the voice line (hotline.calls)


@dataclass(frozen=True)
class MediaItem:
    """A photo the worker sent during a report (Twilio ``MediaUrl0`` / ``MediaContentType0``)."""

    url: str
    content_type: str


@dataclass(frozen=True)
class FileCase:
    """File a complaint or callback request and alert organizers.

    ``FileCase(kind=CaseKind.CALLBACK, locale="ko", channel="sms", sender="+12135550100",
    contact_method="text", contact_number="+12135550100")``
    """

    kind: CaseKind
    locale: str
    channel: str
    sender: str
    contact_method: str
    contact_number: str | None = None
    industry: str | None = None
    employer: str | None = None
    location: str | None = None
    issues: tuple[str, ...] = ()
    details: tuple[str, ...] = ()
    when: str | None = None
    still_working: bool | None = None
    name: str | None = None
    consent: bool = True
    media: tuple[MediaItem, ...] = ()


@dataclass(frozen=True)
class OptOut:
    """Record that a sender asked for no more messages: ``OptOut("+12135550100")``."""

    sender: str


@dataclass(frozen=True)
class OptIn:
    """Lift a sender's opt-out (START, UNSTOP or the words of their language)."""

    sender: str


@dataclass(frozen=True)
class Erase:
    """Delete what we keep about a sender: session, cached replies, personal case data."""

    sender: str


@dataclass(frozen=True)
class AddToStory:
    """Add words (and photos) to a report already filed, when they were sent before it was
    filed and reached us only after (a message kept while Redis was down):
    ``AddToStory("4821", "+12135550100", "he also kept my tips")``."""

    ref: str
    sender: str
    text: str
    media: tuple[MediaItem, ...] = ()


Effect = FileCase | OptOut | OptIn | Erase | AddToStory
