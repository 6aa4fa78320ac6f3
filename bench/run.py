"""Run the benchmark: ``./dev bench`` (or ``python -m bench``; ``--help`` for options).

1. costs, in-process on the real Service: Redis round trips and commands, SQL
   statements and CPU per message type; Redis memory per idle session;
2. the hotline and the baseline under the same gunicorn settings, side by side,
   driven on loopback: fixed concurrency (throughput; wrk, ``bench/wrk.py``), then
   fixed offered rates (latency; ``bench/openloop.c``, built here with the machine's C
   compiler, or ``bench/load.py`` without one), as fractions of the hotline's
   saturation; with the CPU the generator, the servers, Redis and the rest of the
   machine used in every phase;
3. alert latency with a real ``hotline worker`` posting to a local webhook sink;
4. ``bench/results/<date>.md`` (+ ``.png``, ``.json``) and a short table on stdout.

Ratios are what to read: every figure of the hotline is measured in the same run, on
the same machine, as the baseline's.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import conversations, costs, openloop, servers, wrk
from bench.alerts import Sink
from bench.phases import (
    closed_loop,
    load_open,
    meters,
    open_loop,
    say,
    summarize,
    throughput,
)
from bench.report import TARGET_CONCURRENCY, percentile, write_results

RESULTS = Path(__file__).resolve().parent / "results"
#: The web process's gunicorn options in the Procfile (the bench binds its own port).
PROCFILE_GUNICORN = "--workers 2 --timeout 15 --access-logfile -"


@dataclass
class Plan:
    """How much of everything one run does (``--quick`` shrinks it to a minute or two)."""

    quick: bool = False
    senders: int = 1500
    concurrency: tuple[int, ...] = (1, 16, 64)
    rates: tuple[float, ...] = ()
    fractions: tuple[float, ...] = (0.25, 0.5, 0.75, 0.9)
    closed_seconds: float = 20.0
    open_seconds: float = 15.0
    warmup_seconds: float = 4.0
    sessions: int = 10_000
    cost_senders: int = 30
    quiet_alert_seconds: float = 15.0
    surge_alert_seconds: float = 25.0
    rounds: int = 3
    gunicorn: str = PROCFILE_GUNICORN
    #: The throughput phases' load generator: "wrk", or "python" (the old one).
    generator: str = "wrk"
    #: Measure the throughput ratio with the old generator too, at the target's
    #: concurrency (this release only: then the new one alone).
    compare_old: bool = True
    #: The latency and alert phases' load generator: "openloop" (C, built here), or
    #: "python" (the old one, which costs the shared cores 40-60 % of the server's CPU).
    latency_generator: str = "openloop"
    #: Why the Python generator stands in for openloop (no C compiler), if it does.
    latency_fallback: str = ""

    @classmethod
    def quick_plan(cls) -> Plan:
        return cls(quick=True, senders=1000, closed_seconds=6.0, open_seconds=6.0,
                   fractions=(0.5, 0.9), warmup_seconds=2.0, sessions=2000, cost_senders=10,
                   quiet_alert_seconds=6.0, surge_alert_seconds=8.0, rounds=2)


@dataclass
class Run:
    """Where this run keeps its services, and what it found so far."""

    plan: Plan
    var: Path
    redis_url: str
    database_url: str
    prefix: str
    queue: str
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    results: dict[str, Any] = field(default_factory=dict)
    #: The gunicorn servers under load, by name ("hotline", "baseline").
    servers: dict[str, servers.Server] = field(default_factory=dict)
    #: wrk's path (when the throughput phases use it).
    wrk: str = ""
    #: The open-loop generator's binary (when the latency and alert phases use it).
    openloop: str = ""
    #: How the hotline's "busy, we will answer soon" reply begins (counted as an error).
    markers: list[str] = field(default_factory=list)

    def overrides(self, **more: Any) -> dict[str, Any]:
        """Settings of every hotline process of this run (as config.load overrides)."""
        return {
            "env": "development",  # a trial on this machine: test secrets, a local sink
            "var_dir": str(self.var / "hotline"),
            "redis_url": self.redis_url,
            "redis_prefix": self.prefix,
            "database_url": self.database_url,
            "alerts_queue": self.queue,
            "secret_key": "bench-secret-key",
            "twilio_auth_token": conversations.AUTH_TOKEN,
            "public_base_url": conversations.PUBLIC_BASE,
            "locales_dir": str(self.var / "locales"),
            "reply_limit_per_minute": 1000,  # simulated workers text faster than people
            **more,
        }

    def env(self, **more: Any) -> dict[str, str]:
        """The same settings as environment variables, for child processes."""
        from hotline.config import env_name

        values = self.overrides(**more)
        return servers.child_env({env_name(k): str(v) for k, v in values.items()})


# -- services ---------------------------------------------------------------------------


@contextlib.contextmanager
def services(plan: Plan, keep: bool) -> Iterator[Run]:
    """Give a run a fresh var dir, compiled catalogs, Redis and a database; clean up."""
    from hotline.config import PACKAGE_ROOT
    from hotline.sessions import connection as redis_factory
    from hotline.store.schema_version import upgrade
    from hotline.words.catalogs import compile_catalog

    var = Path(tempfile.mkdtemp(prefix="hlbench-", dir="/tmp"))
    (var / "hotline").mkdir()
    shutil.copytree(PACKAGE_ROOT / "locales", var / "locales")
    for po in (var / "locales").glob("*/LC_MESSAGES/messages.po"):
        compile_catalog(po)
    tag = uuid.uuid4().hex[:8]
    outside_redis = os.environ.get("REDIS_URL", "")
    redis_url = outside_redis
    if not redis_url:
        redis_factory.connect(None, var / "redis").close()
        redis_url = redis_factory.embedded_url(var / "redis")
    database_url, drop_database = _database(var, tag)
    upgrade(database_url)  # the schema, as `hotline db upgrade` makes it
    prefix = f"hlbench-{tag}:" if outside_redis else "hl:"
    queue = f"hlbench-{tag}" if outside_redis else "alerts"
    run = Run(plan, var, redis_url, database_url, prefix, queue)
    try:
        yield run
    finally:
        if outside_redis:
            _forget_keys(redis_url, [prefix, f"hlbench-{tag}"])
        else:
            redis_factory.stop_embedded(var / "redis")
        drop_database()
        if keep:
            say(f"kept {var}")
        else:
            shutil.rmtree(var, ignore_errors=True)


def _database(var: Path, tag: str) -> tuple[str, Callable[[], None]]:
    """Return DATABASE_URL (a fresh PostgreSQL schema) or a SQLite file, and its cleanup."""
    outside = os.environ.get("DATABASE_URL", "")
    if not outside:
        return f"sqlite:///{var / 'hotline.db'}", lambda: None
    if not outside.startswith("postgresql"):
        return outside, lambda: None
    from sqlalchemy import create_engine, text

    schema = f"hlbench_{tag}"
    admin = create_engine(outside)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in outside else "?"

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return f"{outside}{sep}options=-csearch_path%3D{schema}", drop


def _forget_keys(url: str, prefixes: list[str]) -> None:
    """Delete the keys this run made on an outside Redis (and only those)."""
    import redis

    conn = redis.Redis.from_url(url)
    for prefix in prefixes:
        for pattern in (f"{prefix}*", f"rq:*{prefix}*"):
            batch = list(conn.scan_iter(match=pattern, count=1000))
            for start in range(0, len(batch), 1000):
                conn.delete(*batch[start:start + 1000])
    conn.close()


# -- 3. alerts --------------------------------------------------------------------------


def alert_latency(run: Run, hotline: servers.Server, sink: Sink) -> None:
    """Time alerts from the reply with a case number to the webhook sink, with a worker."""
    import redis
    from rq import Queue, Worker

    conn = redis.Redis.from_url(run.redis_url)
    _forget_load_phase_alerts(run, Queue(run.queue, connection=conn))
    worker = servers.worker(run.env(alert_webhook_url=sink.url, log_level="WARNING"), run.var)
    try:
        deadline = time.monotonic() + 30
        while not Worker.all(connection=conn, queue=Queue(run.queue, connection=conn)):
            if worker.popen.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"hotline worker did not start:\n{worker.tail()}")
            time.sleep(0.2)
        rows = []
        saturation = run.results["saturation"]
        plan = run.plan
        for name, rate, seconds, active in (
            ("quiet (20 msg/s)", 20.0, plan.quiet_alert_seconds, 4),
            ("surge (50% of saturation)", round(saturation / 2), plan.surge_alert_seconds, 0),
        ):
            result = load_open(run, hotline, seconds=seconds, senders=plan.senders,
                               rate=rate, active=active)
            refs = {ref for ref, _ in result["filed"]}
            sink.wait_for(refs, timeout=30 if not plan.quick else 15)
            latencies, missing = sink.latencies([tuple(x) for x in result["filed"]])
            latencies.sort()
            row = {"condition": name, "rate": rate, "cases": len(result["filed"]),
                   "cases_per_second": len(result["filed"]) / seconds,
                   "drained_per_second": sink.drained(refs),
                   "missing": missing, "p50": percentile(latencies, 50),
                   "p95": percentile(latencies, 95),
                   "max": latencies[-1] if latencies else 0.0,
                   "load_p99": summarize(result)["p99"], "generator": result["generator"]}
            rows.append(row)
            say(f"  {name:<26} {row['cases']:>4} cases  p50 {row['p50']:6.0f}"
                f"  p95 {row['p95']:6.0f}  max {row['max']:6.0f} ms  missing {missing}")
        run.results["alerts"] = rows
    finally:
        worker.stop()
        conn.close()


def _forget_load_phase_alerts(run: Run, queue: Any) -> None:
    """Drop the alerts of the load phases (nobody ran them; they are not what is timed)
    from the queue and from the outbox, or the worker's upkeep would send them all now."""
    from sqlalchemy import create_engine, text

    queue.empty()
    engine = create_engine(run.database_url)
    with engine.begin() as db:
        db.execute(text("UPDATE alert_outbox SET queued_at = created_at "
                        "WHERE queued_at IS NULL"))
    engine.dispose()


# -- the whole run ----------------------------------------------------------------------


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="./dev bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="a smaller run of a minute or two (shorter phases, fewer rates)")
    parser.add_argument("--senders", type=int,
                        help="simulated workers per load phase (default 1500; quick 1000)")
    parser.add_argument("--concurrency", default="1,16,64",
                        help="messages in flight in the throughput phases (default 1,16,64)")
    parser.add_argument("--rate", default="",
                        help="offered rates in msg/s for the latency phases (default: "
                             "25/50/75/90%% of the hotline's measured saturation)")
    parser.add_argument("--seconds", type=float, help="length of each load phase")
    parser.add_argument("--sessions", type=int,
                        help="sessions created for the memory figure (default 10000)")
    parser.add_argument("--gunicorn", default=PROCFILE_GUNICORN,
                        help="gunicorn options of both apps (default the Procfile's: "
                             f"{PROCFILE_GUNICORN!r})")
    parser.add_argument("--generator", choices=("wrk", "python"), default="wrk",
                        help="the throughput phases' load generator (default wrk, installed "
                             "with apt-get when missing and running as root; python: the "
                             "old one, which flatters the ratio)")
    parser.add_argument("--latency-generator", choices=("openloop", "python"),
                        default="openloop",
                        help="the latency and alert phases' load generator (default "
                             "openloop: bench/openloop.c, compiled with the machine's cc; "
                             "python: the old one, which costs the shared cores 40-60%% of "
                             "the server's CPU)")
    parser.add_argument("--no-old-generator", action="store_true",
                        help="skip the comparison with the old generator at concurrency 16")
    parser.add_argument("--out", type=Path, default=RESULTS,
                        help="where results go (default bench/results)")
    parser.add_argument("--keep", action="store_true", help="keep the var dir (logs, data)")
    return parser.parse_args(argv)


def plan_of(args: argparse.Namespace) -> Plan:
    plan = Plan.quick_plan() if args.quick else Plan()
    if args.senders:
        plan.senders = args.senders
    plan.concurrency = tuple(int(c) for c in args.concurrency.split(",") if c.strip())
    plan.rates = tuple(float(r) for r in args.rate.split(",") if r.strip())
    if args.seconds:
        plan.closed_seconds = plan.open_seconds = args.seconds
    if args.sessions:
        plan.sessions = args.sessions
    plan.gunicorn = args.gunicorn
    plan.generator = args.generator
    plan.compare_old = plan.generator == "wrk" and not args.no_old_generator
    plan.latency_generator = args.latency_generator
    return plan


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    plan = plan_of(args)
    began = time.monotonic()
    wrk_path = ""
    if plan.generator == "wrk":
        try:
            wrk_path = wrk.ensure_installed(say)
        except wrk.WrkMissing as exc:
            say(f"bench: {exc}")
            return 2
    openloop_path = latency_generator(plan)
    with services(plan, args.keep) as run:
        say(f"bench: {'quick' if plan.quick else 'full'} run in {run.var}")
        run.wrk = wrk_path
        run.openloop = openloop_path
        run.results["plan"] = vars(plan)
        run.results["started"] = run.started.isoformat()
        run.results["machine"] = _machine(run)
        run.results["load_average_at_start"] = list(os.getloadavg())
        run.markers = wrk.busy_markers(run.var / "locales", _languages(run))
        costs.measure(run)
        sink = Sink()
        hotline = baseline = floor = None
        try:
            say(f"servers: gunicorn {plan.gunicorn}")
            options = shlex.split(plan.gunicorn)
            hotline = servers.gunicorn("hotline", "hotline.app:create_app()",
                                       run.env(alert_webhook_url=sink.url), run.var, options)
            baseline = servers.gunicorn("baseline", "bench.baseline:create_app()",
                                        run.env(), run.var, options)
            floor = servers.gunicorn("floor", "bench.floor:create_app()", run.env(), run.var,
                                     options)
            run.servers = {"hotline": hotline, "baseline": baseline, "floor": floor}
            with meters(run) as meter:
                for name in run.servers:
                    throughput(run, name, generator=plan.generator, concurrency=16,
                               seconds=plan.warmup_seconds, meter=meter[name])
            say(f"throughput: fixed concurrency ({plan.generator})")
            closed_loop(run, generator=plan.generator, levels=plan.concurrency, key="closed")
            if plan.compare_old:
                say("throughput: the old generator (Python), for comparison")
                closed_loop(run, generator="python", levels=(TARGET_CONCURRENCY,),
                            key="closed_old")
            say(f"latency: fixed offered rates ({plan.latency_generator})")
            floor.stop()
            open_loop(run)
            baseline.stop()
            say("alerts: a real worker, a local webhook sink")
            alert_latency(run, hotline, sink)
        finally:
            for started in (floor, baseline, hotline):
                if started is not None:
                    started.stop()
            sink.close()
        run.results["seconds"] = time.monotonic() - began
        paths = write_results(run.results, args.out, run.started)
        say("")
        say(paths.table)
        say(f"results: {paths.markdown}")
    return 0


def latency_generator(plan: Plan) -> str:
    """Build the latency phases' C generator; return its path, or "" (and say why, and
    set the plan to the Python generator) when there is no C compiler."""
    if plan.latency_generator != "openloop":
        return ""
    try:
        return openloop.build()
    except openloop.CompilerMissing as exc:
        say(f"bench: {exc}")
        plan.latency_generator = "python"
        plan.latency_fallback = str(exc)
        return ""


def _languages(run: Run) -> tuple[str, ...]:
    from hotline import config

    return config.load(environ={}, **run.overrides()).languages


def _machine(run: Run) -> dict[str, Any]:
    import platform

    import redis

    conn = redis.Redis.from_url(run.redis_url)
    info = conn.info("server")
    memory = conn.info("memory")
    conn.close()
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {"cpus": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "redis": f"{info.get('redis_version')} ({memory.get('mem_allocator')})",
            "redis_kind": "outside (REDIS_URL)" if os.environ.get("REDIS_URL") else "embedded",
            "database": run.database_url.split(":", 1)[0].split("+")[0]}


if __name__ == "__main__":
    sys.exit(main())
