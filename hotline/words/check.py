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
  language.

``offered_languages`` is the start-up gate: a language is offered to workers only while
its catalog parses, is complete and keeps the placeholders in every message workers may
get (those from ``hotline/dialogue/``). A budget or keyword finding, or an untranslated
organizer alert, is reported by ``check`` but does not take a language away from workers.
"""

from __future__ import annotations

import logging
import re
import string
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, read_po

from hotline.dialogue.engine import Context, FixedReply, fixed_replies
from hotline.dialogue.facts import FactBook, packaged
from hotline.dialogue.keywords import (
    COMMANDS,
    CONSENT_WORDS,
    CONTEXT,
    TWILIO_RESERVED,
    Command,
    Consent,
    split_words,
)
from hotline.dialogue.replies import Joined, Msg, Native, Param, Reply
from hotline.dialogue.topics import TOPICS
from hotline.words.catalogs import DOMAIN, SOURCE_LOCALE, Catalogs, catalog_path
from hotline.words.segments import (
    Encoding,
    fold_to_gsm7,
    gsm7_alternative,
    measure,
    non_gsm_chars,
)

log = logging.getLogger(__name__)

#: SMS segments a reply may cost unless its message says otherwise (``BUDGET: N``).
DEFAULT_BUDGET = 2
#: Where a message is defined decides whether it is an SMS to a worker: the dialogue.
WORKER_SOURCES = ("hotline/dialogue/",)
#: Stand-ins for placeholders when a message is measured on its own.
SAMPLE_PARAMS = {"ref": "48213", "phone": "(213) 555-0100", "count": "3"}
#: Keyword lists in which Twilio's own words belong (Twilio answers them before we do).
CONSENT_LISTS = frozenset({CONSENT_WORDS[Consent.OPT_OUT], CONSENT_WORDS[Consent.OPT_IN]})

_BUDGET = re.compile(r"\bBUDGET:\s*(\d+|none)\b", re.IGNORECASE)
_PERCENT = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%[sd]")
_KEYWORD_LINE = re.compile(r"^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+(.*)$")
_QUOTED = re.compile(r'^"((?:[^"\\]|\\.)*)"\s*$')
_ESCAPES = frozenset('\\"ntrabfv01234567')


class Kind(StrEnum):
    """What sort of problem a finding is."""

    SYNTAX = "syntax"
    MISSING = "missing"
    FUZZY = "fuzzy"
    PLACEHOLDER = "placeholder"
    BUDGET = "budget"
    KEYWORD = "keyword"


#: Problems that keep a language from workers: they would see English or broken text.
BLOCKING = frozenset({Kind.SYNTAX, Kind.MISSING, Kind.FUZZY, Kind.PLACEHOLDER})


@dataclass(frozen=True)
class Problem:
    """One thing to fix: ``locales/es/LC_MESSAGES/messages.po:42: untranslated: …``."""

    path: Path
    line: int
    message: str
    locale: str = ""
    kind: Kind = Kind.SYNTAX
    for_workers: bool = True
    """False for a message workers never get (an organizer alert): it does not block."""

    def __str__(self) -> str:
        return f"{display_path(self.path)}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Cost:
    """What one reply costs as an SMS in one language.

    ``swaps`` is set when the text is UCS-2 only because of characters that have a
    GSM-7 look-alike (``´`` → ``'``): the pairs to write instead, and the cost then.
    """

    name: str
    path: Path
    line: int
    text: str
    encoding: Encoding
    units: int
    segments: int
    budget: int | None
    swaps: tuple[tuple[str, str], ...] = ()
    swapped_segments: int = 0

    @property
    def over_budget(self) -> bool:
        return self.budget is not None and self.segments > self.budget


@dataclass(frozen=True)
class LanguageReport:
    """How complete one language is, and what each of its fixed replies costs."""

    locale: str
    path: Path
    messages: int
    translated: int
    fuzzy: int
    costs: tuple[Cost, ...] = ()

    @property
    def percent(self) -> int:
        return 100 if not self.messages else int(100 * self.translated / self.messages)


@dataclass(frozen=True)
class Result:
    """Everything ``check`` found."""

    problems: tuple[Problem, ...]
    reports: tuple[LanguageReport, ...] = ()

    def ok(self, locale: str | None = None) -> bool:
        """Tell whether there is no problem (in ``locale``, or at all)."""
        return not any(locale is None or p.locale in (locale, "") for p in self.problems)


@dataclass
class _Loaded:
    """One language's parsed catalog, and the problems found on the way."""

    locale: str
    path: Path
    catalog: Catalog | None
    problems: list[Problem] = field(default_factory=list)


def display_path(path: Path) -> str:
    """Show a path relative to the working directory when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# -- reading --------------------------------------------------------------------------


def template_path(locales_dir: Path) -> Path:
    """Return where the template (every source message) is: ``locales/messages.pot``."""
    return Path(locales_dir) / f"{DOMAIN}.pot"


def read_catalog(path: Path, locale: str | None = None) -> tuple[Catalog | None, list[Problem]]:
    """Parse a ``.po``/``.pot``; return the catalog (None if unreadable) and its problems.

    Lines Babel would skip silently are reported; the rest is still read, so one run
    shows every problem of a file.
    """
    problems = [Problem(path, line, message, locale or "", Kind.SYNTAX)
                for line, message in lint_po(path)]
    try:
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=locale, abort_invalid=True)
    except PoFileError as exc:
        if not problems:
            problems.append(Problem(path, exc.lineno + 1, f"invalid .po syntax: {exc.args[0]}"
                                    .replace(f" on {exc.lineno}", ""), locale or ""))
        return None, problems
    except UnicodeDecodeError:
        data = path.read_bytes()
        try:
            data.decode("utf-8")
            line = 1
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
        problems.append(Problem(path, line, "not valid UTF-8 text (save the file as UTF-8)",
                                locale or ""))
        return None, problems
    except (OSError, ValueError) as exc:
        problems.append(Problem(path, 1, f"cannot read the catalog: {exc}", locale or ""))
        return None, problems
    return catalog, problems


def lint_po(path: Path) -> Iterator[tuple[int, str]]:
    """Find what Babel's lenient parser would silently drop: bad quotes, escapes, repeats.

    Yield ``(line, problem)`` pairs; obsolete (``#~``) entries and comments are skipped.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return  # read_catalog reports it
    seen: dict[tuple[str | None, str], int] = {}
    entry: _Entry | None = None
    current: list[str] | None = None
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        keyword = _KEYWORD_LINE.match(line)
        if not (keyword or line.startswith('"')):
            yield number, f"not a .po line (a missing quote or a stray word?): {line[:40]!r}"
            continue
        value = keyword.group(2) if keyword else line
        quoted = _QUOTED.match(value)
        if quoted is None:
            yield number, ("text must be in straight double quotes, with a \\ before any "
                           f'" inside: {value[:40]}')
            current = None
            continue
        bad = _bad_escape(quoted.group(1))
        if bad:
            yield number, f"unknown escape \\{bad} (write \\\\ for a backslash)"
        piece = quoted.group(1)
        if keyword is None:
            if current is not None:
                current.append(piece)
            continue
        name = keyword.group(1)
        if name in ("msgctxt", "msgid"):
            if entry is None or entry.msgid is not None:
                if entry is not None:
                    yield from entry.finish(seen)
                entry = _Entry(number)
            current = [piece]
            if name == "msgctxt":
                entry.context = current
            else:
                entry.msgid = current
        else:
            current = None
    if entry is not None:
        yield from entry.finish(seen)


@dataclass
class _Entry:
    """The keys of one .po entry while ``lint_po`` reads it."""

    line: int
    context: list[str] | None = None
    msgid: list[str] | None = None

    def finish(self, seen: dict[tuple[str | None, str], int]) -> Iterator[tuple[int, str]]:
        key = ("".join(self.context) if self.context is not None else None,
               "".join(self.msgid or ()))
        if key == (None, ""):
            return  # the header
        if key in seen:
            yield self.line, f"duplicate entry: the same message is at line {seen[key]}"
        else:
            seen[key] = self.line


def _bad_escape(body: str) -> str:
    """Return the first character after a backslash that is not a known escape."""
    i = 0
    while i < len(body):
        if body[i] == "\\":
            if i + 1 < len(body) and body[i + 1] not in _ESCAPES:
                return body[i + 1]
            i += 2
        else:
            i += 1
    return ""


def _entries(catalog: Catalog) -> Iterator[Message]:
    """Every real message of a catalog (not the header, not obsolete ones)."""
    for message in catalog:
        if message.id:
            yield message


def _lineno(message: Message) -> int:
    return int(message.lineno or 0)


def _key(message: Message) -> tuple[str | None, str]:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return message.context, msgid


def _strings(message: Message) -> tuple[str, ...]:
    if isinstance(message.string, str):
        return (message.string,)
    return tuple(message.string or ())


def _ids(message: Message) -> tuple[str, ...]:
    return (message.id,) if isinstance(message.id, str) else tuple(message.id)


def _for_workers(message: Message) -> bool:
    """Tell whether workers may get this message: it comes from the dialogue (or nowhere
    known), not only from organizer alerts."""
    sources = [path for path, _ in message.locations]
    return not sources or any(path.startswith(WORKER_SOURCES) for path in sources)


def _is_keyword_list(context: str | None) -> bool:
    return bool(context) and str(context).startswith(CONTEXT)


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


def _check_placeholders(loaded: _Loaded, message: Message) -> Iterator[Problem]:
    if _is_keyword_list(message.context):
        return
    try:
        wanted = set().union(*(placeholders(i) for i in _ids(message)))
    except ValueError:
        return  # the source itself is the code's business; the tests cover it
    for text in _strings(message):
        if not text:
            continue
        try:
            got = placeholders(text)
        except ValueError as exc:
            yield Problem(loaded.path, _lineno(message),
                          f"broken placeholder ({exc}); a literal brace is written {{{{ or }}}}",
                          loaded.locale, Kind.PLACEHOLDER, _for_workers(message))
            continue
        if got != wanted:
            extra = ", ".join(sorted(got - wanted))
            lacking = ", ".join(sorted(wanted - got))
            detail = "; ".join(part for part in (
                f"the translation has {extra}" if extra else "",
                f"it lacks {lacking}" if lacking else "") if part)
            yield Problem(loaded.path, _lineno(message),
                          f"placeholders differ from the source ({detail}); keep "
                          f"{', '.join(sorted(wanted)) or 'none'} exactly as written: "
                          f"{_head(_ids(message)[0])}", loaded.locale, Kind.PLACEHOLDER,
                          _for_workers(message))


def _check_completeness(loaded: _Loaded, template: Catalog | None,
                        template_file: Path) -> Iterator[Problem]:
    assert loaded.catalog is not None
    source = loaded.locale == SOURCE_LOCALE
    wanted = list(_entries(template)) if template is not None else list(
        _entries(loaded.catalog))
    for expected in wanted:
        message = loaded.catalog.get(expected.id, expected.context)
        workers = _for_workers(expected)
        if message is None:
            if not source:
                yield Problem(template_file, _lineno(expected),
                              f"missing from {loaded.locale} (run `hotline i18n update`): "
                              f"{_head(_ids(expected)[0])}", loaded.locale, Kind.MISSING,
                              workers)
            continue
        if message.fuzzy:
            yield Problem(loaded.path, _lineno(message),
                          "fuzzy: review it and remove the fuzzy flag (fuzzy text is not "
                          f"used): {_head(_ids(message)[0])}", loaded.locale, Kind.FUZZY,
                          workers)
        elif not source and not all(_strings(message)):
            yield Problem(loaded.path, _lineno(message),
                          f"untranslated: {_head(_ids(message)[0])}", loaded.locale,
                          Kind.MISSING, workers)


def _check_keywords(loaded: _Loaded) -> Iterator[Problem]:
    """Twilio's words only in the consent lists; no word in two lists of one language."""
    assert loaded.catalog is not None
    source = loaded.locale == SOURCE_LOCALE
    owner: dict[str, Message] = {}
    for message in _entries(loaded.catalog):
        if not _is_keyword_list(message.context) or message.fuzzy:
            continue
        msgid = _ids(message)[0]
        listing = _strings(message)[0] or (msgid if source else "")
        for word in dict.fromkeys(split_words(listing)):
            allowed = msgid in CONSENT_LISTS or (
                source and word == "help" and msgid == COMMANDS[Command.HELP])
            if word in TWILIO_RESERVED and not allowed:
                yield Problem(loaded.path, _lineno(message),
                              f"{word.upper()} is a word Twilio answers itself (it would "
                              "not reach the bot, or would opt the worker out); use "
                              "another word", loaded.locale, Kind.KEYWORD)
            other = owner.setdefault(word, message)
            if other is not message:
                yield Problem(loaded.path, _lineno(message),
                              f"{word.upper()} is also in the keyword list at line "
                              f"{_lineno(other)} ({_head(_ids(other)[0], 30)}); a word can "
                              "mean only one thing", loaded.locale, Kind.KEYWORD)


def _load(locales_dir: Path, locale: str, template: Catalog | None,
          template_file: Path) -> _Loaded:
    path = catalog_path(locales_dir, locale)
    if not path.exists():
        loaded = _Loaded(locale, path, None)
        if locale != SOURCE_LOCALE:
            loaded.problems.append(Problem(path, 0, f"no catalog for {locale} (start one "
                                           f"with `hotline i18n add {locale}`)", locale,
                                           Kind.MISSING))
        return loaded
    catalog, problems = read_catalog(path, locale)
    loaded = _Loaded(locale, path, catalog, problems)
    if catalog is None:
        return loaded
    loaded.problems.extend(_check_completeness(loaded, template, template_file))
    for message in _entries(catalog):
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
          center_phone: str = "", costs: bool = True, facts: FactBook | None = None) -> Result:
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
            item_costs = tuple(_costs(catalogs, menu, item, template, fold_accents,
                                      center_phone, facts or packaged()))
            for cost in item_costs:
                if cost.over_budget:
                    problems.append(_budget_problem(item, cost))
        reports.append(_report(item, template, item_costs))
    return Result(tuple(problems), tuple(reports))


def _report(item: _Loaded, template: Catalog | None,
            costs: tuple[Cost, ...]) -> LanguageReport:
    expected = list(_entries(template)) if template is not None else (
        list(_entries(item.catalog)) if item.catalog is not None else [])
    translated = fuzzy = 0
    for message in expected:
        found = item.catalog.get(message.id, message.context) if item.catalog else None
        if found is not None and found.fuzzy:
            fuzzy += 1
        elif item.locale == SOURCE_LOCALE or (found is not None and all(_strings(found))):
            translated += 1
    return LanguageReport(item.locale, item.path, len(expected), translated, fuzzy, costs)


# -- what each reply costs ------------------------------------------------------------


def _costs(catalogs: Catalogs, menu: tuple[str, ...], item: _Loaded,
           template: Catalog | None, fold: bool, center_phone: str,
           facts: FactBook) -> Iterator[Cost]:
    topics = ((str(t.id), t.keywords) for t in TOPICS)
    ctx = Context(lexicon=catalogs.lexicon(topics), languages=menu,
                  center_phone=center_phone, facts=facts)
    covered: set[tuple[str | None, str]] = set()
    replies = list(fixed_replies(ctx, item.locale))
    for fixed in replies:
        covered.update(_msgids(fixed.reply))
    for message in _standalone(template or item.catalog, covered):
        msgid = _ids(message)[0]
        params = {name: SAMPLE_PARAMS.get(name, "x" * 10) for name in _names(msgid)}
        replies.append(FixedReply(_head(msgid, 30), msgid, Reply(msgid, params)))
    for fixed in replies:
        text = catalogs.render(fixed.reply, item.locale, fold_accents=fold)
        path, line = _where(item, template, fixed.context, fixed.msgid)
        yield _cost(fixed.name, text, path, line,
                    _budget(item, template, fixed.context, fixed.msgid), fold)


def _cost(name: str, text: str, path: Path, line: int, budget: int | None,
          fold: bool) -> Cost:
    info = measure(text)
    swaps: tuple[tuple[str, str], ...] = ()
    swapped = 0
    if info.encoding is Encoding.UCS2:
        alternatives = [(char, gsm7_alternative(char)) for char in non_gsm_chars(text)]
        if all(alt is not None for _, alt in alternatives):
            # with folding on, accents fold by themselves once nothing else blocks them
            swaps = tuple((char, alt or "") for char, alt in alternatives
                          if not fold or fold_to_gsm7(char) is None)
            rewritten = text
            for char, alt in swaps:
                rewritten = rewritten.replace(char, alt)
            if fold:
                rewritten = fold_to_gsm7(rewritten) or rewritten
            swapped = measure(rewritten).count
    return Cost(name, path, line, text, info.encoding, info.units, info.count, budget, swaps,
                swapped)


def _budget_problem(item: _Loaded, cost: Cost) -> Problem:
    hint = ""
    if cost.swaps:
        hint = (f"; it is UCS-2 only because of {_swaps(cost.swaps)} "
                f"({cost.swapped_segments} segments in GSM-7)")
    return Problem(cost.path, cost.line,
                   f"{cost.name}: {cost.segments} SMS segments ({cost.encoding}, "
                   f"{cost.units} characters), more than its budget of {cost.budget}{hint}",
                   item.locale, Kind.BUDGET)


def _swaps(swaps: Iterable[tuple[str, str]]) -> str:
    return ", ".join(f"{char!r} (write {alt!r})" for char, alt in swaps)


def _msgids(reply: Reply) -> Iterator[tuple[str | None, str]]:
    yield None, reply.msgid
    if reply.prefix:
        yield None, reply.prefix
    for value in (*reply.params.values(), *reply.options, *(v for _, v in reply.extra)):
        yield from _param_msgids(value)


def _param_msgids(value: Param) -> Iterator[tuple[str | None, str]]:
    if isinstance(value, Msg):
        yield value.context, value.msgid
        for _, inner in value.params:
            yield from _param_msgids(inner)
    elif isinstance(value, Native):
        yield value.context, value.msgid
    elif isinstance(value, Joined):
        for part in value.parts:
            yield from _param_msgids(part)


def _standalone(catalog: Catalog | None, covered: set[tuple[str | None, str]]) -> Iterator[
        Message]:
    """Worker-facing messages not measured inside another reply (new ones, too)."""
    if catalog is None:
        return
    for message in _entries(catalog):
        if message.context is not None or _key(message) in covered:
            continue
        sources = [path for path, _ in message.locations]
        if sources and all(path.startswith(WORKER_SOURCES) for path in sources):
            yield message


def _names(msgid: str) -> list[str]:
    try:
        return [name for _, name, _, _ in string.Formatter().parse(msgid) if name]
    except ValueError:
        return []


def _where(item: _Loaded, template: Catalog | None, context: str | None,
           msgid: str) -> tuple[Path, int]:
    """Return the file and line staff edit to change a message in this language."""
    own = item.catalog.get(msgid, context) if item.catalog is not None else None
    if own is not None:
        return item.path, int(own.lineno or 0)
    source = template.get(msgid, context) if template is not None else None
    if source is not None and item.locale != SOURCE_LOCALE:
        return template_path(item.path.parent.parent.parent), int(source.lineno or 0)
    return item.path, 0


def _budget(item: _Loaded, template: Catalog | None, context: str | None,
            msgid: str) -> int | None:
    """Read ``BUDGET: N``: this language's translator comment, then the template's."""
    comments: list[str] = []
    own = item.catalog.get(msgid, context) if item.catalog is not None else None
    if own is not None:
        comments += own.user_comments
    source = template.get(msgid, context) if template is not None else None
    for message in (source, own):
        if message is not None:
            comments += message.auto_comments
    for comment in comments:
        found = _BUDGET.search(comment)
        if found:
            value = found.group(1).lower()
            return None if value == "none" else int(value)
    return DEFAULT_BUDGET


def _head(text: str, width: int = 50) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= width else flat[: width - 1] + "…")
