"""The floor under any hotline built as ours is: the baseline's fixed reply, behind the
hotline's own signature check, plus what every message must do to a sender's
conversation kept in Redis (ARCHITECTURE.md): lock it and load it in one round trip, then
seal and save it, unlocking, in one more (``hotline.sessions.store``).

No dialogue, no rendering, no SQL. Its throughput against the baseline's says how much
of the throughput target the architecture's own floor leaves for the hotline's work
(``bench/optimisations.md``). ``gunicorn 'bench.floor:create_app()'``, with the hotline's
settings in the environment.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from flask import Flask, Response, abort, request
from twilio.twiml.messaging_response import MessagingResponse

from bench.baseline import REPLY
from hotline.crypto import Crypto
from hotline.sessions.connection import connect
from hotline.sessions.store import SessionStore
from hotline.web.signature import check_for

#: Where the floor keeps its sessions, apart from the hotline's.
PREFIX = "floor:"


def create_app(environ: dict[str, str] | None = None) -> Flask:
    """Build the floor from the hotline's variables (TWILIO_AUTH_TOKEN, PUBLIC_BASE_URL,
    REDIS_URL, REDIS_PREFIX, HOTLINE_SECRET_KEY, HOTLINE_ENCRYPTION_KEYS)."""
    env = os.environ if environ is None else environ
    check = check_for(env["TWILIO_AUTH_TOKEN"])
    base = env["PUBLIC_BASE_URL"].rstrip("/")
    conn = connect(env["REDIS_URL"], Path("."))
    crypto = Crypto(env["HOTLINE_SECRET_KEY"], env.get("HOTLINE_ENCRYPTION_KEYS", ""))
    store = SessionStore(conn, crypto, prefix=env.get("REDIS_PREFIX", "hl:") + PREFIX)
    store.preload()
    twiml = MessagingResponse()
    twiml.message(REPLY)
    body, reply = str(twiml), REPLY.encode()
    app = Flask(__name__, static_folder=None)

    @app.post("/twilio/messages")
    def messages() -> Response:
        form = request.form
        if not check.valid(base + request.path, form,
                           request.headers.get("X-Twilio-Signature", "")):
            abort(403)
        turn = store.begin(form["From"], form["MessageSid"], int(time.time() // 60))
        store.save(turn, turn.loaded.session, reply)
        return Response(body, mimetype="application/xml")

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
