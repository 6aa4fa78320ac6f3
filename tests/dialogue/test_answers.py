"""Reading typed answers: option numbers however they are written, phone numbers."""

from __future__ import annotations

import pytest

from hotline.dialogue.answers import numbers, phone


@pytest.mark.parametrize(("text", "found"), [
    ("1", [1]), ("1 3", [1, 3]), ("1,3", [1, 3]), ("13", [1, 3]), ("1 y 3", [1, 3]),
    ("", []), ("one", []), ("1 please", []),
    ("1️⃣", [1]), ("1️⃣ 3️⃣", [1, 3]), ("１", [1]), ("③", [3]), ("2번", [2]), ("3번이요", [3]),
])
def test_option_numbers_are_read_however_they_are_separated(text: str, found: list[int]) -> None:
    assert numbers(text) == found


def test_a_phone_number_is_read_as_e164_or_refused() -> None:
    assert phone("213-380-3700") == "+12133803700"
    assert phone("213-38") is None
    assert phone("hello") is None
