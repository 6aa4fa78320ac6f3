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
    # A directory where the append-only file belongs (Redis 6), a file where its directory
    # belongs (Redis 7 and newer): the real server exits at startup.
    (var_dir / "appendonly.aof").mkdir()
    (var_dir / "appendonlydir").touch()
    monkeypatch.setattr(hotline.sessions.connection, "EMBEDDED_START_TIMEOUT", 1.0)
    with pytest.raises(RuntimeError, match=r"redis\.log") as failure:
        connect(None, var_dir)
    assert "append-only" in str(failure.value)


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


SYSTEM_REDIS = shutil.which("redis-server", path="/usr/local/bin:/usr/bin:/bin")


def _fake_server(directory: Path, version: str) -> Path:
    """A `redis-server` on PATH that only says its version."""
    directory.mkdir(parents=True, exist_ok=True)
    exe = directory / "redis-server"
    exe.write_text(f"#!/bin/sh\necho 'Redis server v={version} sha=00000000:0 bits=64'\n")
    exe.chmod(0o755)
    return exe


@pytest.mark.skipif(SYSTEM_REDIS is None, reason="no redis-server installed on this machine")
def test_the_embedded_server_is_the_systems_when_it_is_newer_than_the_bundled_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from hotline.sessions.connection import _bundled_server, server_version

    assert SYSTEM_REDIS is not None
    system = Path(SYSTEM_REDIS)
    bundled = _bundled_server()
    assert bundled is not None and server_version(bundled) == (6, 2, 14)
    if server_version(system) <= server_version(bundled):
        pytest.skip("the installed redis-server is not newer than the bundled one")
    path = tmp_path / "bin"
    path.mkdir()
    (path / "redis-server").symlink_to(system)
    monkeypatch.setenv("PATH", str(path))
    var = fresh_var_dir()
    try:
        conn = connect(None, var)
        version = conn.info("server")["redis_version"]
        conn.close()
        assert version == ".".join(map(str, server_version(system)))  # not 6.2.14
    finally:
        stop_embedded(var)
        shutil.rmtree(var, ignore_errors=True)


def test_an_older_or_missing_system_server_leaves_the_bundled_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from hotline.sessions.connection import _bundled_server, _server_executable

    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert _server_executable() == _bundled_server()
    _fake_server(tmp_path / "old", "5.0.7")
    monkeypatch.setenv("PATH", str(tmp_path / "old"))
    assert _server_executable() == _bundled_server()
    newer = _fake_server(tmp_path / "new", "8.2.3")
    monkeypatch.setenv("PATH", str(tmp_path / "new"))
    assert _server_executable() == newer


def test_data_written_by_a_newer_server_is_never_opened_empty_by_the_bundled_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from hotline.sessions.connection import _server_executable

    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    (tmp_path / "var" / "appendonlydir").mkdir(parents=True)
    with pytest.raises(RuntimeError, match="install redis-server 7 or newer again"):
        _server_executable(tmp_path / "var")
