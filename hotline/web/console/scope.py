"""Keep the console's extensions to the console: the webhooks do not pay for them.

Flask-Limiter and Flask-Login hang their request hooks on the whole app, and Flask opens
the signed-cookie session of every request. On a Twilio webhook none of it can do
anything: the console's limits are all on its own sign-in views (checked by their
decorators), and its cookie is scoped to ``/console`` so a webhook never carries one.
Yet together they cost the webhook more than its signature check (a serializer built,
the cookie header parsed, the limiter's resolution of no limits; ``bench/optimisations.md``).
Here the hooks move to the console's blueprint, in the same order, and requests outside
the cookie's path get Flask's null session.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface


class ConsoleSessions(SecureCookieSessionInterface):
    """The usual signed-cookie session, opened only under ``SESSION_COOKIE_PATH`` (the
    only paths the browser sends the cookie to); elsewhere Flask's null session, which is
    never saved and refuses writes (nothing outside the console writes one)."""

    def __init__(self) -> None:
        self._serializers: dict[tuple[Any, ...], Any] = {}

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        path = app.config["SESSION_COOKIE_PATH"] or "/"
        if not request.path.startswith(path):
            return None  # Flask then makes the null session
        return super().open_session(app, request)

    def get_signing_serializer(self, app: Flask) -> Any:
        """Flask builds a serializer per request; keep one per key set (they hold no
        per-request state, and a changed key makes a new one)."""
        keys = (app.secret_key, *(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        kept = self._serializers.get(keys)
        if kept is None:
            kept = super().get_signing_serializer(app)
            if kept is not None:
                self._serializers = {keys: kept}
        return kept


def confine(app: Flask, blueprint: str, *hooks: Any) -> None:
    """Move ``hooks`` from the app's request hooks (before, after, teardown) to those of
    ``blueprint``, ahead of its own, so they keep their order around its hooks."""
    tables: tuple[dict[Any, list[Any]], ...] = (
        app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs)
    for table in tables:
        everywhere = table.get(None, [])
        moved = [f for f in everywhere if any(_same(f, h) for h in hooks)]
        if not moved:
            continue
        table[None] = [f for f in everywhere if f not in moved]
        table[blueprint] = [*moved, *table.get(blueprint, [])]


def _same(registered: Any, hook: Any) -> bool:
    """Tell whether a registered hook is ``hook`` itself, a bound method of the object
    ``hook``, or a ``functools.partial`` over that object (how Flask-Limiter registers
    its after-request hook)."""
    if registered is hook or registered == hook:
        return True
    if getattr(registered, "__self__", None) is hook:
        return True
    return hook in getattr(registered, "args", ())
