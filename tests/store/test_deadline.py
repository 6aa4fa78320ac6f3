"""A database that accepts connections and never answers: the webhook still answers the
worker in time (as when the database is down), and the report is filed once later.

Through a live gunicorn (the Procfile's options) to PostgreSQL behind a proxy that can
freeze; on SQLite, a writer holding the database's lock stands in for the freeze.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from conftest import replies_of
from faults import Proxy, postgres_proxy  # noqa: F401 - the fixture
from procs import Web, wait_for
from sqlalchemy import text

from hotline import config
from hotline.crypto import Crypto
from hotline.store.cases import CaseStore
from hotline.store.db import make_engine

pytestmark = [pytest.mark.slow,
              # connections cut mid-setup are dropped unclosed (faults.forget_cut_connections)
              pytest.mark.filterwarnings("ignore::ResourceWarning")]

WORKER = "+12135550191"
#: A whole report up to its summary: the next "1" files it.
REPORT = ("hello", "2", "1", "Sunny Market", "0", "1", "He kept my tips", "1", "1", "1", "1",
          "0", "1")
SAVED = re.compile(r"[Ss]aved.*number is \d+")
NOT_SAVED = ("Sorry, we could not save this right now. Your answers are kept. "
             "Send 1 to try again in a few minutes.")


@pytest.fixture
def web_on(overrides: dict[str, Any]) -> Iterator[Any]:
    servers: list[Web] = []

    def start(database_url: str) -> Web:
        servers.append(Web({**overrides, "database_url": database_url}))
        return servers[-1]

    yield start
    for server in servers:
        errors = server.stop()
        assert "WORKER TIMEOUT" not in errors, errors[-3000:]


def cases_in(database_url: str, settings: dict[str, Any]) -> list[Any]:
    store = CaseStore(make_engine(database_url),
                      Crypto(config.load(environ={}, **settings).secret_key))
    try:
        return list(store.newest())
    finally:
        store.engine.dispose()


def database_answers(web: Web) -> bool:
    try:
        return requests.get(web.base + "/healthz", timeout=5).json()["database"] == "ok"
    except requests.RequestException:
        return False


def test_a_frozen_postgresql_gets_an_answer_in_time_and_the_report_is_filed_once_later(  # type: ignore[no-untyped-def]
        web_on, overrides: dict[str, Any], postgres_proxy: tuple[Proxy, str]) -> None:  # noqa: F811
    proxy, url = postgres_proxy
    web = web_on(url)
    for message in REPORT:
        web.say(WORKER, message)

    proxy.freeze()
    # well inside Twilio's 15 s (gunicorn would kill the request at 15 s, Twilio gives up)
    response = web.text(WORKER, "1", timeout=10)
    assert response.status_code == 200
    assert replies_of(response.content) == [NOT_SAVED]

    proxy.thaw()
    # generous: on a busy machine gunicorn's workers and the pool take a while to come back
    # (this waits for recovery; the deadline itself is asserted above, within 10 s)
    assert wait_for(lambda: database_answers(web), timeout=90)
    # the worker sends 1 again, as told, until it is saved (the other web process may
    # still refuse new connections for a few seconds after the freeze)
    answers: list[str] = []
    assert wait_for(lambda: SAVED.search(answers[-1]) if answers.extend(
        web.say(WORKER, "1")) is None else False, timeout=90, step=1), answers
    assert all(a == NOT_SAVED for a in answers[:-1])
    (case,) = cases_in(url, overrides)  # filed once
    assert case.employer == "Sunny Market" and case.details == "He kept my tips"


def test_a_locked_sqlite_database_gets_an_answer_in_time_too(  # type: ignore[no-untyped-def]
        web_on, overrides: dict[str, Any], database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's own lock (the PostgreSQL leg freezes a proxy instead)")
    web = web_on(database_url)
    for message in REPORT:
        web.say(WORKER, message)

    holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=1,
                             isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another writer that never finishes
    try:
        response = web.text(WORKER, "1", timeout=10)
        assert response.status_code == 200
        assert replies_of(response.content) == [NOT_SAVED]
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    (filed,) = web.say(WORKER, "1")
    assert SAVED.search(filed), filed
    (case,) = cases_in(database_url, overrides)
    assert case.employer == "Sunny Market"


def test_the_request_path_engine_gives_every_statement_a_deadline(  # type: ignore[no-untyped-def]
        postgres_proxy: tuple[Proxy, str]) -> None:  # noqa: F811
    proxy, url = postgres_proxy
    engine = make_engine(url, deadline=1.0)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar() == 1
        proxy.freeze()
        with pytest.raises(Exception, match="did not answer"), engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        # right after, nobody waits again: new connections are refused at once
        with pytest.raises(Exception, match="a moment ago"), engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    finally:
        proxy.thaw()
        engine.dispose()
