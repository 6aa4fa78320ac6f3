"""Organizers' conversation commands are read from their texts, and nothing else is."""

from __future__ import annotations

import pytest

from hotline.alerts.claims import parse as parse_claim
from hotline.conversations.commands import Command, Verb, parse


@pytest.mark.parametrize(("text", "command"), [
    ("482135 Hi Min, this is Ana", Command(Verb.WRITE, "482135", "Hi Min, this is Ana")),
    ("#482135 hola", Command(Verb.WRITE, "482135", "hola")),
    ("  # 482135: 안녕하세요", Command(Verb.WRITE, "482135", "안녕하세요")),
    ("482 135 see you at 5", Command(Verb.WRITE, "482135", "see you at 5")),
    ("482-135 ok", Command(Verb.WRITE, "482135", "ok")),
    ("４８２１３５ 네", Command(Verb.WRITE, "482135", "네")),  # a Korean keyboard's digits
    ("4821 an older case", Command(Verb.WRITE, "4821", "an older case")),
    ("482135 line one\nline two", Command(Verb.WRITE, "482135", "line one\nline two")),
    ("482135 5 dollars an hour", Command(Verb.WRITE, "482135", "5 dollars an hour")),
    ("482135", Command(Verb.WRITE, "482135", "")),
    ("BYE 482135", Command(Verb.BYE, "482135")),
    ("bye #482135.", Command(Verb.BYE, "482135")),
    ("ADIOS 482135", Command(Verb.BYE, "482135")),
    ("adiós 482135", Command(Verb.BYE, "482135")),
    ("종료 482135", Command(Verb.BYE, "482135")),
    ("OK 482135", None),      # a claim: alerts.claims reads it
    ("DONE 482135", None),    # closing the case: alerts.claims
    ("hello", None),
    ("123 hi", None),         # too short to be a case number
    ("4821355 hi", Command(Verb.WRITE, "4821355", "hi")),  # read, then its check digit fails
    ("BYE", None),
])
def test_conversation_commands_are_read_in_three_languages(text: str,
                                                           command: Command | None) -> None:
    assert parse(text) == command


@pytest.mark.parametrize("text", ["OK 482135", "DONE 482135", "확인 482135", "START"])
def test_claims_keep_their_own_words(text: str) -> None:
    assert parse(text) is None and parse_claim(text) is not None
