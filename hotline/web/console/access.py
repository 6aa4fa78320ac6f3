"""Who is signed in to the console, what they may do, and the record of what they did.

``Console`` holds the stores the views use (built once per app). A signed-in person is
a ``Staff``: an active organizer and a live server-side sign-in (``store.logins``);
Flask-Login keeps only the sign-in's random token in the session cookie and asks this
module for it on every request, so a sign-in that was ended, or an organizer who was
deactivated, is refused at the next click.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from flask import abort, current_app, redirect, request, url_for
from flask_login import LoginManager, UserMixin, current_user

from hotline.crypto import Crypto
from hotline.service import Service
from hotline.store.audit import Action, AuditStore
from hotline.store.cases import CaseView
from hotline.store.employers import EmployerStore
from hotline.store.factors import FactorStore
from hotline.store.logins import Login, LoginStore
from hotline.store.messages import MessageStore
from hotline.store.notes import NoteStore
from hotline.store.organizers import Organizer
from hotline.store.queues import QueueStore
from hotline.web.console.words import ConsoleWords, preferred

#: How long ago a sign-in must have been confirmed for an export, an erasure or a reveal.
RECENT = timedelta(minutes=10)


class Console:
    """The stores and services of the console, for one app."""

    def __init__(self, service: Service) -> None:
        engine = service.cases.engine
        self.service = service
        self.crypto: Crypto = service.crypto
        self.cases = service.cases
        self.dispatcher = service.dispatcher
        self.organizers = service.dispatcher.organizers
        self.assignments = service.dispatcher.assignments
        self.deliveries = service.dispatcher.deliveries
        self.logins = LoginStore(engine)
        self.factors = FactorStore(engine, self.crypto)
        self.notes = NoteStore(engine, self.crypto)
        self.messages = MessageStore(engine, self.crypto)
        self.audit = AuditStore(engine)
        self.queues = QueueStore(engine, self.crypto)
        self.employers = EmployerStore(engine, self.crypto)
        self.words = ConsoleWords(service.settings.locales_path)

    def redis_key(self, *parts: str) -> str:
        """Return a key of the console's under the hotline's Redis prefix."""
        return self.service.settings.redis_prefix + "console:" + ":".join(parts)


def console() -> Console:
    """Return this app's console."""
    return cast(Console, current_app.extensions["console"])


class Staff(UserMixin):
    """A signed-in organizer and their sign-in."""

    def __init__(self, organizer: Organizer, login: Login, token: str) -> None:
        self.organizer = organizer
        self.login = login
        self.token = token

    def get_id(self) -> str:
        return self.token

    @property
    def locale(self) -> str:
        return preferred(self.organizer.languages)

    @property
    def coordinating(self) -> bool:
        return self.organizer.coordinating

    def recent(self, now: datetime | None = None) -> bool:
        """Tell whether this sign-in was confirmed within ``RECENT``."""
        return (now or datetime.now(UTC)) - self.login.confirmed_at <= RECENT


def staff() -> Staff:
    """Return the signed-in person (views behind ``login_required`` only)."""
    return cast(Staff, current_user._get_current_object())


def init_login(app: Any) -> LoginManager:
    """Set up Flask-Login: the session names a sign-in, looked up server-side each time."""
    manager = LoginManager()
    manager.login_view = "console.sign_in"
    manager.login_message = ""  # the sign-in page says what to do
    manager.session_protection = "basic"

    @manager.user_loader
    def load(token: str) -> Staff | None:
        c: Console = app.extensions["console"]
        login = c.logins.live(token)
        if login is None:
            return None
        organizer = c.organizers.get(login.organizer_id)
        if organizer is None or not organizer.active:
            c.logins.end(token)
            return None
        return Staff(organizer, login, token)

    manager.init_app(app)
    return manager


def ip_hash() -> str:
    """Return a keyed hash of the request's address: where from, never the address."""
    return console().crypto.sender_id("console-ip:" + (request.remote_addr or "?"))[:16]


def record(action: Action, case: CaseView | None = None, detail: str = "") -> None:
    """Append what the signed-in person did to the audit."""
    who = staff()
    console().audit.record(action, organizer_id=who.organizer.id, actor=who.organizer.name,
                           ip_hash=ip_hash(), case_id=case.id if case else None,
                           case_ref=case.ref if case else None, detail=detail)


def coordinating(view: Callable[..., Any]) -> Callable[..., Any]:
    """Let only coordinators and admins through (403 otherwise, on the record)."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not staff().coordinating:
            record(Action.DENIED, detail=request.endpoint or "")
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def recent_sign_in(view: Callable[..., Any]) -> Callable[..., Any]:
    """Ask the person to prove again who they are unless they did within ``RECENT``."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not staff().recent():
            back = request.referrer if request.method == "POST" else request.full_path
            return redirect(url_for("console.confirm", next=_local(back)))
        return view(*args, **kwargs)

    return wrapped


def _local(url: str | None) -> str:
    """Return a path on this site to go back to (never another site)."""
    if not url:
        return url_for("console.home")
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.netloc and parts.netloc != request.host:
        return url_for("console.home")
    path = parts.path or "/console/"
    if not path.startswith("/console/"):
        return url_for("console.home")
    return path + (f"?{parts.query}" if parts.query else "")


def safe_next(url: str | None) -> str:
    """Return ``url`` if it is a console path on this site, else the home page."""
    return _local(url)


@dataclass(frozen=True)
class CaseAccess:
    """What the signed-in person may do with one case."""

    view: bool
    claim: bool
    own: bool  # claimed by them, or they coordinate

    @property
    def reveal(self) -> bool:
        return self.own

    @property
    def packet(self) -> bool:
        return self.own


def access_to(case_id: int) -> CaseAccess:
    """Decide what the signed-in person may do with a case.

    Coordinators and admins: everything. An organizer: the case page of a case alerted
    to them (so they can decide to take it) or theirs; claim only a case alerted to them
    (the rule of ``OK 4821``); reveal the number and open the packet only of their own.
    """
    c, who = console(), staff()
    if who.coordinating:
        return CaseAccess(view=True, claim=True, own=True)
    assignment = c.assignments.get(case_id)
    mine = assignment is not None and assignment.claimed_by == who.organizer.id
    alerted = who.organizer.id in c.deliveries.alerted(case_id)
    return CaseAccess(view=mine or alerted, claim=alerted, own=mine)
