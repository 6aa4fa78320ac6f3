"""The real twilio-python client, pointed at a local server that speaks the Messages API."""

from __future__ import annotations

import json

import pytest
from fakes import FROM, TwilioApi

from hotline import config
from hotline.outbound import (
    NotConfigured,
    OptedOut,
    PermanentFailure,
    TransportError,
    WindowClosed,
)
from hotline.outbound.twilio_sms import TwilioSender, classify

TO = "+13105550142"


@pytest.fixture
def sender(alert_overrides):  # type: ignore[no-untyped-def]
    return TwilioSender(config.load(environ={}, **alert_overrides))


def test_an_sms_reaches_the_messages_api_signed_with_the_account(sender: TwilioSender,
                                                                 twilio_api: TwilioApi) -> None:
    sid = sender.send(TO, "Hotline case 4821")
    (message,) = twilio_api.accepted
    assert sid == message["sid"] and sid.startswith("SM")
    assert message["To"] == TO and message["From"] == FROM
    assert message["Body"] == "Hotline case 4821"
    assert "StatusCallback" in message  # PUBLIC_BASE_URL is set in tests
    assert message["StatusCallback"] == "https://hotline.test/twilio/status"
    assert twilio_api.bad_requests == []


def test_whatsapp_numbers_get_the_whatsapp_prefix_and_templates_use_content_sid(
        alert_overrides, twilio_api: TwilioApi) -> None:  # type: ignore[no-untyped-def]
    sender = TwilioSender(config.load(environ={}, **alert_overrides,
                                      twilio_content_sid="HX" + "a" * 32))
    sender.send(TO, "free text", whatsapp=True)
    sender.send(TO, "", whatsapp=True, template={"1": "4821", "2": "URGENT, Spanish"})
    text, template = twilio_api.accepted
    assert text["To"] == f"whatsapp:{TO}" and text["From"] == f"whatsapp:{FROM}"
    assert text["Body"] == "free text" and "ContentSid" not in text
    assert template["ContentSid"] == "HX" + "a" * 32 and "Body" not in template
    assert json.loads(template["ContentVariables"]) == {"1": "4821", "2": "URGENT, Spanish"}


def test_a_messaging_service_sid_is_sent_instead_of_a_from_number(alert_overrides,  # type: ignore[no-untyped-def]
                                                                  twilio_api: TwilioApi) -> None:
    sender = TwilioSender(config.load(environ={}, **{**alert_overrides,
                                                     "twilio_from": "MG" + "2" * 32}))
    sender.send(TO, "hi")
    (message,) = twilio_api.accepted
    assert message["MessagingServiceSid"] == "MG" + "2" * 32 and "From" not in message


@pytest.mark.parametrize(("code", "status", "error"), [
    (63016, 400, WindowClosed),
    (21610, 400, OptedOut),
    (21211, 400, PermanentFailure),
    (20429, 429, TransportError),
    (20500, 500, TransportError),
])
def test_twilio_errors_become_our_few_exceptions(sender: TwilioSender, twilio_api: TwilioApi,
                                                 code: int, status: int,
                                                 error: type[Exception]) -> None:
    twilio_api.fail(code, status=status)
    with pytest.raises(error) as raised:
        sender.send(TO, "Hotline case 4821")
    assert type(raised.value) is error
    assert TO not in str(raised.value) and "4821" not in str(raised.value)


def test_retryable_and_permanent_are_told_apart() -> None:
    assert not isinstance(classify(20500, 500), PermanentFailure)
    assert isinstance(classify(30003), PermanentFailure)  # unreachable, from a status callback
    assert isinstance(classify("63016"), WindowClosed)
    assert isinstance(classify(None, 404), PermanentFailure)


def test_an_unreachable_api_is_a_retryable_error(alert_overrides) -> None:  # type: ignore[no-untyped-def]
    sender = TwilioSender(config.load(environ={}, **{**alert_overrides,
                                                     "twilio_api_base_url": "http://127.0.0.1:9"}))
    with pytest.raises(TransportError) as raised:
        sender.send(TO, "x")
    assert not isinstance(raised.value, PermanentFailure)


def test_without_an_account_nothing_is_sent(overrides) -> None:  # type: ignore[no-untyped-def]
    sender = TwilioSender(config.load(environ={}, **overrides))
    assert not sender.configured
    with pytest.raises(NotConfigured):
        sender.send(TO, "x")
