"""Whatever a sender types is kept exactly and can never inject headers or markup."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import Phone
from fakes import Jobs, Mailbox, TwilioApi, WebhookSink, body_of

from hotline.alerts.texts import plain
from hotline.store.organizers import Changes

HOSTILE = [
    "x" * 1600,
    "NUL\x00inside",
    "\u202eRTL override\u202c",
    "<script>alert(1)</script><b>bold</b>",
    "line one\r\nBcc: thief@example.com\r\nSubject: hijacked",
    "🙂🇰🇷 mixed 한국어 y español",
]
ORGANIZER = "+12135550101"


@pytest.fixture
def app(alert_overrides: dict[str, Any]):  # type: ignore[no-untyped-def]
    from hotline.app import create_app

    app = create_app(alert_overrides)
    yield app
    app.extensions["hotline"].close()


@pytest.mark.parametrize("story", HOSTILE)
def test_a_hostile_story_is_stored_as_sent_and_mailed_as_plain_text(  # type: ignore[no-untyped-def]
        app, client, jobs: Jobs, mailbox: Mailbox, twilio_api: TwilioApi,
        webhook_sink: WebhookSink, story: str) -> None:
    service = app.extensions["hotline"]
    service.dispatcher.organizers.add(Changes(name="Ana", phone=ORGANIZER,
                                              email="ana@example.org", languages="en"))
    phone = Phone(client, "+13235550150")
    for text in ("hello", "2", "1", story[:200], "0", "1", story, "1", "1", "1", "1", "0", "1"):
        assert phone.send(text)
    filed = phone.send("1")
    ref = filed[0].split("number is ")[1].split(".")[0]
    case = service.cases.by_ref(ref)
    assert case.details == story and case.employer == story[:200]  # kept exactly
    jobs.run()
    Phone(client, ORGANIZER).send(f"OK {ref}")
    jobs.run()
    for message in mailbox.messages:
        assert message["Bcc"] is None and "hijacked" not in message["Subject"]
        assert message.get_content_type() == "text/plain"
        assert set(message.keys()) <= {"Subject", "From", "To", "Date", "Message-ID",
                                       "Content-Type", "Content-Transfer-Encoding",
                                       "MIME-Version", "X-Peer", "X-MailFrom", "X-RcptTo"}
    report = [m for m in mailbox.to("ana@example.org") if "full report" in m["Subject"]]
    assert report, [m["Subject"] for m in mailbox.messages]
    if "\r\n" not in story and "\x00" not in story:
        assert plain(story)[:300] in body_of(report[0])
    for post in webhook_sink.posts:  # the alert never carries the story at all
        assert "script" not in str(post) and "thief" not in str(post)


BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def test_a_right_to_left_override_in_a_name_never_reaches_an_organizer(  # type: ignore[no-untyped-def]
        app, client, jobs: Jobs, mailbox: Mailbox, twilio_api: TwilioApi) -> None:
    service = app.extensions["hotline"]
    service.dispatcher.organizers.add(Changes(name="Ana", phone=ORGANIZER,
                                              email="ana@example.org", languages="en"))
    phone = Phone(client, "+13235550151")
    name = "Maria \u202eTXET"  # an unclosed override: what follows would read backwards
    for text in ("hello", "2", "1", "Sunny \u202bMarket", "Western \u2067& 6th", "1",
                 "He kept my \u202etips", "1", "1", "1", "1", name, "1"):
        assert phone.send(text)
    filed = phone.send("1")
    ref = filed[0].split("number is ")[1].split(".")[0]
    jobs.run()
    (claimed,) = Phone(client, ORGANIZER).send(f"OK {ref}")
    jobs.run()
    (report,) = [m for m in mailbox.to("ana@example.org") if "full report" in m["Subject"]]
    alert = twilio_api.to(ORGANIZER)[0]["Body"]
    for text in (claimed, body_of(report), alert):
        assert not set(BIDI) & set(text), text
    assert "Contact: Maria TXET - Text this number: +13235550151" in claimed
    assert "Business: Sunny Market. Place: Western & 6th." in claimed
    assert "Their words: He kept my tips" in body_of(report)
