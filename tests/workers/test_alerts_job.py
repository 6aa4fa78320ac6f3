"""A filed case reaches a real RQ worker process through the real queue."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import Phone

from hotline.config import env_name
from hotline.sessions import jobs

pytestmark = pytest.mark.slow


def worker_env(overrides: dict[str, object]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "DATABASE_"))}
    for field_name, value in overrides.items():
        env[env_name(field_name)] = str(value)
    return env


def test_a_filed_case_is_alerted_by_a_real_worker_with_only_its_id(app, client, overrides,  # type: ignore[no-untyped-def]
                                                                   redis_conn) -> None:
    phone = Phone(client, "+12135550111")
    phone.send("hello")
    replies = phone.send("PERSON")
    assert "How should they contact you" in replies[0]
    filed = phone.send("1")
    ref = filed[0].split("number is ")[1].split(".")[0]
    service = app.extensions["hotline"]
    case = service.cases.by_ref(ref)

    queue = jobs.queue(overrides["alerts_queue"], redis_conn)
    (job,) = queue.get_jobs()
    assert job.func_name == "workers.alerts.alert_case" and list(job.args) == [case.id]
    assert phone.number[1:] not in repr(redis_conn.hgetall(job.key))

    result = subprocess.run([sys.executable, "-m", "hotline.cli", "worker", "--burst"],
                            env=worker_env(overrides), capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    events = service.cases.events(case.id)
    assert ("alerted", "everyone: 0 organizers") in events  # nobody registered yet
    assert ("no_organizers", "") in events
    assert queue.count == 0
    assert phone.number[1:] not in result.stderr + result.stdout
