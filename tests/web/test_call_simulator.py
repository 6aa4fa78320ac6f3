"""The simulator's call mode: staff walk the voice line's menu through the signed voice
webhook and see each line with its language and voice."""

from __future__ import annotations

from typing import Any

import pytest

from hotline.app import create_app
from hotline.dialogue import spoken
from hotline.dialogue.call import Line
from hotline.words.speech import say

PASSWORD = "correct horse battery"
STEP = "/simulator/call/step"


@pytest.fixture
def sim_app(overrides: dict[str, Any]):  # type: ignore[no-untyped-def]
    app = create_app({**overrides, "simulator_enabled": True, "simulator_password": PASSWORD})
    yield app
    app.extensions["hotline"].close()


@pytest.fixture
def staff(sim_app):  # type: ignore[no-untyped-def]
    client = sim_app.test_client()
    assert client.post("/simulator/login", data={"password": PASSWORD}).status_code == 302
    return client


def step(client: Any, **body: Any) -> Any:
    return client.post(STEP, json={"sender": "+12135550142", **body})


def test_staff_walk_the_call_menu_and_see_each_line_with_its_language_and_voice(
        sim_app, staff) -> None:  # type: ignore[no-untyped-def]
    catalogs = sim_app.extensions["hotline"].catalogs
    first = step(staff).get_json()
    assert [(h["text"], h["language"], h["voice"]) for h in first["heard"]] == [
        ("한국어 안내는 1번을 눌러 주세요.", "ko-KR", "Polly.Seoyeon-Neural"),
        ("Para español, oprima 2.", "es-US", "Polly.Lupe-Neural"),
        ("For English, press 3.", "en-US", "Polly.Joanna-Neural")]
    assert first["then"]["kind"] == "keys"
    assert first["then"]["action"] == "/twilio/voice?step=language&tries=0"
    call = first["call"]

    menu = step(staff, call=call, url=first["then"]["action"], key="1").get_json()
    assert menu["call"] == call
    assert menu["heard"][1]["text"] == say(catalogs, Line(spoken.MENU, "ko"))
    assert {h["voice"] for h in menu["heard"]} == {"Polly.Seoyeon-Neural"}

    silent = step(staff, call=call, url=menu["then"]["silence"]).get_json()
    assert silent["heard"][0]["text"] == say(catalogs, Line(spoken.NOTHING_HEARD, "ko"))

    message = step(staff, call=call, url=silent["then"]["action"], key="2").get_json()
    assert message["heard"][0]["text"] == say(catalogs, Line(spoken.RECORD_CONSENT, "ko"))
    assert message["then"] == {"kind": "record", "max_length": "180",
                               "finish_on_key": "#", "beep": True,
                               "action": "/twilio/voice?step=recorded&tries=0&lang=ko"}
    done = step(staff, call=call, url=message["then"]["action"], message=True).get_json()
    assert [h["text"] for h in done["heard"]] == [
        say(catalogs, Line(spoken.MESSAGE_RECORDED, "ko")),
        say(catalogs, Line(spoken.GOODBYE, "ko"))]
    assert done["then"] == {"kind": "hangup"}
    # a pretend message is not a recording: no voicemail job, no case
    assert sim_app.extensions["hotline"].cases.count() == 0


def test_the_call_mode_is_for_staff_and_the_voice_line_only(sim_app, staff) -> None:  # type: ignore[no-untyped-def]
    assert step(sim_app.test_client()).status_code == 401
    assert step(staff, url="/twilio/messages").status_code == 400
    assert step(staff, url="https://elsewhere.test/twilio/voice").status_code == 400
    assert step(staff, url="/twilio/voice/recording?lang=ko").status_code == 400
    assert staff.post(STEP, json={"sender": "+12135551234"}).status_code == 400
    assert step(staff, key="A", url="/twilio/voice?step=language&tries=0").status_code == 400


def test_the_call_mode_is_off_with_the_simulator(client) -> None:  # type: ignore[no-untyped-def]
    assert step(client).status_code == 404
