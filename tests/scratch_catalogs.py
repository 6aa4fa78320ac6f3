"""Scratch copies of the real catalogs for tests that break one thing and look for it.

Each test edits a copy as a staff member would and compares the findings of
``hotline i18n check`` with those of the untouched copy, so only the broken thing counts.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from hotline.config import PACKAGE_ROOT
from hotline.words.check import check
from hotline.words.findings import Problem

LANGUAGES = ("en", "es", "ko")


@pytest.fixture
def locales(tmp_path: Path) -> Path:
    """A scratch copy of the real catalogs, each .po rewritten once as Babel writes it."""
    target = tmp_path / "locales"
    shutil.copytree(PACKAGE_ROOT / "locales", target)
    for po in target.glob("*/LC_MESSAGES/messages.po"):
        rewrite(po, lambda catalog: None)
    return target


def po_of(locales: Path, locale: str) -> Path:
    return locales / locale / "LC_MESSAGES" / "messages.po"


def rewrite(po: Path, change) -> None:  # type: ignore[no-untyped-def]
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

    rewrite(po, change)
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
