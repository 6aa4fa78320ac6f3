"""Local stand-ins that receive real requests: Twilio's Messages API (with media and
recordings, and its media storage on another address), a webhook, SMTP.

conftest.py exposes the fixtures; each starts a real server on 127.0.0.1 and records
what reached it.
"""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

ACCOUNT_SID = "AC" + "1" * 32
FROM = "+12135550000"

Response = tuple[int, dict[str, Any]]


@dataclass(frozen=True)
class Raw:
    """An answer that is not JSON: bytes with their headers (media), or a redirect.
    ``length=False`` sends no Content-Length (the body ends when the connection closes)."""

    data: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    length: bool = True


class Serving:
    """Serve a request handler class on a free local port from a thread (``backlog``:
    connections the kernel may queue, for servers under load)."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1",
                 backlog: int = 5) -> None:
        self.httpd = ThreadingHTTPServer((host, 0), handler, bind_and_activate=False)
        self.httpd.request_queue_size = backlog
        self.httpd.daemon_threads = True
        try:
            self.httpd.server_bind()
            self.httpd.server_activate()
        except OSError:
            self.httpd.server_close()
            raise
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,),
                                       daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


class _Server(Serving):
    """A JSON API on a free local port: ``handle`` answers POSTs, ``get`` GETs, ``remove``
    DELETEs, each with (status, body)."""

    def __init__(self, handle: Any, get: Any = None, remove: Any = None,
                 host: str = "127.0.0.1") -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                self.answer(*handle(self.path, dict(self.headers), self.rfile.read(length)))

            def do_DELETE(self) -> None:  # noqa: N802 - http.server's name
                if remove is None:
                    self.answer(404, {"message": "not found"})
                else:
                    status, body = remove(self.path, dict(self.headers))
                    if status == 204:
                        self.send_response(204)
                        self.end_headers()
                    else:
                        self.answer(status, body)

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                if get is None:
                    self.answer(404, {"message": "not found"})
                else:
                    self.answer(*get(self.path, dict(self.headers)))

            def answer(self, status: int, body: Any) -> None:
                if isinstance(body, Raw):
                    self.send_response(status)
                    for name, value in body.headers.items():
                        self.send_header(name, value)
                    if body.length:
                        self.send_header("Content-Length", str(len(body.data)))
                    else:
                        self.close_connection = True
                    self.end_headers()
                    self.wfile.write(body.data)
                    return
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        super().__init__(Handler, host)


@dataclass
class TwilioApi:
    """Speaks POST /2010-04-01/Accounts/{sid}/Messages.json like Twilio.

    Answers 201 with a message SID, unless a scripted answer is queued: for every
    recipient (``fail``) or for one (``fail_for``), e.g. ``fail(63016)`` or
    ``fail(20500, status=500, times=2)``. ``stall(seconds)`` makes it accept the next
    message(s) and answer only after ``seconds`` (past a client's read timeout).
    """

    requests: list[dict[str, str]] = field(default_factory=list)
    accepted: list[dict[str, str]] = field(default_factory=list)
    script: list[Response] = field(default_factory=list)
    by_recipient: dict[str, list[Response]] = field(default_factory=dict)
    bad_requests: list[str] = field(default_factory=list)
    auth_token: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: _Server | None = None
    #: inbound messages the account holds, for the list endpoint (reconciliation)
    inbox: list[dict[str, str]] = field(default_factory=list)
    #: the messages we sent, as the account's log lists them
    sent_log: list[dict[str, str]] = field(default_factory=list)
    listed: list[dict[str, str]] = field(default_factory=list)
    #: while set, each request is recorded and then held until ``release`` (a hung API)
    held: threading.Event | None = None
    lost: bool = False
    #: seconds to wait after accepting each of the next messages, before answering
    stalls: list[float] = field(default_factory=list)
    #: SIDs deleted through DELETE …/Messages/{sid}.json, in order (erasure, retention)
    deleted: list[str] = field(default_factory=list)
    #: every DELETE asked for, answered or not
    delete_requests: list[str] = field(default_factory=list)
    delete_script: dict[str, list[Response]] = field(default_factory=dict)
    #: media items the account holds, by "MM…/ME…", and recordings by "RE…":
    #: (content type, bytes); served at the API's URLs, media by way of ``cdn``
    media: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    recordings: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    #: Twilio's storage host, where a media request is redirected (another address)
    cdn: Cdn | None = None
    #: every GET of a media item or recording at the API: (path, Authorization header)
    media_requests: list[tuple[str, str]] = field(default_factory=list)
    #: every GET at the API, whatever its path: (path, Authorization header)
    gets: list[tuple[str, str]] = field(default_factory=list)
    #: answer 404 to this many more requests for an item (Twilio still storing it)
    not_ready: dict[str, int] = field(default_factory=dict)
    #: where media requests are redirected instead of ``cdn`` (a test's other host)
    redirect_media_to: str | None = None
    deleted_media: list[str] = field(default_factory=list)
    deleted_recordings: list[str] = field(default_factory=list)

    def add_media(self, data: bytes, content_type: str, message_sid: str | None = None
                  ) -> str:
        """Hold a media item as if a worker had sent it; return its MediaUrl."""
        message_sid = message_sid or "MM" + uuid.uuid4().hex
        key = f"{message_sid}/ME{uuid.uuid4().hex}"
        with self.lock:
            self.media[key] = (content_type, data)
        return f"{self.url}/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{key.replace('/', '/Media/')}"

    def add_recording(self, data: bytes, content_type: str = "audio/x-wav") -> tuple[str, str]:
        """Hold a call recording; return its (RecordingSid, RecordingUrl)."""
        sid = "RE" + uuid.uuid4().hex
        with self.lock:
            self.recordings[sid] = (content_type, data)
        return sid, f"{self.url}/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/{sid}"

    def get(self, path: str, headers: dict[str, str]) -> Response:
        """GET: a media item or a recording (with the account's credentials), else the
        message list."""
        prefix = f"/2010-04-01/Accounts/{ACCOUNT_SID}/"
        bare = urlparse(path).path
        with self.lock:
            self.gets.append((bare, headers.get("Authorization", "")))
        if bare.startswith(prefix + "Recordings/") or "/Media/" in bare:
            return self._item(bare[len(prefix):], headers)
        return self.listing(path, headers)

    def _item(self, rest: str, headers: dict[str, str]) -> Response:
        auth = headers.get("Authorization", "")
        with self.lock:
            self.media_requests.append((rest, auth))
            if auth != _basic(ACCOUNT_SID, self.auth_token):
                return 401, {"code": 20003, "message": "Authenticate", "status": 401}
            if rest.startswith("Recordings/"):
                key, held = rest.removeprefix("Recordings/"), self.recordings
            else:
                key, held = rest.removeprefix("Messages/").replace("/Media/", "/"), self.media
            if self.not_ready.get(key):
                self.not_ready[key] -= 1
                return 404, {"code": 20404, "message": "not found", "status": 404}
            if key not in held:
                return 404, {"code": 20404, "message": "not found", "status": 404}
            content_type, data = held[key]
            if held is self.recordings:
                return 200, Raw(data, {"Content-Type": content_type})
            target = self.redirect_media_to or (self.cdn.put(data, content_type)
                                                if self.cdn else None)
        if target is None:
            return 200, Raw(data, {"Content-Type": content_type})
        return 302, Raw(b"", {"Location": target})

    def fail_delete(self, sid: str, code: int = 20009, *, status: int = 409,
                    times: int = 1) -> None:
        """Refuse to delete a message ``times`` times (20009: Twilio is not done with it)."""
        with self.lock:
            self.delete_script.setdefault(sid, []).extend([_twilio_error(code, status)] * times)

    def records(self) -> list[dict[str, str]]:
        """Every message the account's log holds: received ones and those we sent."""
        with self.lock:
            return [*self.inbox, *self.sent_log]

    def remove(self, path: str, headers: dict[str, str]) -> Response:
        """DELETE …/Messages/{MessageSid}.json (a message and its media), …/Messages/
        {MessageSid}/Media/{MediaSid}.json (one media item), …/Recordings/{Sid}.json"""
        prefix = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/"
        if headers.get("Authorization", "") != _basic(ACCOUNT_SID, self.auth_token):
            return 401, {"code": 20003, "message": "Authenticate", "status": 401}
        recording = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/"
        if path.startswith(recording) and path.endswith(".json"):
            return self._remove_item(path[len(recording):-len(".json")], self.recordings,
                                     self.deleted_recordings)
        if path.startswith(prefix) and "/Media/" in path and path.endswith(".json"):
            key = path[len(prefix):-len(".json")].replace("/Media/", "/")
            return self._remove_item(key, self.media, self.deleted_media)
        if not (path.startswith(prefix) and path.endswith(".json")):
            return 404, {"code": 20404, "message": "not found", "status": 404}
        sid = path[len(prefix):-len(".json")]
        with self.lock:
            self.delete_requests.append(sid)
            scripted = self.delete_script.get(sid)
            if scripted:
                return scripted.pop(0)
            kept = [m for m in [*self.inbox, *self.sent_log] if m["sid"] == sid]
            if not kept and not any(k.startswith(f"{sid}/") for k in self.media):
                return 404, {"code": 20404, "message": "not found", "status": 404}
            self.inbox = [m for m in self.inbox if m["sid"] != sid]
            self.sent_log = [m for m in self.sent_log if m["sid"] != sid]
            self.deleted.append(sid)
            # deleting a message deletes its media too (as Twilio does)
            for key in [k for k in self.media if k.startswith(f"{sid}/")]:
                del self.media[key]
                self.deleted_media.append(key)
        return 204, {}

    def _remove_item(self, key: str, held: dict[str, tuple[str, bytes]],
                     deleted: list[str]) -> Response:
        with self.lock:
            self.delete_requests.append(key)
            scripted = self.delete_script.get(key)
            if scripted:
                return scripted.pop(0)
            if key not in held:
                return 404, {"code": 20404, "message": "not found", "status": 404}
            del held[key]
            deleted.append(key)
        return 204, {}

    def stall(self, seconds: float, *, times: int = 1) -> None:
        with self.lock:
            self.stalls.extend([seconds] * times)

    def hold(self) -> None:
        self.held = threading.Event()

    def release(self, *, lost: bool = False) -> None:
        """Let held requests go on; ``lost``: as if they never reached Twilio (a 500,
        nothing created)."""
        self.lost = lost
        held, self.held = self.held, None  # later requests are answered as usual
        if held is not None:
            held.set()

    def fail(self, code: int, *, status: int = 400, times: int = 1) -> None:
        with self.lock:
            self.script.extend([_twilio_error(code, status)] * times)

    def fail_for(self, to: str, code: int, *, status: int = 400, times: int = 1) -> None:
        with self.lock:
            self.by_recipient.setdefault(to, []).extend([_twilio_error(code, status)] * times)

    def to(self, number: str) -> list[dict[str, str]]:
        """Return the accepted messages to a number (``whatsapp:+1…`` for WhatsApp)."""
        return [m for m in self.accepted if m["To"] == number]

    @property
    def url(self) -> str:
        assert self.server is not None
        return self.server.url

    def receive(self, sid: str, sender: str, body: str, sent: datetime | None = None) -> None:
        """Put an inbound message in the account's message list (as if a worker texted)."""
        sent = sent or datetime.now(UTC)
        to = f"whatsapp:{FROM}" if sender.startswith("whatsapp:") else FROM
        with self.lock:
            self.inbox.append({
                "sid": sid, "account_sid": ACCOUNT_SID, "from": sender, "to": to,
                "body": body, "direction": "inbound", "status": "received", "num_media": "0",
                "date_sent": format_datetime(sent, usegmt=True),
                "date_created": format_datetime(sent, usegmt=True),
            })

    def listing(self, path: str, headers: dict[str, str]) -> Response:
        """GET Messages.json: the inbound list reconciliation reads (one page)."""
        url = urlparse(path)
        if url.path != f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json":
            return 404, {"code": 20404, "message": "not found", "status": 404}
        if headers.get("Authorization", "") != _basic(ACCOUNT_SID, self.auth_token):
            return 401, {"code": 20003, "message": "Authenticate", "status": 401}
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        with self.lock:
            self.listed.append(query)
            found = [m for m in [*self.inbox, *self.sent_log]
                     if all(m[field] == query[name] for name, field in
                            (("To", "to"), ("From", "from")) if name in query)]
        if "DateSent<" in query:
            cutoff = datetime.fromisoformat(query["DateSent<"].replace("Z", "+00:00"))
            found = [m for m in found if parsedate_to_datetime(m["date_sent"]) < cutoff]
        # newest first, as Twilio lists them (by date sent; a later arrival first in a tie)
        found = [m for _, m in sorted(enumerate(found), reverse=True,
                                      key=lambda p: (parsedate_to_datetime(p[1]["date_sent"]),
                                                     p[0]))]
        return 200, {"messages": found, "next_page_uri": None, "page": 0,
                     "page_size": 1000, "start": 0, "end": len(found),
                     "uri": url.path, "first_page_uri": url.path, "previous_page_uri": None}

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> Response:
        expected = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
        auth = headers.get("Authorization", "")
        form = {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
        with self.lock:
            self.requests.append(form)
        held = self.held
        if held is not None:
            held.wait(30)
            if self.lost:
                return _twilio_error(20500, 500)
        with self.lock:
            if path != expected or auth != _basic(ACCOUNT_SID, self.auth_token):
                self.bad_requests.append(path)
                return 401, {"code": 20003, "message": "Authenticate", "status": 401}
            queued = self.by_recipient.get(form.get("To", ""))
            if queued:
                return queued.pop(0)
            if self.script:
                return self.script.pop(0)
            sid = "SM" + uuid.uuid4().hex
            self.accepted.append({**form, "sid": sid})
            now = format_datetime(datetime.now(UTC), usegmt=True)
            self.sent_log.append({
                "sid": sid, "account_sid": ACCOUNT_SID, "to": form.get("To", ""),
                "from": form.get("From") or FROM, "body": form.get("Body", ""),
                "direction": "outbound-api", "status": "sent", "num_media": "0",
                "date_sent": now, "date_created": now})
            stall = self.stalls.pop(0) if self.stalls else 0.0
        if stall:
            time.sleep(stall)  # accepted, but the answer comes after the client gave up
        return 201, {"sid": sid, "account_sid": ACCOUNT_SID, "to": form.get("To"),
                     "from": form.get("From"), "body": form.get("Body"), "status": "queued",
                     "num_segments": "1", "direction": "outbound-api"}


@dataclass
class Cdn:
    """Twilio's media storage, on another address (127.0.0.2): serves what the API
    redirects to, and records every request's headers (none may carry credentials)."""

    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    requests: list[dict[str, str]] = field(default_factory=list)
    #: send bodies without Content-Length (a server that does not say the size)
    undeclared: bool = False
    server: _Server | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        assert self.server is not None
        return self.server.url

    def put(self, data: bytes, content_type: str) -> str:
        token = uuid.uuid4().hex
        with self.lock:
            self.files[token] = (content_type, data)
        return f"{self.url}/media/{token}?Expires=60"

    def get(self, path: str, headers: dict[str, str]) -> Response:
        with self.lock:
            self.requests.append({"path": path, **headers})
            found = self.files.get(urlparse(path).path.removeprefix("/media/"))
        if found is None:
            return 404, {"message": "not found"}
        return 200, Raw(found[1], {"Content-Type": found[0]}, length=not self.undeclared)


@dataclass
class WebhookSink:
    """Receives JSON POSTs; answers 200 unless statuses are queued in ``script``."""

    posts: list[dict[str, Any]] = field(default_factory=list)
    script: list[int] = field(default_factory=list)
    server: _Server | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return self.server.url + "/hooks/alerts"

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> Response:
        status = self.script.pop(0) if self.script else 200
        if status == 200:
            self.posts.append(json.loads(body))
        return status, {"ok": status == 200}


class Mailbox:
    """An SMTP server (aiosmtpd) that keeps what it receives; refuses listed addresses."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[EmailMessage] = []
        self.refuse: set[str] = set()
        self.busy = 0  # answer this many DATA commands with a temporary 451
        self.port = _free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,  # noqa: N802
                          rcpt_options: Any) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.busy:
            self.busy -= 1
            return "451 4.3.0 try again later"
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def close(self) -> None:
        self.controller.stop()


def body_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")




def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def _twilio_error(code: int, status: int) -> Response:
    return status, {"code": code, "message": f"error {code}", "status": status,
                    "more_info": f"https://www.twilio.com/docs/errors/{code}"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def twilio_api() -> Iterator[TwilioApi]:
    api = TwilioApi()
    api.server = _Server(api.handle, api.get, api.remove)
    api.cdn = Cdn()
    api.cdn.server = _Server(lambda *_: (405, {}), api.cdn.get, host="127.0.0.2")
    yield api
    api.cdn.server.close()
    api.server.close()


@pytest.fixture
def webhook_sink() -> Iterator[WebhookSink]:
    sink = WebhookSink()
    sink.server = _Server(sink.handle)
    yield sink
    sink.server.close()


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox()
    yield box
    box.close()


@pytest.fixture
def alert_overrides(overrides: dict[str, Any], twilio_api: TwilioApi, mailbox: Mailbox,
                    webhook_sink: WebhookSink) -> dict[str, Any]:
    """Settings of a hotline whose alerts reach the local fakes; retries are immediate."""
    # Twilio's REST API and its webhook signatures use the same account auth token
    twilio_api.auth_token = overrides["twilio_auth_token"]
    return {
        **overrides,
        "twilio_account_sid": ACCOUNT_SID,
        "twilio_from": FROM,
        "twilio_api_base_url": twilio_api.url,
        "smtp_url": mailbox.url,
        "smtp_tls": "none",
        "smtp_from": "hotline@center.example",
        "alert_webhook_url": webhook_sink.url,
        "alert_retry_seconds": "0,0",
        "transport_timeout": 5.0,
    }


class Jobs:
    """Runs this test's queued RQ jobs in-process (``SimpleWorker``, burst) and moves
    scheduled jobs into the queue when a test says their time has come."""

    def __init__(self, conn: Any, queue_name: str) -> None:
        from hotline.sessions import jobs

        self.conn = conn
        self.queue = jobs.queue(queue_name, conn)
        self.runs = 0

    def run(self) -> None:
        """Work the queue until it is empty (retries with no wait included)."""
        from hotline.sessions import jobs

        self.runs += 1
        worker = jobs.worker([self.queue], self.conn)  # as `hotline worker` runs them
        worker.name = f"{self.queue.name}-w{self.runs}"
        worker.work(burst=True, logging_level="WARNING")

    def scheduled(self) -> list[tuple[str, Any]]:
        """Return (function name, args) of the jobs waiting for their time."""
        from rq.registry import ScheduledJobRegistry

        from hotline.sessions.jobs import fetch

        registry = ScheduledJobRegistry(queue=self.queue)
        jobs = [fetch(i, self.conn) for i in registry.get_job_ids()]
        return [(job.func_name, tuple(job.args)) for job in jobs]

    def come_due(self, func_name: str | None = None) -> int:
        """Drive time: put scheduled jobs (of one function) in the queue now."""
        from rq.registry import ScheduledJobRegistry

        from hotline.sessions.jobs import fetch

        registry = ScheduledJobRegistry(queue=self.queue)
        moved = 0
        for job_id in registry.get_job_ids():
            job = fetch(job_id, self.conn)
            if func_name is None or job.func_name == func_name:
                registry.remove(job)
                self.queue.enqueue_job(job)
                moved += 1
        return moved


@pytest.fixture
def alert_env(alert_overrides: dict[str, Any], monkeypatch: pytest.MonkeyPatch
              ) -> dict[str, str]:
    """The same settings as environment variables, for jobs that read them."""
    from hotline.config import env_name

    env = {env_name(k): str(v) for k, v in alert_overrides.items()}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture
def jobs(alert_env: dict[str, str], redis_conn: Any, namespace: str) -> Jobs:
    return Jobs(redis_conn, namespace)


@pytest.fixture
def alert_service(alert_overrides: dict[str, Any]) -> Iterator[Any]:
    """A Service (with its Dispatcher) whose alerts reach the fakes."""
    from hotline import config
    from hotline.service import Service

    service = Service.from_settings(config.load(environ={}, **alert_overrides))
    yield service
    service.close()
