"""The load generator, run in a process of its own: ``python -m bench.load < spec.json``.

Simulated workers text the webhook over keep-alive HTTP/1.1 connections on loopback,
signed like Twilio. Every request is built and signed before the clock starts, and the
client is a bare asyncio loop, so it spends as little of the shared CPU as it can and
exactly the same on either server.

Workers wait in a queue: the one at its head sends its next message, and goes to the
back once it has read the reply (so nobody has two messages in flight, and each waits
for the others' turns, like people reading their phone). ``active`` workers text at
once; one who has said everything makes room for the next of the phase's ``senders``.
Two ways to drive them: ``closed`` keeps a fixed number of messages in flight, ``open``
starts them at Poisson arrivals of a fixed rate (latency counted from when each was due).
The benchmark's phases use C generators that cost the shared cores a fraction of this
one's CPU: wrk for throughput (``bench/wrk.py``), ``bench/openloop.c`` for latency and
alerts (this one's ``open`` mode, in C). This one is kept to compare with them, and
stands in for openloop where no C compiler is found.

Each phase stops at its deadline or when its ``senders`` have said everything; the
result is one JSON object on stdout.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import socket
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from bench import conversations
from bench.conversations import Kind

#: Twilio gives up on a webhook after 15 seconds; so does the simulated Twilio.
TIMEOUT_SECONDS = 15.0
#: Most connections an open-loop phase opens (a server far past saturation queues the rest).
MAX_CONNECTIONS = 256

_REF = re.compile(rb"(?<!\d)(\d{4,8})(?!\d)")


@dataclass
class Worker:
    """One simulated worker: its pre-built requests and how far it got."""

    requests: list[bytes]
    kinds: list[Kind]
    next: int = 0


@dataclass
class Tally:
    """What came back: latencies by kind, errors, and the case numbers given out."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in Kind})
    errors: dict[str, int] = field(default_factory=dict)
    filed: list[tuple[str, float]] = field(default_factory=list)
    first: float = 0.0
    last: float = 0.0
    connections: int = 0
    expect_refs: bool = True
    busy_markers: tuple[bytes, ...] = ()

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


class Pool:
    """The workers of a phase: ``active`` of them take turns, the rest wait to start."""

    def __init__(self, workers: list[Worker], active: int) -> None:
        self.fresh = deque(workers)
        self.ready: deque[Worker] = deque()
        for _ in range(min(active, len(workers))):
            self.ready.append(self.fresh.popleft())

    def take(self) -> Worker | None:
        """Return the worker whose turn it is (a new one if all are busy), or None."""
        if self.ready:
            return self.ready.popleft()
        if self.fresh:
            return self.fresh.popleft()
        return None

    def done(self, worker: Worker) -> None:
        """Put a worker who was answered at the back, or let a new one start."""
        worker.next += 1
        if worker.next < len(worker.requests):
            self.ready.append(worker)
        elif self.fresh:
            self.ready.append(self.fresh.popleft())


def build(block: int, senders: int, host: str) -> list[Worker]:
    """Build and sign every request of ``senders`` workers, for the server at ``host``."""
    workers: list[Worker] = []
    for n in range(senders):
        requests: list[bytes] = []
        kinds: list[Kind] = []
        for message, fields in conversations.messages(block, n):
            body = urlencode(fields).encode()
            head = (f"POST {conversations.WEBHOOK} HTTP/1.1\r\nHost: {host}\r\n"
                    "User-Agent: TwilioProxy/1.1\r\n"
                    "Content-Type: application/x-www-form-urlencoded\r\n"
                    f"X-Twilio-Signature: {conversations.sign(fields)}\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n")
            requests.append(head.encode() + body)
            kinds.append(message.kind)
        workers.append(Worker(requests, kinds))
    return workers


class Connection:
    """One keep-alive connection; reopened once if the server closed it while idle."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        sock = self.writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def send(self, data: bytes) -> tuple[int, bytes]:
        """Send one request; return the status and body of the response."""
        reused = self.writer is not None
        if not reused:
            await self.open()
        try:
            return await self._exchange(data)
        except (ConnectionError, asyncio.IncompleteReadError):
            self.close()
            if not reused:
                raise
        await self.open()  # the server dropped an idle connection: one fresh try
        return await self._exchange(data)

    async def _exchange(self, data: bytes) -> tuple[int, bytes]:
        assert self.reader is not None and self.writer is not None
        self.writer.write(data)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        close = False
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value.strip().lower() == b"close":
                close = True
        body = await self.reader.readexactly(length) if length else b""
        if close:
            self.close()
        return status, body


async def _one(conn: Connection, worker: Worker, tally: Tally, started: float) -> bool:
    """Send a worker's next message; record it; say whether the connection is still good."""
    i = worker.next
    kind = worker.kinds[i]
    try:
        async with asyncio.timeout(TIMEOUT_SECONDS):
            status, body = await conn.send(worker.requests[i])
    except TimeoutError:
        tally.error("timeout (15 s)")
        conn.close()
        return False
    except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
        tally.error(type(exc).__name__)
        conn.close()
        return False
    done = time.perf_counter()
    tally.last = done
    if status != 200:
        tally.error(f"http {status}")
        return True
    if b"<Message>" not in body:
        tally.error("no reply")
    elif any(marker in body for marker in tally.busy_markers):
        tally.error("busy (spooled)")
    tally.latencies[kind].append((done - started) * 1000)
    if kind == Kind.FILE:
        found = _REF.search(body)
        if found:
            tally.filed.append((found.group(1).decode(), time.time()))
        elif tally.expect_refs:
            tally.error("no case number")
    return True


async def closed(spec: dict[str, Any], pool: Pool, tally: Tally) -> None:
    """Keep ``concurrency`` messages in flight until the deadline."""
    deadline = time.perf_counter() + spec["duration"]

    async def slot() -> None:
        conn = Connection(spec["host"], spec["port"])
        while time.perf_counter() < deadline:
            worker = pool.take()
            if worker is None:
                break  # everyone has said everything
            await _one(conn, worker, tally, time.perf_counter())
            pool.done(worker)
        conn.close()

    tally.first = time.perf_counter()
    tally.connections = spec["concurrency"]
    await asyncio.gather(*(slot() for _ in range(spec["concurrency"])))


async def open_loop(spec: dict[str, Any], pool: Pool, tally: Tally) -> None:
    """Start messages at Poisson arrivals of ``rate`` a second until the deadline."""
    rng = random.Random(spec.get("seed", 6))
    rate = float(spec["rate"])
    idle: list[Connection] = []
    room = asyncio.Semaphore(MAX_CONNECTIONS)
    waiting: deque[asyncio.Future[None]] = deque()
    running: set[asyncio.Task[None]] = set()

    async def fire(worker: Worker, due: float) -> None:
        async with room:
            if idle:
                conn = idle.pop()
            else:
                conn = Connection(spec["host"], spec["port"])
                tally.connections += 1
            if await _one(conn, worker, tally, due):
                idle.append(conn)
        pool.done(worker)
        if waiting:
            waiting.popleft().set_result(None)

    start = time.perf_counter()
    tally.first = start
    due = start
    end = start + spec["duration"]
    while True:
        due += rng.expovariate(rate)
        if due >= end:
            break
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        worker = pool.take()
        while worker is None:
            # a task that just finished may still be in ``running`` (its done-callback
            # runs later): waiting for it would wait forever
            if all(task.done() for task in running):
                break
            future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            waiting.append(future)
            await future  # every worker has a message in flight: this one waits its turn
            worker = pool.take()
        if worker is None:
            break  # everyone has said everything
        task = asyncio.create_task(fire(worker, due))
        running.add(task)
        task.add_done_callback(running.discard)
    if running:
        await asyncio.wait(running, timeout=TIMEOUT_SECONDS + 5)
    for conn in idle:
        conn.close()


def run(spec: dict[str, Any]) -> dict[str, Any]:
    """Run one phase as ``spec`` says; return its tally as plain data."""
    workers = build(spec["block"], spec["senders"], f"{spec['host']}:{spec['port']}")
    pool = Pool(workers, spec["active"])
    tally = Tally(expect_refs=spec.get("expect_refs", True),
                  busy_markers=tuple(m.encode() for m in spec.get("busy_markers", ())))
    driver = closed if spec["mode"] == "closed" else open_loop
    cpu_before = time.process_time()  # this process's CPU while it drives, not building
    asyncio.run(driver(spec, pool, tally))
    cpu = time.process_time() - cpu_before
    count = sum(len(v) for v in tally.latencies.values())
    elapsed = max(tally.last - tally.first, 1e-9)
    return {
        "mode": spec["mode"], "concurrency": spec.get("concurrency"),
        "active": spec["active"], "senders": spec["senders"],
        "rate": spec.get("rate"), "duration": spec["duration"],
        "requests": count + sum(tally.errors.values()),
        "ok": count, "errors": tally.errors, "elapsed": elapsed,
        "throughput": count / elapsed,
        "latencies_ms": {str(k): v for k, v in tally.latencies.items()},
        "filed": tally.filed, "connections": tally.connections,
        "generator": "python", "generator_cpu": cpu,
    }


def main() -> None:
    spec = json.load(sys.stdin)
    json.dump(run(spec), sys.stdout)


if __name__ == "__main__":
    main()
