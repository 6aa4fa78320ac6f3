"""The worker runs only the project's job functions: whoever can write to Redis cannot
make it run anything else, by naming a function or by a crafted pickle."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rq import Callback, Queue
from rq.registry import FailedJobRegistry

from hotline.config import env_name
from hotline.sessions import jobs


class Planted:
    """An argument whose unpickling runs a shell command (what RQ's pickles allow)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize(("name", "ours"), [
    ("workers.alerts.alert_case", True),
    ("workers.upkeep.tick", True),
    ("workers.digests.send_digest", True),
    ("workers.alerts.for_job", False),      # imported there, not defined there
    ("workers.alerts.config", False),       # a module
    ("workers.alerts.log", False),
    ("workers.nothing.here", False),
    ("workers.alerts.alert_case.__globals__", False),
    ("os.system", False),
    ("subprocess.run", False),
    ("builtins.eval", False),
    ("hotline.service.Service", False),
    ("", False),
    (None, False),
])
def test_only_public_functions_defined_in_workers_are_jobs(name: str | None, ours: bool) -> None:
    assert jobs.allowed(name) is ours


def test_a_foreign_function_fails_without_running(redis_conn, namespace: str,  # type: ignore[no-untyped-def]
                                                  tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    queue = jobs.queue(namespace, redis_conn)
    job = queue.enqueue("os.system", f"touch {marker}")
    jobs.worker([queue], redis_conn).work(burst=True, logging_level="WARNING")
    assert not marker.exists()
    assert job.id in FailedJobRegistry(queue=queue).get_job_ids()
    result = jobs.fetch(job.id, redis_conn).latest_result()
    assert result is not None and "ForbiddenJob" in (result.exc_string or "")


def test_a_callback_is_checked_like_a_job(redis_conn, namespace: str) -> None:  # type: ignore[no-untyped-def]
    queue = jobs.queue(namespace, redis_conn)
    job = queue.enqueue("workers.upkeep.tick", on_success=Callback("os.system"))
    with pytest.raises(jobs.ForbiddenJob):
        jobs.fetch(job.id, redis_conn).success_callback  # noqa: B018 - resolving is the check


def worker_env(overrides: dict[str, Any]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "DATABASE_"))}
    env.update({env_name(k): str(v) for k, v in overrides.items()})
    return env


@pytest.mark.slow
def test_the_hotline_worker_runs_neither_a_named_command_nor_a_planted_pickle(
        overrides: dict[str, Any], redis_conn, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    named, planted = tmp_path / "named", tmp_path / "planted"
    # written as anyone with RQ and the Redis password would: RQ's defaults (pickle)
    attacker = Queue(overrides["alerts_queue"], connection=redis_conn)
    attacker.enqueue("os.system", f"touch {named}")
    attacker.enqueue("builtins.print", Planted(planted))
    # ... and knowing the hotline's JSON job data
    jobs.queue(overrides["alerts_queue"], redis_conn).enqueue("os.system", f"touch {named}")
    result = subprocess.run([sys.executable, "-m", "hotline.cli", "worker", "--burst"],
                            env=worker_env(overrides), capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert not named.exists() and not planted.exists()
    assert FailedJobRegistry(queue=attacker).count == 3
