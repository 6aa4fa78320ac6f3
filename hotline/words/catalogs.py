"""Catalogs and rendering: reply data → the exact text a worker receives.

Catalogs are plain gettext: ``locales/<lang>/LC_MESSAGES/messages.po`` edited by staff,
compiled to ``.mo``. A running process notices a newer ``.mo`` (checked at most every
few seconds) and reloads it, so ``hotline i18n compile`` takes effect without a restart.
"""

from __future__ import annotations

import logging
import os
import re
import string
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from babel import UnknownLocaleError
from babel.dates import format_date, format_skeleton
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.support import NullTranslations, Translations

from hotline.dialogue.keywords import Lexicon, build_lexicon
from hotline.dialogue.replies import Amount, Day, Echo, Joined, Msg, Native, Param, Reply
from hotline.words import echoes
from hotline.words.segments import fold_to_gsm7, is_gsm7

log = logging.getLogger(__name__)

#: The gettext domain of every catalog.
DOMAIN = "messages"
#: Seconds between checks for a newer compiled catalog.
RELOAD_CHECK_SECONDS = 2.0
#: The locale whose msgids are the source text.
SOURCE_LOCALE = "en"
#: Most rendered replies kept per process. Only replies made of catalog words alone are
#: kept (menus, questions, topics: a few hundred), never one with a worker's own words.
RENDER_CACHE_SIZE = 2048
#: The .po flag (``#, keep-accents``) of a translation that SMS must send with its
#: accents (UCS-2) because folding them would change a word (``hotline i18n check``).
KEEP_ACCENTS_FLAG = "keep-accents"
#: How the flag reaches the compiled catalog, which keeps no flags: an entry in this
#: gettext context, same msgid, translated as ``_KEPT``.
KEEP_ACCENTS_CONTEXT = "hotline: keep accents"
_KEPT = "keep"


def catalog_path(locales_dir: Path, locale: str, suffix: str = ".po") -> Path:
    """Return where a locale's catalog lives: ``locales/<lang>/LC_MESSAGES/messages.po``."""
    return locales_dir / locale / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


def compile_catalog(po_path: Path, mo_path: Path | None = None) -> Path:
    """Compile one ``.po`` file to ``.mo`` (fuzzy entries are left out, as gettext does)."""
    mo_path = mo_path or po_path.with_suffix(".mo")
    with po_path.open("rb") as fh:
        catalog = _with_accent_marks(read_po(fh, locale=po_path.parent.parent.name))
    tmp = mo_path.with_suffix(".mo.tmp")
    with tmp.open("wb") as fh:
        write_mo(fh, catalog)
    os.replace(tmp, mo_path)  # atomic, so a running process never reads half a file
    return mo_path


def _with_accent_marks(catalog: Catalog) -> Catalog:
    """Add a marker entry for each translation flagged ``keep-accents`` (see the flag)."""
    marked = [m for m in catalog if m.id and KEEP_ACCENTS_FLAG in m.flags and not m.fuzzy
              and m.context is None and isinstance(m.id, str)]
    for message in marked:
        catalog.add(message.id, _KEPT, context=KEEP_ACCENTS_CONTEXT)
    return catalog


def start_catalog(locales_dir: Path, locale: str, domain: str = DOMAIN) -> Path:
    """Create ``<locale>/LC_MESSAGES/<domain>.po`` from the template, every entry empty.

    Works for any language code, including ones Babel has no data for (``zap``).
    """
    path = locales_dir / locale / "LC_MESSAGES" / f"{domain}.po"
    if path.exists():
        raise FileExistsError(path)
    with (locales_dir / f"{domain}.pot").open("rb") as fh:
        template = read_po(fh)
    catalog = Catalog(locale=locale, domain=domain, project=template.project,
                      version=template.version, copyright_holder="hotline contributors",
                      fuzzy=False)
    catalog.update(template, no_fuzzy_matching=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, catalog, width=76)
    return path


@dataclass
class _Loaded:
    translations: NullTranslations
    mtime: float


class Catalogs:
    """The translations of every enabled locale, reloaded when their ``.mo`` changes.

    ``from_source`` reads the ``.po`` files instead (what staff are editing, before they
    compile), so ``hotline i18n check`` measures the words as they are now.
    """

    def __init__(self, locales_dir: Path, languages: Iterable[str], *,
                 from_source: bool = False) -> None:
        self.locales_dir = Path(locales_dir)
        self.languages = tuple(languages)
        self.from_source = from_source
        self._loaded: dict[str, _Loaded] = {}
        self._lexicon: Lexicon | None = None
        self._lexicon_key: tuple[object, ...] = ()
        self._checked = 0.0
        self._lock = threading.Lock()
        self._rendered: dict[tuple[object, ...], str] = {}
        for locale in self.languages:
            self._load(locale)

    # -- loading ---------------------------------------------------------------------

    def _load(self, locale: str) -> _Loaded:
        mo = catalog_path(self.locales_dir, locale, ".mo")
        po = catalog_path(self.locales_dir, locale, ".po")
        translations: NullTranslations
        mtime = 0.0
        if mo.exists() and not self.from_source:
            mtime = mo.stat().st_mtime
            with mo.open("rb") as fh:
                translations = Translations(fh, domain=DOMAIN)
        elif po.exists():
            if not self.from_source:
                log.warning("catalog %s is not compiled; reading the .po directly", locale)
            buffer = BytesIO()
            with po.open("rb") as fh:
                write_mo(buffer, _with_accent_marks(read_po(fh, locale=locale)))
            buffer.seek(0)
            translations = Translations(buffer, domain=DOMAIN)
            mtime = po.stat().st_mtime
        else:
            if locale != SOURCE_LOCALE:
                log.warning("no catalog for enabled language %s", locale)
            translations = NullTranslations()
        loaded = _Loaded(translations, mtime)
        self._loaded[locale] = loaded
        return loaded

    def reload_if_changed(self) -> bool:
        """Reload catalogs whose compiled file changed; return whether any did."""
        now = time.monotonic()
        if now - self._checked < RELOAD_CHECK_SECONDS:
            return False
        self._checked = now
        changed = False
        with self._lock:
            for locale in self.languages:
                mo = catalog_path(self.locales_dir, locale, ".mo")
                mtime = mo.stat().st_mtime if mo.exists() else 0.0
                if mtime and mtime != self._loaded[locale].mtime:
                    self._load(locale)
                    changed = True
            if changed:
                self._lexicon = None
                self._rendered = {}
        if changed:
            log.info("catalogs reloaded")
        return changed

    # -- lookups ---------------------------------------------------------------------

    def translate(self, locale: str, context: str | None, msgid: str) -> str:
        """Return the translation, or the English source if the catalog lacks it."""
        loaded = self._loaded.get(locale) or self._load(locale)
        if context:
            return str(loaded.translations.pgettext(context, msgid))
        return str(loaded.translations.gettext(msgid))

    def lexicon(self, topics: Iterable[tuple[str, str]],
                languages: Iterable[str] | None = None) -> Lexicon:
        """Return the keyword tables of ``languages`` (all loaded ones by default).

        Built once per catalog version; a language left out has no keywords at all, so
        nobody can switch to it by name.
        """
        topics = tuple(topics)
        offered = self.languages if languages is None else tuple(languages)
        key = (topics, offered)
        if self._lexicon is None or key != self._lexicon_key:
            self._lexicon = build_lexicon(self.translate, offered, topics)
            self._lexicon_key = key
        return self._lexicon

    # -- rendering -------------------------------------------------------------------

    def render(self, reply: Reply, locale: str, *, fold_accents: bool = False) -> str:
        """Render a reply as the text one SMS/WhatsApp message carries.

        ``fold_accents`` (SMS) also drops optional UCS-2-only pieces when that makes
        the message GSM-7; a message that is UCS-2 anyway keeps them.
        """
        cache = self._rendered  # a reload swaps in a new one; this render fills the old
        key = _cache_key(reply, locale, fold_accents)
        if key is not None:
            found = cache.get(key)
            if found is not None:
                return found
        if fold_accents and self._keeps_accents(locale, reply):
            fold_accents = False
        if any(echoes.quoted(value) for value in reply.params.values()):
            return echoes.fit(reply, lambda r: self._cheapest(r, locale, fold_accents))
        rendered = self._cheapest(reply, locale, fold_accents)
        if key is not None and len(cache) < RENDER_CACHE_SIZE:
            cache[key] = rendered
        return rendered

    def _cheapest(self, reply: Reply, locale: str, fold_accents: bool) -> str:
        rendered = self._render(reply, locale, fold_accents, cheap=False)
        if fold_accents and not is_gsm7(rendered):
            cheaper = self._render(reply, locale, fold_accents, cheap=True)
            if is_gsm7(cheaper):
                rendered = cheaper
        return rendered

    def _keeps_accents(self, locale: str, reply: Reply) -> bool:
        """Tell whether a piece of the reply is flagged to be sent with its accents."""
        pieces: list[Param] = [Msg(reply.msgid), *reply.params.values(), *reply.options,
                               *(value for _, value in reply.extra)]
        if reply.prefix:
            pieces.append(reply.prefix if isinstance(reply.prefix, Msg) else Msg(reply.prefix))
        while pieces:
            piece = pieces.pop()
            if isinstance(piece, Msg):
                if piece.context is None and self.translate(
                        locale, KEEP_ACCENTS_CONTEXT, piece.msgid) == _KEPT:
                    return True
                pieces.extend(value for _, value in piece.params)
            elif isinstance(piece, Joined):
                pieces.extend(piece.parts)
        return False

    def _render(self, reply: Reply, locale: str, fold_accents: bool, *, cheap: bool) -> str:
        text = _UNSENDABLE.sub("", self._format(locale, None, reply.msgid, reply.params, cheap))
        lines = [text] if text else []
        if isinstance(reply.prefix, Msg):
            lines.insert(0, self._param(locale, reply.prefix, cheap))
        elif reply.prefix:
            lines.insert(0, self.translate(locale, None, reply.prefix))
        for number, option in enumerate(reply.options, start=1):
            lines.append(f"{number} {self._param(locale, option, cheap)}")
        for key, option in reply.extra:
            lines.append(f"{key} {self._param(locale, option, cheap)}")
        rendered = "\n".join(lines)
        if fold_accents:
            rendered = fold_to_gsm7(rendered) or rendered
        return rendered

    def _format(self, locale: str, context: str | None, msgid: str,
                params: Mapping[str, Param], cheap: bool = False) -> str:
        text = self.translate(locale, context, msgid)
        if not params and "{" not in text:
            return text
        values = {key: self._param(locale, value, cheap) for key, value in params.items()}
        try:
            return _FORMATTER.vformat(text, (), values)
        except (KeyError, IndexError, ValueError):
            # a translation with broken placeholders must not silence the bot
            log.error("bad placeholders in %s translation of %r", locale, msgid[:40])
        try:
            return _FORMATTER.vformat(msgid, (), values)
        except (KeyError, IndexError, ValueError):
            return msgid

    def _param(self, locale: str, value: Param, cheap: bool = False) -> str:
        if isinstance(value, Msg):
            return self._format(locale, value.context, value.msgid, dict(value.params), cheap)
        if isinstance(value, Native):
            return self.translate(value.locale, value.context, value.msgid)
        if isinstance(value, Echo):
            return echoes.shorten(echoes.one_line(value.text), value.limit)
        if isinstance(value, Joined):
            parts = [self._param(locale, part, cheap) for part in value.parts]
            if value.sms_optional and cheap:
                parts = [p for p in parts if is_gsm7(p)] or parts
            return value.separator.join(parts)
        if isinstance(value, Amount):
            return value.text
        if isinstance(value, Day):
            return written_date(value, locale)
        return str(value)


def written_date(day: Day, locale: str) -> str:
    """Write a date as the language does (CLDR): "July 1, 2026", "2026년 7월 1일"."""
    try:
        if day.month:
            return format_skeleton("yMMM", day.value, locale=locale)
        return format_date(day.value, "long", locale=locale)
    except (UnknownLocaleError, ValueError):
        # a language Babel has no data for (``zap``) still gets an unambiguous date
        return day.value.strftime("%Y-%m") if day.month else day.value.isoformat()


#: Characters no SMS or TwiML (XML 1.0) can carry; a worker's own NUL stays in the case
#: record, but an answer that echoes it must not break the XML Twilio parses.
_UNSENDABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _cache_key(reply: Reply, locale: str, fold_accents: bool) -> tuple[object, ...] | None:
    """Return what identifies a rendering of ``reply``, or None if it must not be kept:
    any plain string in it may be a worker's words (a summary) or a case number."""
    params = reply.params
    if params and not all(_catalog_only(v) for v in params.values()):
        return None
    if not all(_catalog_only(v) for v in reply.options):
        return None
    if not all(_catalog_only(v) for _, v in reply.extra):
        return None
    return (reply.msgid, tuple(params.items()) if params else (), reply.options, reply.extra,
            reply.prefix, locale, fold_accents)


def _catalog_only(value: Param) -> bool:
    """Tell whether a parameter is made of catalog words and numbers alone."""
    if isinstance(value, Msg):
        return all(_catalog_only(v) for _, v in value.params)
    if isinstance(value, Joined):
        return all(_catalog_only(v) for v in value.parts)
    return isinstance(value, Native | int | Amount | Day)


class _LiteralFormatter(string.Formatter):
    """str.format that treats values as plain text (no attribute or index lookups)."""

    def get_field(self, field_name: str, args: object, kwargs: Mapping[str, object]) -> object:
        if not field_name.isidentifier():
            raise KeyError(field_name)
        return kwargs[field_name], field_name


_FORMATTER = _LiteralFormatter()
