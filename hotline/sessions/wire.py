"""The lean path of the per-message Redis scripts: one kept socket, EVALSHA out, reply in.

Every message makes two such calls (``sessions.begin`` and ``save``). Through the client
each also borrowed a connection from the pool (with a poll() to check it), went through
the retry wrapper, the observability hooks, the argument checks and the parser's
wrappers: more CPU than the round trip itself. And nobody needs to wait for ``save``'s
reply: it is read at the start of the next call (bench/optimisations.md).
"""

from __future__ import annotations

import logging
import os
import select
import socket
import threading
from collections.abc import Iterable, Sequence
from typing import Any

import hiredis
import redis
from redis.commands.core import Script
from redis.connection import Connection

log = logging.getLogger(__name__)

Call = tuple[Script, Sequence[str], Sequence[Any]]

#: Bytes asked of the socket per read; a session reply is a few hundred.
_READ_SIZE = 65536
_NOT_ENOUGH = object()

#: Bumped in every forked child: a kept socket made before the fork is the parent's.
_forks = 0


def _forked() -> None:
    global _forks
    _forks += 1


os.register_at_fork(after_in_child=_forked)


class KeptConnection:
    """Run preloaded Lua scripts (``scripts``, loaded again together if Redis lost them)
    on one connection of ``conn``'s pool, kept, and nothing else.

    The connection comes from the client's own pool, so it is made with the client's
    settings (address, TLS, password, database, timeouts) and closed with it. Errors are
    the client's own (``redis.RedisError``): a connection that failed is dropped and made
    again on the next call, so a web process still starts and spools while Redis is
    down. Threads take turns; a forked child makes a connection of its own.
    """

    def __init__(self, conn: redis.Redis, scripts: Iterable[Script] = ()) -> None:
        self._conn = conn
        self._scripts = tuple(scripts)
        self._connection: Connection | None = None
        self._sock: socket.socket | None = None
        self._poll = select.poll()
        self._reader = _reader()
        self._generation = _forks
        self._unread: list[Call] = []
        self._lock = threading.Lock()

    def run(self, script: Script, keys: Sequence[str], args: Sequence[Any]) -> Any:
        """Return the script's reply; load it first if Redis lost it (a restart)."""
        with self._lock:
            try:
                return self._roundtrip(script.sha, keys, args)
            except redis.exceptions.NoScriptError:
                self._load_all(script)
                return self._roundtrip(script.sha, keys, args)

    def send(self, script: Script, keys: Sequence[str], args: Sequence[Any]) -> None:
        """Send a script without waiting for its reply: the next call reads it first.

        Redis runs one connection's commands in order, and this one before any command
        that reaches it later on another connection: whoever reads next sees what it
        wrote. A script Redis lost (flushed between two calls) is loaded and run again
        then; any other failure is logged, as the caller has moved on.
        """
        with self._lock:
            sock = self._ready()
            self._sendall(sock, script.sha, keys, args)
            self._unread.append((script, keys, args))

    def flush(self) -> None:
        """Read the replies of scripts sent without waiting (tests, shutdown)."""
        with self._lock:
            if self._generation == _forks and self._unread:
                self._settle()

    def close(self) -> None:
        """Read what is unread, then give the connection back to the pool, closed."""
        self.flush()
        with self._lock:
            self._drop()

    def _load_all(self, *more: Script) -> None:
        """Load every script this connection runs: Redis lost them all (a restart), and
        the next ``send`` must not find one missing."""
        for script in {s.sha: s for s in (*self._scripts, *more)}.values():
            self._conn.script_load(script.script)

    def _roundtrip(self, sha: str, keys: Sequence[str], args: Sequence[Any]) -> Any:
        sock = self._ready()
        self._sendall(sock, sha, keys, args)
        reply = self._guarded(self._reply, sock)
        if isinstance(reply, redis.exceptions.ResponseError):
            raise reply  # Redis answered: the connection is fine
        return reply

    def _ready(self) -> socket.socket:
        if self._generation != _forks:
            self._forget()  # the parent's socket: never read or closed from here
        if self._unread:
            self._settle()
        sock = self._sock
        if sock is None or self._poll.poll(0):
            # never connected; or readable while idle: the server closed it (a restart)
            # or a reply nobody read. A fresh one costs no message.
            sock = self._open()
        return sock

    def _settle(self) -> None:
        """Read every unread reply, in order; run again the scripts Redis had lost."""
        unread, self._unread = self._unread, []
        lost: list[Call] = []
        try:
            for call in unread:
                reply = self._guarded(self._reply, self._sock)
                if isinstance(reply, redis.exceptions.NoScriptError):
                    lost.append(call)
                elif isinstance(reply, redis.exceptions.ResponseError):
                    log.error("a script sent earlier failed: %s", type(reply).__name__)
            if lost:
                self._load_all(*(script for script, _, _ in lost))
            for script, keys, args in lost:
                self._roundtrip(script.sha, keys, args)
        except redis.exceptions.ResponseError as exc:
            log.error("a script sent earlier failed: %s", type(exc).__name__)
        except redis.exceptions.RedisError as exc:
            # the next call goes on, on a fresh connection if this one failed
            log.error("a script sent earlier may not have run: %s", type(exc).__name__)

    def _sendall(self, sock: socket.socket, sha: str, keys: Sequence[str],
                 args: Sequence[Any]) -> None:
        self._guarded(sock.sendall, hiredis.pack_command(("EVALSHA", sha, len(keys), *keys,
                                                          *args)))

    def _guarded(self, operation: Any, argument: Any) -> Any:
        """Run a socket operation; on failure drop the connection (a reply half read must
        not be read as the next call's) and raise the client's error."""
        try:
            return operation(argument)
        except TimeoutError as exc:  # socket.timeout
            self._drop()
            raise redis.exceptions.TimeoutError("Timeout talking to Redis") from exc
        except OSError as exc:
            self._drop()
            raise redis.exceptions.ConnectionError(f"Error talking to Redis: {exc}") from exc
        except BaseException:
            self._drop()
            raise

    def _reply(self, sock: socket.socket | None) -> Any:
        if sock is None:
            raise ConnectionResetError("no connection to read from")
        reader = self._reader
        while (reply := reader.gets()) is _NOT_ENOUGH:
            data = sock.recv(_READ_SIZE)
            if not data:
                raise ConnectionResetError("connection closed by Redis")
            reader.feed(data)
        return reply

    def _open(self) -> socket.socket:
        self._drop()
        connection = self._connection = self._conn.connection_pool.get_connection()
        self._generation = _forks
        connection.connect()  # no-op when the pool lent it connected
        sock = connection._sock  # noqa: SLF001 - the one thing the client does not expose
        if sock is None:
            raise redis.exceptions.ConnectionError("Redis connection has no socket")
        self._sock = sock
        self._poll = select.poll()
        self._poll.register(sock, select.POLLIN)
        self._reader = _reader()
        return sock

    def _drop(self) -> None:
        connection, self._connection, self._sock = self._connection, None, None
        self._unread = []  # their replies went with the connection
        if connection is not None:
            connection.disconnect()
            self._conn.connection_pool.release(connection)

    def _forget(self) -> None:
        self._connection = self._sock = None
        self._unread = []
        self._generation = _forks


def _reader() -> hiredis.Reader:
    # bytes as they are (sessions are sealed); errors become the client's exceptions
    return hiredis.Reader(replyError=_error, notEnoughData=_NOT_ENOUGH)


def _error(message: str) -> redis.exceptions.ResponseError:
    if message.startswith("NOSCRIPT"):
        return redis.exceptions.NoScriptError(message)
    return redis.exceptions.ResponseError(message)
