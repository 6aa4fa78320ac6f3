"""Cases as rows for an export (CSV or JSON), safe to open in a spreadsheet.

Shared by ``hotline cases export`` and the console's export. A CSV cell that starts like
a formula (``=``, ``+``, ``-``, ``@``, or a tab or carriage return before one) is
prefixed with a single quote, OWASP's advice: a "business name" a worker typed must
never run in staff's spreadsheet.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from typing import Any

from hotline.store.cases import CaseView

#: What a spreadsheet reads as the start of a formula (or of a hidden one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """Neutralise a cell a spreadsheet would run as a formula (prefix a single quote)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def rows(cases: Iterable[CaseView],
         conversations: Mapping[int, Sequence[Mapping[str, Any]]] | None = None
         ) -> list[dict[str, Any]]:
    """Return each case as a flat dict (times as ISO 8601, lists joined); with
    ``conversations`` (case id to its messages: ``at``, ``from``, ``words``, ``photos``),
    each also holds its conversation with the worker."""
    found = []
    for case in cases:
        row = asdict(case)
        row["created_at"] = case.created_at.isoformat()
        row["issues"] = ",".join(case.issues)
        # how many items the worker sent, never Twilio's links (`hotline evidence list`)
        row["media"] = len(case.media)
        if conversations is not None:
            row["conversation"] = [dict(m) for m in conversations.get(case.id, ())]
        found.append(row)
    return found


def as_csv(table: list[dict[str, Any]]) -> str:
    """Write rows as CSV, every cell spreadsheet-safe."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(table[0]) if table else ["id", "ref"])
    writer.writeheader()
    writer.writerows({k: spreadsheet_safe(_cell(v)) for k, v in row.items()} for row in table)
    return out.getvalue()


def _cell(value: object) -> object:
    """Write a conversation as one cell: a line per message (``at from: words``)."""
    if not isinstance(value, list):
        return value
    return "\n".join(f"{m['at']} {m['from']}: {m['words']}"
                     + (f" [{m['photos']} photo(s)]" if m.get("photos") else "")
                     for m in value)


def as_json(table: list[dict[str, Any]]) -> str:
    """Write rows as JSON (no spreadsheet runs JSON)."""
    return json.dumps(table, ensure_ascii=False, indent=2)
