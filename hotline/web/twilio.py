"""The worker's door: Twilio's webhook, and /healthz. Thin: verify, parse, hand over."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

from flask import Blueprint, Response, abort, current_app, jsonify, request
from sqlalchemy.exc import SQLAlchemyError

from hotline import health
from hotline.dialogue.inbound import BadInbound, from_twilio_form
from hotline.service import Service
from hotline.web.signature import check_for

log = logging.getLogger(__name__)

bp = Blueprint("web", __name__)

#: Twilio's form for a message is a few KB; anything far larger is refused unread.
MAX_CONTENT_LENGTH = 64 * 1024

_TWIML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>'
_TWIML_EMPTY = f"{_TWIML_HEAD}<Response />"


def get_service() -> Service:
    """Return the app's service (built once per process in create_app)."""
    service: Service = current_app.extensions["hotline"]
    return service


def public_url() -> str:
    """Return the URL Twilio signed: PUBLIC_BASE_URL + path, never a spoofable Host."""
    base = get_service().settings.public_base_url.rstrip("/")
    if not base:
        return request.url
    query = request.query_string.decode()
    return f"{base}{request.path}" + (f"?{query}" if query else "")


def twilio_signed(view: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse (403) any request whose X-Twilio-Signature does not match our token."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if (request.content_length or 0) > MAX_CONTENT_LENGTH:
            abort(413)
        signature = request.headers.get("X-Twilio-Signature", "")
        check = check_for(get_service().settings.twilio_auth_token)
        valid = False
        if signature:
            form = request.form  # raises 413 itself for an unannounced oversized body
            try:
                valid = check.valid(public_url(), form, signature)
            except Exception:  # noqa: BLE001 - a malformed request is simply not valid
                valid = False
        if not valid:
            log.warning("refused a request with a bad or missing Twilio signature")
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@bp.post("/twilio/messages")
@twilio_signed
def messages() -> Response:
    """Answer an inbound SMS or WhatsApp message with TwiML."""
    try:
        inbound = from_twilio_form(request.form)
    except BadInbound as exc:
        log.warning("refused an unusable Twilio form: %s", exc)
        abort(400)
    handled = get_service().handle(inbound)
    return Response(twiml(handled.bodies), mimetype="application/xml")


def twiml(bodies: tuple[str, ...]) -> str:
    """Return TwiML with one <Message> per body, as Twilio's MessagingResponse writes it."""
    if not bodies:
        return _TWIML_EMPTY
    messages = "".join(f"<Message>{escape(body)}</Message>" if body else "<Message />"
                       for body in bodies)
    return f"{_TWIML_HEAD}<Response>{messages}</Response>"


@bp.post("/twilio/status")
@twilio_signed
def status() -> tuple[str, int]:
    """Hear Twilio's delivery reports: each is kept, a worker message moves forward (never
    back from delivered), and a failed alert moves on to the next transport."""
    form = request.form
    service = get_service()
    sid, reported = form.get("MessageSid", ""), form.get("MessageStatus", "")
    code = form.get("ErrorCode", "")
    if not sid or not reported:
        return "", 204
    try:
        service.messages.record_status(sid, reported, code)
    except SQLAlchemyError as exc:
        log.error("delivery report not recorded: %s", type(exc).__name__)
        return "", 503  # Twilio's callback retry, where enabled, brings it again
    service.dispatcher.reported(sid, reported, code)
    return "", 204


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """Say whether alerts can flow (503 when they cannot), and why, in words."""
    service = get_service()
    settings = service.settings
    report = health.check(service.conn, service.cases.engine, prefix=settings.redis_prefix,
                          queue_name=settings.alerts_queue, digest_to=settings.digest_to)
    return jsonify(report.as_json()), report.http_status
