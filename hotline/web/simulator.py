"""The staff's door to preview words: a phone-like chat at ``/simulator``.

Off unless ``SIMULATOR_ENABLED``; then behind ``SIMULATOR_PASSWORD`` (a login form and
a signed, HttpOnly, SameSite=Strict cookie scoped to ``/simulator``). Every message
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

from hotline.config import kept_secret
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

#: Cookie that carries a signed "staff logged in" mark, only to /simulator paths.
COOKIE = "hotline_simulator"
#: How long a login lasts.
LOGIN_SECONDS = 12 * 3600
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
    app.register_blueprint(bp)


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


def _logged_in() -> bool:
    token = request.cookies.get(COOKIE, "")
    if not token:
        return False
    try:
        value = _serializer().loads(token, max_age=LOGIN_SECONDS)
    except BadSignature:
        return False
    return isinstance(value, str) and hmac.compare_digest(value, _fingerprint())


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
    response = redirect(url_for("simulator.page"))
    response.set_cookie(COOKIE, _serializer().dumps(_fingerprint()), max_age=LOGIN_SECONDS,
                        path="/simulator", httponly=True, samesite="Strict",
                        secure=request.is_secure or _service().settings.is_production)
    return response


@bp.post("/logout")
def logout() -> WerkzeugResponse:
    """Forget the login."""
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
