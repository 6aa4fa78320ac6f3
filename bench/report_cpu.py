"""The results file's section on the load generators: what each cost the shared cores,
how busy the machine was, and the throughput ratio measured with the old one and the new.
"""

from __future__ import annotations

from typing import Any

#: Which generator drove which phases (the results' keys).
PHASES = (("closed", "throughput"), ("closed_old", "throughput, old generator"),
          ("open", "latency"))


def ratio_at(rows: list[dict[str, Any]], concurrency: int) -> dict[str, Any] | None:
    """Return the hotline/baseline ratio at ``concurrency`` in a set of throughput rows."""
    by = {(row["server"], row["concurrency"]): row for row in rows}
    h, b = by.get(("hotline", concurrency)), by.get(("baseline", concurrency))
    if not (h and b):
        return None
    return {"ratio": h["throughput"] / b["throughput"], "rounds": h.get("round_ratios", []),
            "hotline": h["throughput"], "baseline": b["throughput"],
            "generator": h.get("generator", "python")}


def per_message(row: dict[str, Any]) -> dict[str, float] | None:
    """Return a phase's CPU per answered message (ms) by process, and shares."""
    cpu = row.get("cpu")
    answered = row.get("requests") or row.get("ok")
    if not cpu or not answered:
        return None
    total = max(cpu.get("machine_total", 0.0), 1e-9)
    return {
        "server": cpu.get("server", 0.0) / answered * 1000,
        "redis": cpu.get("redis", 0.0) / answered * 1000,
        "generator": cpu.get("generator", 0.0) / answered * 1000,
        "generator_system": (cpu["generator_system"] / answered * 1000
                             if "generator_system" in cpu else -1.0),
        "of_server": cpu.get("generator", 0.0) / max(cpu.get("server", 0.0), 1e-9),
        "others": cpu.get("others", 0.0) / total,
        "busy": cpu.get("machine_busy", 0.0) / total,
        "load": cpu.get("load_average", 0.0),
    }


def cost_ratio(rows: list[dict[str, Any]], concurrency: int
               ) -> tuple[float, float, float] | None:
    """Return baseline / hotline CPU a message (servers + Redis) at ``concurrency``, and
    each one's milliseconds."""
    by = {(row["server"], row["concurrency"]): per_message(row) for row in rows}
    h, b = by.get(("hotline", concurrency)), by.get(("baseline", concurrency))
    if not (h and b):
        return None
    hotline, baseline = h["server"] + h["redis"], b["server"] + b["redis"]
    return baseline / max(hotline, 1e-9), baseline, hotline


def latency_generator(r: dict[str, Any]) -> str | None:
    """Return the sentence naming the latency phases' generator and what it cost next
    to the servers, or None if no latency phase was measured."""
    rows = [row for row in r.get("open", []) if per_message(row)]
    if not rows:
        return None
    names = sorted({row.get("generator", "python") for row in rows})
    cpu = {k: sum(row["cpu"].get(k, 0.0) for row in rows) for k in ("generator", "server")}
    answered = sum(row.get("requests") or row.get("ok") or 0 for row in rows)
    fallback = (" (no C compiler was found: the Python generator stood in for "
                "`bench/openloop.c`, and costs the shared cores far more)"
                if r.get("plan", {}).get("latency_fallback") else "")
    return (f"The latency phases were driven by **{', '.join(names)}**{fallback}: "
            f"{cpu['generator'] / max(answered, 1) * 1000:.3f} ms of CPU a message, "
            f"**{cpu['generator'] / max(cpu['server'], 1e-9):.1%} of the servers' own**, "
            "all rates and both servers together.\n")


def section(r: dict[str, Any], target_concurrency: int) -> list[str]:
    """Return the markdown lines of the load generators' section (none if not measured)."""
    rows = [(label, row) for key, label in PHASES for row in r.get(key, [])
            if per_message(row)]
    if not rows:
        return []
    out = ["## The load generators and the machine\n"]
    new, old = ratio_at(r.get("closed", []), target_concurrency), ratio_at(
        r.get("closed_old", []), target_concurrency)
    if new and old:
        out.append(
            f"Throughput ratio at concurrency {target_concurrency}, both generators in the "
            f"same run: **{new['generator']} {new['ratio']:.3f}** (rounds "
            f"{', '.join(f'{x:.2f}' for x in new['rounds'])}; {new['hotline']:.0f} vs "
            f"{new['baseline']:.0f} msg/s), old Python generator **{old['ratio']:.3f}** "
            f"(rounds {', '.join(f'{x:.2f}' for x in old['rounds'])}; {old['hotline']:.0f} "
            f"vs {old['baseline']:.0f} msg/s). The targets are read with {new['generator']}."
            "\n")
    latency = latency_generator(r)
    if latency:
        out.append(latency)
    cost = cost_ratio(r.get("closed", []), target_concurrency)
    if cost:
        out.append(
            f"What a message costs the CPU, servers and Redis together, at concurrency "
            f"{target_concurrency}: baseline {cost[1]:.3f} ms, hotline {cost[2]:.3f} ms, a "
            f"ratio of **{cost[0]:.2f}**: the same gap seen in CPU seconds rather than "
            "throughput (on two cores of their own, with a generator that costs next to "
            "nothing, throughput would approach it from below, as a sync worker also waits "
            "for Redis). Contention raises both servers' CPU a message, so it moves with "
            "the machine's load too.\n")
    out.append(
        "CPU per answered message of each process during the phases (rounds pooled), from "
        "`/proc/<pid>/stat` before and after (gunicorn's master and workers; wrk from its "
        "start of run to its exit, openloop and the Python generator from their own "
        "clock while they drive) and Redis's `INFO cpu`. The generator's system time is mostly the "
        "kernel's loopback TCP, which any client pays. *Rest of the machine*: the busy "
        "share of both cores (`/proc/stat`) that none of these processes account for "
        "— other people's work on this shared machine. Load average: the highest "
        "1-minute figure at the start of the phase's rounds; the benchmark itself adds "
        "about 2 to it.\n")
    out.append("| phase | generator | concurrency / rate | server | msg/s | server ms | Redis "
               "ms | generator ms (system) | generator / server | machine busy | rest of "
               "the machine | load average |")
    out.append("| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | "
               "---: |")
    for label, row in rows:
        c = per_message(row)
        assert c is not None
        level = (str(row["concurrency"]) if row.get("mode") == "closed"
                 else f"{row.get('rate') or 0:.0f} msg/s")
        out.append(
            f"| {label} | {row.get('generator', 'python')} | {level} | {row['server']} | "
            f"{row['throughput']:.0f} | {c['server']:.3f} | {c['redis']:.3f} | "
            f"{c['generator']:.3f}"
            + (f" ({c['generator_system']:.3f})" if c["generator_system"] >= 0 else "")
            + f" | {c['of_server']:.0%} | "
            f"{c['busy']:.0%} | {c['others']:.0%} | {c['load']:.1f} |")
    exhausted = [row for _, row in rows if row.get("exhausted_connections")]
    if exhausted:
        out.append(
            "\nIn " + ", ".join(f"{row['server']} at concurrency {row['concurrency']}"
                                for row in exhausted)
            + ", some connections' senders had said everything before the end of a round; "
              "throughput there counts until the first fell silent.")
    start = r.get("load_average_at_start")
    if start:
        out.append(f"\nLoad average when the run began: {start[0]:.1f} / {start[1]:.1f} / "
                   f"{start[2]:.1f} (1 / 5 / 15 minutes).")
    out.append("")
    return out
