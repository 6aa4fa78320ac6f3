"""The results' section on the load generators: CPU a message and the ratios."""

from __future__ import annotations

import pytest

from bench import report_cpu


def row(server: str, concurrency: int, throughput: float, requests: int,
        cpu: dict[str, float], generator: str = "wrk") -> dict[str, object]:
    return {"server": server, "concurrency": concurrency, "mode": "closed",
            "throughput": throughput, "requests": requests, "ok": requests, "cpu": cpu,
            "generator": generator, "round_ratios": [0.5]}


CPU_B = {"server": 5.4, "redis": 0.01, "generator": 1.0, "generator_system": 0.8,
         "machine_busy": 10.0, "machine_total": 12.0, "others": 3.59, "load_average": 6.5}
CPU_H = {"server": 4.5, "redis": 0.5, "generator": 0.5, "generator_system": 0.4,
         "machine_busy": 11.0, "machine_total": 12.0, "others": 5.5, "load_average": 7.0}


def test_cpu_a_message_is_each_process_s_seconds_over_the_answered_messages() -> None:
    c = report_cpu.per_message(row("baseline", 16, 1500, 10_000, CPU_B))
    assert c is not None
    assert c["server"] == pytest.approx(0.54) and c["generator"] == pytest.approx(0.1)
    assert c["generator_system"] == pytest.approx(0.08)
    assert c["of_server"] == pytest.approx(1.0 / 5.4)
    assert c["others"] == pytest.approx(3.59 / 12) and c["load"] == 6.5
    assert report_cpu.per_message({"server": "x", "requests": 0}) is None


def test_the_cost_ratio_adds_redis_to_the_servers() -> None:
    rows = [row("baseline", 16, 1500, 10_000, CPU_B), row("hotline", 16, 750, 5_000, CPU_H)]
    ratio, baseline, hotline = report_cpu.cost_ratio(rows, 16) or (0, 0, 0)
    assert baseline == pytest.approx(0.541) and hotline == pytest.approx(1.0)
    assert ratio == pytest.approx(0.541)
    assert report_cpu.cost_ratio(rows, 64) is None


def test_the_section_gives_both_generators_ratios_and_says_how_busy_the_machine_was() -> None:
    r = {"closed": [row("baseline", 16, 1500, 10_000, CPU_B),
                    row("hotline", 16, 750, 5_000, CPU_H)],
         "closed_old": [row("baseline", 16, 1000, 7_000, CPU_B, "python"),
                        row("hotline", 16, 600, 4_000, CPU_H, "python")],
         "load_average_at_start": [5.0, 4.0, 3.0]}
    text = "\n".join(report_cpu.section(r, 16))
    assert "**wrk 0.500**" in text and "old Python generator **0.600**" in text
    assert "a ratio of **0.54**" in text
    assert "| throughput | wrk | 16 | hotline | 750 | 0.900 | 0.100 | 0.100 (0.080) | 11% |" \
        in text
    assert "| throughput, old generator | python | 16 | baseline |" in text
    assert "5.0 / 4.0 / 3.0" in text
    assert report_cpu.section({}, 16) == []


def open_row(server: str, rate: float, requests: int, cpu: dict[str, float],
             generator: str) -> dict[str, object]:
    return {"server": server, "rate": rate, "mode": "open", "throughput": rate,
            "requests": requests, "ok": requests, "cpu": cpu, "generator": generator}


def test_the_section_names_the_latency_generator_and_its_share_of_the_servers_cpu() -> None:
    r = {"open": [open_row("baseline", 100, 1_000, {**CPU_B, "generator": 0.02}, "openloop"),
                  open_row("hotline", 100, 1_000, {**CPU_H, "generator": 0.01}, "openloop")]}
    line = report_cpu.latency_generator(r) or ""
    # 0.03 s over 2000 messages; 0.03 of the servers' 9.9 s
    assert "**openloop**" in line and "0.015 ms of CPU a message" in line
    assert "**0.3% of the servers' own**" in line
    text = "\n".join(report_cpu.section(r, 16))
    assert line in text
    assert "| latency | openloop | 100 msg/s | hotline |" in text
    # the Python generator standing in, for want of a compiler, says so
    r = {"plan": {"latency_fallback": "no C compiler"},
         "open": [open_row("hotline", 100, 1_000, CPU_H, "python")]}
    line = report_cpu.latency_generator(r) or ""
    assert "**python**" in line and "no C compiler was found" in line
    assert "**11.1% of the servers' own**" in line
    assert report_cpu.latency_generator({"open": []}) is None


def test_the_results_file_names_the_generator_of_the_latency_and_alert_phases() -> None:
    from bench.report import _latency_generator

    r = {"plan": {"latency_generator": "openloop"},
         "open": [{"generator": "openloop"}], "alerts": [{"generator": "openloop"}]}
    assert "**openloop** (C" in _latency_generator(r)
    r = {"plan": {"latency_generator": "python", "latency_fallback": "no C compiler"}}
    assert "**Python generator**" in _latency_generator(r)
    assert "no C compiler was found" in _latency_generator(r)
