"""A sender's messages are handled in the order they arrived, even across a Redis stall:
a live gunicorn (the Procfile's options), a real `hotline worker`, an embedded Redis that
is stopped for 2 s in the middle of a story, the local Twilio Messages API."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fakes import TwilioApi
from procs import Web, Worker, wait_for

from hotline import config
from hotline.service import Service
from hotline.sessions import connection as redis_factory
from hotline.store.organizers import Changes

pytestmark = pytest.mark.slow

WORKER = "+12135550166"
ORGANIZER = "+12135550101"
GOT_IT = "Got it. Send more, or send 1 when you are done."
SOON = "we will answer soon"
ADDED = "Got it, we added that to your story."


@pytest.fixture
def own_redis() -> Iterator[Path]:
    """An embedded Redis of this test's own: it may be stopped."""
    var = Path(tempfile.mkdtemp(prefix="hls"))
    redis_factory.connect(None, var).close()
    yield var
    os.kill(int((var / "redis.pid").read_text()), signal.SIGCONT)  # never left stopped
    redis_factory.stop_embedded(var)
    shutil.rmtree(var, ignore_errors=True)


@pytest.fixture
def stack(alert_overrides: dict[str, Any], own_redis: Path, tmp_path: Path
          ) -> Iterator[tuple[Web, Worker, Service, dict[str, Any]]]:
    settings = {**alert_overrides, "redis_url": redis_factory.embedded_url(own_redis),
                "redis_timeout": 0.5}  # the production default: a 2 s stall times out
    service = Service.from_settings(config.load(environ={}, **settings))
    service.dispatcher.organizers.add(Changes(name="Ana", phone=ORGANIZER, languages="en"))
    web = Web(settings)
    worker = Worker(settings, log=tmp_path / "worker.log")
    yield web, worker, service, settings
    worker.stop()
    errors = web.stop()
    service.close()
    assert "Traceback" not in errors, errors[-3000:]


def test_a_redis_stall_in_the_middle_of_a_story_keeps_every_part_in_order(
        stack: tuple[Web, Worker, Service, dict[str, Any]], own_redis: Path,
        twilio_api: TwilioApi) -> None:
    web, worker, service, _ = stack
    for text in ("hello", "2", "1", "Sunny Market", "0", "1"):
        web.say(WORKER, text)
    assert web.say(WORKER, "part A") == [GOT_IT]

    # the worker is slow to come round (paused): the web process alone decides the order
    os.kill(worker.process.pid, signal.SIGSTOP)
    redis_pid = int((own_redis / "redis.pid").read_text())
    try:
        os.kill(redis_pid, signal.SIGSTOP)  # Redis stalls for 2 s
        stalled = time.monotonic()
        try:
            (during,) = web.say(WORKER, "part B")  # its try times out; Redis runs it later
            assert SOON in during
        finally:
            time.sleep(max(0.0, 2 - (time.monotonic() - stalled)))
            os.kill(redis_pid, signal.SIGCONT)
        # B's late try holds the sender's lock for 10 s: C is kept, behind B
        (after_c,) = web.say(WORKER, "part C")
        time.sleep(11)  # past that lock: D must still wait behind B and C
        (after_d,) = web.say(WORKER, "part D")
    finally:
        os.kill(worker.process.pid, signal.SIGCONT)
    answered = [a for a in (after_c, after_d) if a == GOT_IT]
    assert all(a == GOT_IT or SOON in a for a in (after_c, after_d))

    # the worker replays what was kept within seconds and texts its answers
    spooled = 3 - len(answered)
    assert wait_for(lambda: len(twilio_api.to(WORKER)) == spooled, timeout=30), (
        [m["Body"] for m in twilio_api.to(WORKER)], after_c, after_d,
        service.spool.count("waiting"), worker.output()[-6000:])
    for text in ("1", "1", "1", "1", "0", "1"):
        web.say(WORKER, text)
    (filed,) = web.say(WORKER, "1")
    assert "number is" in filed

    (case,) = service.cases.newest()
    assert case.details == "part A\n\npart B\n\npart C\n\npart D"
    # nothing was replayed out of place: no menu, no rights explainer texted late
    late = [m["Body"] for m in twilio_api.to(WORKER)]
    assert len(late) == spooled and set(late) <= {GOT_IT, ADDED}, late
    assert service.spool.count("waiting") == 0
