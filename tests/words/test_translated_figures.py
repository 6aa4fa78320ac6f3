"""Every number, amount and phone a translation states is in its English source, and the
other way round: a translator can reword a sentence but not change a figure."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from babel.messages.catalog import Message
from babel.messages.pofile import read_po

from hotline.config import PACKAGE_ROOT
from hotline.words.catalogs import catalog_path

LOCALES = ("es", "ko")
PLACEHOLDER = re.compile(r"\{\w*\}|%\(\w+\)[sd]|%[sd]")
# no \b after a number: Hangul is a word character, and "4636에" must still end a phone
PHONE = re.compile(r"(?<!\d)(?:1-)?(?:\(\d{3}\)\s?|\d{3}-)\d{3}-\d{4}(?!\d)|(?<!\d)\d-\d-\d(?!\d)")
AMOUNT = re.compile(r"\$\d[\d,]*(?:\.\d+)?")
NUMBER = re.compile(r"\d+(?:\.\d+)?")
#: Figures the English spells as words ("a year"), so a translation's digit is no change.
SPELLED_OUT = {("ko", "More than a year ago"): {"number 1"}}


def figures(text: str) -> set[str]:
    """Return the phones (as digits), amounts and other numbers a text states."""
    text = PLACEHOLDER.sub(" ", text)
    found = {"phone " + re.sub(r"\D", "", p) for p in PHONE.findall(text)}
    text = PHONE.sub(" ", text)
    found |= {"amount " + a.replace(",", "") for a in AMOUNT.findall(text)}
    text = AMOUNT.sub(" ", text)
    found |= {"number " + n for n in NUMBER.findall(text)}
    return found


def entries(locale: str) -> Iterator[tuple[str, Message]]:
    with catalog_path(PACKAGE_ROOT / "locales", locale).open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    for message in catalog:
        if message.id and message.string and not message.fuzzy:
            yield locale, message


ALL = [pair for locale in LOCALES for pair in entries(locale)]


@pytest.mark.parametrize(("locale", "message"), ALL,
                         ids=[f"{loc}:{str(m.id)[:40]}" for loc, m in ALL])
def test_a_translation_states_the_same_figures_as_its_english(locale: str,
                                                              message: Message) -> None:
    sources = message.id if isinstance(message.id, tuple) else (message.id,)
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    english = set().union(*(figures(s) for s in sources))
    english |= SPELLED_OUT.get((locale, sources[0]), set())
    for translated in strings:
        found = figures(translated)
        assert found - english == set(), f"not in the English: {sorted(found - english)}"
        assert english - found == set(), f"missing from the {locale}: {sorted(english - found)}"


@pytest.mark.parametrize(("english", "translated", "same"), [
    ("Call 833-526-4636.", "노동청 833-526-4636에 문의하세요.", True),
    ("Call 833-526-4636.", "노동청 833-526-4363에 문의하세요.", False),
    ("at least $20 an hour", "시간당 최소 $20", True),
    ("at least $20 an hour", "시간당 최소 $25", False),
    ("1.5 times your rate", "1,5 veces su pago", False),
    ("DCBA (800) 593-8222", "DCBA al (800) 593-8222", True),
    ("within 90 days", "dentro de 9 días", False),
    ("{amount} an hour from {since}", "{amount} la hora desde el {since}", True),
    ("3-1-1", "3-1-1", True),
])
def test_the_figure_reader_tells_a_changed_figure_from_a_reworded_one(
        english: str, translated: str, same: bool) -> None:
    assert (figures(english) == figures(translated)) is same
