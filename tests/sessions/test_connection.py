"""Tests for the Redis connection factory, against real servers only."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from conftest import FAIL_FAST_BOUND, fresh_var_dir, url_of

import hotline.sessions.connection
from hotline.sessions.connection import connect, embedded_url, ping, stop_embedded

REPO = Path(__file__).resolve().parents[1]


SERVER_IDENTITY = """
import sys
from pathlib import Path
from hotline.sessions.connection import connect
client = connect(None, Path(sys.argv[1]))
info = client.info("server")
print(info["process_id"], info["run_id"])
client.close()
"""


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
    var_dir: Path, embedded: redis.Redis
) -> None:
    assert embedded.ping() is True
    assert (var_dir / "redis.sock").is_socket()
    assert embedded.config_get("appendonly") == {"appendonly": "yes"}
    assert embedded.info("server")["tcp_port"] == 0


def test_embedded_data_survives_a_stop_and_start(var_dir: Path, embedded: redis.Redis) -> None:
    embedded.set("hl:test:kept", "yes")
    before = _identity(embedded)
    embedded.close()

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


def test_connecting_again_reuses_the_running_server(var_dir: Path, embedded: redis.Redis) -> None:
    with connect(None, var_dir) as second:
        assert _identity(second) == _identity(embedded)


def test_embedded_url_reaches_the_server_from_another_client(
    var_dir: Path, embedded: redis.Redis
) -> None:
    embedded.set("hl:test:shared", "1")
    with redis.Redis.from_url(embedded_url(var_dir)) as other:
        assert other.get("hl:test:shared") == b"1"


def test_embedded_server_works_in_a_var_dir_with_spaces() -> None:
    path = fresh_var_dir(prefix="hl dir ")
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
    monkeypatch.setattr(hotline.sessions.connection, "EMBEDDED_START_TIMEOUT", 1.0)
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
    with connect(url_of(silent_listener), Path("unused")) as conn:
        with pytest.raises((redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)):
            conn.get("k")
    assert time.monotonic() - started < FAIL_FAST_BOUND
    assert _drain(silent_listener) == 1  # redis.Redis()'s defaults: 11 tries


def test_ping_is_true_for_a_live_server(embedded: redis.Redis) -> None:
    assert ping(embedded) is True


def test_ping_is_false_instead_of_raising_for_a_closed_port(closed_port_url: str) -> None:
    with connect(closed_port_url, Path("unused")) as conn:
        assert ping(conn) is False


def test_ping_is_false_instead_of_raising_for_a_silent_server(
    silent_listener: socket.socket,
) -> None:
    with connect(url_of(silent_listener), Path("unused")) as conn:
        assert ping(conn) is False


def test_ping_is_false_after_the_embedded_server_stops(var_dir: Path, embedded: redis.Redis) -> None:
    stop_embedded(var_dir)
    assert ping(embedded) is False
