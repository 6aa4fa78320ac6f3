"""The person's own settings (language, authenticator), the audit for coordinators, and
the organizer list for admins (deactivating someone ends their sign-ins at once)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from hotline.store.audit import Action
from hotline.store.organizers import Changes, Role
from hotline.web.console.access import console, coordinating, record, staff
from hotline.web.console.blueprint import bp
from hotline.web.console.words import L_, t


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> Any:
    """Show and change the person's language; point to the authenticator set-up."""
    who, c = staff(), console()
    if request.method == "POST":
        chosen = request.form.get("language", "")
        if chosen in c.words.languages():
            rest = [code for code in who.organizer.languages if code != chosen]
            c.organizers.edit(who.organizer.id, Changes(languages=",".join([chosen, *rest])))
            g.console_locale = chosen  # say it in the language just chosen
            flash(t(L_("Language saved.")))
            return redirect(url_for("console.account"))
    kept = c.factors.secret(who.organizer.id)
    offered = c.words.languages()
    return render_template("console/account.html", languages=offered,
                           names={code: c.words.name(code) for code in offered},
                           factor=kept is not None and kept[1],
                           recovery_left=c.factors.recovery_left(who.organizer.id))


@bp.get("/audit")
@login_required
@coordinating
def audit() -> str:
    """Read the audit, newest first (coordinators and admins)."""
    c = console()
    ref = request.args.get("ref", "").strip()[:8]
    case_id = None
    if ref:
        case = c.cases.by_ref(ref)
        case_id = case.id if case else -1
    before = request.args.get("before", "")
    entries = c.audit.entries(case_id=case_id, limit=100,
                              before_id=int(before) if before.isdigit() else None)
    return render_template("console/audit.html", entries=entries, ref=ref)


@bp.get("/organizers")
@login_required
@coordinating
def organizers() -> str:
    """List organizers; admins may deactivate or reactivate them."""
    return render_template("console/organizers.html", organizers=console().organizers.all(),
                           admin=staff().organizer.role == Role.ADMIN)


@bp.post("/organizers/<int:organizer_id>/active")
@login_required
def set_active(organizer_id: int) -> Response:
    """Deactivate (ending every sign-in of theirs) or reactivate an organizer (admins)."""
    who, c = staff(), console()
    if who.organizer.role != Role.ADMIN:
        record(Action.DENIED, detail="organizers")
        abort(403)
    if organizer_id == who.organizer.id:
        flash(t(L_("You cannot deactivate yourself.")))
        return redirect(url_for("console.organizers"))
    active = request.form.get("active") == "1"
    changed = c.organizers.edit(organizer_id, Changes(active=active))
    record(Action.ORGANIZER, detail=("reactivated " if active else "deactivated ") + changed.name)
    flash(t(L_("Saved.")))
    return redirect(url_for("console.organizers"))
