"""The webhook's signature check answers exactly as Twilio's own validator does."""

from __future__ import annotations

import random

import pytest
from twilio.request_validator import RequestValidator
from werkzeug.datastructures import MultiDict

from hotline.web.signature import SignatureCheck, check_for

TOKEN = "12345678901234567890123456789012"
URLS = (
    "https://hotline.example.org/twilio/messages",
    "https://hotline.example.org:443/twilio/messages",
    "https://hotline.example.org:8443/twilio/messages",
    "http://hotline.example.org/twilio/status",
    "http://hotline.example.org:80/twilio/status?x=1&y=%C3%A9",
    "https://hotline.example.org/twilio/voice?bodySHA256=abc",
)


def _form(rng: random.Random) -> MultiDict[str, str]:
    words = ("hola", "안녕하세요", "a&b=c", "", " ", "+12135550123", "SM" + "0" * 32, "é")
    pairs = [(rng.choice(("Body", "From", "To", "MessageSid", "MediaUrl0", "NumMedia")),
              rng.choice(words)) for _ in range(rng.randrange(0, 8))]
    return MultiDict(pairs)


@pytest.mark.parametrize("seed", range(40))
def test_every_signature_twilio_accepts_or_refuses_is_accepted_or_refused_alike(
        seed: int) -> None:
    rng = random.Random(seed)
    url, form = rng.choice(URLS), _form(rng)
    twilio = RequestValidator(TOKEN)
    ours = SignatureCheck(TOKEN)
    signed_as = rng.choice(URLS[:3]) if rng.random() < 0.3 else url
    for candidate in (
        twilio.compute_signature(signed_as, form),
        twilio.compute_signature(url.replace("https://", "http://"), form),
        RequestValidator("another-token").compute_signature(url, form),
        twilio.compute_signature(url, form)[:-2] + "==",
        "",
        "not a signature é",
    ):
        assert ours.valid(url, form, candidate) == bool(
            candidate and twilio.validate(url, form, candidate)), (url, form, candidate)


def test_a_url_signed_with_or_without_its_default_port_is_accepted() -> None:
    form = MultiDict([("Body", "hi"), ("From", "+12135550123")])
    twilio = RequestValidator(TOKEN)
    check = check_for(TOKEN)
    with_port = twilio.compute_signature("https://h.example.org:443/twilio/messages", form)
    without = twilio.compute_signature("https://h.example.org/twilio/messages", form)
    for url in ("https://h.example.org/twilio/messages",
                "https://h.example.org:443/twilio/messages"):
        assert check.valid(url, form, with_port) and check.valid(url, form, without)
    assert not check_for("another-token").valid(
        "https://h.example.org/twilio/messages", form, without)
