"""CPU seconds from ``/proc``: of a process (all its threads), of a process and its
children (gunicorn's master and workers), and of the whole machine.

A load phase reads them before and after; the differences say how much of the two
shared cores the servers, Redis and the load generator each used, and how much went to
everything else on the machine (other people's test suites) in the same seconds.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

#: Clock ticks a second, the unit of the times in ``/proc/<pid>/stat`` and ``/proc/stat``.
TICKS = os.sysconf("SC_CLK_TCK")
PROC = Path("/proc")


def stat_fields(text: str) -> list[str]:
    """Split the text of ``/proc/<pid>/stat`` into its fields, numbered as in proc(5)
    from 1 (``fields[0]`` is the pid); the command name, which may hold spaces and
    parentheses, is field 2."""
    head, _, tail = text.rpartition(")")
    pid, _, name = head.partition(" (")
    return [pid, name, *tail.split()]


def process_times(pid: int, proc: Path = PROC) -> tuple[float, float]:
    """Return the user and system CPU seconds of process ``pid`` so far, all its threads
    included; (0.0, 0.0) once it has gone."""
    try:
        fields = stat_fields((proc / str(pid) / "stat").read_text())
    except (OSError, ValueError):
        return 0.0, 0.0
    return int(fields[13]) / TICKS, int(fields[14]) / TICKS  # utime, stime


def process_cpu(pid: int, proc: Path = PROC) -> float:
    """Return the CPU seconds (user + system) of process ``pid`` so far."""
    return sum(process_times(pid, proc))


def children(pid: int, proc: Path = PROC) -> list[int]:
    """Return the pids whose parent is ``pid`` (gunicorn's workers of its master)."""
    found = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = stat_fields((entry / "stat").read_text())
        except (OSError, ValueError):
            continue  # gone meanwhile
        if int(fields[3]) == pid:
            found.append(int(fields[0]))
    return found


def tree_cpu(pid: int, proc: Path = PROC) -> float:
    """Return the CPU seconds of ``pid`` and of its living children.

    A worker that died during a phase takes its seconds with it (its parent's
    ``cutime`` only counts children it has waited for), so a phase in which gunicorn
    replaced a worker reads low; the servers' logs tell.
    """
    return process_cpu(pid, proc) + sum(process_cpu(c, proc) for c in children(pid, proc))


@dataclass(frozen=True)
class Machine:
    """The whole machine's CPU seconds so far: busy (not idle, not waiting on disk)."""

    busy: float
    total: float


def machine_cpu(proc: Path = PROC) -> Machine:
    """Read the first line of ``/proc/stat`` (all cores together)."""
    line = (proc / "stat").read_text().split("\n", 1)[0].split()
    values = [int(v) for v in line[1:9]]  # user nice system idle iowait irq softirq steal
    idle = values[3] + values[4]
    return Machine(busy=(sum(values) - idle) / TICKS, total=sum(values) / TICKS)


def load_average(proc: Path = PROC) -> float:
    """Return the machine's load average over the last minute."""
    return float((proc / "loadavg").read_text().split()[0])


class Meter:
    """Reads named CPU counters (seconds) at the start and at the end of a phase.

    ``Meter({"hotline": lambda: tree_cpu(pid), "redis": redis_seconds})``; ``start()``
    then ``stop()`` returns the seconds each used in between, and the whole machine's
    busy seconds, the part of them none of the named counters account for (everyone
    else on the machine), and the load average at the start.
    """

    def __init__(self, counters: Mapping[str, Callable[[], float]]) -> None:
        self.counters = dict(counters)
        self._before: dict[str, float] = {}
        self._machine = Machine(0.0, 0.0)
        self._load = 0.0

    def start(self) -> None:
        self._load = load_average()
        self._machine = machine_cpu()
        self._before = {name: read() for name, read in self.counters.items()}

    def stop(self, **more: float) -> dict[str, float]:
        """Return the seconds each counter used since ``start()``; ``more`` adds counters
        read some other way (the generator's own), which count as accounted for."""
        used = {name: read() - self._before[name] for name, read in self.counters.items()}
        used.update(more)
        machine = machine_cpu()
        busy = machine.busy - self._machine.busy
        return {**used, "machine_busy": busy,
                "machine_total": machine.total - self._machine.total,
                "others": max(busy - sum(used.values()), 0.0),
                "load_average": self._load}


def pool(phases: list[dict[str, float]]) -> dict[str, float]:
    """Add up the seconds of several phases (rounds of one); the load average becomes
    the highest of theirs."""
    pooled: dict[str, float] = {}
    for phase in phases:
        for name, value in phase.items():
            if name == "load_average":
                pooled[name] = max(pooled.get(name, 0.0), value)
            else:
                pooled[name] = pooled.get(name, 0.0) + value
    return pooled
