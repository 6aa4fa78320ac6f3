"""`hotline i18n check`: each kind of mistake staff can make is caught with its file and line.

Every test breaks one thing in a scratch copy of the real catalogs and compares the
findings with those of the untouched copy, so only the broken thing counts.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from scratch_catalogs import (
    LANGUAGES,
    before,
    line_of,
    locales,
    new_problems,
    po_of,
    rewrite,
    translate,
)

from hotline.cli import main
from hotline.dialogue import messages
from hotline.dialogue.keywords import COMMANDS, CONSENT_WORDS, WORDS, Command, Consent, Word
from hotline.words.check import check, offered_languages, placeholders
from hotline.words.findings import Kind

__all__ = ["before", "locales"]  # fixtures


# -- placeholders ---------------------------------------------------------------------


def test_a_renamed_placeholder_is_reported_at_its_line_and_the_language_is_not_offered(
        locales: Path, before) -> None:  # type: ignore[no-untyped-def]
    es = po_of(locales, "es")
    line = translate(es, messages.FILED, "Gracias. Su número de caso es {numero}.")
    (problem,) = new_problems(locales, before)
    assert problem.kind is Kind.PLACEHOLDER and problem.path == es and problem.line == line
    assert "{numero}" in problem.message and "{ref}" in problem.message
    assert str(problem).endswith(f"es/LC_MESSAGES/messages.po:{line}: {problem.message}")
    offered, _ = offered_languages(locales, LANGUAGES)
    assert "es" not in offered and "en" in offered


def test_a_dropped_placeholder_and_a_broken_brace_are_reported(locales: Path, before) -> None:  # type: ignore[no-untyped-def]
    es = po_of(locales, "es")
    translate(es, messages.CALLBACK_FILED, "Gracias. Alguien del equipo le va a llamar.")
    translate(es, messages.FILED, "Gracias. Su número de caso es {ref.")
    dropped, broken = line_of(es, messages.CALLBACK_FILED), line_of(es, messages.FILED)
    found = {p.line: p for p in new_problems(locales, before)}
    assert set(found) == {dropped, broken}
    assert "lacks {ref}" in found[dropped].message
    assert "broken placeholder" in found[broken].message


def test_percent_placeholders_are_compared_too(locales: Path, before) -> None:  # type: ignore[no-untyped-def]
    es = po_of(locales, "es")
    line = translate(es, messages.DELETED, "Listo. %(name)s, su reporte fue borrado.")
    (problem,) = new_problems(locales, before)
    assert problem.line == line and "%(name)s" in problem.message


@pytest.mark.parametrize(("text", "found"), [
    ("Your case number is {ref}.", {"{ref}"}),
    ("Hola %(name)s, caso {ref}", {"%(name)s", "{ref}"}),
    ("50% de descuento, 100 %", set()),
    ("{{literal}} braces", set()),
])
def test_placeholders_are_read_the_way_python_formats(text: str, found: set[str]) -> None:
    assert placeholders(text) == found


# -- missing, fuzzy -------------------------------------------------------------------


def test_untranslated_and_fuzzy_entries_are_reported_and_block_the_language(
        locales: Path, before) -> None:  # type: ignore[no-untyped-def]
    ko = po_of(locales, "ko")
    translate(ko, messages.DELETED, "")
    translate(ko, messages.PHOTO_NOTED, "사진 받았어요.", fuzzy=True)
    empty, fuzzy = line_of(ko, messages.DELETED), line_of(ko, messages.PHOTO_NOTED)
    found = {p.line: p for p in new_problems(locales, before)}
    assert found[empty].kind is Kind.MISSING and "untranslated" in found[empty].message
    assert found[fuzzy].kind is Kind.FUZZY
    offered, why = offered_languages(locales, LANGUAGES)
    assert offered == ("en", "es") and {p.locale for p in why} == {"ko"}


def test_an_untranslated_organizer_message_is_reported_but_keeps_the_language_on(
        locales: Path, before) -> None:  # type: ignore[no-untyped-def]
    def add(catalog) -> None:  # type: ignore[no-untyped-def]
        catalog.add("Case {ref} needs a second look", locations=[("hotline/alerts.py", 40)])

    rewrite(locales / "messages.pot", add)
    rewrite(po_of(locales, "es"), add)
    (problem,) = new_problems(locales, before, ("en", "es"))
    assert problem.kind is Kind.MISSING and not problem.for_workers
    offered, _ = offered_languages(locales, ("en", "es"))
    assert offered == ("en", "es")


def test_an_entry_missing_from_a_catalog_points_at_the_template(locales: Path, before) -> None:  # type: ignore[no-untyped-def]
    rewrite(po_of(locales, "es"), lambda catalog: catalog.delete(messages.DELETED))
    (problem,) = new_problems(locales, before)
    assert problem.path.name == "messages.pot" and problem.kind is Kind.MISSING
    assert "missing from es" in problem.message and "hotline i18n update" in problem.message


def test_english_may_stay_empty_but_a_fuzzy_english_edit_is_reported(locales: Path, before) -> None:  # type: ignore[no-untyped-def]
    en = po_of(locales, "en")
    line = translate(en, messages.DELETED, "OK. We deleted your report.", fuzzy=True)
    (problem,) = new_problems(locales, before)
    assert problem.kind is Kind.FUZZY and problem.line == line and problem.locale == "en"


def test_a_language_without_a_catalog_is_reported(locales: Path) -> None:
    result = check(locales, ("en", "tl"))
    (problem,) = [p for p in result.problems if p.locale == "tl"]
    assert "hotline i18n add tl" in problem.message


# -- syntax ---------------------------------------------------------------------------


# -- keywords -------------------------------------------------------------------------


def test_twilio_words_are_refused_outside_the_opt_out_and_opt_in_lists(locales: Path,
                                                                     before) -> None:  # type: ignore[no-untyped-def]
    es = po_of(locales, "es")
    translate(es, COMMANDS[Command.MENU], "MENÚ, MENU, STOP", context="keywords")
    translate(es, COMMANDS[Command.HELP], "AYUDA, HELP", context="keywords")
    translate(es, CONSENT_WORDS[Consent.OPT_OUT], "PARAR, STOP", context="keywords")
    menu = line_of(es, COMMANDS[Command.MENU], "keywords")
    help_ = line_of(es, COMMANDS[Command.HELP], "keywords")
    opt_out = line_of(es, CONSENT_WORDS[Consent.OPT_OUT], "keywords")
    found = {p.line: p for p in new_problems(locales, before)}
    assert set(found) == {menu, help_, opt_out}
    assert found[menu].kind is Kind.KEYWORD
    assert "STOP is a word Twilio answers" in found[menu].message
    assert "HELP is a word Twilio answers" in found[help_].message
    # STOP belongs in the opt-out list; it is reported there only as a repeat of MENU's
    assert "Twilio" not in found[opt_out].message and "also in" in found[opt_out].message


def test_a_word_in_two_keyword_lists_of_one_language_is_refused(locales: Path, before) -> None:  # type: ignore[no-untyped-def]
    ko = po_of(locales, "ko")
    translate(ko, COMMANDS[Command.MENU], "메뉴, 처음", context="keywords")
    line = translate(ko, WORDS[Word.MORE], "더보기, 처음", context="keywords")
    (problem,) = new_problems(locales, before)
    assert problem.line == line and "처음" in problem.message and "also in" in problem.message


# -- the command ----------------------------------------------------------------------


def test_the_command_prints_file_line_problems_and_fails(locales: Path) -> None:
    runner = CliRunner()
    env = {"LOCALES_DIR": str(locales)}
    english = runner.invoke(main, ["i18n", "check", "--lang", "en"], env=env)
    assert english.exit_code == 0, english.output
    assert "check passed" in english.output
    assert "GSM-7 2 SMS" in english.output and "minimum_wage 1/5" in english.output
    assert " left  line " in english.output  # the room left in each reply's budget

    line = translate(po_of(locales, "es"), messages.FILED, "Su caso es {numero}.")
    broken = runner.invoke(main, ["i18n", "check", "--lang", "es", "--brief"], env=env)
    assert broken.exit_code == 1
    assert f"es/LC_MESSAGES/messages.po:{line}: placeholders differ" in broken.output
    assert "es: " in broken.output and "translated" in broken.output
    assert "GSM-7 2 SMS" not in broken.output  # --brief
