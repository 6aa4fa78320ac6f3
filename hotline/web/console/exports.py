"""Exports of cases (CSV, JSON) from the console: coordinators and admins only, after a
recent sign-in, each exported case on the record, every CSV cell spreadsheet-safe.
The conversations with workers go in only when the person exporting asks for them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from flask import Response, render_template, request
from flask_login import login_required

from hotline.store import exports
from hotline.store.audit import Action
from hotline.store.conversations import Direction
from hotline.web.console import labels
from hotline.web.console.access import (
    console,
    coordinating,
    ip_hash,
    recent_sign_in,
    staff,
)
from hotline.web.console.blueprint import bp

#: Which cases an export holds.
SCOPES = ("open", "closed", "all")


@bp.get("/export")
@login_required
@coordinating
def export_page() -> str:
    """Offer the export."""
    return render_template("console/export.html", scopes=SCOPES)


@bp.post("/export")
@login_required
@coordinating
@recent_sign_in
def export() -> Any:
    """Send every case of the chosen scope, decrypted, as CSV or JSON."""
    fmt = "json" if request.form.get("format") == "json" else "csv"
    scope = request.form.get("scope", "all")
    c, who = console(), staff()
    cases = [case for case in c.cases.newest()
             if scope == "all" or (case.status == "closed") == (scope == "closed")]
    with_talk = request.form.get("talk") == "yes"
    table = exports.rows([labels.readable_case(case) for case in cases],
                         conversations(case.id for case in cases) if with_talk else None)
    c.audit.record_many(Action.EXPORTED, ((case.id, case.ref) for case in cases),
                        organizer_id=who.organizer.id, actor=who.organizer.name,
                        ip_hash=ip_hash(),
                        detail=f"{fmt} {scope}" + (" with conversations" if with_talk else ""))
    if not cases:
        c.audit.record(Action.EXPORTED, organizer_id=who.organizer.id,
                       actor=who.organizer.name, ip_hash=ip_hash(), detail=f"{fmt} {scope}")
    body = exports.as_json(table) if fmt == "json" else exports.as_csv(table)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    response = Response(body, mimetype="application/json" if fmt == "json" else "text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="cases-{stamp}.{fmt}"'
    return response


def conversations(case_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """Return each case's conversation messages for an export, oldest first."""
    c = console()
    names = {o.id: o.name for o in c.organizers.all()}
    found: dict[int, list[dict[str, Any]]] = {}
    for case_id in case_ids:
        found[case_id] = [{
            "at": m.created_at.isoformat(),
            "from": "worker" if m.direction == Direction.IN else names.get(
                m.organizer_id or 0, "organizer"),
            "to": names.get(m.organizer_id or 0, "organizer") if m.direction == Direction.IN
            else "worker",
            "channel": m.channel, "words": labels.readable(m.body) or "", "photos": len(m.media),
        } for m in c.service.talk.store.messages_for_case(case_id)]
    return found
