"""The console's extensions (rate limits, sign-in, its cookie session) stay on the
console: a Twilio webhook runs none of their hooks, and the console keeps all of them."""

from __future__ import annotations

from typing import Any

from conftest import Phone
from flask_limiter import Limiter
from flask_login import LoginManager


def _hooks(app: Any, scope: str | None) -> list[Any]:
    return [*app.before_request_funcs.get(scope, []), *app.after_request_funcs.get(scope, []),
            *app.teardown_request_funcs.get(scope, [])]


def _owner(hook: Any) -> Any:
    return getattr(hook, "__self__", None) or next(iter(getattr(hook, "args", ())), None)


def test_a_webhook_request_runs_no_hook_of_the_console_and_opens_no_session(
        app, client) -> None:  # type: ignore[no-untyped-def]
    everywhere = [_owner(h) for h in _hooks(app, None)]
    assert not any(isinstance(o, (Limiter, LoginManager)) for o in everywhere)
    response = Phone(client).post(Phone(client).form("hi"))
    assert response.status_code == 200
    assert "Cookie" not in response.headers.get("Vary", "")  # the session was never opened
    assert "Set-Cookie" not in response.headers


def test_the_console_keeps_its_limiter_and_sign_in_hooks(app) -> None:  # type: ignore[no-untyped-def]
    console = [_owner(h) for h in _hooks(app, "console")]
    assert any(isinstance(o, Limiter) for o in console)
    assert any(isinstance(o, LoginManager) for o in console)
    assert app.before_request_funcs["console"][-1].__name__ == "_guard"  # limits first
