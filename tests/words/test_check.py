"""`hotline i18n check`: each kind of mistake staff can make is caught with its file and line.

Every test breaks one thing in a scratch copy of the real catalogs and compares the
findings with those of the untouched copy, so only the broken thing counts.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from click.testing import CliRunner

from hotline.cli import main
from hotline.config import PACKAGE_ROOT
from hotline.dialogue import messages
from hotline.dialogue.keywords import COMMANDS, CONSENT_WORDS, WORDS, Command, Consent, Word
from hotline.words.check import Kind, Problem, check, offered_languages, placeholders
from hotline.words.segments import Encoding

LANGUAGES = ("en", "es", "ko")


@pytest.fixture
def locales(tmp_path: Path) -> Path:
    """A scratch copy of the real catalogs, each .po rewritten once as Babel writes it."""
    target = tmp_path / "locales"
    shutil.copytree(PACKAGE_ROOT / "locales", target)
    for po in target.glob("*/LC_MESSAGES/messages.po"):
        _rewrite(po, lambda catalog: None)
    return target


def _po(locales: Path, locale: str) -> Path:
    return locales / locale / "LC_MESSAGES" / "messages.po"


def _rewrite(po: Path, change) -> None:  # type: ignore[no-untyped-def]
    with po.open("rb") as fh:
        catalog = read_po(fh)
    change(catalog)
    with po.open("wb") as fh:
        write_po(fh, catalog, width=76)


def translate(po: Path, msgid: str, text: str, *, context: str | None = None,
              fuzzy: bool = False, comment: str | None = None) -> int:
    """Set one translation as a staff member would; return the line of its entry."""

    def change(catalog) -> None:  # type: ignore[no-untyped-def]
        message = catalog.get(msgid, context)
        assert message is not None, msgid
        message.string = text
        if fuzzy:
            message.flags.add("fuzzy")
        if comment:
            message.user_comments.append(comment)

    _rewrite(po, change)
    return line_of(po, msgid, context)


def line_of(po: Path, msgid: str, context: str | None = None) -> int:
    """Return the line of an entry (ask after the last edit: rewrapping moves lines)."""
    with po.open("rb") as fh:
        return int(read_po(fh).get(msgid, context).lineno)


def _keys(problems: tuple[Problem, ...]) -> set[tuple[str, str, str]]:
    return {(p.path.name, str(p.kind), p.message) for p in problems}


def new_problems(locales: Path, before: set[tuple[str, str, str]],
                 languages: tuple[str, ...] = LANGUAGES, **options) -> list[Problem]:  # type: ignore[no-untyped-def]
    return [p for p in check(locales, languages, **options).problems
            if (p.path.name, str(p.kind), p.message) not in before]


@pytest.fixture
def before(locales: Path) -> set[tuple[str, str, str]]:
    """What the untouched copy already reports (nothing, once translators are done)."""
    return _keys(check(locales, LANGUAGES).problems)


# -- placeholders ---------------------------------------------------------------------


def test_a_renamed_placeholder_is_reported_at_its_line_and_the_language_is_not_offered(
        locales: Path, before) -> None:  # type: ignore[no-untyped-def]
    es = _po(locales, "es")
    line = translate(es, messages.FILED, "Gracias. Su número de caso es {numero}.")
    (problem,) = new_problems(locales, before)
    assert problem.kind is Kind.PLACEHOLDER and problem.path == es and problem.line == line
    assert "{numero}" in problem.message and "{ref}" in problem.message
    assert str(problem).endswith(f"es/LC_MESSAGES/messages.po:{line}: {problem.message}")
    offered, _ = offered_languages(locales, LANGUAGES)
    assert "es" not in offered and "en" in offered


def test_a_dropped_placeholder_and_a_broken_brace_are_reported(locales: Path, before) -> None:  # type: ignore[no-untyped-def]
    es = _po(locales, "es")
    translate(es, messages.CALLBACK_FILED, "Gracias. Un organizador le llamará.")
    translate(es, messages.FILED, "Gracias. Su número de caso es {ref.")
    dropped, broken = line_of(es, messages.CALLBACK_FILED), line_of(es, messages.FILED)
    found = {p.line: p for p in new_problems(locales, before)}
    assert set(found) == {dropped, broken}
    assert "lacks {ref}" in found[dropped].message
    assert "broken placeholder" in found[broken].message


def test_percent_placeholders_are_compared_too(locales: Path, before) -> None:  # type: ignore[no-untyped-def]
    es = _po(locales, "es")
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
    ko = _po(locales, "ko")
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

    _rewrite(locales / "messages.pot", add)
    _rewrite(_po(locales, "es"), add)
    (problem,) = new_problems(locales, before, ("en", "es"))
    assert problem.kind is Kind.MISSING and not problem.for_workers
    offered, _ = offered_languages(locales, ("en", "es"))
    assert offered == ("en", "es")


def test_an_entry_missing_from_a_catalog_points_at_the_template(locales: Path, before) -> None:  # type: ignore[no-untyped-def]
    _rewrite(_po(locales, "es"), lambda catalog: catalog.delete(messages.DELETED))
    (problem,) = new_problems(locales, before)
    assert problem.path.name == "messages.pot" and problem.kind is Kind.MISSING
    assert "missing from es" in problem.message and "hotline i18n update" in problem.message


def test_english_may_stay_empty_but_a_fuzzy_english_edit_is_reported(locales: Path, before) -> None:  # type: ignore[no-untyped-def]
    en = _po(locales, "en")
    line = translate(en, messages.DELETED, "OK. We deleted your report.", fuzzy=True)
    (problem,) = new_problems(locales, before)
    assert problem.kind is Kind.FUZZY and problem.line == line and problem.locale == "en"


def test_a_language_without_a_catalog_is_reported(locales: Path) -> None:
    result = check(locales, ("en", "tl"))
    (problem,) = [p for p in result.problems if p.locale == "tl"]
    assert "hotline i18n add tl" in problem.message


# -- syntax ---------------------------------------------------------------------------


def _break(po: Path, old: str, new: str) -> None:
    text = po.read_text(encoding="utf-8")
    assert old in text, old
    po.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_with(po: Path, text: str) -> int:
    lines = po.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if text in line)


def test_bad_quotes_escapes_stray_lines_and_duplicates_are_syntax_errors(locales: Path,
                                                                         before) -> None:  # type: ignore[no-untyped-def]
    es = _po(locales, "es")
    _break(es, 'msgstr "AYUDA,', 'msgstr "AY\\qUDA,')
    _break(es, 'msgstr "PARAR,', 'msgstr PARAR,')
    _break(es, '\nmsgid "MENU, MAIN MENU', '\nhello there\nmsgid "MENU, MAIN MENU')
    with es.open("a", encoding="utf-8") as fh:
        fh.write('\nmsgid "Garment"\nmsgstr "Costura"\n')
    found = {p.line: p for p in new_problems(locales, before) if p.kind is Kind.SYNTAX}
    assert "unknown escape \\q" in found[_line_with(es, "AY\\qUDA")].message
    assert "double quotes" in found[_line_with(es, "msgstr PARAR")].message
    assert "not a .po line" in found[_line_with(es, "hello there")].message
    duplicate = len(es.read_text(encoding="utf-8").splitlines()) - 1
    assert "duplicate entry" in found[duplicate].message
    assert len(found) == 4
    offered, _ = offered_languages(locales, LANGUAGES)
    assert "es" not in offered


def test_a_file_that_is_not_utf8_is_reported_with_its_line(locales: Path) -> None:
    ko = _po(locales, "ko")
    data = ko.read_bytes().replace("메뉴".encode(), "메뉴".encode("euc-kr"), 1)
    ko.write_bytes(data)
    (problem,) = [p for p in check(locales, ("ko",)).problems if p.kind is Kind.SYNTAX]
    assert "UTF-8" in problem.message and problem.line > 1


# -- SMS budgets ----------------------------------------------------------------------


LONG_HELP = ("Responda con el número de una opción. En cualquier momento puede enviar: MENÚ "
             "para el menú principal, ATRÁS para regresar, PERSONA para hablar con una "
             "persona, IDIOMA para cambiar de idioma. ¿Emergencia? Llame al 911. Este mensaje "
             "es demasiado largo a propósito, para ver que la revisión lo encuentra y dice "
             "cuántos segmentos cuesta.")


def test_a_reply_over_its_budget_is_reported_at_the_message_that_made_it_long(
        locales: Path, before) -> None:  # type: ignore[no-untyped-def]
    es = _po(locales, "es")
    line = translate(es, messages.HELP, LONG_HELP)
    (problem,) = new_problems(locales, before)
    assert problem.kind is Kind.BUDGET and problem.line == line
    assert "help: 3 SMS segments (GSM-7" in problem.message and "budget of 2" in problem.message
    offered, _ = offered_languages(locales, LANGUAGES)
    assert "es" in offered  # it costs more, but it works: workers keep their language


@pytest.mark.parametrize(("comment", "budget"), [("BUDGET: 3", 3), ("BUDGET: none", None)])
def test_a_budget_comment_raises_the_budget_of_one_message(locales: Path, before,  # type: ignore[no-untyped-def]
                                                           comment: str,
                                                           budget: int | None) -> None:
    es = _po(locales, "es")
    translate(es, messages.HELP, LONG_HELP, comment=comment)
    assert new_problems(locales, before) == []
    report = next(r for r in check(locales, ("es",)).reports if r.locale == "es")
    (cost,) = [c for c in report.costs if c.name == "help"]
    assert cost.budget == budget and cost.segments == 3


def test_the_summary_has_the_budget_its_code_comment_gives(locales: Path) -> None:
    report = next(r for r in check(locales, ("en",)).reports if r.locale == "en")
    budgets = {c.name: c.budget for c in report.costs}
    assert budgets["summary"] == 3 and budgets["help"] == 2


def test_text_that_is_ucs2_only_because_of_a_lookalike_is_flagged_with_the_fix(
        locales: Path) -> None:
    es = _po(locales, "es")
    translate(es, messages.DELETED, "Listo. Su reporte nº 1 fue borrado.")
    report = next(r for r in check(locales, ("es",)).reports if r.locale == "es")
    (cost,) = [c for c in report.costs if c.name == "deleted"]
    assert cost.encoding is Encoding.UCS2 and cost.swaps == (("º", "o"),)
    assert cost.swapped_segments == 1


def test_without_folding_spanish_accents_are_flagged_as_avoidable(locales: Path) -> None:
    report = next(r for r in check(locales, ("es",), fold_accents=False).reports)
    (welcome,) = [c for c in report.costs if c.name == "welcome"]
    assert welcome.encoding is Encoding.UCS2
    assert welcome.swaps and all(alt for _, alt in welcome.swaps)
    folded = next(r for r in check(locales, ("es",)).reports)
    assert next(c for c in folded.costs if c.name == "welcome").encoding is Encoding.GSM7


def test_korean_is_ucs2_and_never_flagged(locales: Path) -> None:
    report = next(r for r in check(locales, ("ko",)).reports)
    assert all(c.encoding is Encoding.UCS2 and not c.swaps for c in report.costs
               if c.name != "language menu")


# -- keywords -------------------------------------------------------------------------


def test_twilio_words_are_refused_outside_the_opt_out_and_opt_in_lists(locales: Path,
                                                                     before) -> None:  # type: ignore[no-untyped-def]
    es = _po(locales, "es")
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
    ko = _po(locales, "ko")
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

    line = translate(_po(locales, "es"), messages.FILED, "Su caso es {numero}.")
    broken = runner.invoke(main, ["i18n", "check", "--lang", "es", "--brief"], env=env)
    assert broken.exit_code == 1
    assert f"es/LC_MESSAGES/messages.po:{line}: placeholders differ" in broken.output
    assert "es: " in broken.output and "translated" in broken.output
    assert "GSM-7 2 SMS" not in broken.output  # --brief
