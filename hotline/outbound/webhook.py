"""A webhook: POST the alert as JSON, with a Slack-compatible ``text`` field.

The ``text`` is escaped as Slack asks (``&``, ``<``, ``>``), so a place a worker typed
cannot become ``<!channel>``, a disguised ``<https://…|link>`` or a user mention; the
receiving app shows the characters as they were.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import requests

from hotline.config import Settings
from hotline.outbound import NotConfigured, PermanentFailure, TransportError

#: Slack's control characters and their escapes (Mattermost reads the same).
_SLACK_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_SLACK_CONTROL = re.compile("[&<>]")


def slack_escape(text: str) -> str:
    """Escape ``&``, ``<`` and ``>`` so Slack shows them instead of reading markup."""
    return _SLACK_CONTROL.sub(lambda m: _SLACK_ESCAPES[m.group()], text)


class WebhookSender:
    """POST one JSON payload to ALERT_WEBHOOK_URL."""

    def __init__(self, settings: Settings) -> None:
        self.url = settings.alert_webhook_url
        self.timeout = settings.transport_timeout
        # kept for the worker's life: keep-alive saves a TLS handshake per alert
        self.session = requests.Session()

    @property
    def configured(self) -> bool:
        return bool(self.url)

    def send(self, payload: Mapping[str, Any]) -> str:
        """Post ``payload`` (its ``text`` escaped for Slack); a 4xx answer is permanent, a
        5xx or no answer may pass later."""
        if not self.url:
            raise NotConfigured("webhook not configured")
        body = dict(payload)
        if isinstance(body.get("text"), str):
            body["text"] = slack_escape(body["text"])
        try:
            response = self.session.post(self.url, json=body, timeout=self.timeout,
                                         allow_redirects=False)
        except requests.RequestException as exc:
            raise TransportError(f"webhook {type(exc).__name__}") from None
        status = response.status_code
        if 200 <= status < 300:
            return f"http {status}"
        if 400 <= status < 500 and status not in (408, 429):
            raise PermanentFailure(f"webhook http {status}")
        raise TransportError(f"webhook http {status}")

    def close(self) -> None:
        """Release the pooled HTTP connections."""
        self.session.close()
