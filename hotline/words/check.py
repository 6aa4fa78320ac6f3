"""``hotline i18n check``: find what would break or overspend before a catalog goes live.

The checker reads the ``.po`` files as staff left them (not the compiled ``.mo``) and
returns its findings as data: ``Problem(path, line, message)`` for each thing to fix,
and a ``LanguageReport`` per language (how complete, and what every fixed reply costs
as an SMS, rendered exactly as the bot renders it for a worker).

It finds:

- invalid ``.po`` syntax (bad quoting or escapes, duplicate entries, stray lines);
- a missing or fuzzy translation (for English, the source language, an empty entry
  simply means "use the source text"; a fuzzy one means "this edit is not used");
- placeholders that differ from the source (``{ref}``, ``%(name)s``);
- a reply whose rendered length exceeds its SMS budget: 2 segments unless the message
  carries a ``BUDGET: N`` comment (``# BUDGET: 3`` in the code above the message, which
  extraction turns into ``#. BUDGET: 3``; or a ``# BUDGET: 3`` translator comment in one
  language's ``.po``; ``BUDGET: none`` for text that is never sent as an SMS);
- keyword lists with a word Twilio answers itself (STOP, HELP…) outside the opt-out
  and opt-in lists, or with a word that is also in another keyword list of the same
  language;
- a Korean particle right after a placeholder (``사건 {ref}을``, ``{phone}로``): its
  right form depends on the number (see ``particles``);
- a Spanish word that SMS accent folding turns into another word (pasó → paso, sí →
  si; see ``accents``), unless the message is flagged ``#, keep-accents`` (it is then
  sent with its accents, as UCS-2) or is spoken on calls (context ``voice``).

``offered_languages`` is the start-up gate: a language is offered to workers only while
its catalog parses, is complete and keeps the placeholders in every message workers may
get (those from ``hotline/dialogue/``). A budget or keyword finding, or an untranslated
organizer alert, is reported by ``check`` but does not take a language away from workers.
"""

from __future__ import annotations

import logging
import re
import string
from collections.abc import Iterator, Sequence
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from hotline.dialogue.facts import FactBook
from hotline.dialogue.keywords import (
    COMMANDS,
    CONSENT_WORDS,
    TWILIO_RESERVED,
    Command,
    Consent,
    split_words,
)
from hotline.dialogue.spoken import VOICE
from hotline.words.accents import meaning_changes
from hotline.words.catalogs import KEEP_ACCENTS_FLAG, SOURCE_LOCALE, Catalogs, catalog_path
from hotline.words.costs import budget_problem, reply_costs
from hotline.words.findings import (
    BLOCKING,
    Cost,
    Kind,
    LanguageReport,
    Problem,
    Result,
    head,
)
from hotline.words.particles import particles_after_placeholders
from hotline.words.po_files import (
    LoadedCatalog,
    entries,
    for_workers,
    ids,
    is_keyword_list,
    lineno,
    read_catalog,
    strings,
    template_path,
)

log = logging.getLogger(__name__)

#: Languages whose words ``accents.meaning_changes`` knows.
FOLD_CHECKED = frozenset({"es"})
#: Keyword lists in which Twilio's own words belong (Twilio answers them before we do).
CONSENT_LISTS = frozenset({CONSENT_WORDS[Consent.OPT_OUT], CONSENT_WORDS[Consent.OPT_IN]})

_PERCENT = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%[sd]")


# -- the checks -----------------------------------------------------------------------


def placeholders(text: str) -> set[str]:
    """Return the placeholders of a text: ``{ref}`` as "{ref}", ``%(n)s`` as "%(n)s".

    Raise ValueError for a brace that opens or closes nothing.
    """
    found = {m.group(0) for m in _PERCENT.finditer(text)}
    for _, name, spec, conversion in string.Formatter().parse(text):
        if name is not None:
            found.add("{" + name + (f"!{conversion}" if conversion else "")
                      + (f":{spec}" if spec else "") + "}")
    return found


def _check_placeholders(loaded: LoadedCatalog, message: Message) -> Iterator[Problem]:
    if is_keyword_list(message.context):
        return
    try:
        wanted = set().union(*(placeholders(i) for i in ids(message)))
    except ValueError:
        return  # the source itself is the code's business; the tests cover it
    for text in strings(message):
        if not text:
            continue
        try:
            got = placeholders(text)
        except ValueError as exc:
            yield Problem(loaded.path, lineno(message),
                          f"broken placeholder ({exc}); a literal brace is written {{{{ or }}}}",
                          loaded.locale, Kind.PLACEHOLDER, for_workers(message))
            continue
        if got != wanted:
            extra = ", ".join(sorted(got - wanted))
            lacking = ", ".join(sorted(wanted - got))
            detail = "; ".join(part for part in (
                f"the translation has {extra}" if extra else "",
                f"it lacks {lacking}" if lacking else "") if part)
            yield Problem(loaded.path, lineno(message),
                          f"placeholders differ from the source ({detail}); keep "
                          f"{', '.join(sorted(wanted)) or 'none'} exactly as written: "
                          f"{head(ids(message)[0])}", loaded.locale, Kind.PLACEHOLDER,
                          for_workers(message))


def _check_completeness(loaded: LoadedCatalog, template: Catalog | None,
                        template_file: Path) -> Iterator[Problem]:
    assert loaded.catalog is not None
    source = loaded.locale == SOURCE_LOCALE
    wanted = list(entries(template)) if template is not None else list(
        entries(loaded.catalog))
    for expected in wanted:
        message = loaded.catalog.get(expected.id, expected.context)
        workers = for_workers(expected)
        if message is None:
            if not source:
                yield Problem(template_file, lineno(expected),
                              f"missing from {loaded.locale} (run `hotline i18n update`): "
                              f"{head(ids(expected)[0])}", loaded.locale, Kind.MISSING,
                              workers)
            continue
        if message.fuzzy:
            yield Problem(loaded.path, lineno(message),
                          "fuzzy: review it and remove the fuzzy flag (fuzzy text is not "
                          f"used): {head(ids(message)[0])}", loaded.locale, Kind.FUZZY,
                          workers)
        elif not source and not all(strings(message)):
            yield Problem(loaded.path, lineno(message),
                          f"untranslated: {head(ids(message)[0])}", loaded.locale,
                          Kind.MISSING, workers)


def _check_keywords(loaded: LoadedCatalog) -> Iterator[Problem]:
    """Twilio's words only in the consent lists; no word in two lists of one language."""
    assert loaded.catalog is not None
    source = loaded.locale == SOURCE_LOCALE
    owner: dict[str, Message] = {}
    for message in entries(loaded.catalog):
        if not is_keyword_list(message.context) or message.fuzzy:
            continue
        msgid = ids(message)[0]
        listing = strings(message)[0] or (msgid if source else "")
        for word in dict.fromkeys(split_words(listing)):
            allowed = msgid in CONSENT_LISTS or (
                source and word == "help" and msgid == COMMANDS[Command.HELP])
            if word in TWILIO_RESERVED and not allowed:
                yield Problem(loaded.path, lineno(message),
                              f"{word.upper()} is a word Twilio answers itself (it would "
                              "not reach the bot, or would opt the worker out); use "
                              "another word", loaded.locale, Kind.KEYWORD)
            other = owner.setdefault(word, message)
            if other is not message:
                yield Problem(loaded.path, lineno(message),
                              f"{word.upper()} is also in the keyword list at line "
                              f"{lineno(other)} ({head(ids(other)[0], 30)}); a word can "
                              "mean only one thing", loaded.locale, Kind.KEYWORD)


def _check_wording(loaded: LoadedCatalog, fold_accents: bool) -> Iterator[Problem]:
    """Find wording that reads wrong once sent: particles after numbers, folded words."""
    if loaded.catalog is None:
        return
    fold = fold_accents and loaded.locale in FOLD_CHECKED
    for message in entries(loaded.catalog):
        if message.fuzzy or is_keyword_list(message.context):
            continue
        for text in strings(message):
            for found in particles_after_placeholders(text):
                yield Problem(loaded.path, lineno(message),
                              f"particle after a placeholder: {found} (the right particle "
                              "depends on the number; put a counter between, e.g. {ref}번, "
                              f"or the number last): {head(text)}", loaded.locale,
                              Kind.PARTICLE, for_workers(message))
            # spoken texts (context "voice") are said on calls, never folded for SMS
            if fold and KEEP_ACCENTS_FLAG not in message.flags and message.context != VOICE:
                twins = meaning_changes(text)
                if twins:
                    words = ", ".join(str(t) for t in twins)
                    yield Problem(loaded.path, lineno(message),
                                  f"SMS folding changes words: {words}; reword it, or flag "
                                  f"the entry '#, {KEEP_ACCENTS_FLAG}' to send it with its "
                                  f"accents (UCS-2): {head(text)}", loaded.locale, Kind.FOLD,
                                  for_workers(message))


def _load(locales_dir: Path, locale: str, template: Catalog | None,
          template_file: Path) -> LoadedCatalog:
    path = catalog_path(locales_dir, locale)
    if not path.exists():
        loaded = LoadedCatalog(locale, path, None)
        if locale != SOURCE_LOCALE:
            loaded.problems.append(Problem(path, 0, f"no catalog for {locale} (start one "
                                           f"with `hotline i18n add {locale}`)", locale,
                                           Kind.MISSING))
        return loaded
    catalog, problems = read_catalog(path, locale)
    loaded = LoadedCatalog(locale, path, catalog, problems)
    if catalog is None:
        return loaded
    loaded.problems.extend(_check_completeness(loaded, template, template_file))
    for message in entries(catalog):
        if not message.fuzzy:
            loaded.problems.extend(_check_placeholders(loaded, message))
    loaded.problems.extend(_check_keywords(loaded))
    return loaded


def _template(locales_dir: Path) -> tuple[Catalog | None, list[Problem]]:
    path = template_path(locales_dir)
    if not path.exists():
        return None, [Problem(path, 0, "no template (run `hotline i18n extract`)",
                              "", Kind.MISSING)]
    return read_catalog(path)


def offered_languages(locales_dir: Path,
                      languages: Sequence[str]) -> tuple[tuple[str, ...], tuple[Problem, ...]]:
    """Return the enabled languages fit to offer workers, and why the others are not.

    The source language is always fit (its text is in the code). If nothing else is,
    workers still get English.
    """
    locales_dir = Path(locales_dir)
    template, _ = _template(locales_dir)
    template_file = template_path(locales_dir)
    fit: list[str] = []
    problems: list[Problem] = []
    for locale in languages:
        loaded = _load(locales_dir, locale, template, template_file)
        blocking = [p for p in loaded.problems if p.kind in BLOCKING and p.for_workers]
        if locale == SOURCE_LOCALE or not blocking:
            fit.append(locale)
        else:
            problems.extend(blocking)
    return tuple(fit) or (SOURCE_LOCALE,), tuple(problems)


def check(locales_dir: Path, languages: Sequence[str], *,
          menu_languages: Sequence[str] | None = None, fold_accents: bool = True,
          center_phone: str = "", costs: bool = True, facts: FactBook | None = None
          ) -> Result:
    """Check the catalogs of ``languages`` and measure every fixed reply in each.

    ``menu_languages`` are the languages the menus list (the enabled ones); replies are
    rendered for SMS, folding accents as the bot does when ``fold_accents`` is on, with
    the dated figures of ``facts`` (the packaged facts file by default).
    """
    locales_dir = Path(locales_dir)
    template, problems = _template(locales_dir)
    template_file = template_path(locales_dir)
    loaded = [_load(locales_dir, locale, template, template_file) for locale in languages]
    for item in loaded:
        problems.extend(item.problems)
        problems.extend(_check_wording(item, fold_accents))
    readable = [item for item in loaded if item.catalog is not None
                or item.locale == SOURCE_LOCALE]
    unreadable = {item.locale for item in loaded} - {item.locale for item in readable}
    menu = tuple(loc for loc in dict.fromkeys([*(menu_languages or languages), *languages])
                 if loc not in unreadable)
    catalogs = Catalogs(locales_dir, menu, from_source=True) if costs and readable else None
    reports: list[LanguageReport] = []
    for item in loaded:
        item_costs: tuple[Cost, ...] = ()
        if catalogs is not None and item in readable:
            item_costs = tuple(reply_costs(catalogs, menu, item, template, fold_accents,
                                           center_phone, facts))
            for cost in item_costs:
                if cost.over_budget:
                    problems.append(budget_problem(item, cost))
        reports.append(_report(item, template, item_costs))
    return Result(tuple(problems), tuple(reports))


def _report(item: LoadedCatalog, template: Catalog | None,
            costs: tuple[Cost, ...]) -> LanguageReport:
    expected = list(entries(template)) if template is not None else (
        list(entries(item.catalog)) if item.catalog is not None else [])
    translated = fuzzy = 0
    for message in expected:
        found = item.catalog.get(message.id, message.context) if item.catalog else None
        if found is not None and found.fuzzy:
            fuzzy += 1
        elif item.locale == SOURCE_LOCALE or (found is not None and all(strings(found))):
            translated += 1
    return LanguageReport(item.locale, item.path, len(expected), translated, fuzzy, costs)
