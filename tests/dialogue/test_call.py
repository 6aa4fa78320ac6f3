"""The voice line's call flow, as a pure function: what a caller hears after each key."""

from __future__ import annotations

import pytest

from hotline.dialogue import call, spoken
from hotline.dialogue.call import (
    Ask,
    CallContext,
    CallState,
    CallTurn,
    EndUnanswered,
    Hangup,
    Heard,
    Line,
    Record,
    RequestCallback,
    Step,
    answer,
    spell,
)

THREE = CallContext(("ko", "es", "en"))
MENU_KO = CallState(Step.MENU, "ko")


def msgids(turn: CallTurn) -> list[str]:
    return [line.msgid for line in turn.lines]


def test_a_new_caller_is_asked_for_the_language_one_sentence_each() -> None:
    turn = answer(CallState(), Heard(), THREE)
    assert turn.lines == (Line(spoken.CHOOSE_LANGUAGE, "ko", (("digit", "1"),)),
                          Line(spoken.CHOOSE_LANGUAGE, "es", (("digit", "2"),)),
                          Line(spoken.CHOOSE_LANGUAGE, "en", (("digit", "3"),)))
    assert turn.next == Ask(CallState(Step.LANGUAGE))


def test_a_remembered_language_skips_the_choice_and_keeps_a_way_back() -> None:
    turn = answer(CallState(), Heard(), CallContext(("ko", "es", "en"), remembered="es"))
    assert msgids(turn)[:2] == [spoken.WELCOME, spoken.MENU]
    assert {line.locale for line in turn.lines[:6]} == {"es"}
    assert turn.lines[6:] == (Line(spoken.CHOOSE_LANGUAGE, "ko", (("digit", "9"),)),
                              Line(spoken.CHOOSE_LANGUAGE, "en", (("digit", "9"),)))
    assert turn.next == Ask(CallState(Step.MENU, "es", 0, remembered=True))
    back = answer(CallState(Step.MENU, "es", 0, True), Heard("9"), THREE)
    assert back.next == Ask(CallState(Step.LANGUAGE))


def test_a_remembered_language_not_on_the_voice_line_is_asked_for() -> None:
    turn = answer(CallState(), Heard(), CallContext(("ko", "es", "en"), remembered="tl"))
    assert turn.next == Ask(CallState(Step.LANGUAGE))


def test_one_language_needs_no_choice_and_no_way_back() -> None:
    ctx = CallContext(("en",))
    turn = answer(CallState(), Heard(), ctx)
    assert msgids(turn)[0] == spoken.WELCOME
    assert spoken.CHOOSE_LANGUAGE not in msgids(turn)
    assert answer(CallState(Step.MENU, "en"), Heard("9"), ctx).lines[0].msgid == \
        spoken.NOT_AN_OPTION


@pytest.mark.parametrize(("key", "locale"), [("1", "ko"), ("2", "es"), ("3", "en")])
def test_each_key_of_the_choice_picks_its_language(key: str, locale: str) -> None:
    turn = answer(CallState(Step.LANGUAGE), Heard(key), THREE)
    assert {line.locale for line in turn.lines} == {locale}
    assert turn.next == Ask(CallState(Step.MENU, locale))
    assert msgids(turn) == [spoken.WELCOME, spoken.MENU, spoken.MENU_RIGHTS,
                            spoken.MENU_MESSAGE, spoken.MENU_CALLBACK, spoken.MENU_REPEAT]
    assert [dict(line.params).get("key") for line in turn.lines] == [None, None, "1", "2", "3",
                                                                     "0"]


def test_the_menu_keys() -> None:
    rights = answer(MENU_KO, Heard("1"), THREE)
    assert msgids(rights)[:len(spoken.RIGHTS)] == list(spoken.RIGHTS)
    assert rights.next == Ask(MENU_KO)
    message = answer(MENU_KO, Heard("2"), THREE)
    assert msgids(message) == [spoken.RECORD_CONSENT, spoken.RECORD_HOW]
    assert message.next == Record("ko")
    callback = answer(MENU_KO, Heard("3"), THREE)
    assert callback.effect == RequestCallback("ko") and callback.lines == ()
    for key in ("0", "*"):
        again = answer(CallState(Step.MENU, "ko", tries=1), Heard(key), THREE)
        assert msgids(again)[0] == spoken.MENU and again.next == Ask(MENU_KO)


@pytest.mark.parametrize("heard, sorry", [(Heard(None), spoken.NOTHING_HEARD),
                                          (Heard("7"), spoken.NOT_AN_OPTION),
                                          (Heard("#"), spoken.NOT_AN_OPTION),
                                          (Heard("?"), spoken.NOT_AN_OPTION)])
def test_a_miss_repeats_the_menu_once_then_the_call_ends(heard: Heard, sorry: str) -> None:
    once = answer(MENU_KO, heard, THREE)
    assert msgids(once)[:2] == [sorry, spoken.MENU]
    assert once.next == Ask(CallState(Step.MENU, "ko", tries=1))
    twice = answer(CallState(Step.MENU, "ko", tries=1), heard, THREE)
    assert msgids(twice) == [spoken.NO_ANSWER, spoken.GOODBYE]
    assert twice.next == Hangup() and twice.effect == EndUnanswered("ko")


def test_a_miss_at_the_choice_is_said_in_every_language() -> None:
    once = answer(CallState(Step.LANGUAGE), Heard("8"), THREE)
    assert [(line.msgid, line.locale) for line in once.lines[:3]] == [
        (spoken.NOT_AN_OPTION, "ko"), (spoken.NOT_AN_OPTION, "es"), (spoken.NOT_AN_OPTION, "en")]
    twice = answer(CallState(Step.LANGUAGE, tries=1), Heard(None), THREE)
    assert twice.effect == EndUnanswered(None) and twice.next == Hangup()
    assert [line.locale for line in twice.lines] == ["ko", "es", "en", "ko", "es", "en"]


def test_a_recording_ends_the_call_and_a_silent_one_offers_the_menu() -> None:
    done = answer(CallState(Step.RECORDED, "es"), Heard(recorded=True), THREE)
    assert msgids(done) == [spoken.MESSAGE_RECORDED, spoken.GOODBYE] and done.next == Hangup()
    empty = answer(CallState(Step.RECORDED, "es"), Heard(recorded=False), THREE)
    assert msgids(empty)[:2] == [spoken.NOTHING_RECORDED, spoken.MENU]
    assert empty.next == Ask(CallState(Step.MENU, "es", tries=1))


def test_a_state_in_a_language_no_longer_offered_starts_over() -> None:
    turn = answer(CallState(Step.MENU, "tl"), Heard("2"), THREE)
    assert turn.next == Ask(CallState(Step.LANGUAGE))


STATES = [CallState(step, locale, tries, remembered)
          for step in Step for locale in (None, "ko", "en", "xx")
          for tries in (0, 1, 4) for remembered in (False, True)]
HEARD = [Heard(key) for key in (None, *"0123456789*#?")] + [Heard(recorded=True)]


@pytest.mark.parametrize("state", STATES, ids=str)
def test_no_dead_ends(state: CallState) -> None:
    """Whatever comes, the caller hears something and can go on, or hears goodbye."""
    for heard in HEARD:
        turn = answer(state, heard, THREE)
        if isinstance(turn.effect, RequestCallback):
            continue  # its words come once the request is filed
        assert turn.lines, (state, heard)
        if isinstance(turn.next, Hangup):
            assert turn.lines[-1].msgid == spoken.GOODBYE
        elif isinstance(turn.next, Ask):
            assert turn.next.state.tries <= call.REPEATS
        assert all(line.locale in THREE.locales for line in turn.lines)


def test_words_after_a_call_back_request() -> None:
    filed = call.callback_filed("ko", "482135", reachable=True, phone="")
    assert msgids(filed) == [spoken.CALLBACK_SAVED, spoken.CASE_NUMBER,
                             spoken.CASE_NUMBER_AGAIN, spoken.GOODBYE]
    assert dict(filed.lines[1].params) == {"ref": "4, 8, 2, 1, 3, 5"}
    alone = call.callback_filed("es", "482135", reachable=False, phone="(213) 555-0100")
    assert alone.lines[2] == Line(spoken.UNREACHED_WITH_PHONE, "es",
                                  (("phone", "2, 1, 3. 5, 5, 5. 0, 1, 0, 0"),))
    assert call.callback_filed("es", "482135", reachable=False, phone="").lines[2].msgid == \
        spoken.UNREACHED
    assert msgids(call.callback_refused("en", ""))[0] == spoken.CASE_LIMIT
    assert msgids(call.callback_refused("en", "213"))[0] == spoken.CASE_LIMIT_WITH_PHONE
    assert msgids(call.callback_already_open("en", "4821"))[0] == spoken.ALREADY_OPEN
    again = call.callback_impossible(RequestCallback("en", True), spoken.SAVE_FAILED, THREE)
    assert msgids(again)[:2] == [spoken.SAVE_FAILED, spoken.MENU]
    assert again.next == Ask(CallState(Step.MENU, "en", 0, True))


def test_an_unanswered_call_that_is_texted_says_so_and_carries_no_effect() -> None:
    texted = call.unanswered("ko", THREE.locales, texted=True)
    assert msgids(texted) == [spoken.NO_ANSWER, spoken.WILL_TEXT, spoken.GOODBYE]
    assert texted.effect is None


@pytest.mark.parametrize("number, spoken_as", [("482135", "4, 8, 2, 1, 3, 5"),
                                                ("4821", "4, 8, 2, 1"),
                                                ("+1 (213) 555-0100", "1. 2, 1, 3. 5, 5, 5. 0, 1, 0, 0"),
                                                ("833-526-4636", "8, 3, 3. 5, 2, 6. 4, 6, 3, 6")])
def test_numbers_are_spelled_digit_by_digit(number: str, spoken_as: str) -> None:
    assert spell(number) == spoken_as


def test_recorded_prompt_names_carry_their_key_and_never_a_case_number() -> None:
    assert Line(spoken.MENU_MESSAGE, "ko", (("key", "2"),)).prompt == "menu-message-2"
    assert Line(spoken.CHOOSE_LANGUAGE, "es", (("digit", "9"),)).prompt == "choose-language-9"
    assert Line(spoken.GOODBYE, "es").prompt == "goodbye"
    welcome = call.line(spoken.WELCOME, "es")
    assert welcome.params == (("emergency", "9, 1, 1"),) and welcome.prompt == "welcome"
    assert Line(spoken.CASE_NUMBER, "es", (("ref", "1, 2"),)).prompt == ""
    assert Line(spoken.UNREACHED_WITH_PHONE, "es", (("phone", "1"),)).prompt == ""
    names = list(spoken.PROMPT_NAMES.values())
    assert len(names) == len(set(names))


def test_once_the_summary_s_rules_change_the_caller_hears_so_instead_of_old_rules() -> None:
    from datetime import date

    ctx = CallContext(("ko", "es", "en"), rights_changed=date(2027, 1, 1))
    turn = answer(MENU_KO, Heard("1"), ctx)
    assert turn.lines[0] == Line(spoken.RIGHTS_CHANGED, "ko", (
        ("date", date(2027, 1, 1)), ("labor", "8, 3, 3. 5, 2, 6. 4, 6, 3, 6")))
    assert not set(spoken.RIGHTS) & set(msgids(turn))
    assert turn.lines[0].prompt == ""  # a date is said by the voice
