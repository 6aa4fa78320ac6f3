"""A bounded soak: thousands of messages from hundreds of senders through a live gunicorn."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from conftest import AUTH_TOKEN, WEBHOOK, replies_of, sign

from hotline.config import env_name
from hotline.crypto import Crypto
from hotline.store.cases import CaseStore
from hotline.store.db import make_engine
from hotline.store.organizers import Changes, OrganizerStore

pytestmark = pytest.mark.slow

SENDERS = 360
SCRIPT = ["hello", "2", "1", "Biz {n}", "0", "1", "story {n}", "1", "1", "1", "1", "0", "1", "1"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live_server(overrides, settings):  # type: ignore[no-untyped-def]
    # an organizer reachable by e-mail, so every filing is told its case number as usual
    # (no worker runs here: nothing is sent)
    engine = make_engine(settings.sqlalchemy_url)
    OrganizerStore(engine).add(Changes(name="Ana Kim", email="ana@example.org"))
    engine.dispose()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "DATABASE_"))}
    env.update({env_name(k): str(v) for k, v in overrides.items()})
    env[env_name("public_base_url")] = base
    env[env_name("reply_limit_per_minute")] = "1000"
    env[env_name("log_level")] = "WARNING"
    env[env_name("smtp_host")] = "127.0.0.1"
    Path(overrides["var_dir"]).mkdir(parents=True, exist_ok=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--threads", "4", "hotline.app:create_app()"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60  # a loaded machine has taken over 30 s
    while time.monotonic() < deadline:
        try:
            requests.get(f"{base}/healthz", timeout=1)  # answers (503 without a worker)
            break
        except (requests.ConnectionError, requests.Timeout):  # still booting
            time.sleep(0.2)
    else:
        server.kill()
        _, errors = server.communicate()  # reaped and its pipe closed: nothing left behind
        pytest.fail("gunicorn did not start: " + errors.decode(errors="replace")[-2000:])
    yield base
    server.terminate()
    server.wait(timeout=30)
    errors = server.stderr.read().decode(errors="replace")
    server.stderr.close()
    assert "Traceback" not in errors and "WORKER TIMEOUT" not in errors, errors[-3000:]


def converse(base: str, n: int) -> list[str]:
    number = f"+1213555{n:04d}"
    last: list[str] = []
    with requests.Session() as http:
        for i, template in enumerate(SCRIPT):
            form = {"MessageSid": f"SMsoak{n:04d}{i:02d}", "From": number, "To": "+12135550000",
                    "Body": template.format(n=n), "NumMedia": "0"}
            headers = {"X-Twilio-Signature": sign(base + WEBHOOK, form, AUTH_TOKEN)}
            response = http.post(base + WEBHOOK, data=form, headers=headers, timeout=15)
            assert response.status_code == 200, (n, i, response.status_code)
            last = replies_of(response.content)
            assert last, (n, i)
    return last


def test_five_thousand_messages_from_hundreds_of_senders_lose_nothing(live_server, settings) -> None:  # type: ignore[no-untyped-def]
    with ThreadPoolExecutor(max_workers=16) as pool:
        finals = list(pool.map(lambda n: converse(live_server, n), range(SENDERS)))
    assert all("Your case number is" in final[0] for final in finals)
    store = CaseStore(make_engine(settings.sqlalchemy_url),
                      Crypto(settings.secret_key, settings.encryption_keys))
    cases = list(store.newest())
    store.engine.dispose()
    assert len(cases) == SENDERS
    assert sorted(c.employer or "" for c in cases) == sorted(f"Biz {n}" for n in range(SENDERS))
    refs = {c.ref for c in cases}
    assert len(refs) == SENDERS
    assert {final[0].split("number is ")[1].split(".")[0] for final in finals} == refs
