"""Logging set-up: one format, and a last guard that keeps phone numbers out of logs.

The code never logs a number or a message body on purpose; the redacting filter is
defence in depth for what libraries print (tracebacks, HTTP debug lines).
"""

from __future__ import annotations

import logging
import re

#: A run that may be a phone number: digits with optional +, spaces, dashes, brackets.
_CANDIDATE = re.compile(r"(?<![\w.])\+?\d[\d\s().-]{6,}\d(?![\w.])")
#: How many digits a phone number has (E.164 allows up to 15; US numbers have 10-11).
_PHONE_DIGITS = range(10, 16)
#: Libraries that say too much at INFO (twilio prints request parameters).
_QUIET = ("twilio.http_client", "urllib3", "aiosmtpd", "mail.log",
          "alembic")  # "Context impl SQLiteImpl" at every start: `db upgrade` says what it did


class Redact(logging.Filter):
    """Replace phone-number-like digit runs in every record with ``[number]``."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = _redact(record.exc_text)
        return True


def _redact(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        digits = sum(c.isdigit() for c in match.group())
        return "[number]" if digits in _PHONE_DIGITS else match.group()

    return _CANDIDATE.sub(replace, text)


def configure(level: str) -> None:
    """Set the format and level once per process, and redact on every handler."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in _QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, Redact) for f in handler.filters):
            handler.addFilter(Redact())
