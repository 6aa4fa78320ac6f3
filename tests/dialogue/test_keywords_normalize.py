"""``normalize`` folds what workers type so keywords match, and remembers only the text
it folded last (a turn asks for the same message several times)."""

from __future__ import annotations

from hotline.dialogue import keywords
from hotline.dialogue.keywords import normalize


def test_case_accents_width_and_edge_punctuation_fold_away() -> None:
    assert normalize("Menú!") == normalize("MENU") == normalize("  menu  ") == "menu"
    assert normalize("ＳＴＯＰ") == "stop"
    assert normalize("¡Sí!") == "si"
    assert normalize("최저임금이요") == "최저임금이요"


def test_texts_taking_turns_each_fold_as_they_would_alone() -> None:
    texts = ["Menú!", "Hola", "Menú!", "1", "ＳＴＯＰ", "1", "Hola"]
    expected = [keywords._normalized(t) for t in texts]
    assert [normalize(t) for t in texts] == expected


def test_only_the_last_text_is_remembered() -> None:
    normalize("Mi patrón no me pagó")
    normalize("menu")
    assert keywords._last == ("menu", "menu")
