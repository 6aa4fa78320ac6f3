"""The queues: unclaimed (urgent first), mine, all open, closed; filters and search.

An organizer's queues hold the cases alerted to them and their own; coordinators and
admins see every case. Rows carry nothing that names or reaches a worker.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import abort, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from hotline.store.assignments import CaseAlertRow
from hotline.store.queues import PAGE, Filters, Queue
from hotline.store.refs import clean
from hotline.web.console import labels
from hotline.web.console.access import console, staff
from hotline.web.console.blueprint import bp

#: Most rows one queue page grows to with "Show more" (search finds any older case).
MAX_SHOWN = 2000


@bp.get("/")
@login_required
def home() -> Response:
    """Start at the unclaimed queue."""
    return redirect(url_for("console.queue", name=Queue.UNCLAIMED.value))


def _filters() -> Filters:
    args = request.args
    older = args.get("older", "")
    return Filters(
        urgency=args.get("urgency", "") if args.get("urgency") in ("urgent", "normal") else "",
        language=args.get("language", "")[:16], industry=args.get("industry", "")[:32],
        issue=args.get("issue", "")[:32], area=args.get("area", "")[:60],
        channel=args.get("channel", "") if args.get("channel") in ("sms", "whatsapp") else "",
        older_than_hours=int(older) if older.isdigit() and int(older) < 10**5 else 0,
        ref=clean(args.get("ref", ""))[:8])


def visible_cases(organizer_id: int) -> set[int]:
    """Return the cases an organizer may see: alerted to them, or theirs."""
    c = console()
    from hotline.store.deliveries import ALERTS, DeliveryRow

    with Session(c.cases.engine) as db:
        alerted = set(db.scalars(select(DeliveryRow.case_id).where(
            DeliveryRow.organizer_id == organizer_id,
            DeliveryRow.purpose.in_([str(p) for p in ALERTS]),
            DeliveryRow.case_id.is_not(None))))
        mine = set(db.scalars(select(CaseAlertRow.case_id).where(
            CaseAlertRow.claimed_by == organizer_id)))
    return {i for i in alerted | mine if i is not None}


@bp.get("/queues/<name>")
@login_required
def queue(name: str) -> str:
    """List one queue, longest waiting first."""
    try:
        which = Queue(name)
    except ValueError:
        abort(404)
    who, c = staff(), console()
    filters = _filters()
    now = datetime.now(UTC)
    visible = None if who.coordinating else visible_cases(who.organizer.id)
    shown = request.args.get("shown", "")
    limit = min(int(shown), MAX_SHOWN) if shown.isdigit() and int(shown) > PAGE else PAGE
    items = c.queues.list(which, filters, now, organizer_id=who.organizer.id, visible=visible,
                          limit=limit)
    more = None
    if len(items) == limit and limit < MAX_SHOWN:
        args: dict[str, Any] = {**request.args.to_dict(), "shown": str(limit + PAGE)}
        more = url_for("console.queue", name=which.value, **args)
    return render_template("console/queue.html", queue=which, queues=list(Queue), items=items,
                           filters=filters, now=now, labels=labels, more=more,
                           searched=any(v for k, v in request.args.items() if k != "shown"))
