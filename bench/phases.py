"""The load phases: throughput at fixed concurrency (wrk), latency at fixed offered
rates (``bench/openloop.c``, or the Python generator where no C compiler is found), each
driven from a process of its own against a gunicorn server of the run, with the CPU
every process used meanwhile (``bench/cpu.py``)."""

from __future__ import annotations

import functools
import json
import math
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import redis

from bench import openloop, servers, wrk
from bench.cpu import Meter, pool, tree_cpu
from bench.load import build
from bench.report import TARGET_CONCURRENCY, percentile

if TYPE_CHECKING:
    from bench.run import Run

#: Each phase's simulated workers have phone numbers of their own (a block).
_BLOCKS = iter(range(1, 10_000))


def next_block() -> int:
    """Return a block of phone numbers no phase of this run has used."""
    return next(_BLOCKS)


def say(text: str) -> None:
    print(text, flush=True)


@contextmanager
def meters(run: Run) -> Iterator[dict[str, Meter]]:
    """CPU counters of each server's phases: its gunicorn processes and Redis."""
    from bench.costs import server_cpu

    conn = redis.Redis.from_url(run.redis_url)

    def of(server: servers.Server) -> Meter:
        return Meter({"server": functools.partial(tree_cpu, server.popen.pid),
                      "redis": functools.partial(server_cpu, conn)})

    try:
        yield {name: of(server) for name, server in run.servers.items()}
    finally:
        conn.close()


def load(run: Run, server: servers.Server, *, mode: str, seconds: float, senders: int,
         concurrency: int = 0, rate: float = 0.0, active: int = 0,
         expect_refs: bool = True, meter: Meter | None = None) -> dict[str, Any]:
    """Run one phase of the Python generator against ``server`` from a process of its
    own; return its tally (with the CPU used, if given a ``meter``)."""
    if not active:
        active = max(32, 4 * concurrency) if mode == "closed" else max(16, math.ceil(rate / 4))
    spec = {"host": "127.0.0.1", "port": server.port, "mode": mode, "duration": seconds,
            "concurrency": concurrency, "rate": rate, "active": active,
            "block": next_block(), "senders": senders, "expect_refs": expect_refs,
            "busy_markers": run.markers}
    if meter:
        meter.start()
    done = subprocess.run([sys.executable, "-m", "bench.load"], input=json.dumps(spec),
                          capture_output=True, text=True, timeout=seconds + 120,
                          cwd=Path(__file__).resolve().parent.parent, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"load generator failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    if meter:
        # the servers' seconds span the generator's start-up too (they idle meanwhile);
        # the generator's own are those it spent driving, as it measured them
        result["cpu"] = meter.stop(generator=result["generator_cpu"])
    return result


def load_wrk(run: Run, server: servers.Server, *, seconds: float, senders: int,
             concurrency: int, expect_refs: bool, meter: Meter) -> dict[str, Any]:
    """Run one fixed-concurrency phase with wrk: sign every request of ``senders``
    conversations first, then drive ``concurrency`` connections for ``seconds``."""
    directory = run.var / "wrk" / uuid.uuid4().hex[:8]
    workers = build(next_block(), senders, f"127.0.0.1:{server.port}")
    # as the Python generator: max(32, 4 x concurrency) senders take turns, spread evenly
    active = math.ceil(max(32, 4 * concurrency) / concurrency)
    wrk.write_requests(directory, workers, concurrency, active, expect_refs=expect_refs,
                       markers=run.markers)
    try:
        return wrk.run(run.wrk, server.port, directory, concurrency, seconds, meter)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def load_open(run: Run, server: servers.Server, *, seconds: float, senders: int,
              rate: float, active: int = 0, expect_refs: bool = True,
              meter: Meter | None = None) -> dict[str, Any]:
    """Run one open-loop phase (Poisson arrivals at ``rate``) with the run's latency
    generator: ``bench/openloop.c`` when it was built, else the Python one."""
    if not run.openloop:
        return load(run, server, mode="open", seconds=seconds, senders=senders, rate=rate,
                    active=active, expect_refs=expect_refs, meter=meter)
    if not active:  # as the Python generator
        active = max(16, math.ceil(rate / 4))
    directory = run.var / "openloop" / uuid.uuid4().hex[:8]
    workers = build(next_block(), senders, f"127.0.0.1:{server.port}")
    openloop.write_inputs(directory, workers, active, expect_refs=expect_refs,
                          markers=run.markers)
    try:
        return openloop.run(run.openloop, server.port, directory, rate=rate,
                            seconds=seconds, meter=meter)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def throughput(run: Run, name: str, *, generator: str, seconds: float, concurrency: int,
               meter: Meter | None = None) -> dict[str, Any]:
    """Run one fixed-concurrency phase against server ``name`` with ``generator``."""
    server = run.servers[name]
    if generator == "wrk":
        assert meter is not None
        return load_wrk(run, server, seconds=seconds, senders=run.plan.senders,
                        concurrency=concurrency, expect_refs=name == "hotline", meter=meter)
    return load(run, server, mode="closed", seconds=seconds, senders=run.plan.senders,
                concurrency=concurrency, expect_refs=name == "hotline", meter=meter)


def summarize(result: dict[str, Any]) -> dict[str, Any]:
    """Reduce a phase's raw latencies to percentiles (ms)."""
    every = sorted(x for values in result["latencies_ms"].values() for x in values)
    out = {k: v for k, v in result.items() if k not in ("latencies_ms", "filed")}
    out["errors_total"] = sum(result["errors"].values())
    out.update({f"p{p}": percentile(every, p) for p in (50, 95, 99)})
    out["max"] = every[-1] if every else 0.0
    by_kind = {}
    for kind, values in result["latencies_ms"].items():
        values = sorted(values)
        by_kind[kind] = {"count": len(values), "p50": percentile(values, 50),
                         "p99": percentile(values, 99)}
    out["by_kind"] = by_kind
    return out


def merge(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Pool the rounds of one phase: all their messages, over all their time."""
    first = results[0]
    pooled = {**first, "latencies_ms": {}, "errors": {}, "filed": []}
    for result in results:
        for kind, values in result["latencies_ms"].items():
            pooled["latencies_ms"].setdefault(kind, []).extend(values)
        for what, count in result["errors"].items():
            pooled["errors"][what] = pooled["errors"].get(what, 0) + count
        pooled["filed"].extend(result["filed"])
    pooled["ok"] = sum(r["ok"] for r in results)
    pooled["requests"] = sum(r["requests"] for r in results)
    pooled["elapsed"] = sum(r["elapsed"] for r in results)
    pooled["throughput"] = pooled["ok"] / max(pooled["elapsed"], 1e-9)
    pooled["rounds"] = [r["throughput"] for r in results]
    if all("cpu" in r for r in results):
        pooled["cpu"] = pool([r["cpu"] for r in results])
    if any(r.get("exhausted_connections") for r in results):
        pooled["exhausted_connections"] = sum(r.get("exhausted_connections") or 0
                                              for r in results)
    return pooled


def closed_loop(run: Run, *, generator: str, levels: tuple[int, ...], key: str) -> None:
    """Throughput and latency at each fixed concurrency: both servers (and, with wrk at
    the target's concurrency, the floor), in rounds that alternate which goes first, so a
    noisy neighbour's burst hits them alike; the rows go to ``run.results[key]``."""
    plan = run.plan
    rows: list[dict[str, Any]] = []
    seconds = plan.closed_seconds / plan.rounds
    with meters(run) as meter:
        for concurrency in levels:
            order = ["baseline", "hotline"]
            if (generator == "wrk" and concurrency == TARGET_CONCURRENCY
                    and "floor" in run.servers):
                order.append("floor")
            raw: dict[str, list[dict[str, Any]]] = {name: [] for name in order}
            for i in range(plan.rounds):
                for name in (order if i % 2 == 0 else order[::-1]):
                    raw[name].append(throughput(run, name, generator=generator,
                                                seconds=seconds, concurrency=concurrency,
                                                meter=meter[name]))
            for name in order:
                result = summarize(merge(raw[name]))
                result["server"] = name
                ratios = []
                if name != "baseline":
                    ratios = [x["throughput"] / b["throughput"]
                              for x, b in zip(raw[name], raw["baseline"], strict=True)]
                    result["round_ratios"] = ratios
                rows.append(result)
                cpu = result.get("cpu", {})
                say(f"  concurrency {concurrency:>3} {name:<8} {result['throughput']:7.0f} "
                    f"msg/s  p50 {result['p50']:6.1f}  p99 {result['p99']:6.1f} ms  errors "
                    f"{result['errors_total']}  {generator} CPU "
                    f"{cpu.get('generator', 0) / max(cpu.get('server', 0), 1e-9):4.0%} of the "
                    "server's"
                    + (f"  ratio by round {', '.join(f'{x:.2f}' for x in ratios)}"
                       if ratios else ""))
    run.results[key] = rows


def open_loop(run: Run) -> None:
    """Latency at fixed offered rates (fractions of the hotline's saturation)."""
    plan = run.plan
    saturation = max(r["throughput"] for r in run.results["closed"]
                     if r["server"] == "hotline")
    run.results["saturation"] = saturation
    rates = plan.rates or tuple(round(f * saturation) for f in plan.fractions)
    rows: list[dict[str, Any]] = []
    order = ["baseline", "hotline"]
    with meters(run) as meter:
        for i, rate in enumerate(rates):
            for name in (order if i % 2 == 0 else order[::-1]):
                result = summarize(load_open(run, run.servers[name],
                                             seconds=plan.open_seconds,
                                             senders=plan.senders, rate=rate,
                                             expect_refs=name == "hotline",
                                             meter=meter[name]))
                result["server"] = name
                result["fraction"] = rate / saturation
                rows.append(result)
                cpu = result.get("cpu", {})
                say(f"  {rate:>6.0f} msg/s ({rate / saturation:4.0%}) {name:<8}"
                    f" achieved {result['throughput']:6.0f}  p50 {result['p50']:6.1f}"
                    f"  p99 {result['p99']:6.1f} ms  errors {result['errors_total']}"
                    f"  {result['generator']} CPU "
                    f"{cpu.get('generator', 0) / max(cpu.get('server', 0), 1e-9):4.0%} of the "
                    "server's")
    run.results["open"] = rows
