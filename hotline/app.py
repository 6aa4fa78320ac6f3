"""``create_app()``: settings, logging, the service and the blueprints. Nothing else."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from hotline import config, logs
from hotline.service import Service
from hotline.web import console, voice
from hotline.web import twilio as web


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the web app: ``gunicorn 'hotline.app:create_app()'``."""
    settings = config.load(**dict(test_config or {}))
    logs.configure(settings.log_level)
    app = Flask(__name__, static_folder=None)  # the simulator serves its own, when on
    app.config["MAX_CONTENT_LENGTH"] = web.MAX_CONTENT_LENGTH
    app.extensions["hotline"] = Service.from_settings(settings)
    if settings.proxy_hops:  # the router's address is not the person's (limits, audit)
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=settings.proxy_hops, x_proto=settings.proxy_hops)
    app.register_blueprint(web.bp)
    app.register_blueprint(voice.bp)
    console.init_app(app)  # always on: signing in is its only way in
    if settings.simulator_enabled:
        from hotline.web import call_simulator, simulator

        simulator.init_app(app)
        call_simulator.init_app(app)
    return app
