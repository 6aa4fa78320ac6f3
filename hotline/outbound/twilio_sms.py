"""SMS and WhatsApp through Twilio's Messages API (the twilio-python client).

``TWILIO_API_BASE_URL`` points the real client at another host (tests run a local
server that speaks the Messages API). Twilio's errors become ours here.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client
from urllib3.exceptions import NewConnectionError

from hotline.config import Settings
from hotline.outbound import (
    NotConfigured,
    OptedOut,
    PermanentFailure,
    TransportError,
    Unconfirmed,
    WindowClosed,
)
from hotline.words.segments import fold_to_gsm7

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
#: The error code stored for a send whose answer was lost (see ``Unconfirmed``).
UNCONFIRMED = "twilio timeout"
#: Clocks differ: a message Twilio created this long before our request still matches.
CLOCK_SLACK = timedelta(minutes=2)
#: How many of a recipient's newest messages are read to find one whose answer was lost.
LOOK_BACK = 20


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
             template: Mapping[str, str] | None = None, content_sid: str = "",
             since: datetime | None = None) -> str:
        """Send ``body`` to an E.164 number, or an approved WhatsApp template (``content_sid``,
        else TWILIO_CONTENT_SID) with ``template`` values; return the message SID.

        ``since``: an earlier try, from that time on, lost Twilio's answer; if Twilio has
        the message, its SID is returned and nothing is sent again. A try whose answer is
        lost now is looked up the same way at once, and raises ``Unconfirmed`` if Twilio
        does not list it (yet): the caller looks again, by ``since``, before a retry.
        """
        if self.client is None:
            raise NotConfigured("twilio not configured")
        content_sid = content_sid or self.content_sid
        if template is not None and not content_sid:
            raise WindowClosed("no template")
        # how a listed message is recognised: its body, or a template's values in it
        text = body if template is None else None
        values = tuple(template.values()) if template is not None else ()
        if since is not None:
            found = self.find_sent(to, since, text, values, whatsapp=whatsapp)
            if found is not None:
                log.warning("a message whose answer was lost had reached Twilio: not resent")
                return found
        prefix = "whatsapp:" if whatsapp else ""
        params: dict[str, str] = {"to": prefix + to}
        if self.sender.startswith("MG"):
            params["messaging_service_sid"] = self.sender
        else:
            params["from_"] = prefix + self.sender
        if template is not None:
            params["content_sid"] = content_sid
            params["content_variables"] = json.dumps(dict(template), ensure_ascii=False)
        else:
            params["body"] = body
        if self.status_callback:
            params["status_callback"] = self.status_callback
        started = datetime.now(UTC)
        try:
            message = self.client.messages.create(**params)
        except TwilioRestException as exc:
            raise classify(exc.code, exc.status) from None
        except (requests.RequestException, OSError) as exc:
            if _never_sent(exc):
                raise TransportError(type(exc).__name__) from None
            # Twilio may have created it before the answer was lost: look before a retry
            log.warning("Twilio's answer was lost (%s); looking for the message",
                        type(exc).__name__)
            try:
                found = self.find_sent(to, started, text, values, whatsapp=whatsapp)
            except TransportError:
                found = None
            if found is not None:
                return found
            raise Unconfirmed(UNCONFIRMED) from None
        except TwilioException as exc:
            raise TransportError(type(exc).__name__) from None
        return str(message.sid)

    def find_sent(self, to: str, since: datetime, body: str | None,
                  values: tuple[str, ...] = (), *, whatsapp: bool = False) -> str | None:
        """Return the SID of a message we sent ``to`` since ``since`` with this ``body``
        (a template: with these ``values`` in its text), from Twilio's Messages list;
        None if there is none."""
        if self.client is None:
            raise NotConfigured("twilio not configured")
        prefix = "whatsapp:" if whatsapp else ""
        params: dict[str, str] = {"to": prefix + to}
        if not self.sender.startswith("MG"):
            params["from_"] = prefix + self.sender
        try:
            messages = self.client.messages.list(**params, limit=LOOK_BACK,
                                                 page_size=LOOK_BACK)
        except TwilioRestException as exc:
            raise classify(exc.code, exc.status) from None
        except (requests.RequestException, OSError, TwilioException) as exc:
            raise TransportError(type(exc).__name__) from None
        wanted = None if body is None else _same(body)
        for m in messages:
            if not str(m.direction or "").startswith("outbound"):
                continue
            if m.date_created is not None and m.date_created < since - CLOCK_SLACK:
                continue
            listed = str(m.body or "")
            if wanted is not None and _same(listed) != wanted:
                continue
            if not all(v in listed for v in values):
                continue
            return str(m.sid)
        return None


def _never_sent(exc: BaseException) -> bool:
    """Tell whether a request failed before Twilio could have read it (no connection)."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(exc, requests.ConnectionError) and isinstance(reason, NewConnectionError)


def _same(body: str) -> str:
    """Compare bodies as Twilio may keep them (its Smart Encoding folds some characters)."""
    text = " ".join(body.split())
    return fold_to_gsm7(text) or text


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
