"""The simulator's call mode: staff walk the voice line's menu as text.

Like the chat, it goes the way a real call does: the page posts what staff pressed
here; this module builds Twilio's voice form, signs it for the voice webhook's public URL
and posts it to ``/twilio/voice`` inside the process, then reads the TwiML back as a
list of what the caller hears (each line with its language and voice, or the recorded
prompt played) and what the line waits for next (a key, a message, or nothing).

A pretend message is never a recording: the simulator tells the voice line a message
of a few seconds was recorded, but sends no recording callback, so it files no
voicemail case. A call-back request does file a real case, as in the chat.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from twilio.request_validator import RequestValidator

from hotline.web.simulator import FAKE_SENDER, HOTLINE_NUMBER, staff_only
from hotline.web.twilio import get_service

log = logging.getLogger(__name__)

bp = Blueprint("call_simulator", __name__, url_prefix="/simulator/call")

#: The voice webhook the simulator calls, as Twilio would.
VOICE_PATH = "/twilio/voice"
#: The keys of a phone's keypad.
KEYPAD = frozenset("0123456789*#")
#: Seconds a pretend message lasts.
PRETEND_SECONDS = 12


def init_app(app: Flask) -> None:
    """Serve the call mode (with the simulator, when it is enabled)."""
    app.register_blueprint(bp)


@bp.post("/step")
@staff_only
def step() -> tuple[Response, int]:
    """Start a pretend call, or press a key, stay silent or leave a pretend message."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return jsonify(error="expected JSON"), 400
    sender = str(data.get("sender", "")).replace(" ", "").replace("-", "")
    if not FAKE_SENDER.match(sender):
        return jsonify(error="the pretend caller must be a fictional number such as "
                             "+1 213 555 0142 (555-0100 to 555-0199)"), 400
    target = str(data.get("url") or VOICE_PATH)
    if urlsplit(target).path != VOICE_PATH or urlsplit(target).netloc:
        return jsonify(error="the simulator only calls the voice line"), 400
    call_sid = str(data.get("call") or "")
    if not (call_sid.startswith("CA") and call_sid[2:].isalnum() and len(call_sid) == 34):
        call_sid = f"CA{uuid.uuid4().hex}"
    form = {"CallSid": call_sid, "AccountSid": _account(), "From": sender,
            "To": HOTLINE_NUMBER, "CallStatus": "in-progress", "Direction": "inbound",
            "ApiVersion": "2010-04-01"}
    key = str(data.get("key") or "")
    if key:
        if key not in KEYPAD:
            return jsonify(error="press one key of the keypad"), 400
        form["Digits"] = key
    speech = str(data.get("speech") or "")[:100]
    if speech:
        form["SpeechResult"], form["Confidence"] = speech, "0.9"
    if data.get("message"):
        form.update(RecordingSid=f"RE{uuid.uuid4().hex}", RecordingDuration=str(PRETEND_SECONDS),
                    RecordingUrl=f"{_base()}/simulator/call/no-recording")
    status, xml = _post(target, form)
    if status != 200:
        return jsonify(error=f"the voice webhook answered {status}", status=status), 502
    return jsonify(call=call_sid, **read_twiml(xml)), 200


def _account() -> str:
    return get_service().settings.twilio_account_sid or "AC" + "0" * 32


def _base() -> str:
    return get_service().settings.public_base_url.rstrip("/") or request.host_url.rstrip("/")


def _post(target: str, form: dict[str, str]) -> tuple[int, bytes]:
    """Post a Twilio-signed voice request to our own webhook; return status and TwiML."""
    base = _base()
    signature = RequestValidator(get_service().settings.twilio_auth_token).compute_signature(
        base + target, form)
    # An in-process WSGI call: the request passes through every layer a Twilio one does.
    response = current_app.test_client().post(target, data=form, base_url=base,
                                              headers={"X-Twilio-Signature": signature})
    if response.status_code != 200:
        log.warning("simulator: the voice webhook answered %d", response.status_code)
    return response.status_code, response.get_data()


def _local(url: str | None) -> str | None:
    """Return a TwiML URL as the path (and query) the simulator posts to next."""
    if not url:
        return None
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _heard(element: ElementTree.Element) -> dict[str, Any]:
    if element.tag == "Play":
        url = (element.text or "").strip()
        return {"kind": "play", "file": url.rsplit("/", 1)[-1],
                "language": urlsplit(url).path.split("/")[-2] if "/" in url else ""}
    return {"kind": "say", "text": element.text or "", "language": element.get("language"),
            "voice": element.get("voice")}


def read_twiml(xml: bytes) -> dict[str, Any]:
    """Read a voice answer as what the caller hears and what the line waits for next."""
    root = ElementTree.fromstring(xml)
    heard: list[dict[str, Any]] = []
    then: dict[str, Any] = {"kind": "hangup"}
    for element in root:
        if element.tag in ("Say", "Play"):
            heard.append(_heard(element))
        elif element.tag == "Gather":
            heard += [_heard(child) for child in element if child.tag in ("Say", "Play")]
            then = {"kind": "keys", "action": _local(element.get("action")),
                    "timeout": element.get("timeout"), "input": element.get("input", "dtmf"),
                    "speech_language": element.get("language")}
        elif element.tag == "Redirect":
            then["silence"] = _local(element.text)
        elif element.tag == "Record":
            then = {"kind": "record", "action": _local(element.get("action")),
                    "max_length": element.get("maxLength"),
                    "finish_on_key": element.get("finishOnKey"),
                    "beep": element.get("playBeep") == "true"}
        elif element.tag == "Hangup":
            then = {"kind": "hangup"}
    return {"heard": heard, "then": then}
