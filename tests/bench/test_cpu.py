"""CPU accounting from /proc: a process, a process and its children, the machine."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from bench import cpu

BURN = "import time\nend = time.process_time() + {s}\nwhile time.process_time() < end: pass\n"


def test_stat_fields_survive_a_command_name_with_spaces_and_parentheses() -> None:
    text = "4242 (odd (name) here) S 1 4242 4242 0 -1 0 0 0 0 0 250 50 0 0 20 0 1 0"
    fields = cpu.stat_fields(text)
    assert fields[0] == "4242" and fields[1] == "odd (name) here"
    assert fields[3] == "1"  # the parent
    assert (fields[13], fields[14]) == ("250", "50")  # utime, stime


def test_a_process_that_burns_half_a_second_reads_about_half_a_second() -> None:
    child = subprocess.Popen([sys.executable, "-c", BURN.format(s=0.5) + "input()"],
                             stdin=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while cpu.process_cpu(child.pid) < 0.5 and time.monotonic() < deadline:
            time.sleep(0.05)
        used = cpu.process_cpu(child.pid)
        assert 0.5 <= used < 1.5
        user, system = cpu.process_times(child.pid)
        assert user + system == pytest.approx(used)
    finally:
        child.communicate(b"\n", timeout=30)
    assert cpu.process_cpu(child.pid) == 0.0  # gone


def test_a_tree_counts_its_living_children_and_a_meter_what_they_used_meanwhile() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c",
         "import subprocess, sys\n"
         f"child = subprocess.Popen([sys.executable, '-c', {BURN.format(s=0.4)!r} "
         "+ 'input()'], stdin=subprocess.PIPE)\n"
         "print(child.pid, flush=True)\ninput()\nchild.communicate(b'\\n')\n"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    meter = cpu.Meter({"tree": lambda: cpu.tree_cpu(parent.pid)})
    meter.start()
    try:
        child = int(parent.stdout.readline())
        assert cpu.children(parent.pid) == [child]
        deadline = time.monotonic() + 30
        while cpu.process_cpu(child) < 0.4 and time.monotonic() < deadline:
            time.sleep(0.05)
        used = meter.stop(generator=0.25)
    finally:
        parent.communicate("\n", timeout=30)
    assert used["tree"] >= 0.4  # the child's burn, counted through its parent
    assert used["generator"] == 0.25
    assert used["machine_busy"] >= used["tree"] - 0.05  # ticks round
    assert used["others"] == pytest.approx(
        max(used["machine_busy"] - used["tree"] - 0.25, 0.0))
    assert used["machine_total"] > 0 and used["load_average"] >= 0


def test_rounds_pool_their_seconds_and_keep_the_highest_load() -> None:
    pooled = cpu.pool([{"server": 1.0, "generator": 0.1, "load_average": 3.0},
                       {"server": 2.0, "generator": 0.3, "load_average": 5.5}])
    assert pooled == pytest.approx({"server": 3.0, "generator": 0.4, "load_average": 5.5})


def test_the_machine_counts_every_core() -> None:
    before = cpu.machine_cpu()
    time.sleep(0.3)
    after = cpu.machine_cpu()
    cores = os.cpu_count() or 1
    # total ticks grow by about wall time x cores; busy by no more than that
    assert 0.1 * cores < after.total - before.total < 3 * cores
    assert 0 <= after.busy - before.busy <= after.total - before.total + 0.05
