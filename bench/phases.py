"""The load phases: throughput at fixed concurrency, latency at fixed offered rates,
each driven from a process of its own against a gunicorn server of the run."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench import servers
from bench.report import percentile

if TYPE_CHECKING:
    from bench.run import Run

#: Each phase's simulated workers have phone numbers of their own (a block).
_BLOCKS = iter(range(1, 10_000))


def next_block() -> int:
    """Return a block of phone numbers no phase of this run has used."""
    return next(_BLOCKS)


def say(text: str) -> None:
    print(text, flush=True)


def load(server: servers.Server, *, mode: str, seconds: float, senders: int,
         concurrency: int = 0, rate: float = 0.0, active: int = 0,
         expect_refs: bool = True) -> dict[str, Any]:
    """Run one load phase against ``server`` from a separate process; return its tally."""
    if not active:
        active = max(32, 4 * concurrency) if mode == "closed" else max(16, math.ceil(rate / 4))
    spec = {"host": "127.0.0.1", "port": server.port, "mode": mode, "duration": seconds,
            "concurrency": concurrency, "rate": rate, "active": active,
            "block": next_block(), "senders": senders, "expect_refs": expect_refs}
    done = subprocess.run([sys.executable, "-m", "bench.load"], input=json.dumps(spec),
                          capture_output=True, text=True, timeout=seconds + 120,
                          cwd=Path(__file__).resolve().parent.parent, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"load generator failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


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
    return pooled


def closed_loop(run: Run, hotline: servers.Server, baseline: servers.Server) -> None:
    """Throughput and latency at each fixed concurrency: both servers, in rounds that
    alternate which goes first, so a noisy neighbour's burst hits both alike."""
    plan = run.plan
    rows: list[dict[str, Any]] = []
    pair = [("baseline", baseline), ("hotline", hotline)]
    seconds = plan.closed_seconds / plan.rounds
    for concurrency in plan.concurrency:
        raw: dict[str, list[dict[str, Any]]] = {"baseline": [], "hotline": []}
        for i in range(plan.rounds):
            for name, server in (pair if i % 2 == 0 else pair[::-1]):
                raw[name].append(load(server, mode="closed", seconds=seconds,
                                      senders=plan.senders, concurrency=concurrency,
                                      expect_refs=name == "hotline"))
        ratios = [h["throughput"] / b["throughput"]
                  for h, b in zip(raw["hotline"], raw["baseline"], strict=True)]
        for name in ("baseline", "hotline"):
            result = summarize(merge(raw[name]))
            result["server"] = name
            if name == "hotline":
                result["round_ratios"] = ratios
            rows.append(result)
            say(f"  concurrency {concurrency:>3} {name:<8} {result['throughput']:7.0f} msg/s"
                f"  p50 {result['p50']:6.1f}  p99 {result['p99']:6.1f} ms"
                f"  errors {result['errors_total']}"
                + (f"  ratio by round {', '.join(f'{x:.2f}' for x in ratios)}"
                   if name == "hotline" else ""))
    run.results["closed"] = rows


def open_loop(run: Run, hotline: servers.Server, baseline: servers.Server) -> None:
    """Latency at fixed offered rates (fractions of the hotline's saturation)."""
    plan = run.plan
    saturation = max(r["throughput"] for r in run.results["closed"]
                     if r["server"] == "hotline")
    run.results["saturation"] = saturation
    rates = plan.rates or tuple(round(f * saturation) for f in plan.fractions)
    rows: list[dict[str, Any]] = []
    pair = [("baseline", baseline), ("hotline", hotline)]
    for i, rate in enumerate(rates):
        for name, server in (pair if i % 2 == 0 else pair[::-1]):
            result = summarize(load(server, mode="open", seconds=plan.open_seconds,
                                    senders=plan.senders, rate=rate,
                                    expect_refs=name == "hotline"))
            result["server"] = name
            result["fraction"] = rate / saturation
            rows.append(result)
            say(f"  {rate:>6.0f} msg/s ({rate / saturation:4.0%}) {name:<8}"
                f" achieved {result['throughput']:6.0f}  p50 {result['p50']:6.1f}"
                f"  p99 {result['p99']:6.1f} ms  errors {result['errors_total']}")
    run.results["open"] = rows
