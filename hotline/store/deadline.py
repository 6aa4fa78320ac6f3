"""Deadlines on SQL, so a database that hangs cannot hold the webhook past Twilio's 15 s.

PostgreSQL: each connection attempt gives up after ``connect_timeout``; each statement
after ``statement_timeout`` on the server (a lock wait) and a little later on the
client (a server or proxy that accepts and never answers: the connection is closed, and
SQLAlchemy throws away the pool). After such a failure, new connections are refused at
once for a short while (a circuit breaker), so one request pays the deadline once, not
once per statement. SQLite: its busy timeout (5 s, ``make_engine``) is the deadline.
"""

from __future__ import annotations

import math
import threading
import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

#: Deadline of each statement and connection attempt on the request path (the web app):
#: a filing makes a few statements, and the answer must leave well inside Twilio's 15 s.
REQUEST_PATH = 2.0
#: Extra time the client waits beyond the server's statement_timeout: the server's own
#: error (a usable connection) should win when the server is there to send it.
CLIENT_GRACE = 0.5
#: How long after a failure new connections are refused without trying, per deadline.
BREAKER_FACTOR = 2.5


class Breaker:
    """Remember, per process, that the database failed to answer a moment ago."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._until = 0.0
        self._lock = threading.Lock()

    def trip(self) -> None:
        with self._lock:
            self._until = time.monotonic() + self.seconds

    def reset(self) -> None:
        with self._lock:
            self._until = 0.0

    @property
    def open(self) -> bool:
        return time.monotonic() < self._until


def install(engine: Engine, seconds: float) -> Breaker | None:
    """Give every statement and connection attempt of ``engine`` a deadline."""
    if engine.dialect.name != "postgresql" or engine.dialect.driver != "psycopg":
        return None  # SQLite: make_engine sets the busy timeout
    import psycopg

    breaker = Breaker(seconds * BREAKER_FACTOR)
    connection_class = _deadline_connection(psycopg, seconds + CLIENT_GRACE, breaker)

    @event.listens_for(engine, "do_connect")
    def _connect(dialect: Any, record: Any, cargs: Any, cparams: dict[str, Any]) -> Any:
        if breaker.open:
            raise psycopg.OperationalError("the database did not answer a moment ago")
        millis = int(seconds * 1000)
        options = f"-c statement_timeout={millis}"
        cparams["options"] = f"{cparams.get('options', '')} {options}".strip()
        cparams["connect_timeout"] = max(2, math.ceil(seconds))
        try:
            connection = connection_class.connect(*cargs, **cparams)
        except psycopg.OperationalError:
            breaker.trip()
            raise
        breaker.reset()
        return connection

    return breaker


def _deadline_connection(psycopg: Any, deadline: float, breaker: Breaker) -> Any:
    """Return a psycopg Connection class whose every wait ends after ``deadline``."""
    from psycopg import errors

    class DeadlineConnection(psycopg.Connection):
        def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
            try:
                return super().wait(gen, interval=interval,
                                    timeout=deadline if timeout is None else timeout)
            except errors._WaitTimeout:
                # the reply may never come: this connection cannot be used again
                breaker.trip()
                self.close()
                raise psycopg.OperationalError(
                    f"the database did not answer within {deadline:g} s") from None

    return DeadlineConnection
