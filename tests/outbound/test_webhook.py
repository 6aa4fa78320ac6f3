"""The alert webhook: a real POST of JSON to a local server."""

from __future__ import annotations

import pytest
from fakes import WebhookSink

from hotline import config
from hotline.outbound import NotConfigured, PermanentFailure, TransportError
from hotline.outbound.webhook import WebhookSender


@pytest.fixture
def sender(alert_overrides):  # type: ignore[no-untyped-def]
    return WebhookSender(config.load(environ={}, **alert_overrides))


def test_the_payload_is_posted_as_json_with_a_slack_text(sender: WebhookSender,
                                                         webhook_sink: WebhookSink) -> None:
    sender.send({"text": "Hotline case 4821", "case": "4821", "urgent": True})
    assert webhook_sink.posts == [{"text": "Hotline case 4821", "case": "4821", "urgent": True}]


@pytest.mark.parametrize(("status", "permanent"), [(500, False), (503, False), (429, False),
                                                   (404, True), (400, True)])
def test_error_answers_are_retryable_or_permanent(sender: WebhookSender,
                                                  webhook_sink: WebhookSink, status: int,
                                                  permanent: bool) -> None:
    webhook_sink.script.append(status)
    with pytest.raises(TransportError) as raised:
        sender.send({"text": "x"})
    assert isinstance(raised.value, PermanentFailure) is permanent
    assert raised.value.code == f"webhook http {status}"


def test_without_a_url_nothing_is_posted(overrides) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotConfigured):
        WebhookSender(config.load(environ={}, **overrides)).send({"text": "x"})


def test_slack_control_characters_in_the_text_are_escaped(sender: WebhookSender,
                                                          webhook_sink: WebhookSink) -> None:
    sender.send({"text": "Area: Vermont & 3rd <!channel> <https://x.example|pay>",
                 "case": "4821"})
    (post,) = webhook_sink.posts
    assert post["text"] == ("Area: Vermont &amp; 3rd &lt;!channel&gt; "
                            "&lt;https://x.example|pay&gt;")
    assert "<" not in post["text"] and post["case"] == "4821"
