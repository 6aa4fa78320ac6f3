"""Signing in to the console: a one-time code to the organizer's registered phone or
e-mail, then (coordinators, admins, and anyone who set one up) an authenticator code;
signing out; proving it again before a sensitive action.

Codes are six random digits, kept in Redis only as a keyed hash for ``CODE_SECONDS``,
good for ``CODE_TRIES`` guesses; the pages are rate-limited per address (``limits``).
The answer to "send me a code" is the same whether or not the phone or address belongs
to an organizer, so the form tells nobody who works here.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from datetime import UTC, datetime
from typing import Any

import pyotp
from flask import redirect, render_template, request, session, url_for
from flask_login import login_required, login_user, logout_user
from werkzeug.wrappers import Response

from hotline.outbound import TransportError
from hotline.store.audit import Action
from hotline.store.organizers import InvalidOrganizer, Organizer, normalize_phone
from hotline.web.console.access import Console, Staff, console, record, safe_next, staff
from hotline.web.console.blueprint import bp
from hotline.web.console.words import L_, preferred
from hotline.words.segments import fold_to_gsm7

log = logging.getLogger(__name__)

#: How long a one-time code works.
CODE_SECONDS = 600
#: Guesses one code allows before it is void.
CODE_TRIES = 5
#: The authenticator app's name for this site.
ISSUER = "Hotline console"

# TRANSLATORS: an SMS (or e-mail) to an organizer signing in to the console; keep it short
# (one SMS: 160 plain characters, 70 in Korean); %(code)s is six digits.
CODE_SMS = L_("Hotline console code: %(code)s. It works for 10 minutes. Did not ask for it? "
              "Tell your coordinator.")
# TRANSLATORS: the subject of the e-mail that carries a console sign-in code.
CODE_SUBJECT = L_("Your hotline console code")


# -- one-time codes ----------------------------------------------------------------------


def _digest(nonce: str, code: str) -> str:
    return console().crypto.sender_id(f"console-code:{nonce}:{code}")


def _find(identifier: str) -> tuple[Organizer | None, str]:
    """Return the active organizer a phone number or e-mail address belongs to, and how
    to reach them (``sms`` or ``email``)."""
    c = console()
    text = identifier.strip()
    if "@" in text:
        wanted = text.casefold()
        found = next((o for o in c.organizers.all()
                      if o.active and o.email and o.email.casefold() == wanted), None)
        return found, "email"
    try:
        phone = normalize_phone(text)
    except InvalidOrganizer:
        return None, "sms"
    return c.organizers.active_by_phone(phone), "sms"


def send_code(organizer: Organizer | None, via: str) -> str:
    """Make a code for ``organizer`` (a dummy one for nobody), send it, return its nonce."""
    c = console()
    nonce = secrets.token_urlsafe(16)
    code = f"{secrets.randbelow(10**6):06d}"
    key = c.redis_key("code", nonce)
    with c.service.conn.pipeline() as pipe:
        pipe.hset(key, mapping={"o": organizer.id if organizer else 0,
                                "h": _digest(nonce, code), "t": 0})
        pipe.expire(key, CODE_SECONDS)
        pipe.execute()
    if organizer is not None:
        _deliver(c, organizer, via, code)
    return nonce


def _deliver(c: Console, organizer: Organizer, via: str, code: str) -> None:
    locale = preferred(organizer.languages)
    senders = c.dispatcher.senders
    ready = senders.email.configured if via == "email" else senders.twilio.configured
    if not ready and not c.service.settings.is_production:
        # trying the console on a laptop (`./dev run`) with no SMS or e-mail set up: the
        # code goes to the terminal; production refuses to start without a transport
        log.warning("development: no %s is set up, so organizer %d's console sign-in "
                    "code is %s", "e-mail" if via == "email" else "SMS", organizer.id, code)
        return
    try:
        if via == "email" and organizer.email:
            senders.email.send(organizer.email, c.words.gettext(locale, CODE_SUBJECT),
                               c.words.gettext(locale, CODE_SMS, code=code))
        elif organizer.phone:
            text = c.words.gettext(locale, CODE_SMS, code=code)
            if c.service.settings.sms_fold_accents:  # "Codigo" costs half of "Código"
                text = fold_to_gsm7(text) or text
            senders.twilio.send(organizer.phone, text)
        else:
            log.warning("console: organizer %d has no %s for a sign-in code", organizer.id, via)
    except TransportError as exc:
        log.warning("console: sign-in code to organizer %d by %s failed: %s", organizer.id,
                    via, exc.code)


def check_code(nonce: str, code: str) -> int | None:
    """Return the organizer id a code was sent to if ``code`` is right; count the guess."""
    c = console()
    key = c.redis_key("code", nonce)
    tries = int(c.service.conn.hincrby(key, "t", 1))
    kept = {k if isinstance(k, bytes) else k.encode(): v if isinstance(v, bytes) else v.encode()
            for k, v in c.service.conn.hgetall(key).items()}
    if not kept or b"h" not in kept:
        c.service.conn.delete(key)
        return None
    if tries > CODE_TRIES:
        c.service.conn.delete(key)
        return None
    given = "".join(ch for ch in code if ch.isdigit())
    if not hmac.compare_digest(kept[b"h"].decode(), _digest(nonce, given)):
        return None
    c.service.conn.delete(key)
    organizer_id = int(kept[b"o"])
    return organizer_id or None


# -- the second factor ----------------------------------------------------------------


def needs_factor(organizer: Organizer) -> bool:
    """Coordinators and admins always; others once they set up an authenticator."""
    if organizer.coordinating:
        return True
    kept = console().factors.secret(organizer.id)
    return kept is not None and kept[1]


def check_factor(organizer: Organizer, code: str) -> bool:
    """Accept a current authenticator code (once) or an unused recovery code."""
    c = console()
    kept = c.factors.secret(organizer.id)
    given = "".join(code.split())
    if kept is None or not kept[1]:
        return False
    if given.isdigit() and len(given) == 6:
        totp = pyotp.TOTP(kept[0])
        now = datetime.now(UTC)
        for offset in (0, -30, 30):  # a code from a clock half a minute off still works
            moment = datetime.fromtimestamp(now.timestamp() + offset, UTC)
            if hmac.compare_digest(totp.at(moment), given):
                return c.factors.use_step(organizer.id, totp.timecode(moment))
        return False
    return c.factors.use_recovery(organizer.id, given)


# -- the pages ------------------------------------------------------------------------


def _finish(organizer: Organizer) -> Response:
    """Open the sign-in server-side and put its token in the session cookie."""
    c = console()
    token = c.logins.start(organizer.id)
    login = c.logins.live(token)
    assert login is not None
    back = safe_next(session.get("next"))
    session.clear()
    session.permanent = True
    login_user(Staff(organizer, login, token), remember=False, fresh=True)
    record(Action.SIGNED_IN)
    return redirect(back)


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Any:
    """Ask for a registered phone number or e-mail address and send a code to it."""
    if request.method == "GET":
        return render_template("console/sign_in.html", next=safe_next(request.args.get("next")))
    organizer, via = _find(request.form.get("who", "")[:254])
    session.clear()
    session["pending"] = send_code(organizer, via)
    session["via"] = via
    session["next"] = safe_next(request.form.get("next"))  # where they were going
    return redirect(url_for("console.sign_in_code"))


@bp.route("/sign-in/code", methods=["GET", "POST"])
def sign_in_code() -> Any:
    """Take the one-time code; then the authenticator, or straight in."""
    nonce = session.get("pending")
    if not nonce:
        return redirect(url_for("console.sign_in"))
    if request.method == "GET":
        return render_template("console/code.html", via=session.get("via"), wrong=False)
    organizer_id = check_code(nonce, request.form.get("code", "")[:20])
    organizer = console().organizers.get(organizer_id) if organizer_id else None
    if organizer is None or not organizer.active:
        return render_template("console/code.html", via=session.get("via"), wrong=True), 401
    session.pop("pending", None)
    if not needs_factor(organizer):
        return _finish(organizer)
    session["half"] = organizer.id
    kept = console().factors.secret(organizer.id)
    if kept is None or not kept[1]:
        return redirect(url_for("console.enrol"))
    return redirect(url_for("console.factor"))


@bp.route("/sign-in/factor", methods=["GET", "POST"])
def factor() -> Any:
    """Take the authenticator's code (or a recovery code)."""
    organizer = _half()
    if organizer is None:
        return redirect(url_for("console.sign_in"))
    if request.method == "GET":
        return render_template("console/factor.html", wrong=False)
    if not check_factor(organizer, request.form.get("code", "")[:40]):
        return render_template("console/factor.html", wrong=True), 401
    return _finish(organizer)


@bp.route("/sign-in/authenticator", methods=["GET", "POST"])
def enrol() -> Any:
    """Set up an authenticator app: while signing in (coordinators), or from Settings."""
    organizer = _half()
    signed_in = False
    if organizer is None:
        from flask_login import current_user

        if not current_user.is_authenticated:
            return redirect(url_for("console.sign_in"))
        organizer, signed_in = staff().organizer, True
    c = console()
    kept = c.factors.secret(organizer.id)
    if kept is not None and kept[1]:
        return redirect(url_for("console.factor" if not signed_in else "console.account"))
    if request.method == "GET" or kept is None:
        secret = pyotp.random_base32()
        c.factors.begin(organizer.id, secret)
        return _enrol_page(organizer, secret, wrong=False)
    secret = kept[0]
    totp = pyotp.TOTP(secret)
    given = "".join(request.form.get("code", "").split())[:10]
    now = datetime.now(UTC)
    if not (given.isdigit() and totp.verify(given, for_time=now, valid_window=1)):
        return _enrol_page(organizer, secret, wrong=True), 401
    codes = c.factors.confirm(organizer.id, totp.timecode(now))
    if signed_in:
        return render_template("console/recovery.html", codes=codes,
                               go=url_for("console.account"))
    session.pop("half", None)
    response = _finish(organizer)
    return render_template("console/recovery.html", codes=codes,
                           go=response.headers["Location"])


def _enrol_page(organizer: Organizer, secret: str, *, wrong: bool) -> str:
    import segno

    uri = pyotp.TOTP(secret).provisioning_uri(name=organizer.email or organizer.name,
                                              issuer_name=ISSUER)
    qr = segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff")
    return render_template("console/enrol.html", secret=secret, qr=qr, wrong=wrong)


def _half() -> Organizer | None:
    """Return the organizer who passed the code step but not yet the second factor."""
    organizer_id = session.get("half")
    if not organizer_id:
        return None
    organizer = console().organizers.get(int(organizer_id))
    return organizer if organizer is not None and organizer.active else None


@bp.post("/sign-out")
@login_required
def sign_out() -> Response:
    """End this sign-in, here and on the server."""
    who = staff()
    record(Action.SIGNED_OUT)
    console().logins.end(who.token)
    logout_user()
    session.clear()
    return redirect(url_for("console.sign_in"))


@bp.route("/confirm", methods=["GET", "POST"])
@login_required
def confirm() -> Any:
    """Prove again who you are (authenticator, else a new code) before a sensitive action."""
    who, c = staff(), console()
    back = safe_next(request.values.get("next"))
    kept = c.factors.secret(who.organizer.id)
    uses_factor = kept is not None and kept[1]
    if request.method == "GET":
        return render_template("console/confirm.html", factor=uses_factor, sent=False,
                               wrong=False, next=back)
    if not uses_factor and request.form.get("action") == "send":
        via = "sms" if who.organizer.phone and c.dispatcher.senders_ready("twilio") else "email"
        session["confirm"] = send_code(who.organizer, via)
        return render_template("console/confirm.html", factor=False, sent=True, wrong=False,
                               next=back)
    code = request.form.get("code", "")[:40]
    if uses_factor:
        ok = check_factor(who.organizer, code)
    else:
        nonce = session.get("confirm")
        ok = bool(nonce) and check_code(str(nonce), code) == who.organizer.id
    if not ok:
        return render_template("console/confirm.html", factor=uses_factor,
                               sent=not uses_factor, wrong=True, next=back), 401
    session.pop("confirm", None)
    c.logins.confirmed(who.token)
    return redirect(back)
