"""The dialogue engine as a specification: pure tables, no Redis, no Flask, no clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotline.dialogue import flow, messages
from hotline.dialogue.effects import CaseKind, Erase, FileCase, OptIn, OptOut
from hotline.dialogue.engine import Context, Outcome, step
from hotline.dialogue.inbound import Channel, Inbound, Media
from hotline.dialogue.keywords import Command
from hotline.dialogue.language import detect
from hotline.dialogue.session import Draft, Session
from hotline.dialogue.steps import StepId
from hotline.dialogue.topics import TOPICS, TopicId
from hotline.words.catalogs import Catalogs

LANGUAGES = ("en", "es", "ko")
NOW = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
SENDER = "+12135550100"

SAMPLE_FIRST_MESSAGES = [
    ("안녕하세요", "ko"), ("사장님이 월급을 안 줘요", "ko"), ("주급 못 받았어요 어떻게 해야 되나요", "ko"),
    ("식당에서 일하는데 쉬는 시간이 없어요", "ko"), ("최저임금 얼마에요?", "ko"), ("해고 당했어요 ㅠㅠ", "ko"),
    ("서류 없어도 신고할 수 있나요", "ko"), ("overtime 안 줘요", "ko"), ("hi 저 월급 문제 때문에 연락드려요", "ko"),
    ("ㅠㅠ", "ko"), ("hola", "es"), ("Hola buenas tardes", "es"), ("no me pagaron", "es"),
    ("mi patron no me paga las horas extras", "es"),
    ("cuanto es el salario minimo en los angeles", "es"), ("me despidieron por pedir mi pago", "es"),
    ("ayuda porfavor", "es"), ("trabajo en un car wash y no nos dan descanso", "es"),
    ("el dueño se queda con las propinas", "es"), ("hola my boss no me pago el overtime", "es"),
    ("q onda necesito info", "es"), ("hello", "en"), ("my boss didnt pay me for 2 weeks", "en"),
    ("what is minimum wage in LA", "en"), ("i got fired after i asked about my check", "en"),
    ("they take our tips", "en"), ("hi", None), ("1", None), ("ok", None), ("👍", None), ("?", None),
]


@pytest.fixture(scope="module")
def ctx(compiled_locales: Path) -> Context:
    catalogs = Catalogs(compiled_locales, LANGUAGES)
    return Context(catalogs.lexicon((str(t.id), t.keywords) for t in TOPICS), LANGUAGES)


class Talk:
    """Drive the engine like a phone: each message a minute after the last."""

    def __init__(self, ctx: Context, session: Session | None = None) -> None:
        self.ctx = ctx
        self.session = session or Session()
        self.now = NOW
        self.n = 0

    def send(self, text: str, *, media: tuple[Media, ...] = (),
             after: timedelta = timedelta(minutes=1)) -> Outcome:
        self.n += 1
        self.now += after
        inbound = Inbound(f"SM{self.n}", Channel.SMS, SENDER, text, media)
        outcome = step(self.session, inbound, self.now, self.ctx)
        self.session = outcome.session
        return outcome


def ids(outcome: Outcome) -> list[str]:
    return [r.msgid for r in outcome.replies]


def talk_in(ctx: Context, locale: str) -> Talk:
    talk = Talk(ctx, Session(locale=locale))
    talk.send({"en": "MENU", "es": "MENÚ", "ko": "메뉴"}[locale])
    assert talk.session.step == StepId.MENU
    return talk


@pytest.mark.parametrize(("text", "expected"), SAMPLE_FIRST_MESSAGES)
def test_first_messages_pick_the_language_or_ask(text: str, expected: str | None) -> None:
    assert detect(text) == expected


@pytest.mark.parametrize(("text", "expected"), SAMPLE_FIRST_MESSAGES)
def test_a_first_message_gets_the_disclaimer_in_its_language_or_the_choice(
        ctx: Context, text: str, expected: str | None) -> None:
    outcome = Talk(ctx).send(text)
    if expected is None:
        assert outcome.session.step == StepId.LANGUAGE
        assert outcome.replies[0].every_language
    else:
        assert outcome.session.locale == expected
        assert ids(outcome)[0] == messages.WELCOME
        assert len(outcome.replies) == 2


def test_a_question_in_the_first_message_is_answered_straight_away(ctx: Context) -> None:
    outcome = Talk(ctx).send("최저임금 얼마에요?")
    assert outcome.session.step == StepId.TOPIC
    assert outcome.session.topic == TopicId.MINIMUM_WAGE


def test_the_language_choice_takes_numbers_and_names(ctx: Context) -> None:
    for answer, locale in (("1", "en"), ("2", "es"), ("3", "ko"), ("español", "es"),
                           ("ESPANOL", "es"), ("한국어", "ko")):
        talk = Talk(ctx)
        talk.send("👍")
        outcome = talk.send(answer)
        assert outcome.session.locale == locale
        assert ids(outcome)[0] == messages.WELCOME


def test_an_unclear_answer_to_the_language_choice_asks_again(ctx: Context) -> None:
    talk = Talk(ctx)
    talk.send("ok")
    outcome = talk.send("7")
    assert outcome.session.step == StepId.LANGUAGE and outcome.replies[0].every_language


GLOBAL_WORDS = {
    Command.MENU: ("MENU", "menú", "메뉴"),
    Command.BACK: ("BACK", "ATRÁS", "atras", "뒤로"),
    Command.HELP: ("HELP", "AYUDA", "도움"),
    Command.PERSON: ("PERSON", "PERSONA", "HUMANO", "상담원"),
    Command.LANGUAGE: ("LANGUAGE", "IDIOMA", "언어"),
}
STATES = [StepId.MENU, StepId.RIGHTS, StepId.TOPIC, *flow.QUESTIONS, StepId.CONFIRM,
          StepId.FIX, StepId.RESUME]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize(("command", "word"),
                         [(c, w) for c, words in GLOBAL_WORDS.items() for w in words])
def test_global_keywords_work_in_every_language_and_every_state(
        ctx: Context, state: StepId, command: Command, word: str) -> None:
    history = (StepId.MENU, StepId.INDUSTRY)
    session = Session(locale="ko", step=state, history=history, topic="overtime",
                      draft=Draft(industry="restaurant"), updated=int(NOW.timestamp()))
    outcome = step(session, Inbound("SM1", Channel.SMS, SENDER, word), NOW, ctx)
    assert outcome.replies
    after = outcome.session
    if command is Command.MENU:
        assert after.step == StepId.MENU and after.draft.industry == "restaurant"
    elif command is Command.BACK:
        assert after.step == StepId.INDUSTRY and after.history == (StepId.MENU,)
    elif command is Command.HELP:
        assert ids(outcome)[0] == messages.HELP and after.step == state
    elif command is Command.PERSON:
        assert after.step == StepId.CALLBACK_CONTACT
    else:
        assert after.step == StepId.LANGUAGE and outcome.replies[0].every_language


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize(("word", "locale"), [("ENGLISH", "en"), ("ESPAÑOL", "es"),
                                              ("espanol", "es"), ("한국어", "ko")])
def test_a_language_word_switches_language_and_keeps_the_place(
        ctx: Context, state: StepId, word: str, locale: str) -> None:
    session = Session(locale="en" if locale != "en" else "ko", step=state, topic="overtime",
                      draft=Draft(industry="garment"), updated=int(NOW.timestamp()))
    outcome = step(session, Inbound("SM1", Channel.SMS, SENDER, word), NOW, ctx)
    assert outcome.session.locale == locale
    assert outcome.session.step == state and outcome.session.draft.industry == "garment"


def test_a_sentence_that_contains_a_keyword_is_not_a_command(ctx: Context) -> None:
    talk = talk_in(ctx, "en")
    talk.send("2")
    talk.send("1")
    outcome = talk.send("Back Alley Kitchen")
    assert outcome.session.draft.employer == "Back Alley Kitchen"


def test_the_language_menu_is_labelled_in_every_language(ctx: Context) -> None:
    talk = talk_in(ctx, "ko")
    outcome = talk.send("4")
    assert outcome.session.step == StepId.LANGUAGE
    outcome = talk.send("2")
    assert outcome.session.locale == "es" and outcome.session.step == StepId.MENU


def test_a_language_switch_mid_report_keeps_the_answers(ctx: Context) -> None:
    talk = talk_in(ctx, "en")
    for text in ("2", "3", "Fashion District shop"):
        talk.send(text)
    talk.send("IDIOMA")
    outcome = talk.send("3")
    assert outcome.session.locale == "ko"
    assert outcome.session.step == StepId.LOCATION
    assert outcome.session.draft.employer == "Fashion District shop"


def test_a_full_report_files_one_case_with_every_answer(ctx: Context) -> None:
    talk = talk_in(ctx, "es")
    photo = Media("https://api.twilio.com/m/1", "image/jpeg")
    answers = ["2", "1", "Taqueria Sol", "Vermont y 3", "1 3 8", "No me pagan las extras",
               "", "listo", "3", "2", "4", "(213) 555-0142", "Luis", "1"]
    for text in answers:
        outcome = talk.send(text, media=(photo,) if text == "" else ())
        assert outcome.replies, text
        assert not outcome.effects
    assert talk.session.step == StepId.CONFIRM
    outcome = talk.send("1")
    (effect,) = outcome.effects
    assert isinstance(effect, FileCase)
    assert effect == FileCase(
        kind=CaseKind.REPORT, locale="es", channel="sms", sender=SENDER,
        contact_method="other", contact_number="+12135550142", industry="restaurant",
        employer="Taqueria Sol", location="Vermont y 3", issues=("unpaid", "overtime", "safety"),
        details=("No me pagan las extras",), when="this_year", still_working=False,
        name="Luis", consent=True, media=(effect.media[0],))
    assert outcome.replies[0].needs_ref
    assert outcome.session.draft.is_empty() and outcome.session.step == StepId.MENU


def test_saying_no_to_sharing_deletes_the_report(ctx: Context) -> None:
    talk = talk_in(ctx, "en")
    for text in ("2", "5", "0", "0", "9", "1", "1", "1", "5", "0"):
        talk.send(text)
    assert talk.session.step == StepId.CONSENT
    outcome = talk.send("2")
    assert ids(outcome)[0] == messages.DELETED
    assert outcome.session.draft.is_empty() and not outcome.effects


def test_change_something_reopens_one_answer_then_returns_to_the_summary(ctx: Context) -> None:
    talk = talk_in(ctx, "en")
    for text in ("2", "1", "Old Name", "0", "2", "1", "1", "1", "1", "0", "1"):
        talk.send(text)
    assert talk.session.step == StepId.CONFIRM
    talk.send("2")
    assert talk.send("2").session.step == StepId.EMPLOYER
    outcome = talk.send("New Name")
    assert outcome.session.step == StepId.CONFIRM
    assert outcome.session.draft.employer == "New Name"


def test_a_wrong_answer_re_asks_with_the_options(ctx: Context) -> None:
    talk = talk_in(ctx, "en")
    talk.send("2")
    outcome = talk.send("banana")
    assert outcome.session.step == StepId.INDUSTRY
    assert outcome.replies[0].prefix == messages.NOT_UNDERSTOOD
    assert len(outcome.replies[0].options) == len(flow.INDUSTRIES)


def test_a_bad_phone_number_is_asked_again(ctx: Context) -> None:
    talk = Talk(ctx, Session(locale="en", step=StepId.CALLBACK_NUMBER,
                             updated=int(NOW.timestamp())))
    outcome = talk.send("12")
    assert outcome.session.step == StepId.CALLBACK_NUMBER
    assert outcome.replies[0].prefix == messages.BAD_NUMBER
    outcome = talk.send("323-555-0187")
    assert outcome.effects[0].contact_number == "+13235550187"


def test_a_callback_request_is_a_short_path(ctx: Context) -> None:
    talk = talk_in(ctx, "ko")
    talk.send("3")
    outcome = talk.send("2")
    (effect,) = outcome.effects
    assert effect.kind == CaseKind.CALLBACK and effect.contact_method == "call"
    assert effect.contact_number == SENDER


def test_topics_continue_with_more_and_go_back_to_the_list(ctx: Context) -> None:
    talk = talk_in(ctx, "en")
    talk.send("1")
    outcome = talk.send("3")
    assert outcome.session.topic == TopicId.OVERTIME and outcome.session.part == 0
    assert talk.send("more").session.part == 1
    assert talk.send("1").session.part == 2
    assert talk.send("2").session.step == StepId.RIGHTS
    assert talk.send("0").session.step == StepId.MENU


def test_after_the_idle_time_a_new_conversation_starts_with_the_disclaimer(ctx: Context) -> None:
    talk = talk_in(ctx, "es")
    talk.send("1")
    outcome = talk.send("hola", after=timedelta(hours=3))
    assert ids(outcome)[0] == messages.WELCOME
    assert outcome.session.step == StepId.MENU and outcome.session.locale == "es"


def test_a_worker_returning_mid_report_may_continue_or_start_over(ctx: Context) -> None:
    talk = talk_in(ctx, "ko")
    for text in ("2", "2", "한아름"):
        talk.send(text)
    outcome = talk.send("안녕하세요", after=timedelta(hours=5))
    assert ids(outcome) == [messages.WELCOME, messages.RESUME]
    outcome = talk.send("1")
    assert outcome.session.step == StepId.LOCATION
    assert outcome.session.draft.employer == "한아름"

    talk.send("메뉴")
    talk.send("2")
    assert talk.session.step == StepId.RESUME
    outcome = talk.send("2")
    assert outcome.session.step == StepId.INDUSTRY and outcome.session.draft.is_empty()


def test_an_unfinished_report_is_dropped_after_it_has_been_kept_long_enough(
        ctx: Context) -> None:
    talk = talk_in(ctx, "en")
    talk.send("2")
    talk.send("1")
    outcome = talk.send("hello", after=timedelta(days=4))
    assert outcome.session.draft.is_empty() and outcome.session.step == StepId.MENU


def test_no_question_expects_a_word_twilio_intercepts(ctx: Context) -> None:
    reserved = {"stop", "end", "cancel", "quit", "unsubscribe", "start", "yes", "info",
                "stopall", "unstop"}
    assert not reserved & set(ctx.lexicon.commands)
    for words in ctx.lexicon.words.values():
        for listed in words.values():
            assert not reserved & listed


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture],
          deadline=None)
@given(st.lists(st.one_of(st.text(max_size=40), st.sampled_from(
    ["1", "2", "3", "0", "9", "menu", "메뉴", "BACK", "ayuda", "1 3", "more", "listo", "4",
     "persona", "english", "한국어", ""])), min_size=1, max_size=25))
def test_any_sequence_of_messages_always_gets_an_answer(ctx: Context, texts: list[str]) -> None:
    """…unless the sender opted out: then silence until START (issue 12 §3)."""
    talk = Talk(ctx)
    for text in texts:
        silent = talk.session.opted_out
        outcome = talk.send(text)
        opt = any(isinstance(e, OptOut | OptIn) for e in outcome.effects)
        assert outcome.replies or opt or silent, text
        if silent and not opt:
            assert outcome.replies == () and outcome.effects == ()
        if talk.session.locale is None and not opt:
            assert talk.session.step in (StepId.LANGUAGE, StepId.START)
        assert talk.session.locale in (None, *LANGUAGES)
        restored = Session.from_json(outcome.session.to_json())
        assert restored == outcome.session


@pytest.mark.parametrize(("word", "answered"), [("STOP", False), ("parar", True), ("ALTO", True),
                                                ("중지", True), ("수신거부", True)])
def test_stop_words_are_recorded_in_any_state(ctx: Context, word: str, answered: bool) -> None:
    talk = talk_in(ctx, "es")
    talk.send("2")
    outcome = talk.send(word)
    assert outcome.effects == (OptOut(SENDER),)
    assert bool(outcome.replies) is answered  # Twilio answers its own words itself
    assert outcome.session.draft == talk.session.draft


def test_start_lifts_the_opt_out(ctx: Context) -> None:
    outcome = talk_in(ctx, "en").send("START")
    assert outcome.effects == (OptIn(SENDER),) and not outcome.replies


def test_a_sentence_with_stop_in_it_is_an_ordinary_message(ctx: Context) -> None:
    talk = talk_in(ctx, "en")
    talk.send("2")
    talk.send("1")
    outcome = talk.send("Stop and Shop Market")
    assert not outcome.effects and outcome.session.draft.employer == "Stop and Shop Market"


@pytest.mark.parametrize(("word", "locale"), [("DELETE", "en"), ("borrar", "es"), ("삭제", "ko")])
def test_erase_asks_first_then_erases(ctx: Context, word: str, locale: str) -> None:
    talk = talk_in(ctx, locale)
    talk.send("2")
    asked = talk.send(word)
    assert asked.session.step == StepId.ERASE and not asked.effects
    assert ids(asked) == [messages.ERASE_CONFIRM]
    done = talk.send("1")
    assert done.effects == (Erase(SENDER),) and ids(done) == [messages.ERASED]
    assert done.session.draft.is_empty()


def test_erase_can_be_called_off(ctx: Context) -> None:
    talk = talk_in(ctx, "ko")
    talk.send("2")
    talk.send("삭제")
    outcome = talk.send("2")
    assert not outcome.effects and outcome.session.step == StepId.INDUSTRY
