"""SMS and WhatsApp through Twilio's Messages API (the twilio-python client).

``TWILIO_API_BASE_URL`` points the real client at another host (tests run a local
server that speaks the Messages API). Twilio's errors become ours here.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from hotline.config import Settings
from hotline.outbound import (
    NotConfigured,
    OptedOut,
    PermanentFailure,
    TransportError,
    WindowClosed,
)

log = logging.getLogger(__name__)

#: The recipient replied STOP: Twilio refuses to message them until they send START.
OPTED_OUT = 21610
#: WhatsApp free-form message outside the 24-hour customer service window.
WINDOW_CLOSED = 63016
#: Codes that will fail again for this recipient however often we try (bad or
#: unreachable number, no WhatsApp on it, region not enabled, auth or sender problems).
PERMANENT = frozenset({
    20003, 20404, 21211, 21212, 21401, 21408, 21601, 21602, 21606, 21612, 21614, 21617,
    21659, 21660, 21703, 30003, 30004, 30005, 30006, 30007, 30008, 63003, 63007, 63024,
})


class TwilioSender:
    """Send one SMS or WhatsApp message; return Twilio's message SID."""

    def __init__(self, settings: Settings) -> None:
        self.sender = settings.twilio_from
        self.content_sid = settings.twilio_content_sid
        self.status_callback = (settings.public_base_url.rstrip("/") + "/twilio/status"
                                if settings.public_base_url else None)
        self.client: Client | None = None
        if settings.twilio_account_sid and settings.twilio_from:
            self.client = Client(settings.twilio_account_sid, settings.twilio_auth_token,
                                 http_client=TwilioHttpClient(
                                     timeout=settings.transport_timeout))
            if settings.twilio_api_base_url:
                self.client.api.base_url = settings.twilio_api_base_url.rstrip("/")

    @property
    def configured(self) -> bool:
        return self.client is not None

    def close(self) -> None:
        """Close the pooled HTTP session of the Twilio client."""
        http = getattr(self.client, "http_client", None)
        session = getattr(http, "session", None)
        if session is not None:
            session.close()

    def send(self, to: str, body: str, *, whatsapp: bool = False,
             template: Mapping[str, str] | None = None) -> str:
        """Send ``body`` to an E.164 number, or the WhatsApp template with ``template`` values."""
        if self.client is None:
            raise NotConfigured("twilio not configured")
        if template is not None and not self.content_sid:
            raise WindowClosed("no template")
        prefix = "whatsapp:" if whatsapp else ""
        params: dict[str, str] = {"to": prefix + to}
        if self.sender.startswith("MG"):
            params["messaging_service_sid"] = self.sender
        else:
            params["from_"] = prefix + self.sender
        if template is not None:
            params["content_sid"] = self.content_sid
            params["content_variables"] = json.dumps(dict(template), ensure_ascii=False)
        else:
            params["body"] = body
        if self.status_callback:
            params["status_callback"] = self.status_callback
        try:
            message = self.client.messages.create(**params)
        except TwilioRestException as exc:
            raise classify(exc.code, exc.status) from None
        except (requests.RequestException, OSError) as exc:
            raise TransportError(type(exc).__name__) from None
        except TwilioException as exc:
            raise TransportError(type(exc).__name__) from None
        return str(message.sid)


@dataclass(frozen=True)
class Received:
    """An inbound message as Twilio's Messages API lists it (for reconciliation)."""

    sid: str
    sender: str
    to: str
    body: str
    sent_at: datetime | None


def inbound_since(sender: TwilioSender, since: datetime) -> list[Received]:
    """List messages workers sent to our number (SMS and WhatsApp) since ``since``.

    Twilio filters by day, so the day's messages are fetched and the rest dropped here.
    Twilio lists newest first; messages that share a second (its dates have no finer
    grain) keep the order Twilio gives them, oldest first, never the order of their SIDs
    (which are random).
    """
    if sender.client is None:
        raise NotConfigured("twilio not configured")
    found: list[Received] = []
    for to in (sender.sender, f"whatsapp:{sender.sender}"):
        try:
            messages = sender.client.messages.list(to=to, date_sent_after=since, limit=1000)
        except TwilioRestException as exc:
            raise classify(exc.code, exc.status) from None
        except (requests.RequestException, OSError, TwilioException) as exc:
            raise TransportError(type(exc).__name__) from None
        for m in reversed(messages):
            if not str(m.direction or "").startswith("inbound"):
                continue
            if m.date_sent is not None and m.date_sent < since:
                continue
            found.append(Received(str(m.sid), str(m.from_ or ""), str(m.to or ""),
                                  str(m.body or ""), m.date_sent))
    found.sort(key=lambda r: r.sent_at or since)  # stable: ties keep Twilio's order
    return found


def classify(code: int | str | None, status: int | None = None) -> TransportError:
    """Map a Twilio error code (from the API or a status callback) to our exception."""
    try:
        number = int(code) if code not in (None, "") else None
    except (TypeError, ValueError):
        number = None
    label = f"twilio {number}" if number is not None else f"twilio http {status}"
    if number == OPTED_OUT:
        return OptedOut(label)
    if number == WINDOW_CLOSED:
        return WindowClosed(label)
    if number in PERMANENT:
        return PermanentFailure(label)
    if status is not None and 400 <= status < 500 and status not in (408, 429):
        return PermanentFailure(label)
    return TransportError(label)
