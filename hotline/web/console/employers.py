"""Repeat employers: businesses reported by several workers, by number of cases.

Names come from the keyed blind index (``store.employers``); staff merge spellings the
index cannot join (``Assi Market`` and ``아씨마켓``). The page shows case numbers, issue
types and dates, nothing about the workers.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required

from hotline.store.audit import Action
from hotline.web.console import labels
from hotline.web.console.access import console, coordinating, record, staff
from hotline.web.console.blueprint import bp
from hotline.web.console.words import L_, t


@bp.get("/employers")
@login_required
@coordinating
def employers() -> str:
    """List employers, most cases first."""
    minimum = request.args.get("min", "1")
    found = [replace(e, name=labels.readable(e.name) or "",
                     spellings=tuple(labels.readable(n) or "" for n in e.spellings))
             for e in console().employers.employers(int(minimum) if minimum.isdigit() else 1)]
    return render_template("console/employers.html", employers=found, labels=labels,
                           minimum=minimum)


@bp.post("/employers/merge")
@login_required
@coordinating
def merge() -> Any:
    """Treat several spellings as one business."""
    keys = request.form.getlist("key")
    into = request.form.get("into", "")
    if into and into not in keys:
        keys.append(into)
    if len(keys) < 2:
        flash(t(L_("Tick two or more employers to merge.")))
        return redirect(url_for("console.employers"))
    target = into or keys[0]
    moved = console().employers.merge([k for k in keys if k != target], target,
                                      staff().organizer.id)
    record(Action.MERGED, detail=f"{moved + 1} spellings")
    flash(t(L_("Merged.")))
    return redirect(url_for("console.employers"))
