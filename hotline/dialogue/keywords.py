"""Keywords workers can send, as translatable word lists, and the lexicon built from them.

Staff add synonyms by editing the translation of a keyword entry: a comma-separated
list of words. Global commands are matched in every language at every step.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from hotline.dialogue.text import NP_

#: Words Twilio's own opt-out handling answers; we record them but never reply.
TWILIO_RESERVED = frozenset(
    {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "start", "unstop", "yes",
     "help", "info"}
)


class Command(StrEnum):
    MENU = "menu"
    BACK = "back"
    HELP = "help"
    PERSON = "person"
    LANGUAGE = "language"


class Consent(StrEnum):
    """Words about receiving messages at all; matched only as the whole message."""

    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    ERASE = "erase"


class Word(StrEnum):
    """Words that mean something only at certain steps."""

    MORE = "more"
    DONE = "done"
    RIGHTS = "rights"
    REPORT = "report"
    YES = "yes"
    NO = "no"


#: gettext context of every keyword list, so translators see they are lists of words.
CONTEXT = "keywords"
#: gettext context of the words that switch to a language: each catalog names itself.
SELF_CONTEXT = "keywords: this language"
#: gettext context of a language's own name, shown in the language menu.
NAME_CONTEXT = "language name"

# TRANSLATORS: comma-separated words that take the worker to the main menu, in any step.
COMMANDS: Mapping[Command, str] = {
    # TRANSLATORS: comma-separated words for "main menu". Never STOP, END, CANCEL, QUIT.
    Command.MENU: NP_("keywords", "MENU, MAIN MENU, START OVER"),
    # TRANSLATORS: comma-separated words for "go back one question".
    Command.BACK: NP_("keywords", "BACK, GO BACK, PREVIOUS"),
    # TRANSLATORS: comma-separated words for "help". Twilio may answer HELP itself.
    Command.HELP: NP_("keywords", "HELP, ?"),
    # TRANSLATORS: comma-separated words for "I want to talk to a person".
    Command.PERSON: NP_("keywords", "PERSON, HUMAN, ORGANIZER, STAFF, AGENT"),
    # TRANSLATORS: comma-separated words that open the language menu.
    Command.LANGUAGE: NP_("keywords", "LANGUAGE, LANG"),
}

CONSENT_WORDS: Mapping[Consent, str] = {
    # TRANSLATORS: comma-separated words that mean "stop sending me messages" in your
    # language (e.g. PARAR, ALTO / 중지, 수신거부). Twilio handles the English ones itself.
    Consent.OPT_OUT: NP_("keywords", "STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT"),
    # TRANSLATORS: comma-separated words that mean "send me messages again".
    Consent.OPT_IN: NP_("keywords", "START, UNSTOP"),
    # TRANSLATORS: comma-separated words that mean "delete my data" (BORRAR / 삭제).
    Consent.ERASE: NP_("keywords", "DELETE, DELETE ME, ERASE"),
}

WORDS: Mapping[Word, str] = {
    # TRANSLATORS: comma-separated words for "show me more" while reading a topic.
    Word.MORE: NP_("keywords", "MORE, NEXT, CONTINUE"),
    # TRANSLATORS: comma-separated words for "I am done writing".
    Word.DONE: NP_("keywords", "DONE, FINISHED, READY, THAT'S ALL"),
    # TRANSLATORS: comma-separated words that open the rights topics from the main menu.
    Word.RIGHTS: NP_("keywords", "RIGHTS, MY RIGHTS, KNOW YOUR RIGHTS"),
    # TRANSLATORS: comma-separated words that start a report from the main menu.
    Word.REPORT: NP_("keywords", "REPORT, COMPLAINT, PROBLEM"),
    # TRANSLATORS: comma-separated words for "yes", read as the yes option of a yes-or-no
    # question (SÍ, CLARO / 네, 예). Never YES in English: Twilio treats it as START.
    Word.YES: NP_("keywords", "Y, YEAH, YEP, YUP, OK, OKAY, SURE"),
    # TRANSLATORS: comma-separated words for "no", read as the no option of a yes-or-no
    # question (NO, NEL / 아니요, 아뇨).
    Word.NO: NP_("keywords", "NO, N, NOPE, NAH"),
}

#: The "yes" Twilio also reads as an opt-in (it may answer it too, but the message still
#: reaches us), so it is known here and kept out of the keyword lists staff edit.
YES_WORD = "yes"

NUMBER_WORDS: Mapping[int, str] = {
    # TRANSLATORS: comma-separated words a worker may send for the option number 1
    # (UNO, PRIMERO / 하나, 첫 번째). Digits, 1️⃣ and "1번" are understood already.
    1: NP_("keywords", "ONE, FIRST"),
    # TRANSLATORS: comma-separated words for the option number 2 (DOS / 둘, 두 번째).
    2: NP_("keywords", "TWO, SECOND"),
    # TRANSLATORS: comma-separated words for the option number 3.
    3: NP_("keywords", "THREE, THIRD"),
    # TRANSLATORS: comma-separated words for the option number 4.
    4: NP_("keywords", "FOUR, FOURTH"),
    # TRANSLATORS: comma-separated words for the option number 5.
    5: NP_("keywords", "FIVE, FIFTH"),
    # TRANSLATORS: comma-separated words for the option number 6.
    6: NP_("keywords", "SIX, SIXTH"),
    # TRANSLATORS: comma-separated words for the option number 7.
    7: NP_("keywords", "SEVEN, SEVENTH"),
    # TRANSLATORS: comma-separated words for the option number 8.
    8: NP_("keywords", "EIGHT, EIGHTH"),
    # TRANSLATORS: comma-separated words for the option number 9.
    9: NP_("keywords", "NINE, NINTH"),
}

# TRANSLATORS: comma-separated words that switch the bot to YOUR language
# (e.g. ESPAÑOL, ESPANOL, SPANISH). Each language lists its own names.
SELF_NAMES = NP_("keywords: this language", "ENGLISH")
# TRANSLATORS: the name of YOUR language, written in it (Español, 한국어).
LANGUAGE_NAME = NP_("language name", "English")

Translate = Callable[[str, str, str], str]
"""``translate(locale, context, msgid) -> text``: how the lexicon reads catalogs."""

_SPACES = re.compile(r"\s+")
_EDGE_PUNCTUATION = ".,!¡¿;:'\"()[]{}~-_*#·…。！？"


#: The text normalised last, with its form: one turn looks a message up as a command, a
#: consent word, a language, a number, an answer, each time normalising it again. One
#: entry, replaced by the next text (a cache of many would keep workers' words around).
_last: tuple[str, str] = ("", "")


def normalize(text: str) -> str:
    """Fold case, width, accents and edge punctuation so "Menú!", "MENU" and "menu" match."""
    global _last
    last = _last  # one read: another thread may replace it, never half of it
    if text == last[0]:
        return last[1]
    folded = _normalized(text)
    _last = (text, folded)
    return folded


def _normalized(text: str) -> str:
    if text.isascii():
        # most messages ("1", "menu", "hola"): nothing to compose, decompose or unaccent
        text = text.lower()
    else:
        text = unicodedata.normalize("NFKC", text)
        decomposed = unicodedata.normalize("NFD", text)
        stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
        text = unicodedata.normalize("NFC", stripped).casefold()
    text = _SPACES.sub(" ", text).strip()
    stripped_edges = text.strip(_EDGE_PUNCTUATION + " ")
    return stripped_edges or text


def split_words(listing: str) -> list[str]:
    """Split a translated keyword list into normalised words."""
    return [w for w in (normalize(part) for part in listing.split(",")) if w]


@dataclass(frozen=True)
class Lexicon:
    """Every keyword of every enabled language, normalised, ready for exact lookups."""

    commands: Mapping[str, Command]
    consent: Mapping[str, tuple[Consent, str]]
    words: Mapping[Word, Mapping[str, frozenset[str]]]
    languages: Mapping[str, str]
    topic_words: Mapping[str, tuple[tuple[str, str], ...]]
    numbers: Mapping[str, int] = dataclasses.field(default_factory=dict)

    def command(self, text: str) -> Command | None:
        """Return the global command the whole message names, if any."""
        return self.commands.get(normalize(text))

    def consent_word(self, text: str) -> tuple[Consent, str] | None:
        """Return the opt-out / opt-in / erase request the whole message makes, if any,
        with the locale whose word it is ("" for the English source words)."""
        return self.consent.get(normalize(text))

    def language(self, text: str) -> str | None:
        """Return the locale the whole message names (ENGLISH, ESPAÑOL, 한국어), if any."""
        return self.languages.get(normalize(text))

    def means(self, word: Word, text: str, locale: str | None) -> bool:
        """Tell whether the whole message is one of ``word``'s synonyms."""
        norm = normalize(text)
        by_locale = self.words.get(word, {})
        if locale and norm in by_locale.get(locale, frozenset()):
            return True
        return any(norm in words for words in by_locale.values())

    def number(self, text: str) -> int | None:
        """Return the option number the whole message spells out ("one", "uno", "하나")."""
        return self.numbers.get(normalize(text))

    def yes_or_no(self, text: str, locale: str | None) -> bool | None:
        """Return True for a yes ("sí", "네", "ok"), False for a no, None for neither."""
        if normalize(text) == YES_WORD or self.means(Word.YES, text, locale):
            return True
        if self.means(Word.NO, text, locale):
            return False
        return None

    def topic_in(self, text: str, locale: str | None) -> str | None:
        """Find a rights topic a message mentions ("minimum wage", "최저임금", "propinas")."""
        norm = normalize(text)
        padded = f" {norm} "
        locales = [locale] if locale else []
        locales += [loc for loc in self.topic_words if loc != locale]
        for loc in locales:
            for phrase, topic in self.topic_words.get(loc, ()):
                if _contains(norm, padded, phrase):
                    return topic
        return None


def _contains(norm: str, padded: str, phrase: str) -> bool:
    if _is_hangul(phrase):
        return phrase in norm  # Korean attaches particles: 임금을, 임금이
    return f" {phrase} " in padded or (len(phrase) > 4 and phrase in norm)


@functools.lru_cache(maxsize=4096)
def _is_hangul(phrase: str) -> bool:
    """Tell whether a keyword phrase (catalog words, never a message) has Hangul in it."""
    return any("\uac00" <= c <= "\ud7a3" for c in phrase)


def build_lexicon(
    translate: Translate,
    locales: Iterable[str],
    topics: Iterable[tuple[str, str]],
) -> Lexicon:
    """Read every keyword list from the catalogs of ``locales``.

    ``topics`` pairs a topic id with its keyword-list msgid (context ``keywords``).
    English source words always work too, so a worker can type MENU in any language.
    """
    locales = list(locales)
    commands: dict[str, Command] = {}
    for command, msgid in COMMANDS.items():
        for word in split_words(msgid):
            commands.setdefault(word, command)
    for loc in locales:
        for command, msgid in COMMANDS.items():
            for word in split_words(translate(loc, CONTEXT, msgid)):
                commands.setdefault(word, command)

    consent: dict[str, tuple[Consent, str]] = {}
    for kind, msgid in CONSENT_WORDS.items():
        for word in split_words(msgid):
            consent.setdefault(word, (kind, ""))
        for loc in locales:
            for word in split_words(translate(loc, CONTEXT, msgid)):
                consent.setdefault(word, (kind, loc))

    words: dict[Word, dict[str, frozenset[str]]] = {}
    for word_id, msgid in WORDS.items():
        words[word_id] = {
            loc: frozenset(split_words(translate(loc, CONTEXT, msgid)) + split_words(msgid))
            for loc in locales
        }

    languages: dict[str, str] = {}
    for loc in locales:
        for word in split_words(translate(loc, SELF_CONTEXT, SELF_NAMES)):
            languages.setdefault(word, loc)
        for word in split_words(translate(loc, NAME_CONTEXT, LANGUAGE_NAME)):
            languages.setdefault(word, loc)
        languages.setdefault(loc, loc)

    numbers: dict[str, int] = {}
    for number, msgid in NUMBER_WORDS.items():
        for word in split_words(msgid):
            numbers.setdefault(word, number)
        for loc in locales:
            for word in split_words(translate(loc, CONTEXT, msgid)):
                numbers.setdefault(word, number)

    topic_list = list(topics)
    topic_words: dict[str, tuple[tuple[str, str], ...]] = {}
    for loc in locales:
        pairs: list[tuple[str, str]] = []
        for topic_id, msgid in topic_list:
            listed = split_words(translate(loc, CONTEXT, msgid))
            if loc == "en" or not listed:
                listed = listed or split_words(msgid)
            pairs.extend((phrase, topic_id) for phrase in listed)
        # longest phrases first, so "minimum wage" wins over "wage"
        pairs.sort(key=lambda pair: -len(pair[0]))
        topic_words[loc] = tuple(pairs)
    return Lexicon(commands, consent, words, languages, topic_words, numbers)
