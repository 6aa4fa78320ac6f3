"""What every fixed reply costs as an SMS in one language, rendered as the bot sends it."""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Iterator
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from hotline.dialogue.context import Context
from hotline.dialogue.facts import FactBook, packaged
from hotline.dialogue.previews import FixedReply, fixed_replies
from hotline.dialogue.replies import Joined, Msg, Native, Param, Reply
from hotline.dialogue.topics import TOPICS
from hotline.words.catalogs import SOURCE_LOCALE, Catalogs
from hotline.words.findings import Cost, Kind, Problem, head
from hotline.words.po_files import (
    WORKER_SOURCES,
    LoadedCatalog,
    entries,
    ids,
    key,
    template_path,
)
from hotline.words.segments import (
    Encoding,
    fold_to_gsm7,
    gsm7_alternative,
    measure,
    non_gsm_chars,
)

#: SMS segments a reply may cost unless its message says otherwise (``BUDGET: N``).
DEFAULT_BUDGET = 2
#: Stand-ins for placeholders when a message is measured on its own.
SAMPLE_PARAMS = {"ref": "482135", "phone": "(213) 555-0100", "count": "3"}

_BUDGET = re.compile(r"\bBUDGET:\s*(\d+|none)\b", re.IGNORECASE)


def reply_costs(catalogs: Catalogs, menu: tuple[str, ...], item: LoadedCatalog,
           template: Catalog | None, fold: bool, center_phone: str,
           facts: FactBook | None = None) -> Iterator[Cost]:
    topics = ((str(t.id), t.keywords) for t in TOPICS)
    ctx = Context(lexicon=catalogs.lexicon(topics), languages=menu,
                  center_phone=center_phone, facts=facts or packaged())
    covered: set[tuple[str | None, str]] = set()
    replies = list(fixed_replies(ctx, item.locale))
    for fixed in replies:
        covered.update(_msgids(fixed.reply))
    for message in _standalone(template or item.catalog, covered):
        msgid = ids(message)[0]
        params = {name: SAMPLE_PARAMS.get(name, "x" * 10) for name in _names(msgid)}
        replies.append(FixedReply(head(msgid, 30), msgid, Reply(msgid, params)))
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


def budget_problem(item: LoadedCatalog, cost: Cost) -> Problem:
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
    if isinstance(reply.prefix, Msg):
        yield from _param_msgids(reply.prefix)
    elif reply.prefix:
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
    for message in entries(catalog):
        if message.context is not None or key(message) in covered:
            continue
        sources = [path for path, _ in message.locations]
        if sources and all(path.startswith(WORKER_SOURCES) for path in sources):
            yield message


def _names(msgid: str) -> list[str]:
    try:
        return [name for _, name, _, _ in string.Formatter().parse(msgid) if name]
    except ValueError:
        return []


def _where(item: LoadedCatalog, template: Catalog | None, context: str | None,
           msgid: str) -> tuple[Path, int]:
    """Return the file and line staff edit to change a message in this language."""
    own = item.catalog.get(msgid, context) if item.catalog is not None else None
    if own is not None:
        return item.path, int(own.lineno or 0)
    source = template.get(msgid, context) if template is not None else None
    if source is not None and item.locale != SOURCE_LOCALE:
        return template_path(item.path.parent.parent.parent), int(source.lineno or 0)
    return item.path, 0


def _budget(item: LoadedCatalog, template: Catalog | None, context: str | None,
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
