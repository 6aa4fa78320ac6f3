"""The words of the daily digest: the cases not closed, a line each, in the reader's
language. Pure: the cases and the clock in, text out; like an alert, a line names no
worker and quotes nothing they wrote."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from hotline.alerts.texts import KINDS, REPORT, Renderer, language_name
from hotline.dialogue import flow
from hotline.dialogue.replies import Joined, Msg, Reply
from hotline.dialogue.text import N_
from hotline.store.assignments import OpenCase

# TRANSLATORS: e-mail subject of the daily digest.
DIGEST_SUBJECT = N_("Hotline digest {date} - open cases: {count}")
DIGEST_UNCLAIMED = N_("Not taken yet ({count}):")
DIGEST_CLAIMED = N_("Taken, not closed ({count}):")
DIGEST_NONE = N_("No open cases.")
DIGEST_ESCALATED = N_("escalated")
DIGEST_URGENT = N_("URGENT")
# TRANSLATORS: digest line: who has the case.
DIGEST_WITH = N_("with {name}")


def digest(r: Renderer, cases: Sequence[OpenCase], day: date, now: datetime,
           locale: str = "en") -> tuple[str, str]:
    """Return (subject, body) of the daily list of cases not closed."""
    unclaimed = [c for c in cases if c.claimed_name is None]
    claimed_ = [c for c in cases if c.claimed_name is not None]
    subject = r.render(Reply(DIGEST_SUBJECT, {"date": day.isoformat(),
                                              "count": len(cases)}), locale)
    if not cases:
        return subject, r.render(Reply(DIGEST_NONE), locale) + "\n"
    parts = []
    for title, group in ((DIGEST_UNCLAIMED, unclaimed), (DIGEST_CLAIMED, claimed_)):
        if not group:
            continue
        lines = [r.render(Reply(title, {"count": len(group)}), locale)]
        lines += [_digest_line(r, c, now, locale) for c in group]
        parts.append("\n".join(lines))
    return subject, "\n\n".join(parts) + "\n"


def _digest_line(r: Renderer, case: OpenCase, now: datetime, locale: str) -> str:
    marks = []
    if case.urgent:
        marks.append(r.render(Reply(DIGEST_URGENT), locale))
    if case.level and case.claimed_name is None:
        marks.append(r.render(Reply(DIGEST_ESCALATED), locale))
    kind = r.render(Reply(KINDS.get(case.kind, REPORT)), locale)
    fields = [case.ref, _age(now - case.created_at), *marks, kind,
              language_name(case.locale, locale)]
    if case.industry:
        fields.append(r.render(Reply(flow.label_of(flow.INDUSTRIES, case.industry)), locale))
    if case.issues:
        fields.append(r.render(Reply("{x}", {"x": Joined(tuple(
            Msg(flow.label_of(flow.ISSUE_TYPES, i)) for i in case.issues), "; ")}), locale))
    if case.claimed_name:
        fields.append(r.render(Reply(DIGEST_WITH, {"name": case.claimed_name}), locale))
    return "  ".join(fields)


def _age(delta: timedelta) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}d {hours}h"
    return f"{hours}h {minutes:02d}m"
