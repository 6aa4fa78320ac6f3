"""Reading typed answers: option numbers, phone numbers, echoes clipped for a reply."""

from __future__ import annotations

import pytest

from hotline.dialogue.answers import clip, numbers, one_number, phone


@pytest.mark.parametrize(("text", "found"), [
    ("1", [1]), ("1 3", [1, 3]), ("1,3", [1, 3]), ("13", [1, 3]), ("1 y 3", [1, 3]),
    ("", []), ("one", []), ("1 please", []),
])
def test_option_numbers_are_read_however_they_are_separated(text: str, found: list[int]) -> None:
    assert numbers(text) == found


def test_one_number_is_none_for_several_or_none() -> None:
    assert one_number("2") == 2
    assert one_number("2 3") is None and one_number("hi") is None


def test_a_phone_number_is_read_as_e164_or_refused() -> None:
    assert phone("213-380-3700") == "+12133803700"
    assert phone("213-38") is None
    assert phone("hello") is None


def test_a_long_echo_is_clipped_with_dots() -> None:
    assert clip("Seoul Garden") == "Seoul Garden"
    assert clip("x" * 50) == "x" * 37 + "..."
