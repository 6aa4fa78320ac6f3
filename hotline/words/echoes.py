"""Shorten the worker's own words quoted in a reply until the reply fits its SMS budget.

A summary quotes the worker's answers. One Hangul shop sign or one emoji in an English
or Spanish summary turns the whole SMS into UCS-2 (70 characters a segment, not 160)
and a 2-segment summary into 5. So the quotes give way, never the budget:

1. each quote is one line of at most its ``limit`` grapheme clusters;
2. if the reply is over budget and a quote is what makes it UCS-2, the quote keeps
   only the part before its first character GSM-7 cannot carry ("Seoul Garden 서울가든"
   → "Seoul Garden ...");
3. then the longest quote is cut, a third at a time, until the reply fits (at worst
   every quote is "...", and the catalog check keeps that within budget).

The full answers are in the report either way; only the SMS read-back is shortened.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace

from hotline.dialogue.replies import Echo, Joined, Msg, Param, Reply
from hotline.words.segments import fold_to_gsm7, graphemes, is_gsm7, measure

#: What stands for the cut-off part of a quote (GSM-7, so it never costs UCS-2).
ELLIPSIS = "..."

Render = Callable[[Reply], str]
"""Render a reply to the exact SMS text (the catalogs' renderer)."""


def one_line(text: str) -> str:
    """Put a quote on one line: line breaks and tabs become spaces."""
    return " ".join(text.split())


def shorten(text: str, clusters: int) -> str:
    """Cut a quote to ``clusters`` grapheme clusters, "..." marking the cut."""
    parts = graphemes(text)
    if len(parts) <= clusters:
        return text
    keep = max(clusters - len(ELLIPSIS), 0)
    return "".join(parts[:keep]).rstrip() + ELLIPSIS


def gsm7_head(text: str) -> str:
    """Keep the part of a quote before its first character with no GSM-7 look-alike."""
    parts = graphemes(text)
    for index, cluster in enumerate(parts):
        if fold_to_gsm7(cluster) is None:
            return "".join(parts[:index]).rstrip() + ELLIPSIS
    return text


def fit(reply: Reply, render: Render) -> str:
    """Render ``reply``; shorten its quotes until it fits ``reply.budget`` segments."""
    quotes = {key: shorten(one_line(value.text), value.limit)
              for key, value in _echoes(reply.params)}
    text = render(_with(reply, quotes))
    if reply.budget is None or not quotes or measure(text).count <= reply.budget:
        return text
    if not is_gsm7(text):
        bare = render(_with(reply, dict.fromkeys(quotes, ELLIPSIS)))
        heads = {key: gsm7_head(value) for key, value in quotes.items()}
        if is_gsm7(bare) and heads != quotes:
            # only the quotes make it UCS-2: keep what of them GSM-7 can carry
            quotes = heads
            text = render(_with(reply, quotes))
    while measure(text).count > reply.budget:
        key = max(quotes, key=lambda k: len(graphemes(quotes[k])))
        length = len(graphemes(quotes[key]))
        if length <= len(ELLIPSIS):
            break  # every quote is "...": what is left is catalog text
        quotes[key] = shorten(quotes[key], length * 2 // 3)
        text = render(_with(reply, quotes))
    return text


def _echoes(params: Mapping[str, Param]) -> Iterator[tuple[str, Echo]]:
    for key, value in params.items():
        if isinstance(value, Echo):
            yield key, value


def _with(reply: Reply, quotes: dict[str, str]) -> Reply:
    """Return the reply with its quotes as plain (already shortened) text."""
    params = {key: quotes.get(key, value) if isinstance(value, Echo) else value
              for key, value in reply.params.items()}
    return replace(reply, params=params, budget=None)


def quoted(value: Param) -> bool:
    """Tell whether a parameter holds a worker's words anywhere inside it."""
    if isinstance(value, Echo):
        return True
    if isinstance(value, Msg):
        return any(quoted(v) for _, v in value.params)
    if isinstance(value, Joined):
        return any(quoted(v) for v in value.parts)
    return False
