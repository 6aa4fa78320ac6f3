"""Tests for the Redis connection factory, against real servers only."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

import hotline.redis
from hotline.redis import KeptConnection, connect, embedded_url, ping, stop_embedded

REPO = Path(__file__).resolve().parents[1]

FAIL_FAST_BOUND = 5.0
"""Generous ceiling (seconds) for a client that should give up in about one."""

SERVER_IDENTITY = """
import sys
from pathlib import Path
from hotline.redis import connect
client = connect(None, Path(sys.argv[1]))
info = client.info("server")
print(info["process_id"], info["run_id"])
client.close()
"""


def _fresh_var_dir(prefix: str = "hl") -> Path:
    """Make a var dir under /tmp: pytest's tmp_path can exceed the unix socket limit."""
    return Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))


@pytest.fixture
def var_dir() -> Iterator[Path]:
    """Yield an empty var dir; stop any embedded server in it and remove it afterwards."""
    path = _fresh_var_dir()
    try:
        yield path
    finally:
        stop_embedded(path)
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def client(var_dir: Path) -> Iterator[redis.Redis]:
    """Yield a client of the embedded server in var_dir."""
    conn = connect(None, var_dir)
    yield conn
    conn.close()


def _identity(conn: redis.Redis) -> tuple[str, str]:
    """Return what tells one server process from another."""
    info = conn.info("server")
    return str(info["process_id"]), str(info["run_id"])


@pytest.fixture
def closed_port_url() -> str:
    """Return a redis:// URL on a loopback port that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


@pytest.fixture
def silent_listener() -> Iterator[socket.socket]:
    """Yield a loopback TCP socket whose backlog completes handshakes but never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener


def _url_of(listener: socket.socket) -> str:
    """Return the redis:// URL of a listening loopback socket."""
    host, port = listener.getsockname()
    return f"redis://{host}:{port}/0"


def _drain(listener: socket.socket) -> int:
    """Accept and close every pending connection; return how many there were."""
    listener.setblocking(False)
    count = 0
    while True:
        try:
            conn, _ = listener.accept()
        except BlockingIOError:
            return count
        conn.close()
        count += 1


def test_embedded_server_starts_under_var_dir_and_answers(
    var_dir: Path, client: redis.Redis
) -> None:
    assert client.ping() is True
    assert (var_dir / "redis.sock").is_socket()
    assert client.config_get("appendonly") == {"appendonly": "yes"}
    assert client.info("server")["tcp_port"] == 0


def test_embedded_data_survives_a_stop_and_start(var_dir: Path, client: redis.Redis) -> None:
    client.set("hl:test:kept", "yes")
    before = _identity(client)
    client.close()

    stop_embedded(var_dir)
    assert not (var_dir / "redis.sock").exists()

    with connect(None, var_dir) as again:
        assert _identity(again) != before
        assert again.get("hl:test:kept") == b"yes"


def test_processes_connecting_at_once_share_one_server(var_dir: Path) -> None:
    children = [
        subprocess.Popen(
            [sys.executable, "-c", SERVER_IDENTITY, str(var_dir)],
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    identities = set()
    for child in children:
        out, err = child.communicate(timeout=30)
        assert child.returncode == 0, err
        process_id, run_id = out.split()
        identities.add((process_id, run_id))

    assert len(identities) == 1
    with connect(None, var_dir) as conn:
        assert {_identity(conn)} == identities
    assert (var_dir / "redis.pid").read_text().strip() == identities.pop()[0]


def test_connecting_again_reuses_the_running_server(var_dir: Path, client: redis.Redis) -> None:
    with connect(None, var_dir) as second:
        assert _identity(second) == _identity(client)


def test_embedded_url_reaches_the_server_from_another_client(
    var_dir: Path, client: redis.Redis
) -> None:
    client.set("hl:test:shared", "1")
    with redis.Redis.from_url(embedded_url(var_dir)) as other:
        assert other.get("hl:test:shared") == b"1"


def test_embedded_server_works_in_a_var_dir_with_spaces() -> None:
    path = _fresh_var_dir(prefix="hl dir ")
    try:
        assert embedded_url(path).startswith("unix:///tmp/hl%20dir%20")
        with connect(None, path) as conn, redis.Redis.from_url(embedded_url(path)) as other:
            conn.set("hl:test:k", "v")
            assert other.get("hl:test:k") == b"v"
    finally:
        stop_embedded(path)
        shutil.rmtree(path, ignore_errors=True)


def test_too_long_var_dir_is_refused_before_anything_is_created() -> None:
    too_long = Path("/tmp") / ("hl" + "x" * 120)
    with pytest.raises(ValueError, match="unix socket limit"):
        connect(None, too_long)
    assert not too_long.exists()


def test_server_that_cannot_start_raises_naming_its_log(
    var_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A directory where the append-only file belongs makes the real server exit at startup.
    (var_dir / "appendonly.aof").mkdir()
    monkeypatch.setattr(hotline.redis, "EMBEDDED_START_TIMEOUT", 1.0)
    with pytest.raises(RuntimeError, match=r"redis\.log") as failure:
        connect(None, var_dir)
    assert "append-only file" in str(failure.value)


def test_stopping_when_no_server_runs_does_nothing(var_dir: Path) -> None:
    stop_embedded(var_dir)
    stop_embedded(var_dir / "never-created")


def test_url_connection_to_a_closed_port_fails_fast(closed_port_url: str) -> None:
    started = time.monotonic()
    with connect(closed_port_url, Path("unused")) as conn:
        with pytest.raises((redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)):
            conn.get("k")
    assert time.monotonic() - started < FAIL_FAST_BOUND


def test_url_connection_to_a_silent_server_times_out_after_one_try(
    silent_listener: socket.socket,
) -> None:
    started = time.monotonic()
    with connect(_url_of(silent_listener), Path("unused")) as conn:
        with pytest.raises((redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)):
            conn.get("k")
    assert time.monotonic() - started < FAIL_FAST_BOUND
    assert _drain(silent_listener) == 1  # redis.Redis()'s defaults: 11 tries


def test_ping_is_true_for_a_live_server(client: redis.Redis) -> None:
    assert ping(client) is True


def test_ping_is_false_instead_of_raising_for_a_closed_port(closed_port_url: str) -> None:
    with connect(closed_port_url, Path("unused")) as conn:
        assert ping(conn) is False


def test_ping_is_false_instead_of_raising_for_a_silent_server(
    silent_listener: socket.socket,
) -> None:
    with connect(_url_of(silent_listener), Path("unused")) as conn:
        assert ping(conn) is False


def test_ping_is_false_after_the_embedded_server_stops(var_dir: Path, client: redis.Redis) -> None:
    stop_embedded(var_dir)
    assert ping(client) is False


# -- the kept connection of the per-message scripts -----------------------------------

COUNT = "return redis.call('incr', KEYS[1])"


def test_the_kept_connection_runs_scripts_on_one_connection(client: redis.Redis) -> None:
    kept = KeptConnection(client)
    script = client.register_script(COUNT)
    client.script_load(COUNT)
    assert [kept.run(script, ["n"], []) for _ in range(3)] == [1, 2, 3]
    names = [c["name"] for c in client.client_list()]
    assert len(names) == 2  # the kept one, and the one asking


def test_a_script_redis_lost_is_loaded_again(client: redis.Redis) -> None:
    kept = KeptConnection(client)
    script = client.register_script(COUNT)
    client.script_flush()  # as after a restart without the scripts
    assert kept.run(script, ["n"], []) == 1


def test_a_connection_the_server_closed_is_replaced_without_losing_a_call(
        var_dir: Path, client: redis.Redis) -> None:
    kept = KeptConnection(client)
    script = client.register_script(COUNT)
    assert kept.run(script, ["n"], []) == 1
    stop_embedded(var_dir)  # a restart: the kept socket is now closed
    connect(None, var_dir).close()
    assert kept.run(script, ["n"], []) == 2  # appendonly: the count survived


def test_a_script_error_leaves_the_connection_usable(client: redis.Redis) -> None:
    kept = KeptConnection(client)
    broken = client.register_script("return redis.call('nosuchcommand')")
    with pytest.raises(redis.exceptions.ResponseError):
        kept.run(broken, [], [])
    assert kept.run(client.register_script(COUNT), ["n"], []) == 1


def test_the_kept_connection_fails_fast_like_the_client(silent_listener: socket.socket) -> None:
    started = time.monotonic()
    with connect(_url_of(silent_listener), Path("unused")) as conn:
        kept = KeptConnection(conn)
        with pytest.raises((redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)):
            kept.run(conn.register_script(COUNT), ["n"], [])
    assert time.monotonic() - started < FAIL_FAST_BOUND
