"""A worker's message relayed to their organizer: ``[482135] …``, by SMS within an
alert's length (2 segments, cut and said so), by WhatsApp or e-mail whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from hotline.conversations.words import MAX_SEGMENTS, relayed
from hotline.words.catalogs import Catalogs
from hotline.words.segments import measure


@pytest.fixture(scope="module")
def catalogs(compiled_locales: Path) -> Catalogs:
    return Catalogs(compiled_locales, ("en", "es", "ko"))


def test_a_short_message_goes_as_it_is(catalogs: Catalogs) -> None:
    assert relayed(catalogs, "482135", "Salí a las 11", 0, "en", sms=True,
                   fold=True) == "[482135] Sali a las 11"
    assert relayed(catalogs, "482135", "Salí a las 11", 0, "en", sms=False,
                   fold=False) == "[482135] Salí a las 11"


@pytest.mark.parametrize("words", [
    "사장님이 월급을 늦게 줘요. " * 20,
    "They kept my tips and made me work 12 hours without a break. " * 10,
    "x" * 1600,
])
def test_a_long_message_by_sms_is_cut_to_two_segments_and_says_so(
        catalogs: Catalogs, words: str) -> None:
    text = relayed(catalogs, "482135", words, 0, "en", sms=True, fold=True)
    assert measure(text).count <= MAX_SEGMENTS
    assert text.startswith("[482135] " + words[:20])
    assert text.endswith("...\n(cut: the whole message is on the case page)")
    whole = relayed(catalogs, "482135", words, 0, "en", sms=False, fold=False)
    assert whole.startswith(f"[482135] {words.strip()[:500]}")


def test_photos_are_counted_not_linked(catalogs: Catalogs) -> None:
    text = relayed(catalogs, "482135", "look", 2, "es", sms=True, fold=True)
    assert text == "[482135] look\n(fotos: 2, en la pagina del caso)"
    assert "http" not in text
