"""RQ on the hotline's Redis: job data is JSON, and the worker runs only our job functions.

RQ's defaults would run anything: job data is a pickle (unpickling alone can run code)
and a job names any importable callable (``os.system``). Anyone who can write to Redis
could then run code in the worker, which holds every key. Here job data is JSON (jobs
take ids and dates only), and a job runs only if it names a public function defined in
a module of the ``workers`` package (checked before it runs, and for its callbacks too);
anything else fails without running. ``hotline`` still never imports ``workers``: a job
is resolved by name, as RQ always does.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import re
from typing import Any

import redis
from rq import Queue, SimpleWorker, Worker
from rq.job import Job
from rq.serializers import JSONSerializer

log = logging.getLogger(__name__)

#: The package whose public functions are the only jobs a worker runs.
JOB_PACKAGE = "workers"
#: What a job's name must look like: ``workers.<module>.<function>``, nothing private.
_JOB_NAME = re.compile(rf"^{JOB_PACKAGE}\.([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)$")


class ForbiddenJob(Exception):
    """A job named something that is not one of the project's job functions."""


def allowed(func_name: str | None) -> bool:
    """Tell whether ``func_name`` is a public function defined in a ``workers`` module."""
    match = _JOB_NAME.match(func_name or "")
    if not match:
        return False
    module_name = f"{JOB_PACKAGE}.{match[1]}"
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return False
    function = getattr(module, match[2], None)
    # defined there, not imported there (``workers.alerts.config`` is no job)
    return (inspect.isfunction(function) and function.__module__ == module_name
            and function.__qualname__ == match[2])


class CheckedJob(Job):
    """A job that resolves its function (and callbacks) only if they are allowed."""

    @property
    def func(self) -> Any:
        if self.instance is not None or not allowed(self.func_name):
            _refuse(self.func_name)
        return super().func

    @property
    def success_callback(self) -> Any:
        _check_callback(self._success_callback_name)
        return super().success_callback

    @property
    def failure_callback(self) -> Any:
        _check_callback(self._failure_callback_name)
        return super().failure_callback

    @property
    def stopped_callback(self) -> Any:
        _check_callback(self._stopped_callback_name)
        return super().stopped_callback


def _check_callback(name: str | None) -> None:
    if name and not allowed(name):
        _refuse(name)


def _refuse(name: str | None) -> None:
    # the name is an attacker's text: logged trimmed, and it never runs
    log.error("refused a job that is not one of ours: %.80r", name)
    raise ForbiddenJob(f"not a job of this project: {name!r:.80}")


def queue(name: str, conn: redis.Redis) -> Queue:
    """Return the queue ``name`` with JSON job data and checked jobs (every enqueue and
    every fetch goes through one of these)."""
    return Queue(name, connection=conn, job_class=CheckedJob, serializer=JSONSerializer)


def fetch(job_id: str, conn: redis.Redis) -> Job:
    """Fetch a job written by ``queue`` (JSON data)."""
    return CheckedJob.fetch(job_id, connection=conn, serializer=JSONSerializer)


def worker(queues: list[Queue], conn: redis.Redis, *,
           fork: bool = False) -> Worker | SimpleWorker:
    """Return a worker that runs only allowed jobs; in this process unless ``fork``."""
    worker_class: type[Worker] | type[SimpleWorker] = Worker if fork else SimpleWorker
    return worker_class(queues, connection=conn, job_class=CheckedJob,
                        serializer=JSONSerializer)
