"""Twilio's webhook form → ``Inbound``: the one value the rest of the app reads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

#: Twilio sends at most 10 media items per message; more means a forged or broken form.
MAX_MEDIA = 10
#: Longest body kept (Twilio's limit for a concatenated SMS is 1,600 characters).
MAX_BODY = 1600


class Channel(StrEnum):
    SMS = "sms"
    WHATSAPP = "whatsapp"


class BadInbound(ValueError):
    """The form is not a Twilio message we can handle; the webhook answers 400."""


@dataclass(frozen=True, slots=True)
class Media:
    url: str
    content_type: str


@dataclass(frozen=True, slots=True)
class Inbound:
    """One message from a worker: ``Inbound("SM1", Channel.SMS, "+12135550100", "hola")``."""

    sid: str
    channel: Channel
    sender: str
    text: str
    media: tuple[Media, ...] = ()
    to: str = ""


def from_twilio_form(form: Mapping[str, str]) -> Inbound:
    """Parse Twilio's POST fields for SMS, MMS and WhatsApp messages."""
    sid = (form.get("MessageSid") or form.get("SmsMessageSid") or "").strip()
    sender = (form.get("From") or "").strip()
    if not sid or not sender:
        raise BadInbound("MessageSid and From are required")
    channel = Channel.SMS
    if sender.startswith("whatsapp:"):
        channel = Channel.WHATSAPP
        sender = sender.removeprefix("whatsapp:")
    to = (form.get("To") or "").removeprefix("whatsapp:")
    body = (form.get("Body") or "")[:MAX_BODY]  # kept as sent; stored encrypted
    return Inbound(sid, channel, sender, body, _media(form), to)


def _media(form: Mapping[str, str]) -> tuple[Media, ...]:
    raw = (form.get("NumMedia") or "0").strip()
    if not raw.isdigit():
        raise BadInbound("NumMedia is not a number")
    count = int(raw)
    if count > MAX_MEDIA:
        raise BadInbound("NumMedia is above Twilio's limit")
    items = []
    for i in range(count):
        url = (form.get(f"MediaUrl{i}") or "").strip()
        content_type = (form.get(f"MediaContentType{i}") or "").strip()
        if not url.startswith("https://") or not content_type:
            raise BadInbound(f"media item {i} is malformed")
        items.append(Media(url, content_type[:100]))
    return tuple(items)
