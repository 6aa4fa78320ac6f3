"""The loop of ``hotline worker``: RQ's worker, plus what must never hang on a job in Redis.

A job in Redis can be lost (Redis restarted empty) and a lock in Redis can outlive its
holder (a killed worker). So the periodic work is not a job that reschedules itself:
every pass of the worker's loop (about once a second while idle, between jobs when
busy) checks, by the clock, what is due:

- scheduled jobs whose time has come move to the queue, done by one worker at a time
  under RQ's scheduler lock, held for ``SCHEDULER_LOCK`` seconds and renewed each pass:
  a killed worker's lock lapses in seconds;
- jobs a dead worker was running (its pulse lapsed) are queued again, at start too;
- the upkeep runs when it is due, by one worker: the due time is a Redis key whose TTL
  is the interval, so if Redis loses its data the upkeep simply runs at once.

A thread beats the worker's pulse (``health.Marks``) also while a job runs, so a worker
busy with a long send is never taken for dead.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import redis
from rq import Queue, SimpleWorker, Worker
from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry
from rq.scheduler import RQScheduler
from rq.scripts import acquire_or_refresh_lock, release_lock

from hotline.config import Settings
from hotline.health import PULSE_SECONDS, PULSE_TTL, Marks

log = logging.getLogger(__name__)

#: Longest wait for a job before the loop looks at the clock again.
LOOP_SECONDS = 1
#: How long RQ's scheduler lock lives unless renewed (RQ's own: a minute and more).
SCHEDULER_LOCK = 10
#: Seconds between looks for jobs a dead worker left started.
ABANDONED_SECONDS = 5
#: Seconds between RQ's own registry clean-ups (RQ: ten minutes).
MAINTENANCE_SECONDS = 60
#: A job found abandoned this many times is left failed (it may be what kills workers).
MAX_REVIVALS = 3
#: Longest wait between tries at reaching Redis after it went away (RQ: a minute).
MAX_CONNECTION_WAIT = 5.0


class Pulse(threading.Thread):
    """Beat a worker's pulse every PULSE_SECONDS until stopped."""

    def __init__(self, marks: Marks, name: str) -> None:
        super().__init__(name="hotline-pulse", daemon=True)
        self.marks = marks
        self.worker = name
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                self.marks.pulse(self.worker, PULSE_TTL)
            except redis.RedisError as exc:
                log.warning("worker pulse not recorded: %s", type(exc).__name__)
            self._stop_event.wait(PULSE_SECONDS)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(PULSE_SECONDS + 1)
        with contextlib.suppress(redis.RedisError):
            self.marks.gone(self.worker)


class Clock:
    """Decide on each pass what is due, and do it (scheduler, abandoned jobs, upkeep)."""

    def __init__(self, worker: Any, settings: Settings,
                 chores: Callable[[], Any] | None) -> None:
        self.worker = worker
        self.conn: redis.Redis = worker.connection
        self.marks = Marks(self.conn, settings.redis_prefix)
        self.queues: list[Queue] = list(worker.queues)
        self.chores = chores
        self.scheduler = RQScheduler(self.queues, connection=self.conn,
                                     serializer=worker.serializer)
        self.scheduler.prepare_registries([q.name for q in self.queues])
        self._last: dict[str, float] = {}

    def due(self, name: str, every: float) -> bool:
        """Say whether ``every`` seconds passed since ``name`` last ran here."""
        now = time.monotonic()
        if now - self._last.get(name, -1e9) < every:
            return False
        self._last[name] = now
        return True

    def run(self, burst: bool) -> None:
        """One pass: each part guarded, so a failing one never stops the others."""
        if self.due("scheduler", LOOP_SECONDS):  # not before every job of a surge
            self._guarded("scheduler", self.schedule)
        if self.due("abandoned", ABANDONED_SECONDS):
            self._guarded("abandoned jobs", self.revive_abandoned)
        if self.due("maintenance", MAINTENANCE_SECONDS):
            self._guarded("registry clean-up", self.worker.clean_registries)
        if self.chores is not None and not burst and self.due("upkeep", LOOP_SECONDS):
            self._guarded("upkeep", self.chores)

    def schedule(self) -> None:
        """Move due scheduled jobs to their queues if this worker holds the lock."""
        held = False
        for queue in self.queues:
            key = RQScheduler.get_locking_key(queue.name)
            if acquire_or_refresh_lock(self.conn, key, self.worker.name,
                                       SCHEDULER_LOCK) != "taken":
                held = True
        if not held:
            return
        self.scheduler.enqueue_scheduled_jobs()
        if self.due("scheduler mark", PULSE_SECONDS):
            self.marks.ran("scheduler")

    def release(self) -> None:
        """Give the scheduler lock back (a clean shutdown)."""
        for queue in self.queues:
            with contextlib.suppress(redis.RedisError):
                release_lock(self.conn, RQScheduler.get_locking_key(queue.name),
                             self.worker.name)

    def revive_abandoned(self) -> int:
        """Queue again the jobs started by workers whose pulse has lapsed."""
        revived = 0
        for queue in self.queues:
            registry = StartedJobRegistry(queue=queue)
            for job_id, execution_id in registry.get_job_and_execution_ids(cleanup=False):
                job = self.worker.job_class.fetch(
                    job_id, connection=self.conn, serializer=self.worker.serializer
                ) if Job.exists(job_id, connection=self.conn) else None
                owner = job.worker_name if job is not None else None
                if job is None or not owner or owner == self.worker.name:
                    continue
                if self.marks.alive(owner):
                    continue
                self.conn.zrem(registry.key, f"{job_id}:{execution_id}")
                revivals = int(job.meta.get("revivals", 0)) + 1
                if revivals > MAX_REVIVALS:
                    log.error("job %s abandoned %d times: left failed", job_id, revivals - 1)
                    job.set_status(JobStatus.FAILED)
                    continue
                job.meta["revivals"] = revivals
                job.save_meta()
                queue.enqueue_job(job)
                revived += 1
                log.warning("job %s was left by a worker that died: queued again", job_id)
        return revived

    def _guarded(self, name: str, part: Callable[[], Any]) -> None:
        try:
            part()
        except redis.ConnectionError:
            raise  # RQ's loop waits for Redis to come back
        except redis.RedisError as exc:
            log.warning("worker loop: %s failed: %s", name, type(exc).__name__)
        except Exception:  # noqa: BLE001 - the loop must go on; the log says what failed
            log.exception("worker loop: %s failed", name)


class _HotlineLoop:
    """What the hotline's worker classes add to RQ's (mixed in before them)."""

    max_connection_wait_time = MAX_CONNECTION_WAIT
    clock: Clock
    pulse: Pulse | None = None
    _burst = False

    def start_clock(self, settings: Settings, chores: Callable[[], Any] | None) -> None:
        """Set what the loop looks after; ``chores`` runs the upkeep that is due."""
        self.clock = Clock(self, settings, chores)

    @property
    def dequeue_timeout(self) -> int:
        return LOOP_SECONDS

    @property
    def should_run_maintenance_tasks(self) -> bool:
        return True  # every pass; the clock decides what is due

    def run_maintenance_tasks(self) -> None:
        self.clock.run(self._burst)

    def work(self, burst: bool = False, logging_level: str | None = None, *args: Any,
             **kwargs: Any) -> bool:
        """Work as RQ does, with the pulse beating and the clock instead of RQ's scheduler."""
        self._burst = burst
        kwargs["with_scheduler"] = False  # the clock schedules
        # a burst too: the jobs it has started are never taken for abandoned
        self.pulse = Pulse(self.clock.marks, self.name)  # type: ignore[attr-defined]
        self.pulse.start()
        try:
            return bool(super().work(burst, logging_level, *args,  # type: ignore[misc]
                                     **kwargs))
        finally:
            if self.pulse is not None:
                self.pulse.stop()
            self.clock.release()


class HotlineWorker(_HotlineLoop, SimpleWorker):
    """Jobs run in the worker's own process (fast; ``hotline worker``)."""


class ForkingHotlineWorker(_HotlineLoop, Worker):
    """Each job runs in a forked work-horse (isolation; ``hotline worker --fork``)."""
