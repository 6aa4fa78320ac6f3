"""SMS accent folding must not change a Spanish word into another one (pasó → paso)."""

from __future__ import annotations

from pathlib import Path

import pytest
from scratch_catalogs import LANGUAGES, before, locales, new_problems, po_of, rewrite, translate

from hotline.config import PACKAGE_ROOT
from hotline.dialogue import messages
from hotline.dialogue.replies import Reply
from hotline.words.accents import meaning_changes
from hotline.words.catalogs import KEEP_ACCENTS_FLAG, Catalogs, compile_catalog
from hotline.words.check import check
from hotline.words.findings import Kind
from hotline.words.segments import Encoding, measure

__all__ = ["before", "locales"]  # fixtures


@pytest.mark.parametrize(("text", "word", "reads_as"), [
    ("¿Qué pasó?", "pasó", "paso"),
    ("Sí, borrar", "Sí", "si"),
    ("El caso ya está cerrado.", "está", "esta"),
    ("¿Y tú?", "tú", "tu"),
    ("Su reporte quedó guardado.", "quedó", "quedo"),
    ("Los reportes que envió se quedan.", "envió", "envio"),
    ("No funcionó.", "funcionó", "funciono"),
    ("Un organizador se comunicará con usted.", "comunicará", "comunicara"),
    ("Es para mí.", "mí", "mi"),
    ("Aún no le pagan.", "Aún", "aun"),
    ("Lo haré, más tarde lo veo.", "más", "mas"),
    ("Por sí solo no basta.", "sí", "si"),
])
def test_a_word_folding_turns_into_another_is_found(text: str, word: str, reads_as: str) -> None:
    (twin,) = meaning_changes(text)
    assert twin.word == word and twin.reads_as.startswith(reads_as)


@pytest.mark.parametrize("text", [
    "Información del número de teléfono: día y código.",  # accents lost, words kept
    "Lo despidió y no le pagaron.",  # despidio is no other word
    "Trabaja 2 horas o más; más de 8 horas; 1 Más",  # "mas" cannot be "but" here
    "¿Cómo se llama? ¿Dónde queda? ¿Cuándo?",  # the question marks carry the meaning
    "Él sé qué café",  # é is GSM-7: nothing is folded
    "Todavía trabajo ahí",
])
def test_a_word_that_only_loses_its_accent_passes(text: str) -> None:
    assert meaning_changes(text) == []


def test_the_check_flags_a_meaning_changing_fold_at_its_line(locales: Path,
                                                           before) -> None:  # type: ignore[no-untyped-def]
    es = po_of(locales, "es")
    line = translate(es, messages.DELETED, "Está bien. Su reporte se borró y no se compartió.")
    (problem,) = new_problems(locales, before)
    assert problem.kind is Kind.FOLD and problem.path == es and problem.line == line
    assert "Está → esta" in problem.message and "borró" in problem.message
    assert KEEP_ACCENTS_FLAG in problem.message  # says how to keep the accents instead


def test_without_folding_nothing_is_flagged(locales: Path) -> None:
    es = po_of(locales, "es")
    translate(es, messages.DELETED, "Está bien. Su reporte fue borrado.")
    found = check(locales, ("es",), fold_accents=False, costs=False).problems
    assert [p for p in found if p.kind is Kind.FOLD] == []


def test_a_message_flagged_keep_accents_passes_and_goes_out_with_its_accents(
        locales: Path, before) -> None:  # type: ignore[no-untyped-def]
    es = po_of(locales, "es")
    text = "Está bien. Su reporte se borró y no se compartió con nadie."
    translate(es, messages.DELETED, text)

    def flag(catalog) -> None:  # type: ignore[no-untyped-def]
        catalog.get(messages.DELETED).flags.add(KEEP_ACCENTS_FLAG)

    rewrite(es, flag)
    assert new_problems(locales, before) == []
    compile_catalog(es)
    catalogs = Catalogs(locales, LANGUAGES)
    sms = catalogs.render(Reply(messages.DELETED), "es", fold_accents=True)
    assert sms == text and measure(sms).encoding is Encoding.UCS2
    # an unflagged message is still folded to GSM-7
    other = catalogs.render(Reply(messages.DETAILS_NOTED), "es", fold_accents=True)
    assert measure(other).encoding is Encoding.GSM7


def test_the_real_spanish_catalog_folds_without_changing_words() -> None:
    result = check(PACKAGE_ROOT / "locales", ("es",), costs=False)
    assert [str(p) for p in result.problems if p.kind is Kind.FOLD] == []
