"""Oversized bodies are refused with 413 before the signature is even looked at, whether
they announce their length or come chunked (through a live gunicorn)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from conftest import AUTH_TOKEN, WEBHOOK, replies_of, sign
from procs import Web

pytestmark = pytest.mark.slow


@pytest.fixture
def web(overrides: dict[str, Any]) -> Iterator[Web]:
    server = Web(overrides)
    yield server
    errors = server.stop()
    assert "Traceback" not in errors, errors[-3000:]


def chunks(data: bytes, size: int = 4096) -> Iterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i:i + size]


def form_of(body: str) -> dict[str, str]:
    return {"MessageSid": "SM" + "c" * 32, "AccountSid": "AC" + "0" * 32,
            "From": "+12135550177", "To": "+12135550000", "Body": body, "NumMedia": "0"}


@pytest.mark.parametrize("signature", ["forged", "", "valid"])
def test_a_70_kb_chunked_body_gets_413_whatever_its_signature(web: Web, signature: str) -> None:
    form = form_of("x" * 70_000)
    encoded = requests.models.RequestEncodingMixin._encode_params(form).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if signature:
        headers["X-Twilio-Signature"] = (sign(web.base + WEBHOOK, form, AUTH_TOKEN)
                                         if signature == "valid" else "forged")
    response = requests.post(web.base + WEBHOOK, data=chunks(encoded), headers=headers,
                             timeout=10)
    assert response.request.headers.get("Transfer-Encoding") == "chunked"
    assert response.status_code == 413


def test_an_announced_oversized_body_gets_413_too(web: Web) -> None:
    response = requests.post(web.base + WEBHOOK, data={"Body": "x" * 70_000},
                             headers={"X-Twilio-Signature": "forged"}, timeout=10)
    assert response.status_code == 413


def test_a_small_chunked_message_is_still_answered(web: Web) -> None:
    form = form_of("hello")
    encoded = requests.models.RequestEncodingMixin._encode_params(form).encode()
    response = requests.post(web.base + WEBHOOK, data=chunks(encoded, 7), timeout=10,
                             headers={"Content-Type": "application/x-www-form-urlencoded",
                                      "X-Twilio-Signature": sign(web.base + WEBHOOK, form,
                                                                 AUTH_TOKEN)})
    assert response.status_code == 200
    assert replies_of(response.content)
