"""The case console at ``/console/``: organizers and staff work cases in the browser.

Always on, in every environment: signing in needs a one-time code sent to an
organizer's registered phone or e-mail (and an authenticator for coordinators and
admins); sessions are kept server-side; every form carries a CSRF token (Flask-WTF);
sign-in pages are rate-limited in the hotline's Redis (Flask-Limiter); cookies are
Secure, HttpOnly and SameSite. Plain server-rendered pages with a little CSS and
JavaScript, readable with JavaScript off. The Twilio webhooks are outside all of this:
they keep their signature check and no CSRF token is asked of them.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, Response, current_app, g, render_template, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFError, CSRFProtect

from hotline.service import Service
from hotline.web.console import words
from hotline.web.console.access import Console, init_login
from hotline.web.console.blueprint import bp
from hotline.web.console.scope import ConsoleSessions, confine

#: Sign-in attempts from one address: a few a minute for people, nothing for a guesser.
SIGN_IN_LIMITS = "5 per minute;30 per hour"
#: Code and authenticator guesses from one address.
GUESS_LIMITS = "10 per minute;60 per hour"
#: Codes asked for one phone number or address, from anywhere.
CODES_PER_PERSON = "5 per hour"
#: How long a console session cookie lives (the server ends idle sign-ins sooner).
SESSION_HOURS = 12

_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": ("default-src 'self'; img-src 'self' data:; "
                                "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"),
}


def init_app(app: Flask) -> None:
    """Serve the console on this app (create_app always calls it)."""
    from hotline.web.console import (  # noqa: F401 - importing registers the views
        account,
        cases,
        employers,
        exports,
        packet,
        queues,
        signin,
        talk,
    )

    service: Service = app.extensions["hotline"]
    console = Console(service)
    app.extensions["console"] = console
    app.secret_key = hmac.new(service.settings.secret_key.encode(), b"hotline console session",
                              hashlib.sha256).hexdigest()
    app.config.update(
        SESSION_COOKIE_NAME="hotline_console",
        SESSION_COOKIE_PATH="/console",
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
        REMEMBER_COOKIE_SECURE=True,
        REMEMBER_COOKIE_HTTPONLY=True,
        # only the console's forms are checked: the webhooks answer Twilio, not browsers
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=SESSION_HOURS * 3600,
    )
    CSRFProtect(app)
    words.init_app(app, console.words)
    zone = ZoneInfo(service.settings.center_timezone)

    def local(moment: datetime | None, date: bool = False) -> str:
        """Show a stored time in the center's time zone."""
        if moment is None:
            return "—"
        return moment.astimezone(zone).strftime("%Y-%m-%d" if date else "%Y-%m-%d %H:%M")

    app.jinja_env.filters["local"] = local
    logins = init_login(app)
    app.register_blueprint(bp)
    limiter = _limit(app, service)
    # the webhooks neither carry the console's cookie nor meet its limits
    app.session_interface = ConsoleSessions()
    confine(app, bp.name, limiter, logins)


@bp.before_request
def _guard() -> None:
    """Check the CSRF token of every console form; read the person's language."""
    from flask_login import current_user

    if request.method == "POST":
        current_app.extensions["csrf"].protect()
    g.console_locale = current_user.locale if current_user.is_authenticated else None


def _limit(app: Flask, service: Service) -> Limiter:
    """Count sign-in attempts and guesses in the hotline's Redis (Flask-Limiter)."""
    limiter = Limiter(get_remote_address, app=app, strategy="fixed-window",
                      storage_uri="redis://",  # the hotline's own Redis, through its pool
                      storage_options={
                          "connection_pool": service.conn.connection_pool,  # type: ignore[dict-item]
                          "key_prefix": service.settings.redis_prefix + "console:limits"})

    def person() -> str:
        who = " ".join(request.form.get("who", "").casefold().split())
        return "who:" + hashlib.sha256(who.encode()).hexdigest()[:24]

    views: dict[str, Any] = app.view_functions
    views["console.sign_in"] = limiter.limit(CODES_PER_PERSON, methods=["POST"],
                                             key_func=person)(
        limiter.limit(SIGN_IN_LIMITS, methods=["POST"])(views["console.sign_in"]))
    for name in ("console.sign_in_code", "console.factor", "console.enrol", "console.confirm"):
        views[name] = limiter.limit(GUESS_LIMITS, methods=["POST"])(views[name])
    return limiter


@bp.after_request
def _headers(response: Response) -> Response:
    for name, value in _HEADERS.items():
        response.headers.setdefault(name, value)
    return response


@bp.errorhandler(CSRFError)
def _csrf(error: CSRFError) -> tuple[str, int]:
    return render_template("console/error.html", code=400, what="csrf"), 400


@bp.errorhandler(429)
def _too_many(error: Any) -> tuple[str, int]:
    return render_template("console/error.html", code=429, what="limit"), 429


@bp.errorhandler(403)
def _forbidden(error: Any) -> tuple[str, int]:
    return render_template("console/error.html", code=403, what="forbidden"), 403


@bp.errorhandler(404)
def _missing(error: Any) -> tuple[str, int]:
    return render_template("console/error.html", code=404, what="missing"), 404
