"""The latency phases' open-loop generator (``bench/openloop.c``), built with the
machine's compiler and run against a local server that answers like the hotline and
closes every connection like gunicorn's sync worker: it offers the rate it is given, a
sender's messages go in order and one at a time, latency counts from when a message was
due, every kind of error is counted by name, and case numbers come back for the alerts.

Timing on this shared machine is noisy: the bounds on rates are loose, and the rest is
checked by counts and order."""

from __future__ import annotations

import contextlib
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from fakes import Serving

from bench import conversations, openloop
from bench.conversations import Kind
from bench.cpu import Meter
from bench.load import Worker, build
from bench.servers import free_port

HOST = "127.0.0.1:8000"
BUSY = "We got your message. Our system is slow right now."

pytestmark = pytest.mark.skipif(openloop.compiler() is None, reason="no C compiler")


class Answer:
    """What the server does with one message: status, TwiML text (None: no <Message>),
    how long it holds the reply, and whether it hangs up half way through."""

    def __init__(self, text: str | None = "Menu: 1 rights, 2 report", status: int = 200,
                 hold: float = 0.0, truncate: bool = False) -> None:
        self.text, self.status, self.hold, self.truncate = text, status, hold, truncate


class Hotline(Serving):
    """A threaded HTTP server answering TwiML, one request a connection (as gunicorn's
    sync worker does), recording per sender the order its messages came in and whether
    one came while another of the same sender was in flight."""

    def __init__(self, answer: Callable[[int, str], Answer]) -> None:
        self.lock = threading.Lock()
        self.seen: dict[str, list[str]] = {}
        self.arrived: list[float] = []  # monotonic time each request was read
        self.in_flight: set[str] = set()
        self.overlaps = 0
        self.connections = 0
        self.answers: list[tuple[str, Answer]] = []  # (sid, answer), in order
        hotline = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"  # one request, then the connection closes

            def setup(self) -> None:
                super().setup()
                with hotline.lock:
                    hotline.connections += 1

            def handle(self) -> None:
                with contextlib.suppress(ConnectionError):
                    super().handle()

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                form = dict(parse_qsl(body.decode(), keep_blank_values=True))
                sender, sid = form["From"], form["MessageSid"]
                with hotline.lock:
                    if sender in hotline.in_flight:
                        hotline.overlaps += 1
                    hotline.in_flight.add(sender)
                    hotline.seen.setdefault(sender, []).append(sid)
                    hotline.arrived.append(time.monotonic())
                    how = answer(len(hotline.answers), sid)
                    hotline.answers.append((sid, how))
                time.sleep(how.hold)
                data = (f"<Response><Message>{how.text}</Message></Response>"
                        if how.text is not None else "<Response></Response>").encode()
                with hotline.lock:
                    hotline.in_flight.discard(sender)
                head = (f"HTTP/1.1 {how.status} X\r\nContent-Type: application/xml\r\n"
                        f"Connection: close\r\nContent-Length: {len(data)}\r\n\r\n")
                self.wfile.write(head.encode() + (data[:10] if how.truncate else data))

            def log_message(self, format: str, *args: Any) -> None:
                pass

        super().__init__(Handler, backlog=128)


@contextlib.contextmanager
def hotline(answer: Callable[[int, str], Answer] = lambda i, sid: Answer()
            ) -> Iterator[Hotline]:
    server = Hotline(answer)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="module")
def binary(tmp_path_factory: pytest.TempPathFactory) -> str:
    return openloop.build(tmp_path_factory.mktemp("openloop-cache"))


def phase(tmp_path: Path, block: int, senders: int, active: int, *,
          expect_refs: bool = True) -> list[Worker]:
    workers = build(block, senders, HOST)
    openloop.write_inputs(tmp_path, workers, active, expect_refs=expect_refs,
                          markers=["We got your message."])
    return workers


def sids_of(block: int, workers: list[Worker]) -> dict[str, tuple[int, Kind]]:
    """Each message's MessageSid: its sender's number and its kind."""
    out = {}
    for n, worker in enumerate(workers):
        for i, kind in enumerate(worker.kinds):
            out[conversations.form(block, n, i)["MessageSid"]] = (n, kind)
    return out


def in_order(server: Hotline, block: int, workers: list[Worker]) -> None:
    """Every sender's messages came in the order of its conversation, none skipped or
    repeated (a prefix of it, if the phase ended before it finished)."""
    assert server.overlaps == 0
    for n, worker in enumerate(workers):
        sids = [conversations.form(block, n, i)["MessageSid"]
                for i in range(len(worker.kinds))]
        got = server.seen.get(conversations.form(block, n, 0)["From"], [])
        assert got == sids[:len(got)], n


def test_it_offers_the_rate_it_is_given_each_sender_in_order_on_a_new_connection(
        tmp_path: Path, binary: str) -> None:
    workers = phase(tmp_path, 21, senders=200, active=20, expect_refs=False)
    with hotline() as server:
        result = openloop.run(binary, server.port, tmp_path, rate=80, seconds=4,
                              meter=Meter({}))
    in_order(server, 21, workers)
    # 320 arrivals on average (Poisson, seeded): far from a closed loop's thousands
    assert 200 <= result["ok"] <= 450, result["ok"]
    assert result["requests"] == result["ok"] == len(server.answers)
    assert result["errors"] == {}
    assert result["connections"] == server.connections == len(server.answers)
    # the arrivals spread over the phase: as many in its second half as in its first
    start, end = server.arrived[0], server.arrived[-1]
    assert end - start > 2.5
    middle = (start + end) / 2
    first_half = sum(1 for t in server.arrived if t < middle)
    assert 0.3 < first_half / len(server.arrived) < 0.7
    # a sender who has said everything makes room: more than the 20 active spoke
    assert len(server.seen) > 20
    assert result["generator"] == "openloop"
    assert len(result["latencies_ms"]["step"]) + len(result["latencies_ms"]["file"]) == (
        result["ok"])
    assert 0 < result["cpu"]["generator"] == result["generator_cpu"]
    assert result["cpu"]["generator_user"] + result["cpu"]["generator_system"] == (
        pytest.approx(result["generator_cpu"]))


def test_a_slow_reply_shows_in_the_latency_of_the_messages_due_while_it_was_held(
        tmp_path: Path, binary: str) -> None:
    # one sender, 19 messages, due at 100 a second: while its 4th is held 300 ms, the
    # rest (due in the next 200 ms or so) wait their turn, each after the reply to the last
    workers = phase(tmp_path, 22, senders=1, active=1, expect_refs=False)
    assert len(workers[0].kinds) == 19
    hold = 0.3
    with hotline(lambda i, sid: Answer(hold=hold if i == 3 else 0.0)) as server:
        result = openloop.run(binary, server.port, tmp_path, rate=100, seconds=5)
    in_order(server, 22, workers)
    assert len(server.answers) == result["ok"] == 19  # then the phase ends: all said
    every = result["latencies_ms"]["step"] + result["latencies_ms"]["file"]
    assert max(every) >= hold * 1000
    # a closed loop would show one slow message; here those due during the hold show it
    assert sum(1 for x in every if x >= 100) >= 8, sorted(every)
    assert result["errors"] == {}


def test_an_arrival_finding_every_active_sender_busy_starts_a_new_one(
        tmp_path: Path, binary: str) -> None:
    # as load.py's Pool: "the worker whose turn it is (a new one if all are busy)"
    workers = phase(tmp_path, 26, senders=3, active=1, expect_refs=False)
    with hotline(lambda i, sid: Answer(hold=0.3 if i == 0 else 0.0)) as server:
        openloop.run(binary, server.port, tmp_path, rate=100, seconds=5)
    in_order(server, 26, workers)
    first = [sid for sid, _ in server.answers]
    # while sender 0's first message was held, the next arrival went to sender 1
    assert first[:2] == [conversations.form(26, 0, 0)["MessageSid"],
                         conversations.form(26, 1, 0)["MessageSid"]]
    assert len(server.answers) == sum(len(w.kinds) for w in workers)


def test_every_kind_of_error_is_counted_by_name_and_case_numbers_come_back(
        tmp_path: Path, binary: str) -> None:
    block = 23
    workers = phase(tmp_path, block, senders=12, active=4)
    kinds = sids_of(block, workers)
    total = len(kinds)

    def answer(i: int, sid: str) -> Answer:
        if kinds[sid][1] == Kind.FILE:
            # half the filings get a case number; the others are "no case number"
            return Answer(f"Thank you. Your case number is {700000 + i}."
                          if kinds[sid][0] % 2 == 0 else "Thank you.")
        return [Answer(), Answer(status=500), Answer(text=None), Answer(text=BUSY),
                Answer(truncate=True), Answer("Reply 1 or 2")][i % 6]

    with hotline(answer) as server:
        # fast enough that everyone says everything well before the end: the phase
        # stops then, every message sent once
        started = time.time()
        result = openloop.run(binary, server.port, tmp_path, rate=300, seconds=20)
    in_order(server, block, workers)
    assert len(server.answers) == total
    hows = [how for _, how in server.answers]
    steps = [how for sid, how in server.answers if kinds[sid][1] == Kind.STEP]
    assert result["errors"] == {
        k: v for k, v in {
            "http 500": sum(1 for h in steps if h.status == 500),
            "no reply": sum(1 for h in steps if h.text is None),
            "busy (spooled)": sum(1 for h in steps if h.text == BUSY),
            "IncompleteReadError": sum(1 for h in steps if h.truncate),
            "no case number": sum(1 for sid, h in server.answers
                                  if kinds[sid][1] == Kind.FILE and kinds[sid][0] % 2),
        }.items() if v}
    assert set(result["errors"]) >= {"http 500", "no reply", "busy (spooled)",
                                     "IncompleteReadError", "no case number"}
    # answered (with a latency): all but the 500s and the broken replies
    answered = total - sum(1 for h in hows if h.status == 500 or h.truncate)
    assert result["ok"] == answered
    assert result["requests"] == answered + sum(result["errors"].values())
    given = {str(700000 + i) for i, (sid, how) in enumerate(server.answers)
             if how.text and "case number" in how.text}
    assert given and {ref for ref, _ in result["filed"]} == given
    assert all(started <= at <= time.time() for _, at in result["filed"])
    assert len(result["latencies_ms"]["file"]) == sum(
        1 for sid in kinds if kinds[sid][1] == Kind.FILE)


def test_without_expected_case_numbers_a_filing_without_one_is_no_error(
        tmp_path: Path, binary: str) -> None:
    phase(tmp_path, 24, senders=6, active=3, expect_refs=False)
    with hotline() as server:
        result = openloop.run(binary, server.port, tmp_path, rate=300, seconds=20)
    assert result["errors"] == {} and result["filed"] == []
    assert result["ok"] == len(server.answers)


def test_a_reply_that_takes_too_long_is_a_timeout_and_a_closed_port_a_refusal(
        tmp_path: Path, binary: str) -> None:
    phase(tmp_path, 25, senders=4, active=4, expect_refs=False)
    with hotline(lambda i, sid: Answer(hold=1.5 if i == 0 else 0.0)) as server:
        result = openloop.run(binary, server.port, tmp_path, rate=20, seconds=0.8,
                              timeout=0.5)
    assert result["errors"] == {"timeout (0.5 s)": 1}
    assert result["ok"] == len(server.answers) - 1

    port = free_port()
    with socket.socket() as probe:  # nobody listens there
        assert probe.connect_ex(("127.0.0.1", port)) != 0
    result = openloop.run(binary, port, tmp_path, rate=50, seconds=0.5)
    assert result["ok"] == 0 and set(result["errors"]) == {"ConnectionRefusedError"}
    assert result["errors"]["ConnectionRefusedError"] == result["requests"] > 0


def test_the_binary_is_built_once_per_source_and_a_missing_compiler_says_so(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = openloop.build(tmp_path)
    built = Path(first).stat().st_mtime_ns
    assert openloop.build(tmp_path) == first
    assert Path(first).stat().st_mtime_ns == built  # not compiled again
    # another source, another binary
    source = tmp_path / "openloop.c"
    source.write_text(openloop.SOURCE.read_text() + "\n/* changed */\n")
    assert openloop.build(tmp_path, source=source) != first

    monkeypatch.setenv("CC", "no-such-compiler")
    with pytest.raises(openloop.CompilerMissing, match="apt-get install gcc"):
        openloop.build(tmp_path / "elsewhere")
    assert shutil.which("no-such-compiler") is None


def test_without_a_compiler_the_bench_says_so_and_the_python_generator_stands_in(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from bench import run

    plan = run.plan_of(run.parse(["--quick"]))
    assert plan.latency_generator == "openloop"
    monkeypatch.setenv("CC", "no-such-compiler")
    assert run.latency_generator(plan) == ""
    assert plan.latency_generator == "python" and "no C compiler" in plan.latency_fallback
    assert "fall back to the Python one" in capsys.readouterr().out
    # and asked for the old one, nothing is built
    plan = run.plan_of(run.parse(["--latency-generator", "python"]))
    assert run.latency_generator(plan) == "" and not plan.latency_fallback
