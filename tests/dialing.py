"""A pretend phone on the voice line: signed posts to /twilio/voice, TwiML read back."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

from conftest import PUBLIC_BASE, sign

VOICE = "/twilio/voice"
HOTLINE = "+12135550000"


@dataclass
class Said:
    """One thing the caller hears: a <Say> (text, voice, language) or a <Play> (url)."""

    text: str
    voice: str | None = None
    language: str | None = None
    play: str | None = None


@dataclass
class Answer:
    """A voice answer read back: what is said, then what the line does."""

    said: list[Said]
    gather: dict[str, str] | None = None
    redirect: str | None = None
    record: dict[str, str] | None = None
    hangup: bool = False
    order: list[str] = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        return [s.text for s in self.said]

    def state(self) -> dict[str, str]:
        """The call state carried by the gather's action URL."""
        assert self.gather is not None
        return {k: v[0] for k, v in parse_qs(urlsplit(self.gather["action"]).query).items()}


def read(xml: bytes) -> Answer:
    root = ElementTree.fromstring(xml)
    assert root.tag == "Response"
    answer = Answer([])

    def heard(element: ElementTree.Element) -> None:
        answer.order.append(element.tag)
        if element.tag == "Say":
            answer.said.append(Said(element.text or "", element.get("voice"),
                                    element.get("language")))
        elif element.tag == "Play":
            answer.said.append(Said("", play=element.text))

    for element in root:
        if element.tag == "Gather":
            answer.gather = dict(element.attrib)
            answer.order.append("Gather")
            for child in element:
                heard(child)
        elif element.tag in ("Say", "Play"):
            heard(element)
        elif element.tag == "Redirect":
            answer.redirect = element.text
            answer.order.append("Redirect")
        elif element.tag == "Record":
            answer.record = dict(element.attrib)
            answer.order.append("Record")
        elif element.tag == "Hangup":
            answer.hangup = True
            answer.order.append("Hangup")
    return answer


def local(url: str) -> str:
    """Return an absolute TwiML URL as the path and query to post to."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == PUBLIC_BASE, url
    return parts.path + (f"?{parts.query}" if parts.query else "")


class Call:
    """One call from ``number`` (None: a hidden number), walked as Twilio would."""

    def __init__(self, client: Any, number: str | None = "+12135550123") -> None:
        self.client = client
        self.number = number
        self.sid = f"CA{uuid.uuid4().hex}"
        self.last: Answer | None = None
        self.recorder: dict[str, str] | None = None  # the last <Record> the line gave

    def form(self, **extra: str) -> dict[str, str]:
        return {"CallSid": self.sid, "AccountSid": "AC" + "0" * 32,
                "From": self.number or "+266696687", "To": HOTLINE,
                "CallStatus": "in-progress", "Direction": "inbound", **extra}

    def post(self, path: str, form: dict[str, str], signature: str | None = None) -> Any:
        headers = {"X-Twilio-Signature": signature or sign(PUBLIC_BASE + path, form)}
        return self.client.post(path, data=form, headers=headers)

    def _answer(self, path: str, **extra: str) -> Answer:
        response = self.post(path, self.form(**extra))
        assert response.status_code == 200, response.data
        assert response.mimetype == "application/xml"
        self.last = read(response.data)
        self.recorder = self.last.record or self.recorder
        return self.last

    def dial(self) -> Answer:
        """The call comes in."""
        return self._answer(VOICE)

    def press(self, key: str) -> Answer:
        """Press a key at the question the line is waiting on."""
        assert self.last is not None and self.last.gather is not None
        return self._answer(local(self.last.gather["action"]), Digits=key)

    def say(self, words: str) -> Answer:
        """Say an answer at the question (speech recognition)."""
        assert self.last is not None and self.last.gather is not None
        return self._answer(local(self.last.gather["action"]), SpeechResult=words,
                            Confidence="0.92")

    def silence(self) -> Answer:
        """Press nothing: Twilio moves on to the <Redirect> after the <Gather>."""
        assert self.last is not None and self.last.redirect is not None
        return self._answer(local(self.last.redirect))

    def finish_recording(self, seconds: int) -> Answer:
        """End the recording (# or hang-up): Twilio posts the <Record> action."""
        assert self.last is not None and self.last.record is not None
        extra = {"RecordingDuration": str(seconds), "Digits": "#"}
        if seconds:
            extra["RecordingUrl"] = self.recording_url
            extra["RecordingSid"] = self.recording_sid
        return self._answer(local(self.last.record["action"]), **extra)

    @property
    def recording_sid(self) -> str:
        return "RE" + self.sid[2:]

    @property
    def recording_url(self) -> str:
        return f"https://api.twilio.com/2010-04-01/Accounts/AC{'0' * 32}/Recordings/" \
               f"{self.recording_sid}"

    def recording_status(self, status: str = "completed", seconds: int = 42) -> Any:
        """Twilio's recording status callback, to the URL the <Record> named."""
        assert self.recorder is not None
        form = {"AccountSid": "AC" + "0" * 32, "CallSid": self.sid,
                "RecordingSid": self.recording_sid, "RecordingUrl": self.recording_url,
                "RecordingStatus": status, "RecordingDuration": str(seconds),
                "RecordingChannels": "1", "RecordingSource": "RecordVerb"}
        return self.post(local(self.recorder["recordingStatusCallback"]), form)
