"""The voice line, called as Twilio calls it: signed posts, TwiML answers, every menu path
in each language, with the voices, languages, gather options and recording attributes
a caller's phone gets."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import PUBLIC_BASE, Phone
from dialing import VOICE, Call, local
from sqlalchemy import text

from hotline.dialogue import spoken
from hotline.dialogue.call import Line, line
from hotline.sessions.jobs import queue as jobs_queue
from hotline.words.catalogs import Catalogs
from hotline.words.speech import say

VOICES = {"ko": ("Polly.Seoyeon-Neural", "ko-KR"), "es": ("Polly.Lupe-Neural", "es-US"),
          "en": ("Polly.Joanna-Neural", "en-US")}
KEY_OF = {"ko": "1", "es": "2", "en": "3"}
CENTER = "(213) 555-0100"


@pytest.fixture
def catalogs(compiled_locales: Path) -> Catalogs:
    return Catalogs(compiled_locales, ("en", "es", "ko"))


def words(catalogs: Catalogs, locale: str, msgid: str, **params: str) -> str:
    return say(catalogs, line(msgid, locale, *params.items()))


def queued(app: Any) -> list[tuple[str, tuple[Any, ...]]]:
    service = app.extensions["hotline"]
    queue = jobs_queue(service.settings.alerts_queue, service.conn)
    return [(job.func_name, tuple(job.args)) for job in queue.jobs]


def cases(app: Any) -> list[Any]:
    return list(app.extensions["hotline"].cases.newest())


def spelled(ref: str) -> str:
    return ", ".join(ref)


# -- the first thing a caller hears --------------------------------------------------------


def test_a_caller_hears_one_short_trilingual_choice_each_sentence_in_its_own_voice(
        client) -> None:  # type: ignore[no-untyped-def]
    answer = Call(client).dial()
    assert [(s.text, s.voice, s.language) for s in answer.said] == [
        ("한국어 안내는 1번을 눌러 주세요.", *VOICES["ko"]),
        ("Para español, oprima 2.", *VOICES["es"]),
        ("For English, press 3.", *VOICES["en"]),
    ]
    gather = answer.gather
    assert gather is not None
    assert gather["numDigits"] == "1" and gather["method"] == "POST"
    assert gather.get("input", "dtmf") == "dtmf"  # no one speech language fits three
    assert answer.state() == {"step": "language", "tries": "0"}
    assert answer.redirect == gather["action"]  # silence asks the same question
    assert answer.order == ["Gather", "Say", "Say", "Say", "Redirect"]


@pytest.mark.parametrize("locale", ["ko", "es", "en"])
def test_choosing_a_language_welcomes_the_caller_and_says_the_menu_in_its_voice(
        client, catalogs: Catalogs, locale: str) -> None:  # type: ignore[no-untyped-def]
    call = Call(client)
    call.dial()
    answer = call.press(KEY_OF[locale])
    assert {(s.voice, s.language) for s in answer.said} == {VOICES[locale]}
    assert answer.texts == [
        words(catalogs, locale, spoken.WELCOME), words(catalogs, locale, spoken.MENU),
        words(catalogs, locale, spoken.MENU_RIGHTS, key="1"),
        words(catalogs, locale, spoken.MENU_MESSAGE, key="2"),
        words(catalogs, locale, spoken.MENU_CALLBACK, key="3"),
        words(catalogs, locale, spoken.MENU_REPEAT, key="0")]
    assert answer.state() == {"step": "menu", "tries": "0", "lang": locale}
    assert answer.gather is not None and answer.gather["numDigits"] == "1"
    if locale != "en":
        assert all(s.text != words(catalogs, "en", m) for s in answer.said
                   for m in (spoken.WELCOME, spoken.MENU))


def test_the_spoken_menu_is_written_in_each_language_for_the_ear(client) -> None:  # type: ignore[no-untyped-def]
    heard = {}
    for locale in ("ko", "es"):
        call = Call(client)
        call.dial()
        heard[locale] = call.press(KEY_OF[locale]).texts
    assert "상담원에게 메시지를 남기시려면 2번을 눌러 주세요." in heard["ko"]
    assert "Para dejarle un mensaje a alguien de nuestro equipo, oprima 2." in heard["es"]


# -- 1: rights ----------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["ko", "es", "en"])
def test_1_says_the_spoken_rights_summary_then_the_menu_again(
        client, catalogs: Catalogs, locale: str) -> None:  # type: ignore[no-untyped-def]
    call = Call(client)
    call.dial()
    call.press(KEY_OF[locale])
    answer = call.press("1")
    summary = [words(catalogs, locale, msgid) for msgid in spoken.RIGHTS]
    assert answer.texts[:len(summary)] == summary
    assert answer.texts[len(summary)] == words(catalogs, locale, spoken.MENU)
    assert {(s.voice, s.language) for s in answer.said} == {VOICES[locale]}
    assert answer.state() == {"step": "menu", "tries": "0", "lang": locale}
    if locale == "ko":
        assert any(t.endswith("8, 3, 3. 5, 2, 6. 4, 6, 3, 6.") for t in answer.texts)


@pytest.mark.parametrize("key", ["0", "*"])
def test_0_or_star_repeats_the_menu(client, catalogs: Catalogs, key: str) -> None:  # type: ignore[no-untyped-def]
    call = Call(client)
    call.dial()
    menu = call.press("2")
    again = call.press(key)
    assert again.texts == menu.texts[1:]  # the menu, without the welcome
    assert again.state() == {"step": "menu", "tries": "0", "lang": "es"}


# -- 2: a message -------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["ko", "es", "en"])
def test_2_says_the_consent_before_the_beep_then_records(
        client, catalogs: Catalogs, locale: str) -> None:  # type: ignore[no-untyped-def]
    call = Call(client)
    call.dial()
    call.press(KEY_OF[locale])
    answer = call.press("2")
    consent = words(catalogs, locale, spoken.RECORD_CONSENT)
    assert answer.texts == [consent, words(catalogs, locale, spoken.RECORD_HOW)]
    assert answer.order == ["Say", "Say", "Record"]  # said before the recording starts
    assert {(s.voice, s.language) for s in answer.said} == {VOICES[locale]}
    record = answer.record
    assert record is not None
    assert record["maxLength"] == "180" and record["playBeep"] == "true"
    assert record["finishOnKey"] == "#" and record["trim"] == "trim-silence"
    assert record["method"] == "POST" and record["recordingStatusCallbackMethod"] == "POST"
    assert record["recordingStatusCallbackEvent"] == "completed absent"
    assert "transcribe" not in record
    callback = record["recordingStatusCallback"]
    assert callback.startswith(f"{PUBLIC_BASE}/twilio/voice/recording?lang={locale}&caller=")
    assert "2135550123" not in callback  # the number travels encrypted
    assert local(record["action"]) == f"{VOICE}?step=recorded&tries=0&lang={locale}"
    if locale == "ko":
        assert "녹음" in consent and "공유되지 않습니다" in consent
    if locale == "es":
        assert "grabar" in consent and "no se comparte" in consent


@pytest.mark.parametrize("locale", ["ko", "es", "en"])
def test_a_recorded_message_is_thanked_and_the_call_ends(
        client, catalogs: Catalogs, locale: str) -> None:  # type: ignore[no-untyped-def]
    call = Call(client)
    call.dial()
    call.press(KEY_OF[locale])
    call.press("2")
    answer = call.finish_recording(35)
    assert answer.texts == [words(catalogs, locale, spoken.MESSAGE_RECORDED),
                            words(catalogs, locale, spoken.GOODBYE)]
    assert answer.hangup and answer.gather is None


def test_a_silent_recording_says_so_and_offers_the_menu_again(client, catalogs: Catalogs) -> None:  # type: ignore[no-untyped-def]
    call = Call(client)
    call.dial()
    call.press("3")
    call.press("2")
    answer = call.finish_recording(0)
    assert answer.texts[0] == words(catalogs, "en", spoken.NOTHING_RECORDED)
    assert answer.texts[1] == words(catalogs, "en", spoken.MENU)
    assert answer.state() == {"step": "menu", "tries": "1", "lang": "en"}


# -- 3: a call back -----------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["ko", "es", "en"])
def test_3_files_a_callback_case_and_reads_its_number_digit_by_digit(
        app, client, catalogs: Catalogs, locale: str) -> None:  # type: ignore[no-untyped-def]
    call = Call(client, "+13235550142")
    call.dial()
    call.press(KEY_OF[locale])
    answer = call.press("3")
    [case] = cases(app)
    assert case.kind == "callback" and case.locale == locale and case.channel == "voice"
    assert case.contact_method == "call" and case.contact == "+13235550142"
    assert answer.texts[:2] == [
        words(catalogs, locale, spoken.CALLBACK_SAVED),
        words(catalogs, locale, spoken.CASE_NUMBER, ref=spelled(case.ref))]
    assert spelled(case.ref) in answer.texts[-2]  # and once more before goodbye
    assert answer.texts[-1] == words(catalogs, locale, spoken.GOODBYE)
    assert answer.hangup
    # alerted as an SMS callback is: its alert job is queued
    assert ("workers.alerts.alert_case", (case.id,)) in queued(app)
    with app.extensions["hotline"].cases.engine.connect() as conn:
        row = repr(tuple(conn.execute(text("SELECT * FROM cases")).one()))
    assert "3235550142" not in row


def test_a_callback_nobody_can_be_alerted_about_says_so_with_the_center_phone(
        overrides: dict[str, Any], catalogs: Catalogs) -> None:
    from hotline.app import create_app

    app = create_app({**overrides, "center_phone": CENTER})
    try:
        call = Call(app.test_client())
        call.dial()
        answer = call.press("3")
        answer = call.press("3")
        assert words(catalogs, "en", spoken.UNREACHED_WITH_PHONE,
                     phone="2, 1, 3. 5, 5, 5. 0, 1, 0, 0") in answer.texts
    finally:
        app.extensions["hotline"].close()


def test_a_callback_while_a_case_is_open_reads_that_case_and_opens_no_other(
        app, client, catalogs: Catalogs) -> None:  # type: ignore[no-untyped-def]
    phone = Phone(client, "+12135550123")
    phone.send("hola")
    phone.send("PERSONA")
    phone.send("1")
    [texted] = cases(app)
    call = Call(client, "+12135550123")
    call.dial()  # the texter's Spanish is remembered: straight to the Spanish menu
    answer = call.press("3")
    assert len(cases(app)) == 1
    assert answer.texts[0] == words(catalogs, "es", spoken.ALREADY_OPEN,
                                    ref=spelled(texted.ref))


def test_a_hidden_number_cannot_ask_for_a_call_back_and_hears_the_menu(
        app, client, catalogs: Catalogs) -> None:  # type: ignore[no-untyped-def]
    call = Call(client, None)
    call.dial()
    call.press("3")
    answer = call.press("3")
    assert cases(app) == []
    assert answer.texts[:2] == [words(catalogs, "en", spoken.NO_CALLER_ID),
                                words(catalogs, "en", spoken.MENU)]
    assert answer.gather is not None


def test_past_cases_per_day_a_call_back_is_refused_and_nothing_is_filed(
        app, client, catalogs: Catalogs) -> None:  # type: ignore[no-untyped-def]
    service = app.extensions["hotline"]
    for _ in range(service.settings.cases_per_day):
        call = Call(client, "+12135550177")
        call.dial()
        call.press("3")
        call.press("3")
        with service.cases.engine.begin() as conn:  # an organizer closed it
            conn.execute(text("UPDATE cases SET status = 'closed'"))
    call = Call(client, "+12135550177")
    call.dial()
    call.press("3")
    answer = call.press("3")
    assert len(cases(app)) == service.settings.cases_per_day
    assert answer.texts[0] == words(catalogs, "en", spoken.CASE_LIMIT)


# -- a remembered language, and the way back ----------------------------------------------


def test_a_worker_who_texted_skips_the_choice_with_a_way_back_in_the_other_voices(
        client, catalogs: Catalogs) -> None:  # type: ignore[no-untyped-def]
    Phone(client, "+12135550155").send("hola, necesito ayuda")
    call = Call(client, "+12135550155")
    answer = call.dial()
    assert answer.texts[0] == words(catalogs, "es", spoken.WELCOME)
    way_back = [(s.text, s.voice) for s in answer.said if s.voice != VOICES["es"][0]]
    assert way_back == [("한국어 안내는 9번을 눌러 주세요.", VOICES["ko"][0]),
                        ("For English, press 9.", VOICES["en"][0])]
    assert answer.state() == {"step": "menu", "tries": "0", "lang": "es", "known": "1"}
    choice = call.press("9")
    assert choice.state() == {"step": "language", "tries": "0"}
    assert call.press("1").texts[0] == words(catalogs, "ko", spoken.WELCOME)


# -- no dead ends -------------------------------------------------------------------------


def test_silence_repeats_the_menu_once_then_the_call_ends_politely(
        app, client, catalogs: Catalogs) -> None:  # type: ignore[no-untyped-def]
    call = Call(client)
    call.dial()
    call.press("1")
    once = call.silence()
    assert once.texts[:2] == [words(catalogs, "ko", spoken.NOTHING_HEARD),
                              words(catalogs, "ko", spoken.MENU)]
    assert once.state()["tries"] == "1"
    end = call.silence()
    assert end.texts == [words(catalogs, "ko", spoken.NO_ANSWER),
                         words(catalogs, "ko", spoken.GOODBYE)]
    assert end.hangup and end.gather is None
    assert queued(app) == []  # not a worker we know by text: nothing to send


def test_a_wrong_key_repeats_once_then_the_call_ends_politely(client, catalogs: Catalogs) -> None:  # type: ignore[no-untyped-def]
    call = Call(client)
    call.dial()
    call.press("2")
    once = call.press("7")
    assert once.texts[0] == words(catalogs, "es", spoken.NOT_AN_OPTION)
    assert once.state() == {"step": "menu", "tries": "1", "lang": "es"}
    end = call.press("#")
    assert end.hangup
    assert end.texts[-1] == words(catalogs, "es", spoken.GOODBYE)


def test_silence_at_the_language_choice_ends_in_every_language(client, catalogs: Catalogs) -> None:  # type: ignore[no-untyped-def]
    call = Call(client)
    call.dial()
    again = call.silence()
    assert [s.language for s in again.said[:3]] == ["ko-KR", "es-US", "en-US"]
    assert again.state() == {"step": "language", "tries": "1"}
    end = call.press("8")
    assert end.hangup
    assert end.texts[-3:] == [words(catalogs, loc, spoken.GOODBYE) for loc in ("ko", "es", "en")]


def test_a_known_texter_who_answers_nothing_gets_the_center_phone_by_text(
        alert_overrides: dict[str, Any], jobs, twilio_api, catalogs: Catalogs,  # type: ignore[no-untyped-def]
        monkeypatch: pytest.MonkeyPatch) -> None:
    from hotline.app import create_app

    monkeypatch.setenv("CENTER_PHONE", CENTER)  # the job reads its settings too

    app = create_app({**alert_overrides, "center_phone": CENTER})
    try:
        client = app.test_client()
        Phone(client, "+12135550166").send("hola")
        call = Call(client, "+12135550166")
        call.dial()
        call.silence()
        end = call.silence()
        assert end.texts == [words(catalogs, "es", spoken.NO_ANSWER),
                             words(catalogs, "es", spoken.WILL_TEXT),
                             words(catalogs, "es", spoken.GOODBYE)]
        jobs.run()
        [sent] = twilio_api.to("+12135550166")
        assert CENTER in sent["Body"] and "derechos laborales" in sent["Body"]
        service = app.extensions["hotline"]
        [record] = service.messages.for_sender("+12135550166")
        assert record.purpose == "after call" and record.key == f"call:{call.sid}"
    finally:
        app.extensions["hotline"].close()


def test_a_known_texter_who_opted_out_is_not_texted(
        alert_overrides: dict[str, Any], jobs, twilio_api, catalogs: Catalogs,  # type: ignore[no-untyped-def]
        monkeypatch: pytest.MonkeyPatch) -> None:
    from hotline.app import create_app

    monkeypatch.setenv("CENTER_PHONE", CENTER)  # the job reads its settings too

    app = create_app({**alert_overrides, "center_phone": CENTER})
    try:
        client = app.test_client()
        phone = Phone(client, "+12135550167")
        phone.send("hello")
        phone.send("STOP")
        call = Call(client, "+12135550167")
        call.dial()
        call.silence()
        end = call.silence()
        assert words(catalogs, "en", spoken.WILL_TEXT) not in end.texts
        jobs.run()
        assert twilio_api.to("+12135550167") == []
    finally:
        app.extensions["hotline"].close()


# -- what is refused ----------------------------------------------------------------------


def test_forged_or_missing_signatures_are_refused_and_nothing_is_filed(
        app, client) -> None:  # type: ignore[no-untyped-def]
    call = Call(client)
    assert call.post(VOICE, call.form(), signature="forged").status_code == 403
    assert client.post(VOICE, data=call.form()).status_code == 403
    path = f"{VOICE}?step=menu&tries=0&lang=en"
    assert call.post(path, call.form(Digits="3"), signature="forged").status_code == 403
    callback = "/twilio/voice/recording?lang=en&caller="
    assert call.post(callback, {"RecordingStatus": "completed"}, "forged").status_code == 403
    assert cases(app) == [] and queued(app) == []


def test_a_form_without_a_call_sid_is_refused(client) -> None:  # type: ignore[no-untyped-def]
    call = Call(client)
    form = call.form()
    del form["CallSid"]
    assert call.post(VOICE, form).status_code == 400


def test_a_tampered_state_starts_the_call_over(client) -> None:  # type: ignore[no-untyped-def]
    call = Call(client)
    for path in (f"{VOICE}?step=nowhere", f"{VOICE}?step=menu&tries=99&lang=en",
                 f"{VOICE}?step=menu&tries=0&lang=xx"):
        response = call.post(path, call.form(Digits="3"))
        assert response.status_code == 200
        assert "For English, press 3." in response.get_data(as_text=True)


# -- speech, and recorded prompts ---------------------------------------------------------


def test_with_speech_on_a_caller_may_say_the_number_in_their_language(
        overrides: dict[str, Any]) -> None:
    from hotline.app import create_app

    app = create_app({**overrides, "voice_speech": True})
    try:
        call = Call(app.test_client())
        call.dial()
        menu = call.press("2")
        assert menu.gather is not None
        assert menu.gather["input"] == "dtmf speech" and menu.gather["language"] == "es-US"
        assert menu.gather["speechTimeout"] == "auto"
        assert call.say("Dos.").record is not None
    finally:
        app.extensions["hotline"].close()


def test_a_recorded_prompt_is_played_instead_of_the_voice(
        overrides: dict[str, Any], compiled_locales: Path, tmp_path: Path,
        catalogs: Catalogs) -> None:
    import shutil

    from hotline.app import create_app

    locales = tmp_path / "locales"
    shutil.copytree(compiled_locales, locales)
    (locales / "ko" / "voice").mkdir()
    audio = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb" * 64
    (locales / "ko" / "voice" / "menu-message-2.mp3").write_bytes(audio)
    (locales / "ko" / "voice" / "menu-rights-7.mp3").write_bytes(audio)  # an old key
    app = create_app({**overrides, "locales_dir": str(locales)})
    try:
        client = app.test_client()
        call = Call(client)
        call.dial()
        menu = call.press("1")
        plays = [s.play for s in menu.said if s.play]
        assert plays == [f"{PUBLIC_BASE}/twilio/voice/prompts/ko/menu-message-2.mp3"]
        assert words(catalogs, "ko", spoken.MENU_RIGHTS, key="1") in menu.texts
        with client.get("/twilio/voice/prompts/ko/menu-message-2.mp3") as served:
            assert served.status_code == 200 and served.data == audio
            assert served.mimetype == "audio/mpeg"
        for bad in ("../en/LC_MESSAGES/messages.mo", "menu-message-2.wav", "x.mp3",
                    "..%2F..%2Fsecret.mp3"):
            assert client.get(f"/twilio/voice/prompts/ko/{bad}").status_code == 404
        assert client.get("/twilio/voice/prompts/../ko/menu-message-2.mp3").status_code == 404
    finally:
        app.extensions["hotline"].close()


def test_a_language_without_a_voice_is_not_offered_on_calls(overrides: dict[str, Any]) -> None:
    from hotline.app import create_app

    app = create_app({**overrides,
                      "voices": "es=Polly.Lupe-Neural/es-US,en=Polly.Joanna-Neural/en-US"})
    try:
        answer = Call(app.test_client()).dial()
        assert [(s.text, s.language) for s in answer.said] == [
            ("Para español, oprima 1.", "es-US"), ("For English, press 2.", "en-US")]
    finally:
        app.extensions["hotline"].close()


def test_voice_names_and_record_length_are_settings(overrides: dict[str, Any]) -> None:
    from hotline.app import create_app

    app = create_app({**overrides, "voices": "en=Google.en-US-Neural2-F/en-US",
                      "voice_record_seconds": 90})
    try:
        call = Call(app.test_client())
        menu = call.dial()  # one language: no choice to make
        assert {(s.voice, s.language) for s in menu.said} == {("Google.en-US-Neural2-F",
                                                                 "en-US")}
        record = call.press("2").record
        assert record is not None and record["maxLength"] == "90"
    finally:
        app.extensions["hotline"].close()


def test_the_case_number_is_never_in_a_recorded_prompt_name() -> None:
    line = Line(spoken.CASE_NUMBER, "ko", (("ref", "4, 8, 2"),))
    assert line.prompt == ""
    assert Line(spoken.MENU_RIGHTS, "ko", (("key", "1"),)).prompt == "menu-rights-1"
    assert re.fullmatch(r"[a-z0-9-]+", Line(spoken.WELCOME, "es").prompt)


def test_once_the_summary_s_dated_entry_runs_out_the_caller_hears_the_rules_changed(
        overrides: dict[str, Any], tmp_path: Path, catalogs: Catalogs) -> None:
    from datetime import date

    from hotline.app import create_app
    from hotline.dialogue.facts import PACKAGED_FILE

    facts = PACKAGED_FILE.read_text(encoding="utf-8").replace(
        'key = "spoken_rights"\n', 'key = "spoken_rights"\neffective = 2024-01-01\n'
        'next_change = 2025-07-01\n')
    (tmp_path / "facts.toml").write_text(facts, encoding="utf-8")
    app = create_app({**overrides, "facts_file": str(tmp_path / "facts.toml")})
    try:
        call = Call(app.test_client())
        call.dial()
        answer = call.press("2")
        answer = call.press("1")
        assert answer.texts[0] == say(catalogs, line(spoken.RIGHTS_CHANGED, "es",
                                                     ("date", date(2025, 7, 1))))
        assert "1 de julio de 2025" in answer.texts[0]
        assert not set(words(catalogs, "es", m) for m in spoken.RIGHTS) & set(answer.texts)
    finally:
        app.extensions["hotline"].close()
