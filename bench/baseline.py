"""The baseline: a minimal Flask app that verifies Twilio's signature and answers a
fixed TwiML reply. ``gunicorn 'bench.baseline:create_app()'``, under the same settings
as the hotline, so the ratio between them is what the hotline itself costs.
"""

from __future__ import annotations

import os

from flask import Flask, Response, abort, request
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

#: A reply as long as a typical menu, so both servers send about as many bytes.
REPLY = ("Menu principal. Responda con un numero:\n1 Conozca sus derechos\n"
         "2 Reportar un problema en el trabajo\n3 Pedir que un organizador me contacte\n"
         "4 Language / Idioma / 언어")


def create_app(token: str | None = None, public_base_url: str | None = None) -> Flask:
    """Build the baseline from TWILIO_AUTH_TOKEN and PUBLIC_BASE_URL, as the hotline."""
    token = token or os.environ["TWILIO_AUTH_TOKEN"]
    base = (public_base_url or os.environ["PUBLIC_BASE_URL"]).rstrip("/")
    app = Flask(__name__, static_folder=None)
    twiml = MessagingResponse()
    twiml.message(REPLY)
    body = str(twiml)

    @app.post("/twilio/messages")
    def messages() -> Response:
        signature = request.headers.get("X-Twilio-Signature", "")
        validator = RequestValidator(token)
        if not signature or not validator.validate(base + request.path, request.form,
                                                   signature):
            abort(403)
        return Response(body, mimetype="application/xml")

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
