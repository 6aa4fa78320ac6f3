"""The staff's door to preview words: a phone-like chat at ``/simulator``.

Off unless ``SIMULATOR_ENABLED``, and never in production (``config`` refuses it); then
behind ``SIMULATOR_PASSWORD`` (no short or common one): a login form, rate-limited per
address and overall in the hotline's Redis (Flask-Limiter), opens a session kept in
Redis, named by a signed, HttpOnly, SameSite=Strict cookie scoped to ``/simulator``;
signing out deletes the session, so a copied cookie is worth nothing after it. Every message
staff type goes the way a worker's does: the page posts it here, this module builds
Twilio's form, signs it with ``TWILIO_AUTH_TOKEN`` for the webhook's public URL and
posts it to ``/twilio/messages`` inside the process, so the webhook verifies, parses and
answers it exactly as it answers Twilio. Each reply comes back with its SMS cost.

Pretend senders are fictional numbers (``+1 NXX 555-01XX``): the simulator can never
open a real worker's conversation.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import re
import secrets
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from itsdangerous import BadSignature, URLSafeTimedSerializer
from twilio.request_validator import RequestValidator
from werkzeug.wrappers import Response as WerkzeugResponse

from hotline.crypto import kept_secret
from hotline.dialogue.keywords import (
    LANGUAGE_NAME,
    NAME_CONTEXT,
    SELF_CONTEXT,
    SELF_NAMES,
)
from hotline.service import Service
from hotline.words.segments import measure

log = logging.getLogger(__name__)

bp = Blueprint("simulator", __name__, url_prefix="/simulator", template_folder="templates")

#: Cookie that carries the signed name of a staff login, only to /simulator paths.
COOKIE = "hotline_simulator"
#: How long a login lasts.
LOGIN_SECONDS = 12 * 3600
#: Login attempts one address may make (a password guesser gets a few a minute).
LOGIN_LIMITS = "5 per minute;30 per hour"
#: Login attempts from every address together (a guesser with many addresses).
ALL_LOGINS_LIMIT = "100 per hour"
#: The only senders the simulator accepts: NANP numbers reserved for fiction (555-0100…0199).
FAKE_SENDER = re.compile(r"^\+1[2-9]\d{2}55501\d{2}$")
#: The number the pretend worker writes to.
HOTLINE_NUMBER = "+12135550000"
#: Where the page's CSS and JavaScript are.
ASSETS = Path(__file__).resolve().parent / "static" / "simulator"
#: The page's files and their types.
ASSET_TYPES = {"simulator.css": "text/css", "simulator.js": "text/javascript"}
#: The webhook the simulator talks to, as Twilio would.
WEBHOOK_PATH = "/twilio/messages"
#: Longest message the page may send (Twilio's own limit for one inbound).
MAX_TEXT = 1600


def init_app(app: Flask) -> None:
    """Serve the simulator on this app (create_app calls it only when it is enabled)."""
    from flask_limiter import Limiter
    from flask_limiter.util import get_remote_address

    service: Service = app.extensions["hotline"]
    limiter = Limiter(get_remote_address, app=app, strategy="fixed-window",
                      storage_uri="redis://",  # the hotline's own Redis, through its pool
                      storage_options={
                          "connection_pool": service.conn.connection_pool,  # type: ignore[dict-item]
                          "key_prefix": _key(service, "limits")})
    app.register_blueprint(bp)
    # this app's login view, counted by this app's limiter (tests build many apps)
    limited = limiter.limit(LOGIN_LIMITS, methods=["POST"])(login)
    app.view_functions["simulator.login"] = limiter.limit(
        ALL_LOGINS_LIMIT, methods=["POST"], key_func=lambda: "all")(limited)


def _key(service: Service, name: str) -> str:
    """Return the Redis key of a simulator record (under the hotline's prefix)."""
    return f"{service.settings.redis_prefix}simulator:{name}"


def dev_password(var_dir: Path) -> str:
    """Return the development simulator password kept in var/, making one the first time."""
    return kept_secret(var_dir / "simulator_password", 12)


def fake_sender() -> str:
    """Return a random fictional Los Angeles number, ``+1213555 01XX``."""
    return f"+121355501{secrets.randbelow(100):02d}"


# -- who may use it -------------------------------------------------------------------


def _service() -> Service:
    service: Service = current_app.extensions["hotline"]
    return service


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(_service().settings.secret_key, salt="hotline simulator")


def _fingerprint() -> str:
    """Tie a login to the current password, so changing it logs everybody out."""
    settings = _service().settings
    return hmac.new(settings.secret_key.encode(), settings.simulator_password.encode(),
                    hashlib.sha256).hexdigest()[:32]


def _login_key() -> str | None:
    """Return the Redis key of the login the request's cookie names (None: no cookie, or
    one we did not sign)."""
    cookie = request.cookies.get(COOKIE, "")
    if not cookie:
        return None
    try:
        name = _serializer().loads(cookie, max_age=LOGIN_SECONDS)
    except BadSignature:
        return None
    if not isinstance(name, str):
        return None
    return _key(_service(), "login:" + hashlib.sha256(name.encode()).hexdigest())


def _logged_in() -> bool:
    key = _login_key()
    if key is None:
        return False
    kept = _service().conn.get(key)  # signing out deleted it
    return isinstance(kept, bytes) and hmac.compare_digest(kept.decode(), _fingerprint())


def _same_origin() -> bool:
    """Refuse cross-site posts: a browser names the page that sent them in Origin."""
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.host


def staff_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """Send anyone not logged in to the login form (or 401 for the page's requests)."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not _logged_in():
            if request.method == "GET":
                return redirect(url_for("simulator.login"))
            abort(401)
        if request.method == "POST" and not _same_origin():
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@bp.after_request
def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"  # "no-referrer" makes Origin null
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
    return response


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """Ask for the staff password; on success, set the login cookie."""
    if request.method == "GET":
        return render_template("simulator/login.html", error=None)
    if not _same_origin():
        abort(403)
    given = request.form.get("password", "")
    wanted = _service().settings.simulator_password
    if not (wanted and hmac.compare_digest(given.encode(), wanted.encode())):
        log.warning("simulator: a login with a wrong password was refused")
        return render_template("simulator/login.html", error=True), 401
    name = secrets.token_urlsafe(32)
    service = _service()
    service.conn.set(_key(service, "login:" + hashlib.sha256(name.encode()).hexdigest()),
                     _fingerprint(), ex=LOGIN_SECONDS)
    response = redirect(url_for("simulator.page"))
    response.set_cookie(COOKIE, _serializer().dumps(name), max_age=LOGIN_SECONDS,
                        path="/simulator", httponly=True, samesite="Strict",
                        secure=request.is_secure or service.settings.is_production)
    return response


@bp.errorhandler(429)
def _too_many(error: Exception) -> tuple[str, int, dict[str, str]]:
    """Tell staff to wait, on the login page (a guesser learns nothing more)."""
    log.warning("simulator: login attempts over the limit were refused")
    return render_template("simulator/login.html", error="limited"), 429, {"Retry-After": "60"}


@bp.post("/logout")
def logout() -> WerkzeugResponse:
    """End the login: its session is deleted, so the cookie opens nothing any more."""
    if not _same_origin():
        abort(403)
    key = _login_key()
    if key is not None:
        _service().conn.delete(key)
    response = redirect(url_for("simulator.login"))
    response.delete_cookie(COOKIE, path="/simulator")
    return response


# -- the page -------------------------------------------------------------------------


@bp.get("/")
@staff_only
def page() -> str:
    """Show the phone: pick a language and a pretend sender, type, read the replies."""
    service = _service()
    service.context()  # picks up newly compiled catalogs, as the next message would
    languages = []
    for locale in service.languages:
        switch = service.catalogs.translate(locale, SELF_CONTEXT, SELF_NAMES)
        languages.append({
            "code": locale,
            "name": service.catalogs.translate(locale, NAME_CONTEXT, LANGUAGE_NAME),
            "word": (switch.split(",")[0].strip() or locale),
        })
    left_out = [loc for loc in service.settings.languages if loc not in service.languages]
    return render_template("simulator/page.html", languages=languages, left_out=left_out,
                           sender=fake_sender())


@bp.get("/assets/<name>")
def assets(name: str) -> Response:
    """Serve the page's CSS and JavaScript (the login page needs the CSS too)."""
    mimetype = ASSET_TYPES.get(name)
    if mimetype is None:
        abort(404)
    return Response((ASSETS / name).read_bytes(), mimetype=mimetype)


@bp.post("/send")
@staff_only
def send() -> tuple[Response, int]:
    """Text the bot as a pretend worker through the signed webhook; return its replies."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return jsonify(error="expected JSON"), 400
    sender = str(data.get("sender", "")).replace(" ", "").replace("-", "")
    text = str(data.get("text", ""))[:MAX_TEXT]
    whatsapp = data.get("channel") == "whatsapp"
    if not FAKE_SENDER.match(sender):
        return jsonify(error="the pretend sender must be a fictional number such as "
                             "+1 213 555 0142 (555-0100 to 555-0199)"), 400
    status, bodies = deliver(sender, text, whatsapp=whatsapp)
    if status != 200:
        return jsonify(error=f"the webhook answered {status}", status=status), 502
    replies = []
    for body in bodies:
        info = measure(body)
        replies.append({"body": body, "encoding": str(info.encoding), "segments": info.count,
                        "units": info.units, "per_segment": info.per_segment})
    return jsonify(replies=replies, channel="whatsapp" if whatsapp else "sms"), 200


def deliver(sender: str, text: str, *, whatsapp: bool = False) -> tuple[int, list[str]]:
    """Post a Twilio-signed message to our own webhook; return its status and bodies."""
    settings = _service().settings
    base = settings.public_base_url.rstrip("/") or request.host_url.rstrip("/")
    prefix = "whatsapp:" if whatsapp else ""
    sid = f"SM{uuid.uuid4().hex}"
    form = {
        "MessageSid": sid,
        "SmsMessageSid": sid,
        "SmsSid": sid,
        "AccountSid": getattr(settings, "twilio_account_sid", "") or "AC" + "0" * 32,
        "From": f"{prefix}{sender}",
        "To": f"{prefix}{HOTLINE_NUMBER}",
        "Body": text,
        "NumMedia": "0",
        "NumSegments": "1",
        "SmsStatus": "received",
        "ApiVersion": "2010-04-01",
    }
    signature = RequestValidator(settings.twilio_auth_token).compute_signature(
        base + WEBHOOK_PATH, form)
    # An in-process WSGI call: the request passes through every layer a Twilio one does.
    client = current_app.test_client()
    response = client.post(WEBHOOK_PATH, data=form, base_url=base,
                           headers={"X-Twilio-Signature": signature})
    if response.status_code != 200:
        log.warning("simulator: the webhook answered %d", response.status_code)
        return response.status_code, []
    root = ElementTree.fromstring(response.get_data())
    return 200, [element.text or "" for element in root.iter("Message")]
