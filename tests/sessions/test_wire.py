"""The kept connection of the per-message scripts, against a real embedded Redis."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import pytest
import redis
from conftest import FAIL_FAST_BOUND, url_of

from hotline.sessions.connection import connect, stop_embedded
from hotline.sessions.wire import KeptConnection

COUNT = "return redis.call('incr', KEYS[1])"
#: Holds the server longer than the client's 0.5 s socket timeout.
SLOW = """
local start = redis.call('time')[1]
while redis.call('time')[1] - start < 2 do end
return 1
"""


def _kept_clients(conn: redis.Redis) -> int:
    return len(conn.client_list()) - 1  # all but the one asking


def test_scripts_run_on_one_connection_kept_between_calls(embedded: redis.Redis) -> None:
    kept = KeptConnection(embedded)
    script = embedded.register_script(COUNT)
    embedded.script_load(COUNT)
    assert [kept.run(script, ["n"], []) for _ in range(3)] == [1, 2, 3]
    assert _kept_clients(embedded) == 1


def test_replies_come_back_as_the_client_gives_them(embedded: redis.Redis) -> None:
    kept = KeptConnection(embedded)
    embedded.set("s", "sealed\x00bytes")
    script = embedded.register_script(
        "return {redis.call('get', KEYS[1]), redis.call('get', KEYS[2]), 7, ARGV[1]}")
    assert kept.run(script, ["s", "missing"], ["한국어"]) == [
        b"sealed\x00bytes", None, 7, "한국어".encode()]
    assert kept.run(script, ["s", "missing"], [b"\xff"]) == embedded.evalsha(
        script.sha, 2, "s", "missing", b"\xff")


def test_a_script_redis_lost_is_loaded_again(embedded: redis.Redis) -> None:
    kept = KeptConnection(embedded)
    script = embedded.register_script(COUNT)
    embedded.script_flush()  # as after a restart without the scripts
    assert kept.run(script, ["n"], []) == 1


def test_a_connection_the_server_closed_is_replaced_without_losing_a_call(
        var_dir: Path, embedded: redis.Redis) -> None:
    kept = KeptConnection(embedded)
    script = embedded.register_script(COUNT)
    assert kept.run(script, ["n"], []) == 1
    stop_embedded(var_dir)  # a restart: the kept socket is now closed
    connect(None, var_dir).close()
    assert kept.run(script, ["n"], []) == 2  # appendonly: the count survived


def test_a_script_error_is_the_clients_error_and_leaves_the_connection_usable(
        embedded: redis.Redis) -> None:
    kept = KeptConnection(embedded)
    broken = embedded.register_script("return redis.call('nosuchcommand')")
    with pytest.raises(redis.exceptions.ResponseError):
        kept.run(broken, [], [])
    assert kept.run(embedded.register_script(COUNT), ["n"], []) == 1
    assert _kept_clients(embedded) == 1


def test_a_call_that_times_out_drops_its_connection_and_the_next_call_works(
        embedded: redis.Redis) -> None:
    kept = KeptConnection(embedded)
    with pytest.raises(redis.exceptions.TimeoutError):
        kept.run(embedded.register_script(SLOW), [], [])
    time.sleep(2)  # the server finishes the slow script
    # the late reply of the slow script is never read as this call's
    assert kept.run(embedded.register_script(COUNT), ["n"], []) == 1
    assert len(embedded.connection_pool._in_use_connections) == 1  # given back, not leaked


def test_the_kept_connection_fails_fast_like_the_client(silent_listener: socket.socket) -> None:
    started = time.monotonic()
    with connect(url_of(silent_listener), Path("unused")) as conn:
        kept = KeptConnection(conn)
        with pytest.raises((redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)):
            kept.run(conn.register_script(COUNT), ["n"], [])
    assert time.monotonic() - started < FAIL_FAST_BOUND


def test_a_forked_child_makes_a_connection_of_its_own(embedded: redis.Redis) -> None:
    kept = KeptConnection(embedded)
    script = embedded.register_script(COUNT)
    assert kept.run(script, ["n"], []) == 1
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through the pipe
        try:
            mine = [kept.run(script, ["n"], []) for _ in range(2000)]
            os.write(write, b"ok" if mine == sorted(set(mine)) else b"mixed")
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            os.write(write, type(exc).__name__.encode())
        finally:
            os._exit(0)
    os.close(write)
    # both at once: on one shared socket, one would read the other's replies
    mine = [kept.run(script, ["n"], []) for _ in range(2000)]
    answered = os.read(read, 64)
    os.waitpid(child, 0)
    os.close(read)
    assert answered == b"ok"
    assert mine == sorted(set(mine))
    assert int(embedded.get("n") or 0) == 4001


# -- sent without waiting: the reply is read by the next call ---------------------------


def test_a_script_sent_without_waiting_is_seen_by_the_next_reader_on_any_connection(
        embedded: redis.Redis) -> None:
    kept = KeptConnection(embedded)
    script = embedded.register_script(COUNT)
    embedded.script_load(COUNT)
    kept.send(script, ["n"], [])
    assert embedded.get("n") == b"1"  # another connection: Redis ran it first
    assert kept.run(script, ["n"], []) == 2  # its own reply was read first, not taken
    kept.send(script, ["n"], [])
    kept.send(script, ["n"], [])
    assert kept.run(script, ["n"], []) == 5
    assert _kept_clients(embedded) == 1


def test_a_sent_script_redis_had_lost_is_loaded_and_run_again(embedded: redis.Redis) -> None:
    kept = KeptConnection(embedded)
    script = embedded.register_script(COUNT)
    kept.send(script, ["n"], [])  # never loaded: NOSCRIPT comes back, unread
    assert kept.run(embedded.register_script("return redis.call('get', KEYS[1])"),
                    ["n"], []) == b"1"


def test_when_redis_lost_its_scripts_all_of_them_are_loaded_again(embedded: redis.Redis) -> None:
    first = embedded.register_script("return 'begin'")
    second = embedded.register_script(COUNT)
    kept = KeptConnection(embedded, (first, second))
    assert kept.run(first, [], []) == b"begin"  # after a restart: loads both
    assert embedded.script_exists(second.sha) == [True]


def test_a_sent_script_that_fails_is_logged_and_the_next_call_goes_on(
        embedded: redis.Redis, caplog: pytest.LogCaptureFixture) -> None:
    kept = KeptConnection(embedded)
    kept.send(embedded.register_script("return redis.call('nosuchcommand')"), [], [])
    assert kept.run(embedded.register_script(COUNT), ["n"], []) == 1
    assert "a script sent earlier failed: ResponseError" in caplog.text


def test_a_reply_left_unread_across_a_restart_is_read_and_the_next_call_goes_on(
        var_dir: Path, embedded: redis.Redis) -> None:
    kept = KeptConnection(embedded)
    script = embedded.register_script(COUNT)
    embedded.script_load(COUNT)
    kept.send(script, ["n"], [])
    stop_embedded(var_dir)
    connect(None, var_dir).close()
    assert kept.run(script, ["n"], []) == 2  # the sent one ran before the restart


def test_flush_and_close_read_what_was_sent(
        embedded: redis.Redis, caplog: pytest.LogCaptureFixture) -> None:
    kept = KeptConnection(embedded)
    broken = embedded.register_script("return redis.call('nosuchcommand')")
    embedded.script_load(broken.script)
    kept.send(broken, [], [])
    kept.flush()
    assert caplog.text.count("failed: ResponseError") == 1
    kept.send(broken, [], [])
    kept.close()
    assert caplog.text.count("failed: ResponseError") == 2
