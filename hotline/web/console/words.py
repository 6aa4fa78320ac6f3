"""The console's words: the ``console`` gettext domain, beside the workers' ``messages``.

Staff translate ``locales/<lang>/LC_MESSAGES/console.po`` like the bot's catalog, but
none of it is an SMS, so no SMS budget applies. Templates use ``_()`` (Jinja's i18n
extension); Python code marks its strings with ``L_()`` so the workers' extraction never
picks them up. Each organizer reads the console in the first of their languages that
the console has; a visitor not signed in, in the browser's.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from babel.support import NullTranslations, Translations
from flask import Flask, g, request

from hotline.dialogue.keywords import LANGUAGE_NAME, NAME_CONTEXT

#: The console's gettext domain.
DOMAIN = "console"
#: The language the console is written in; every other is a compiled ``console.mo``.
SOURCE = "en"


def L_(text: str) -> str:  # noqa: N802 - gettext's marker style
    """Mark a string for the console catalog; translated where it is shown."""
    return text


class ConsoleWords:
    """The console catalogs of one process, reloaded when a compiled file changes."""

    def __init__(self, locales_dir: Path) -> None:
        self.locales_dir = locales_dir
        self._loaded: dict[str, tuple[float, NullTranslations]] = {}
        self._lock = threading.Lock()

    def translations(self, locale: str) -> NullTranslations:
        """Return the compiled catalog of a language (the English text if it has none)."""
        path = self.locales_dir / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"
        try:
            mtime = os.stat(path).st_mtime
        except OSError:
            return NullTranslations()
        with self._lock:
            kept = self._loaded.get(locale)
            if kept is None or kept[0] != mtime:
                with path.open("rb") as fh:
                    kept = (mtime, Translations(fh, domain=DOMAIN))
                self._loaded[locale] = kept
            return kept[1]

    def languages(self) -> tuple[str, ...]:
        """Return the languages the console has: English, then each with a compiled
        ``console.mo`` (``hotline i18n add`` starts one; no code change)."""
        try:
            found = sorted(entry.name for entry in os.scandir(self.locales_dir)
                           if entry.name != SOURCE and
                           (Path(entry.path) / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file())
        except OSError:
            found = []
        return (SOURCE, *found)

    def name(self, locale: str) -> str:
        """Return a language's own name, as the bot's language menu has it."""
        path = self.locales_dir / locale / "LC_MESSAGES" / "messages.mo"
        try:
            with path.open("rb") as fh:
                # the msgid by its name: written out here, the extractor would take it as
                # a new message without its context
                catalog = Translations(fh, domain="messages")
                named = catalog.pgettext(NAME_CONTEXT, LANGUAGE_NAME)
        except OSError:
            named = LANGUAGE_NAME if locale == SOURCE else locale
        return str(named)

    def gettext(self, locale: str, msgid: str, **params: Any) -> str:
        """Translate and fill ``%(name)s`` placeholders."""
        text = self.translations(locale).gettext(msgid)
        return text % params if params else text

    def ngettext(self, locale: str, singular: str, plural: str, n: int, **params: Any) -> str:
        text = self.translations(locale).ngettext(singular, plural, n)
        return text % {"num": n, **params}


def locale() -> str:
    """Return the language of this request: the organizer's, else the browser's."""
    chosen = getattr(g, "console_locale", None)
    if chosen:
        return str(chosen)
    return request.accept_languages.best_match(_words().languages()) or SOURCE


def preferred(languages: tuple[str, ...]) -> str:
    """Return the first of an organizer's languages the console has (else English)."""
    offered = _words().languages()
    return next((code for code in languages if code in offered), SOURCE)


def _words() -> ConsoleWords:
    from flask import current_app

    words: ConsoleWords = current_app.extensions["console"].words
    return words


def init_app(app: Flask, words: ConsoleWords) -> None:
    """Give templates ``_``/``ngettext`` in the request's language."""
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.globals["console_locale"] = locale

    # Jinja's newstyle wrappers fill the placeholders (escaping them); these only look up
    def _gettext(msgid: str) -> str:
        return words.translations(locale()).gettext(msgid)

    def _ngettext(singular: str, plural: str, n: int) -> str:
        return words.translations(locale()).ngettext(singular, plural, n)

    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        _gettext, _ngettext, newstyle=True)


def t(msgid: str, **params: Any) -> str:
    """Translate a ``L_``-marked string for this request (flash messages, errors)."""
    return _words().gettext(locale(), msgid, **params)
