"""Reading .po files: what Babel's lenient parser would skip is reported with its line."""

from __future__ import annotations

from pathlib import Path

from scratch_catalogs import LANGUAGES, before, locales, new_problems, po_of

from hotline.words.check import check, offered_languages
from hotline.words.findings import Kind

__all__ = ["before", "locales"]  # fixtures


def _break(po: Path, old: str, new: str) -> None:
    text = po.read_text(encoding="utf-8")
    assert old in text, old
    po.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_with(po: Path, text: str) -> int:
    lines = po.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if text in line)


def test_bad_quotes_escapes_stray_lines_and_duplicates_are_syntax_errors(locales: Path,
                                                                         before) -> None:  # type: ignore[no-untyped-def]
    es = po_of(locales, "es")
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
    ko = po_of(locales, "ko")
    data = ko.read_bytes().replace("메뉴".encode(), "메뉴".encode("euc-kr"), 1)
    ko.write_bytes(data)
    (problem,) = [p for p in check(locales, ("ko",)).problems if p.kind is Kind.SYNTAX]
    assert "UTF-8" in problem.message and problem.line > 1
