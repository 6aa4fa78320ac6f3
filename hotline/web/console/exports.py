"""Exports of cases (CSV, JSON) from the console: coordinators and admins only, after a
recent sign-in, each exported case on the record, every CSV cell spreadsheet-safe."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Response, render_template, request
from flask_login import login_required

from hotline.store import exports
from hotline.store.audit import Action
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
    table = exports.rows(cases)
    c.audit.record_many(Action.EXPORTED, ((case.id, case.ref) for case in cases),
                        organizer_id=who.organizer.id, actor=who.organizer.name,
                        ip_hash=ip_hash(), detail=f"{fmt} {scope}")
    if not cases:
        c.audit.record(Action.EXPORTED, organizer_id=who.organizer.id,
                       actor=who.organizer.name, ip_hash=ip_hash(), detail=f"{fmt} {scope}")
    body = exports.as_json(table) if fmt == "json" else exports.as_csv(table)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    response = Response(body, mimetype="application/json" if fmt == "json" else "text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="cases-{stamp}.{fmt}"'
    return response
