"""What a rights explainer says on a given day: its sentences, with dated figures filled in.

A figure is stated only on the days its entry applies; on any other day the explainer
says when the figure changes and which agency to call for today's figure. A topic whose
own rules entry has run out says only that, and the Labor Commissioner's line. The day
is the center's calendar day, worked out by the caller from the ``now`` it was given.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from hotline.dialogue.facts import Changes, FactBook, Stated
from hotline.dialogue.replies import Amount, Day, Joined, Msg, Param
from hotline.dialogue.topics import TOPIC_CHANGES, Figure, Topic, figure_keys

#: A day whose written form is long in every language, to measure a "changes" sentence
#: whose figure has no next_change set yet.
SAMPLE_DAY = date(2027, 9, 30)


def said(t: Topic, index: int, facts: FactBook, day: date) -> tuple[Param, bool]:
    """Return what part ``index`` of ``t`` says on ``day``, and whether more parts follow."""
    rules = facts.at(t.id, day)
    if isinstance(rules, Changes):
        return changes(rules.on), False
    index = min(index, len(t.parts) - 1)
    text = _joined([_piece(piece, facts.at(piece.key, day)) if isinstance(piece, Figure)
                    else Msg(piece) for piece in t.parts[index]])
    if index == 0 and t.stamp:
        text = Joined((text, stamp(t, as_of(t, facts, day))), "\n")
    return text, index + 1 < len(t.parts)


def as_of(t: Topic, facts: FactBook, day: date) -> date:
    """Return the oldest review among the entries a topic relies on that day."""
    reviews = [fact.reviewed for key in (t.id, *figure_keys(t))
               if (fact := facts.current(key, day)) is not None]
    return min(reviews, default=day)


def stamp(t: Topic, reviewed: date) -> Msg:
    """Return the source line of a topic, "As of" the month of ``reviewed``."""
    return Msg(t.stamp, params=(("as_of", Day(reviewed, month=True)),))


def changes(on: date) -> Msg:
    """Return what a topic says when its own rules have run out."""
    return Msg(TOPIC_CHANGES, params=(("date", Day(on)),))


def variants(t: Topic, index: int, facts: FactBook) -> Iterator[tuple[str, Param]]:
    """Yield every way part ``index`` can read under the data, for measuring its cost.

    First the part with each figure at its newest entry (what it will say from now on),
    then, for each figure, the part with that figure replaced by its "changes" sentence
    at the day the newest entry ends (or a long-written sample day if none is set).
    """
    newest = {key: facts.entries[key][-1] for key in figure_keys(t)}
    pieces = t.parts[index]

    def render(changed: str | None, on: date) -> Param:
        rendered: list[Param] = []
        for piece in pieces:
            if not isinstance(piece, Figure):
                rendered.append(Msg(piece))
            elif piece.key == changed:
                rendered.append(_piece(piece, Changes(on)))
            else:
                rendered.append(_piece(piece, Stated(newest[piece.key])))
        text = _joined(rendered)
        if index == 0 and t.stamp:
            reviewed = min(f.reviewed for f in (facts.entries[t.id][-1], *newest.values()))
            text = Joined((text, stamp(t, reviewed)), "\n")
        return text

    yield "", render(None, date.min)
    for piece in pieces:
        if isinstance(piece, Figure):
            last = newest[piece.key]
            on = last.next_change or SAMPLE_DAY
            yield f"{piece.key} changes {on.isoformat()}", render(piece.key, on)


def _piece(piece: Figure, found: Stated | Changes) -> Msg:
    if isinstance(found, Stated):
        fact = found.fact
        since = fact.effective or date.min
        return Msg(piece.stated, params=(("amount", Amount(fact.value)), ("since", Day(since))))
    return Msg(piece.changes, params=(("date", Day(found.on)),))


def _joined(pieces: list[Param]) -> Param:
    return pieces[0] if len(pieces) == 1 else Joined(tuple(pieces), " ")
