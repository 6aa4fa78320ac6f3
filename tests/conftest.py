"""Real services for every test: Redis (embedded or the machine's) and SQL (SQLite or
PostgreSQL), each test in its own key prefix, queue and database (its schema made by the
migrations once per session and copied: see databases.py), cleaned up after.

Point the suite at outside services with HOTLINE_TEST_REDIS_URL and
HOTLINE_TEST_DATABASE_URL (see .ci/run); without them it embeds its own.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis as redis_py
from databases import Template, fresh_schema
from hypothesis import settings as hypothesis_settings
from twilio.request_validator import RequestValidator

from hotline.config import PACKAGE_ROOT

# Development is chosen explicitly (anything else is production, which refuses the test
# secrets): for this process, the CLI commands it invokes and the processes it starts.
os.environ["HOTLINE_ENV"] = "development"
from hotline.sessions import connection as redis_factory
from hotline.words.catalogs import compile_catalog

# Property tests judge behaviour, never speed: this machine (and CI's) is shared and busy.
hypothesis_settings.register_profile("hotline", deadline=None)
hypothesis_settings.load_profile("hotline")

AUTH_TOKEN = "test-auth-token"
PUBLIC_BASE = "https://hotline.test"
WEBHOOK = "/twilio/messages"
FAIL_FAST_BOUND = 5.0
"""Generous ceiling (seconds) for a Redis client that should give up in about one."""


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """The Redis the suite talks to: HOTLINE_TEST_REDIS_URL, or an embedded server."""
    url = os.environ.get("HOTLINE_TEST_REDIS_URL")
    if url:
        yield url
        return
    var = Path(tempfile.mkdtemp(prefix="hlr"))
    conn = redis_factory.connect(None, var)
    conn.close()
    yield redis_factory.embedded_url(var)
    redis_factory.stop_embedded(var)
    shutil.rmtree(var, ignore_errors=True)


def fresh_var_dir(prefix: str = "hl") -> Path:
    """Make a var dir under /tmp: pytest's tmp_path can exceed the unix socket limit."""
    return Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))


@pytest.fixture
def var_dir() -> Iterator[Path]:
    """An empty var dir of its own; any embedded Redis in it is stopped afterwards."""
    path = fresh_var_dir()
    try:
        yield path
    finally:
        redis_factory.stop_embedded(path)
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def embedded(var_dir: Path) -> Iterator[redis_py.Redis]:
    """A client of an embedded Redis of this test's own (to stop, restart, list clients)."""
    conn = redis_factory.connect(None, var_dir)
    yield conn
    conn.close()


@pytest.fixture
def silent_listener() -> Iterator[socket.socket]:
    """A loopback TCP socket whose backlog completes handshakes but never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener


def url_of(listener: socket.socket) -> str:
    """Return the redis:// URL of a listening loopback socket."""
    host, port = listener.getsockname()
    return f"redis://{host}:{port}/0"


@pytest.fixture(scope="session")
def compiled_locales(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A compiled copy of the real catalogs (the checkout's .mo files are not tracked)."""
    locales = tmp_path_factory.mktemp("locales")
    shutil.copytree(PACKAGE_ROOT / "locales", locales, dirs_exist_ok=True)
    for po in locales.glob("*/LC_MESSAGES/*.po"):  # the bot's and the console's
        compile_catalog(po)
    return locales


@pytest.fixture
def new_database(tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Make empty databases of this test's own: PostgreSQL schemas, or SQLite files."""
    with contextlib.ExitStack() as made:
        def new() -> str:
            base = os.environ.get("HOTLINE_TEST_DATABASE_URL")
            if not base:
                return f"sqlite:///{tmp_path / f'hotline-{uuid.uuid4().hex[:8]}.db'}"
            return made.enter_context(fresh_schema(base))

        yield new


@pytest.fixture
def empty_database_url(new_database: Callable[[], str]) -> str:
    """An empty database of this test's own (no tables: for the migrations' tests)."""
    return new_database()


@pytest.fixture(scope="session")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """The schema every migration makes, built once for the session."""
    return Template(tmp_path_factory.mktemp("schema"),
                    os.environ.get("HOTLINE_TEST_DATABASE_URL"))


@pytest.fixture
def database_url(new_database: Callable[[], str], migrated: Template) -> str:
    """A database of this test's own with the newest schema, as the migrations make it."""
    url = new_database()
    migrated.copy_to(url)
    return url


@pytest.fixture
def namespace() -> str:
    """A unique name for this test's Redis keys and RQ queue."""
    return f"hltest-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def redis_conn(redis_url: str, namespace: str) -> Iterator[redis_py.Redis]:
    """A connection that deletes this test's keys (and only them) afterwards."""
    conn = redis_py.Redis.from_url(redis_url)
    yield conn
    for key in conn.scan_iter(match=f"{namespace}:*", count=500):
        conn.delete(key)
    from rq import Queue

    Queue(namespace, connection=conn).delete(delete_jobs=True)
    for key in conn.scan_iter(match=f"rq:*{namespace}*", count=500):
        conn.delete(key)
    conn.close()


@pytest.fixture
def overrides(tmp_path: Path, redis_url: str, database_url: str, namespace: str,
              compiled_locales: Path, redis_conn: redis_py.Redis) -> dict[str, Any]:
    """Settings for one test's hotline, isolated from every other test."""
    return {
        "env": "development",
        "var_dir": str(tmp_path / "var"),
        "redis_url": redis_url,
        "redis_prefix": f"{namespace}:",
        "database_url": database_url,
        "alerts_queue": namespace,
        "secret_key": "test-secret-key",
        "twilio_auth_token": AUTH_TOKEN,
        "public_base_url": PUBLIC_BASE,
        "locales_dir": str(compiled_locales),
        "redis_timeout": 2.0,
    }


@pytest.fixture
def settings(overrides: dict[str, Any]):  # type: ignore[no-untyped-def]
    from hotline import config

    return config.load(environ={}, **overrides)


@pytest.fixture
def app(overrides: dict[str, Any]):  # type: ignore[no-untyped-def]
    from hotline.app import create_app

    app = create_app(overrides)
    app.config["TESTING"] = True
    yield app
    app.extensions["hotline"].cases.engine.dispose()
    app.extensions["hotline"].conn.close()


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture
def service(app):  # type: ignore[no-untyped-def]
    """The hotline service of the app under test (whichever ``app`` the module uses; the
    app's fixture closes it). A module that needs more overrides this, taking it."""
    return app.extensions["hotline"]


def sign(url: str, form: dict[str, str], token: str = AUTH_TOKEN) -> str:
    """Compute X-Twilio-Signature as Twilio does."""
    return RequestValidator(token).compute_signature(url, form)


class Phone:
    """A pretend worker's phone that texts the webhook with signed requests."""

    def __init__(self, client: Any, number: str = "+12135550123", *,
                 whatsapp: bool = False) -> None:
        self.client = client
        self.number = number
        self.whatsapp = whatsapp
        self.count = 0

    def form(self, body: str, media: tuple[tuple[str, str], ...] = (),
             sid: str | None = None) -> dict[str, str]:
        self.count += 1
        prefix = "whatsapp:" if self.whatsapp else ""
        form = {
            "MessageSid": sid or f"SM{uuid.uuid4().hex}",
            "AccountSid": "AC" + "0" * 32,
            "From": f"{prefix}{self.number}",
            "To": f"{prefix}+12135550000",
            "Body": body,
            "NumMedia": str(len(media)),
        }
        for i, (url, content_type) in enumerate(media):
            form[f"MediaUrl{i}"] = url
            form[f"MediaContentType{i}"] = content_type
        return form

    def post(self, form: dict[str, str], signature: str | None = None) -> Any:
        headers = {"X-Twilio-Signature": signature or sign(PUBLIC_BASE + WEBHOOK, form)}
        return self.client.post(WEBHOOK, data=form, headers=headers)

    def send(self, body: str, media: tuple[tuple[str, str], ...] = ()) -> list[str]:
        """Text the hotline; return the bodies of the reply messages."""
        response = self.post(self.form(body, media))
        assert response.status_code == 200, response.data
        return replies_of(response.data)


def replies_of(xml: bytes) -> list[str]:
    """Read the <Message> bodies out of a TwiML response."""
    from xml.etree import ElementTree

    root = ElementTree.fromstring(xml)
    assert root.tag == "Response"
    return [el.text or "" for el in root.iter("Message")]


# the team of organizers alert tests route among (casework), and the local Twilio API,
# SMTP server and webhook that alert tests send to (fakes)
from casework import team  # noqa: E402, F401
from consoling import console_app, person  # noqa: E402, F401
from conversing import desk  # noqa: E402, F401
from fakes import (  # noqa: E402, F401
    alert_env,
    alert_overrides,
    alert_service,
    jobs,
    mailbox,
    twilio_api,
    webhook_sink,
)

# a real S3-compatible server (SeaweedFS) for the evidence store's tests
from objectstore import bucket, object_store  # noqa: E402, F401
