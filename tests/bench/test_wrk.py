"""The benchmark's wrk load: the requests it is given, what the real app makes of them,
and (where wrk is installed) that the Lua script keeps each sender's messages in order
and counts what came back."""

from __future__ import annotations

import contextlib
import re
import shutil
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from fakes import Serving

from bench import conversations, wrk
from bench.conversations import Kind
from bench.cpu import Meter
from bench.load import Worker, build
from hotline.dialogue.inbound import from_twilio_form

HOST = "127.0.0.1:8000"


def read_connection(path: Path) -> list[list[tuple[str, bytes]]]:
    """Parse a ``c<i>.req`` file as the Lua script does: senders of (kind, request)."""
    data = path.read_bytes()
    senders: list[list[tuple[str, bytes]]] = []
    pos = 0
    while pos < len(data):
        end = data.index(b"\n", pos)
        head, count = data[pos:end].split(b" ")
        assert head == b"S"
        pos = end + 1
        messages = []
        for _ in range(int(count)):
            end = data.index(b"\n", pos)
            kind, length = data[pos:end].decode().split(" ")
            messages.append((kind, data[end + 1:end + 1 + int(length)]))
            pos = end + 1 + int(length)
        senders.append(messages)
    return senders


def split_request(raw: bytes) -> tuple[str, dict[str, str], dict[str, str]]:
    """Return the path, headers and form of a raw HTTP request."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    assert int(headers["Content-Length"]) == len(body)
    form = dict(parse_qsl(body.decode(), keep_blank_values=True))
    return lines[0].split(" ")[1], headers, form


def written(tmp_path: Path, senders: int, connections: int, active: int = 2,
            markers: tuple[str, ...] = ("We got your message.",)) -> list[Worker]:
    workers = build(7, senders, HOST)
    wrk.write_requests(tmp_path, workers, connections, active, expect_refs=True,
                       markers=markers)
    return workers


def test_each_connection_owns_the_senders_of_its_index_with_their_whole_conversations(
        tmp_path: Path) -> None:
    workers = written(tmp_path, senders=23, connections=4)
    for i in range(4):
        senders = read_connection(tmp_path / f"c{i + 1}.req")
        mine = [w for n, w in enumerate(workers) if n % 4 == i]
        assert [[request for _, request in s] for s in senders] == [w.requests for w in mine]
        assert [[kind for kind, _ in s] for s in senders] == [
            [str(k) for k in w.kinds] for w in mine]
    assert (tmp_path / "conf").read_text() == "active 2\nexpect_refs 1\n"
    assert (tmp_path / "markers").read_text() == "We got your message.\n"


def test_every_conversation_ends_with_the_message_that_files_when_it_files(
        tmp_path: Path) -> None:
    written(tmp_path, senders=10, connections=1)
    for n, messages in enumerate(read_connection(tmp_path / "c1.req")):
        kinds = [kind for kind, _ in messages]
        files = any(m.kind == Kind.FILE for m in conversations.script(n))
        assert kinds == ["step"] * (len(kinds) - 1) + ["file" if files else "step"]


def test_the_requests_are_signed_so_the_real_app_answers_a_whole_report(
        tmp_path: Path, overrides: dict[str, Any]) -> None:
    from hotline.app import create_app

    written(tmp_path, senders=2, connections=1)  # worker 0: the Spanish report
    app = create_app({**overrides, "twilio_auth_token": conversations.AUTH_TOKEN,
                      "public_base_url": conversations.PUBLIC_BASE})
    try:
        client = app.test_client()
        report = read_connection(tmp_path / "c1.req")[0]
        last = b""
        for _, raw in report:
            path, headers, form = split_request(raw)
            response = client.post(path, data=form, headers={
                "X-Twilio-Signature": headers["X-Twilio-Signature"]})
            assert response.status_code == 200, form["Body"]
            assert b"<Message>" in response.data
            last = response.data
        assert re.search(rb"(?<!\d)\d{4,8}(?!\d)", last), last  # a case number
        # and a request altered after signing is refused
        path, headers, form = split_request(report[0][1])
        response = client.post(path, data={**form, "Body": "changed"}, headers={
            "X-Twilio-Signature": headers["X-Twilio-Signature"]})
        assert response.status_code == 403
    finally:
        app.extensions["hotline"].close()


def test_the_busy_markers_match_the_reply_of_a_message_the_hotline_had_to_spool(
        tmp_path: Path, overrides: dict[str, Any], redis_conn: Any,
        compiled_locales: Path) -> None:
    from hotline.app import create_app

    markers = wrk.busy_markers(compiled_locales, ("en", "es", "ko"))
    assert len(markers) >= 3
    written(tmp_path, senders=2, connections=1)
    app = create_app({**overrides, "twilio_auth_token": conversations.AUTH_TOKEN,
                      "public_base_url": conversations.PUBLIC_BASE})
    try:
        client = app.test_client()
        service = app.extensions["hotline"]
        spanish, korean = (s[0][1] for s in read_connection(tmp_path / "c1.req"))
        answers = []
        for raw in (spanish, korean):
            path, headers, form = split_request(raw)
            # another message of this sender holds its lock: this one waits, then spools
            who = service.crypto.sender_id(from_twilio_form(form).sender)
            redis_conn.set(f"{overrides['redis_prefix']}k:{who}", "someone-else", ex=30)
            response = client.post(path, data=form, headers={
                "X-Twilio-Signature": headers["X-Twilio-Signature"]})
            assert response.status_code == 200
            answers.append(response.data.decode())
        for answer in answers:
            assert any(marker in answer for marker in markers), answer
        # and an ordinary reply is not taken for one
        # (the lock gone, and the spooled message replayed: no mark keeps the next behind)
        redis_conn.delete(*redis_conn.keys(f"{overrides['redis_prefix']}k:*"),
                          *redis_conn.keys(f"{overrides['redis_prefix']}q:*"))
        path, headers, form = split_request(korean)
        form = {**form, "MessageSid": "SM" + "1" * 32}
        ordinary = client.post(path, data=form, headers={
            "X-Twilio-Signature": conversations.sign(form)}).data.decode()
        assert "<Message>" in ordinary
        assert not any(marker in ordinary for marker in markers), ordinary
    finally:
        app.extensions["hotline"].close()


def test_the_tally_counts_answers_until_the_first_connection_falls_silent() -> None:
    raw = {
        "summary": {"requests": 7, "errors": {"connect": 0, "read": 1, "write": 0,
                                              "status": 1, "timeout": 0}},
        "connections": [
            {"first": 100.0, "exhausted": -1, "senders": 3, "messages": 30, "ok": 4,
             "errors": {"busy (spooled)": 1, "http 500": 1},
             "lat": {"step": [1.0, 2.0, 3.0], "file": [4.0]},
             "done_at": [100.5, 101.0, 102.0, 103.5]},
            {"first": 100.2, "exhausted": 102.5, "senders": 1, "messages": 2, "ok": 2,
             "errors": [], "lat": {"step": [5.0, 6.0], "file": []},
             "done_at": [101.5, 102.5]},
        ],
    }
    out = wrk.tally(raw, seconds=4.0, active=8)
    # answered by 102.5 (when the second connection had said everything): 5, in 2.5 s
    assert out["ok"] == 5
    assert out["elapsed"] == pytest.approx(2.5)
    assert out["throughput"] == pytest.approx(2.0)
    assert out["exhausted_connections"] == 1 and out["exhausted_after"] == pytest.approx(2.5)
    assert out["errors"] == {"busy (spooled)": 1, "http 500": 1, "socket read": 1}
    assert out["latencies_ms"] == {"step": [1.0, 2.0, 3.0, 5.0, 6.0], "file": [4.0]}
    assert out["requests"] == 6 + 1 + 1  # answers, the 500, the read error
    assert out["senders"] == 4 and out["messages_prepared"] == 32


def test_without_wrk_and_without_root_the_message_says_how_to_install_it() -> None:
    with pytest.raises(wrk.WrkMissing, match="apt-get install wrk"):
        wrk.ensure_installed(which=lambda name: None, root=False)
    assert wrk.ensure_installed(which=lambda name: f"/usr/bin/{name}") == "/usr/bin/wrk"


# -- wrk itself, against a local server that checks the order ---------------------------


class Recorder(Serving):
    """A keep-alive HTTP server that answers like the hotline and records, per sender,
    the order its messages came in and whether one came while another was in flight.

    Every 50th message it answers "busy" (spooled); every 70th (not also 50th), HTTP 500;
    the others get a menu without any case number."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seen: dict[str, list[str]] = {}
        self.answers: list[tuple[str, str, str]] = []  # (sender, sid, how answered)
        self.in_flight: set[str] = set()
        self.overlaps = 0
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out in two writes

            def handle(self) -> None:
                with contextlib.suppress(ConnectionError):  # wrk hangs up at the end
                    super().handle()

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                form = dict(parse_qsl(body.decode(), keep_blank_values=True))
                sender, sid = form["From"], form["MessageSid"]
                with recorder.lock:
                    if sender in recorder.in_flight:
                        recorder.overlaps += 1
                    recorder.in_flight.add(sender)
                    recorder.seen.setdefault(sender, []).append(sid)
                    count = len(recorder.answers) + 1
                    how = ("busy" if count % 50 == 0 else "500" if count % 70 == 0
                           else "menu")
                    recorder.answers.append((sender, sid, how))
                time.sleep(0.001)  # a reply takes a moment: overlaps would show
                status, text = 200, "Menu: 1 rights, 2 report"
                if how == "busy":
                    text = "We got your message. Our system is slow right now."
                elif how == "500":
                    status = 500
                data = f"<Response><Message>{text}</Message></Response>".encode()
                with recorder.lock:
                    recorder.in_flight.discard(sender)
                self.send_response(status)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        super().__init__(Handler)


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    server = Recorder()
    yield server
    server.close()


needs_wrk = pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")


@needs_wrk
def test_wrk_sends_each_senders_messages_in_order_one_at_a_time_and_counts_replies(
        tmp_path: Path, recorder: Recorder) -> None:
    workers = build(9, 24, HOST)
    wrk.write_requests(tmp_path, workers, 4, 3, expect_refs=True,
                       markers=["We got your message."])
    result = wrk.run(str(shutil.which("wrk")), recorder.port, tmp_path, 4, 2.6,
                     Meter({}))  # wrk takes whole seconds: 3

    assert recorder.overlaps == 0
    kinds = {}
    for n, worker in enumerate(workers):
        sids = [conversations.form(9, n, i)["MessageSid"] for i in range(len(worker.kinds))]
        kinds.update(zip(sids, worker.kinds, strict=True))
        # in order, none skipped, none repeated; and everyone said everything
        assert recorder.seen[conversations.form(9, n, 0)["From"]] == sids, n
    total = sum(len(w.requests) for w in workers)
    assert len(recorder.answers) == total
    assert result["exhausted_connections"] == 4 and result["duration"] == 3
    assert result["requests"] == total
    hows = [how for _, _, how in recorder.answers]
    assert result["errors"]["busy (spooled)"] == hows.count("busy")
    assert result["errors"]["http 500"] == hows.count("500")
    # a filing answered without a case number is an error (the hotline would have one)
    assert result["errors"]["no case number"] == sum(
        1 for _, sid, how in recorder.answers if how == "menu" and kinds[sid] == Kind.FILE)
    answered = sum(len(v) for v in result["latencies_ms"].values())
    assert answered == total - hows.count("500")
    assert 0 < result["cpu"]["generator"] <= result["cpu"]["machine_busy"]


@needs_wrk
def test_wrk_fails_loudly_when_the_server_is_not_there(tmp_path: Path) -> None:
    from bench.servers import free_port

    wrk.write_requests(tmp_path, build(9, 2, HOST), 1, 1, expect_refs=False, markers=[])
    with pytest.raises(RuntimeError, match="unable to connect"):
        wrk.run(str(shutil.which("wrk")), free_port(), tmp_path, 1, 1.0, Meter({}))
