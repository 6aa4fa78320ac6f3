"""The processes a benchmark run starts: gunicorn servers and an RQ worker, on loopback."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

#: Seconds a server may take to answer /healthz after it was started.
START_TIMEOUT = 60.0
#: Seconds a process may take to exit after SIGTERM before it is killed.
STOP_TIMEOUT = 30.0


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Process:
    """A child process with its log file, stopped by its own pid only."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        """Ask it to finish (SIGTERM), then kill it if it will not."""
        if self.popen.poll() is not None:
            return
        self.popen.send_signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(timeout=STOP_TIMEOUT)

    def tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@dataclass
class Server(Process):
    """A gunicorn server answering on ``port``."""

    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def gunicorn(name: str, app: str, env: Mapping[str, str], var: Path,
             options: list[str]) -> Server:
    """Start ``app`` under gunicorn with ``options``, the settings every server shares."""
    port = free_port()
    log = var / f"{name}.log"
    args = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", *options, app]
    with log.open("ab") as out:
        popen = subprocess.Popen(args, env=dict(env), stdout=out, stderr=out,
                                 stdin=subprocess.DEVNULL, cwd=_root())
    server = Server(name, popen, log, port)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if popen.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{server.url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return server
        except urllib.error.HTTPError:
            # it answers: up. The hotline says 503 until a worker runs (alerts could not
            # flow), and the bench starts its worker only for the alert phase.
            return server
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"{name} did not start; its log ends:\n{server.tail()}")


def worker(env: Mapping[str, str], var: Path) -> Process:
    """Start ``hotline worker``: the RQ worker that sends alerts, as the Procfile does."""
    log = var / "worker.log"
    with log.open("ab") as out:
        popen = subprocess.Popen(
            [sys.executable, "-c", "from hotline.cli import main; main()", "worker"],
            env=dict(env), stdout=out, stderr=out, stdin=subprocess.DEVNULL, cwd=_root())
    return Process("worker", popen, log)


def _root() -> str:
    """The checkout, so ``bench`` and ``workers`` import in the child processes."""
    return str(Path(__file__).resolve().parent.parent)


def child_env(settings_env: Mapping[str, str]) -> dict[str, str]:
    """Return this process's environment without outside services, plus ``settings_env``."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("REDIS_", "DATABASE_", "HOTLINE_", "ALERT", "SMTP_",
                                "TWILIO_"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [_root(), env.get("PYTHONPATH", "")]))
    env.update(settings_env)
    return env
