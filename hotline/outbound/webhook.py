"""A webhook: POST the alert as JSON, with a Slack-compatible ``text`` field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests

from hotline.config import Settings
from hotline.outbound import NotConfigured, PermanentFailure, TransportError


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
        """Post ``payload``; a 4xx answer is permanent, a 5xx or no answer may pass later."""
        if not self.url:
            raise NotConfigured("webhook not configured")
        try:
            response = self.session.post(self.url, json=dict(payload), timeout=self.timeout,
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
