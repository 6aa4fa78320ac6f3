"""The caller's door: Twilio's voice webhook, its recording callback, recorded prompts.

Thin, like the messaging webhook: verify the signature (same rules, same 403), read the
form and the call's state from the URL, hand them to ``hotline.calls``, answer TwiML.
Each line is said by its language's voice (``VOICES``), or played from the recording staff
made of it. The call's state travels in the URLs of the TwiML itself, so any web process
can take the next request.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, request, send_file, url_for
from twilio.twiml.voice_response import Gather, VoiceResponse

from hotline.calls import Caller, CallLine
from hotline.dialogue.call import Ask, CallState, CallTurn, Heard, Line, Record, Step
from hotline.web.twilio import get_service, twilio_signed
from hotline.words.speech import PROMPT_TYPES, prompt_file, say

log = logging.getLogger(__name__)

bp = Blueprint("voice", __name__)

#: Seconds Twilio waits for a key after the question was said.
GATHER_SECONDS = 6
#: Seconds of silence that end a message being recorded.
RECORD_SILENCE_SECONDS = 10
#: The key that ends a recording (callers are told "press the pound key").
FINISH_KEY = "#"
#: Most tries a URL may carry (anything more is a forged or broken URL: start again).
MAX_TRIES = 5


def get_line() -> CallLine:
    """Return the voice line of this process's service."""
    return CallLine(get_service())


@bp.post("/twilio/voice")
@twilio_signed
def answer() -> Response:
    """Answer a call, or the caller's last key, with TwiML."""
    try:
        caller = Caller.from_form(request.form)
    except ValueError as exc:
        log.warning("refused an unusable Twilio voice form: %s", exc)
        abort(400)
    line = get_line()
    state = state_of(request.args)
    turn = line.answer(state, heard_in(request.form, state, line), caller)
    return Response(twiml(turn, line, caller), mimetype="application/xml")


@bp.post("/twilio/voice/recording")
@twilio_signed
def recording() -> tuple[str, int]:
    """Hear that a message was recorded: queue the voicemail job (or nothing)."""
    args = request.args
    get_line().recorded(request.form, args.get("lang", "")[:16], args.get("caller", ""))
    return "", 204


@bp.get("/twilio/voice/prompts/<locale>/<name>")
def prompt(locale: str, name: str) -> Response:
    """Serve a recorded prompt for Twilio's <Play> (the center's own menu: public)."""
    stem, dot, suffix = name.rpartition(".")
    path = prompt_file(get_service().catalogs.locales_dir, locale, stem) if dot else None
    if path is None or path.suffix != f".{suffix}":
        abort(404)
    response = send_file(path, mimetype=PROMPT_TYPES[path.suffix], max_age=300)
    return response


# -- reading a request --------------------------------------------------------------------


def state_of(args: Mapping[str, str]) -> CallState:
    """Read the call's state from the URL Twilio posted to (a bad one starts over)."""
    try:
        step = Step(args.get("step", Step.START))
        tries = int(args.get("tries", "0"))
    except ValueError:
        return CallState()
    if not 0 <= tries <= MAX_TRIES:
        return CallState()
    locale = args.get("lang") or None
    return CallState(step, locale[:16] if locale else None, tries, args.get("known") == "1")


def heard_in(form: Mapping[str, str], state: CallState, line: CallLine) -> Heard:
    """Read what the caller did: the key pressed, a spoken number, or a recording."""
    if state.step == Step.RECORDED:
        duration = (form.get("RecordingDuration") or "0").strip()
        return Heard(recorded=duration.isdigit() and int(duration) > 0
                     and bool(form.get("RecordingUrl")))
    digits = (form.get("Digits") or "").strip()
    if digits:
        return Heard(digits[:1])
    speech = (form.get("SpeechResult") or "").strip()
    if speech:
        return Heard(line.key_from_speech(speech[:100]) or "?")
    return Heard(None)


# -- writing the answer -------------------------------------------------------------------


def _base() -> str:
    return get_service().settings.public_base_url.rstrip("/") or request.host_url.rstrip("/")


def state_url(state: CallState) -> str:
    """Return the URL that carries a call's state to its next request."""
    params = {"step": str(state.step), "tries": str(state.tries)}
    if state.locale:
        params["lang"] = state.locale
    if state.remembered:
        params["known"] = "1"
    return f"{_base()}{url_for('voice.answer')}?{urlencode(params)}"


def twiml(turn: CallTurn, line: CallLine, caller: Caller) -> str:
    """Write a turn as TwiML: the lines, then a gather, a recording or a hang-up."""
    response = VoiceResponse()
    nxt = turn.next
    target: VoiceResponse | Gather = response
    if isinstance(nxt, Ask):
        url = state_url(nxt.state)
        attributes: dict[str, object] = {"action": url, "method": "POST", "num_digits": 1,
                                         "timeout": GATHER_SECONDS,
                                         "action_on_empty_result": False}
        if line.settings.voice_speech and nxt.state.locale:
            attributes.update(input="dtmf speech", speech_timeout="auto",
                              language=line.voice(nxt.state.locale)[1])
        target = response.gather(**attributes)
    for said in turn.lines:
        _say(target, said, line)
    if isinstance(nxt, Ask):
        response.redirect(state_url(nxt.state), method="POST")  # silence: the same question
    elif isinstance(nxt, Record):
        done = CallState(Step.RECORDED, nxt.locale)
        callback = f"{_base()}{url_for('voice.recording')}?" + urlencode(
            {"lang": nxt.locale, "caller": line.encrypt(caller.number)})
        response.record(action=state_url(done), method="POST",
                        max_length=line.settings.voice_record_seconds,
                        timeout=RECORD_SILENCE_SECONDS, finish_on_key=FINISH_KEY,
                        play_beep=True, trim="trim-silence",
                        recording_status_callback=callback,
                        recording_status_callback_method="POST",
                        recording_status_callback_event="completed absent")
    else:
        response.hangup()
    return str(response.to_xml())


def _say(target: VoiceResponse | Gather, said: Line, line: CallLine) -> None:
    recorded = prompt_file(line.catalogs.locales_dir, said.locale, said.prompt)
    if recorded is not None:
        target.play(f"{_base()}{url_for('voice.prompt', locale=said.locale, name=recorded.name)}")
        return
    voice, language = line.voice(said.locale)
    target.say(say(line.catalogs, said), voice=voice, language=language)
