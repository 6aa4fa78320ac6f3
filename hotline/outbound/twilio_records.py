"""Twilio's copies of our messages, media and recordings: find them and delete them
(erasure, retention, and evidence once our copy is kept).

Twilio keeps each message it carried (both numbers, the body, media) in the account's
log until it is deleted through the REST API. Errors become ours here, as in
``twilio_sms``: a message already gone counts as deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException

from hotline.outbound import NotConfigured, TransportError
from hotline.outbound.twilio_sms import TwilioSender, classify

#: Twilio's "not found": the message is not (or no longer) in the account.
NOT_FOUND = 20404


def sids_involving(sender: TwilioSender, number: str, *,
                   before: datetime | None = None) -> list[str]:
    """Return the SIDs of every message to or from ``number``, by SMS and WhatsApp."""
    found: list[str] = []
    for address in (number, f"whatsapp:{number}"):
        found += _sids(sender, to=address, before=before)
        found += _sids(sender, from_=address, before=before)
    return list(dict.fromkeys(found))


def sids_before(sender: TwilioSender, before: datetime) -> list[str]:
    """Return the SIDs of every message to or from our number sent before ``before``."""
    found: list[str] = []
    for address in (sender.sender, f"whatsapp:{sender.sender}"):
        found += _sids(sender, to=address, before=before)
        found += _sids(sender, from_=address, before=before)
    return list(dict.fromkeys(found))


def delete(sender: TwilioSender, sid: str) -> None:
    """Delete one message (and its media) at Twilio; one already gone is fine."""
    if sender.client is None:
        raise NotConfigured("twilio not configured")
    try:
        sender.client.messages(sid).delete()
    except TwilioRestException as exc:
        if exc.code == NOT_FOUND or exc.status == 404:
            return
        raise TransportError(classify(exc.code, exc.status).code) from None
    except (requests.RequestException, OSError, TwilioException) as exc:
        raise TransportError(type(exc).__name__) from None


def delete_media(sender: TwilioSender, message_sid: str, media_sid: str) -> None:
    """Delete one media item of a message at Twilio (the message stays); one already gone
    is fine."""
    client = sender.client
    if client is None:
        raise NotConfigured("twilio not configured")
    _deleting(lambda: client.messages(message_sid).media(media_sid).delete())


def delete_recording(sender: TwilioSender, sid: str) -> None:
    """Delete one call recording at Twilio; one already gone is fine."""
    client = sender.client
    if client is None:
        raise NotConfigured("twilio not configured")
    _deleting(lambda: client.recordings(sid).delete())


def _deleting(call: Callable[[], object]) -> None:
    try:
        call()
    except TwilioRestException as exc:
        if exc.code == NOT_FOUND or exc.status == 404:
            return
        raise TransportError(classify(exc.code, exc.status).code) from None
    except (requests.RequestException, OSError, TwilioException) as exc:
        raise TransportError(type(exc).__name__) from None


def _sids(sender: TwilioSender, *, to: str | None = None, from_: str | None = None,
          before: datetime | None = None) -> list[str]:
    if sender.client is None:
        raise NotConfigured("twilio not configured")
    filters: dict[str, object] = {}
    if to is not None:
        filters["to"] = to
    if from_ is not None:
        filters["from_"] = from_
    if before is not None:
        filters["date_sent_before"] = before
    try:
        # stream pages through the whole log (a list call would stop at its limit)
        return [str(m.sid) for m in sender.client.messages.stream(page_size=1000, **filters)
                if before is None or m.date_sent is None or m.date_sent < before]
    except TwilioRestException as exc:
        raise classify(exc.code, exc.status) from None
    except (requests.RequestException, OSError, TwilioException) as exc:
        raise TransportError(type(exc).__name__) from None
