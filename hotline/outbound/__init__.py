"""Transports: one small module per way of reaching a person (SMS/WhatsApp, e-mail,
webhook). Each maps its library's errors to the few exceptions below, so nothing else
imports Twilio's, smtplib's or requests' errors.
"""

from __future__ import annotations


class TransportError(Exception):
    """Sending failed but may work later: retry, then fall back to the next transport.

    ``code`` is short and safe to log and store (a Twilio error code, an SMTP reply
    code, an HTTP status or an exception name); never a number or a message body.
    """

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class Unconfirmed(TransportError):
    """The provider may have taken the message before the answer was lost (a read
    timeout): find out whether it did before sending it again."""


class PermanentFailure(TransportError):
    """Sending to this recipient by this transport will not work: don't retry it."""


class OptedOut(PermanentFailure):
    """The recipient told the carrier to stop our messages (Twilio 21610)."""


class WindowClosed(PermanentFailure):
    """WhatsApp refuses free-form text outside its 24-hour window (Twilio 63016)."""


class NotConfigured(PermanentFailure):
    """The transport has no settings in this deployment (e.g. no SMTP server)."""
