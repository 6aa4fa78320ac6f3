"""Real processes as the Procfile runs them: gunicorn serving the app, `hotline worker`.

Each starts with the test's settings as environment variables (the parent's REDIS_* and
DATABASE_* are dropped so a developer's own settings never leak in) and is stopped, or
killed, by the test.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests
from conftest import AUTH_TOKEN, WEBHOOK, replies_of, sign

from hotline.config import env_name


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(settings: dict[str, Any], **extra: str) -> dict[str, str]:
    """Return the environment of a hotline process with these settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "DATABASE_"))}
    env.update({env_name(k): str(v) for k, v in settings.items()})
    env.update(extra)
    Path(settings["var_dir"]).mkdir(parents=True, exist_ok=True)
    return env


class Web:
    """``gunicorn 'hotline.app:create_app()'`` with the Procfile's options."""

    def __init__(self, settings: dict[str, Any], *, workers: int = 2, timeout: int = 15
                 ) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = environment({**settings, "public_base_url": self.base})
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(workers), "--timeout", str(timeout),
             "hotline.app:create_app()"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60  # a loaded machine has taken over 30 s
        while time.monotonic() < deadline:
            try:
                requests.get(f"{self.base}/healthz", timeout=2)
                return
            except requests.RequestException:
                time.sleep(0.2)
        self.process.kill()
        raise RuntimeError("gunicorn did not start: "
                           + self.process.communicate()[1].decode()[-2000:])

    def text(self, sender: str, body: str, *, sid: str | None = None,
             timeout: float = 20) -> requests.Response:
        """Post a signed message from ``sender`` as Twilio would."""
        import uuid

        form = {"MessageSid": sid or f"SM{uuid.uuid4().hex}", "AccountSid": "AC" + "0" * 32,
                "From": sender, "To": "+12135550000", "Body": body, "NumMedia": "0"}
        signature = sign(self.base + WEBHOOK, form, AUTH_TOKEN)
        return requests.post(self.base + WEBHOOK, data=form, timeout=timeout,
                             headers={"X-Twilio-Signature": signature})

    def say(self, sender: str, body: str) -> list[str]:
        """Text the hotline; return the reply bodies (the request must succeed)."""
        response = self.text(sender, body)
        assert response.status_code == 200, response.text
        return replies_of(response.content)

    def stop(self) -> str:
        """Stop gunicorn; return what it wrote to stderr."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        assert self.process.stderr is not None
        errors = self.process.stderr.read().decode(errors="replace")
        self.process.stderr.close()
        return errors


class Worker:
    """``hotline worker`` as its own process (its own session, so it can be killed alone)."""

    def __init__(self, settings: dict[str, Any], *args: str, log: Path | None = None) -> None:
        self.log = log
        out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "hotline.cli", "worker", *args],
            env=environment(settings), start_new_session=True, stdout=out, stderr=out)
        if log:
            out.close()  # type: ignore[union-attr]

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind runs."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        """SIGTERM, as a platform stops it; kill it if it lingers."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log else ""


def wait_for(condition: Any, timeout: float, step: float = 0.2) -> bool:
    """Poll ``condition`` until it is true or ``timeout`` seconds pass; say which."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return bool(condition())
