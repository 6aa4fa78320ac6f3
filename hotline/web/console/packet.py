"""The claim packet: what the California Labor Commissioner's wage claim asks for, laid
out for printing and filled from the report, with blanks for the organizer to complete
with the worker.

Labels are in English (the form is); the worker's answers are given as they wrote them.
Messages of the conversation with the worker go in only those the organizer ticks on
the page (``?m=12&m=15``): a claim rests on what they choose, not on every "OK".
Only the organizer who has the case or a coordinator may open it, and each opening is
recorded.
"""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from flask_login import login_required

from hotline.store.audit import Action
from hotline.store.db import aware
from hotline.web.console import labels
from hotline.web.console.access import console, record, staff
from hotline.web.console.blueprint import bp
from hotline.web.console.cases import allowed, case_or_404
from hotline.web.console.conversation import lines

#: Issue types and the claims on the Labor Commissioner's form they point to.
CLAIMS = {
    "unpaid": "Unpaid wages (hours worked and not paid, or paid late)",
    "min_wage": "Minimum wage (paid less than the minimum for hours worked)",
    "overtime": "Overtime (over 8 hours a day or 40 a week, not paid at 1.5x / 2x)",
    "breaks": "Meal and rest period premiums (breaks not given)",
    "sick_leave": "Paid sick leave (denied or not paid)",
    "tips": "Gratuities (tips taken by the employer or a manager)",
    "retaliation": "Retaliation (a separate complaint may be filed: Labor Code 98.7)",
    "safety": "Unsafe work (refer to Cal/OSHA; injuries: workers' compensation)",
    "other": "Other (describe below)",
}
#: The English names of the report's answers, for the form.
ENGLISH = {
    "industry": {"restaurant": "Restaurant", "market": "Market or grocery",
                 "garment": "Garment", "car_wash": "Car wash",
                 "cleaning": "Cleaning or janitorial", "other": "Other"},
    "when": {"this_week": "This week", "this_month": "This month",
             "this_year": "1 to 12 months ago", "older": "More than a year ago"},
    "locale": {"en": "English", "es": "Spanish", "ko": "Korean"},
}


@bp.get("/cases/<ref>/packet")
@login_required
def packet(ref: str) -> Any:
    """Show the printable claim packet of a case."""
    case = case_or_404(ref)
    allowed(case, "packet")
    said = lines(case)
    wanted = {int(m) for m in request.args.getlist("m") if m.isdigit()}
    chosen = [line for line in said if line.id in wanted]
    record(Action.PACKET, case, detail="with chosen messages" if chosen else "")
    assignment = console().assignments.get(case.id)
    return render_template(
        "console/packet.html", case=labels.readable_case(case), claims=CLAIMS,
        english=ENGLISH, labels=labels,
        organizer=staff().organizer, assignment=assignment, filed=aware(case.created_at),
        interpreter=case.locale != "en", said=said, chosen=chosen, wanted=wanted)
