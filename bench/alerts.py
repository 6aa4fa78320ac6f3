"""A local webhook sink: where ``hotline worker`` posts alerts during the benchmark.

It answers at once, so what is measured is the hotline's own path: from the reply that
gave the worker a case number to the alert's POST reaching the sink.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Sink:
    """Record the wall time each case's first alert arrives; answer 200."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.posts = 0
        self.lock = threading.Lock()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                now = time.time()
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")
                try:
                    payload = json.loads(body)
                except ValueError:
                    return
                with sink.lock:
                    sink.posts += 1
                    if payload.get("event") == "alert":
                        sink.arrived.setdefault(str(payload.get("case")), now)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,),
                                       daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}/hooks/alerts"

    def wait_for(self, refs: set[str], timeout: float) -> None:
        """Wait until every case in ``refs`` has been alerted, or ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if refs <= self.arrived.keys():
                    return
            time.sleep(0.05)

    def latencies(self, filed: list[tuple[str, float]]) -> tuple[list[float], int]:
        """Return alert latencies in ms of the cases in ``filed`` (ref, reply time), and how
        many never arrived."""
        found: list[float] = []
        missing = 0
        with self.lock:
            for ref, replied in filed:
                if ref in self.arrived:
                    found.append((self.arrived[ref] - replied) * 1000)
                else:
                    missing += 1
        return found, missing

    def drained(self, refs: set[str]) -> float:
        """Return how many of these cases' alerts arrived a second, first to last."""
        with self.lock:
            times = sorted(self.arrived[ref] for ref in refs if ref in self.arrived)
        if len(times) < 2 or times[-1] <= times[0]:
            return 0.0
        return (len(times) - 1) / (times[-1] - times[0])

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)
