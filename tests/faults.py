"""Faults made for real: a TCP proxy in front of a real server that can be frozen.

``Proxy(("127.0.0.1", 5432))`` forwards every byte both ways. ``freeze()`` makes it a
server that accepts connections and never answers: nothing is forwarded either way, new
connections are accepted and left hanging. ``thaw()`` forwards again; connections that
lived through the freeze are then cut, as a network partition would have cut them.
``cut()`` drops every connection and every new one at once (the database went away)
until ``restore()``.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import pytest


class Proxy:
    """A loopback TCP proxy to ``target`` that can be frozen and thawed."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self._frozen = threading.Event()
        self._generation = 0
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._closed = False
        self._down = False
        threading.Thread(target=self._accept, daemon=True).start()

    def freeze(self) -> None:
        with self._lock:
            self._generation += 1
            self._frozen.set()

    def thaw(self) -> None:
        self._frozen.clear()

    def cut(self) -> None:
        with self._lock:
            self._generation += 1
            self._down = True
            sockets, self._sockets = self._sockets, []
        self._cut(*sockets)

    def restore(self) -> None:
        self._down = False

    def close(self) -> None:
        self._closed = True
        self._frozen.clear()
        with contextlib.suppress(OSError):
            self.listener.close()
        with self._lock:
            for s in self._sockets:
                with contextlib.suppress(OSError):
                    s.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        with self._lock:
            self._sockets.append(client)
            born = self._generation
        self._wait_thawed()
        if self._closed or self._down or self._generation != born:
            self._cut(client)  # accepted while frozen or down: it is dropped
            return
        try:
            server = socket.create_connection(self.target, timeout=5)
        except OSError:
            self._cut(client)
            return
        server.settimeout(None)
        with self._lock:
            self._sockets.append(server)
        pair = (client, server)
        for src, dst in (pair, pair[::-1]):
            threading.Thread(target=self._pump, args=(src, dst, born, pair),
                             daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, born: int,
              pair: tuple[socket.socket, socket.socket]) -> None:
        while True:
            try:
                data = src.recv(65536)
            except OSError:
                data = b""
            self._wait_thawed()
            if not data or self._closed or self._generation != born:
                self._cut(*pair)
                return
            try:
                dst.sendall(data)
            except OSError:
                self._cut(*pair)
                return

    def _wait_thawed(self) -> None:
        while self._frozen.is_set() and not self._closed:
            time.sleep(0.05)

    @staticmethod
    def _cut(*sockets: socket.socket) -> None:
        for s in sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                s.close()


def forget_cut_connections() -> None:
    """Collect the client connections a cut left behind, now, without a warning.

    A connection cut while SQLAlchemy sets it up (its first queries) is dropped by the
    pool without being closed; psycopg warns (ResourceWarning) when it is collected,
    which pytest would report at some later, unrelated moment.
    """
    import gc
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


@pytest.fixture
def postgres_proxy(database_url: str) -> Iterator[tuple[Proxy, str]]:
    """A proxy in front of the test's PostgreSQL database, and the database's URL through
    it; skipped when the suite runs on SQLite."""
    from sqlalchemy.engine import make_url

    if not database_url.startswith("postgresql"):
        pytest.skip("needs HOTLINE_TEST_DATABASE_URL (PostgreSQL)")
    url = make_url(database_url)
    proxy = Proxy((url.host or "127.0.0.1", url.port or 5432))
    through = url.set(host="127.0.0.1", port=proxy.port)
    yield proxy, through.render_as_string(hide_password=False)
    proxy.close()
    forget_cut_connections()
