"""The throughput phases' load generator: ``wrk`` (C, epoll, keep-alive) running
``bench/wrk.lua`` over requests signed here beforehand.

A load generator in Python on the same two cores costs a third of a millisecond of CPU
a message, and so caps the faster server (the baseline) first and flatters the ratio;
wrk costs a few microseconds. wrk runs one thread per connection (``-t N -c N``) so
that each connection has a Lua state of its own and owns its senders (numbers ``n``
with ``n % N`` its index): it walks their conversations in order, a sender's next
message only after the reply to its last, taking turns among ``active`` of them.

Files in the phase's directory, written by :func:`write_requests`:

- ``c<i>.req`` (``i`` from 1): connection ``i``'s senders, each ``S <count>\\n`` and
  then each message ``<kind> <length>\\n<request bytes>`` (kind ``step`` or ``file``);
- ``conf``: ``active <senders taking turns on a connection>`` and ``expect_refs 0|1``;
- ``markers``: a line for each way the hotline starts its "busy, we will answer soon"
  reply (a message it had to spool), so those are counted as errors, not answers;
- ``result.json``: written by the script at the end (each connection's tally).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from bench.cpu import Meter, process_times
from bench.load import TIMEOUT_SECONDS, Worker

SCRIPT = Path(__file__).resolve().with_name("wrk.lua")
#: Debian's (and Ubuntu's) package.
PACKAGE = "wrk"


class WrkMissing(RuntimeError):
    """wrk is not installed and this process cannot install it."""


def ensure_installed(say: Callable[[str], None] = print, *,
                     which: Callable[[str], str | None] = shutil.which,
                     root: bool | None = None) -> str:
    """Return the path of ``wrk``, installing Debian's package first when it is missing
    and we run as root with apt-get; raise :class:`WrkMissing` saying what to do if not."""
    found = which("wrk")
    if found:
        return found
    root = os.geteuid() == 0 if root is None else root
    apt = which("apt-get")
    if not (root and apt):
        raise WrkMissing(
            "the throughput phases need wrk, a C load generator (a Python one on the same "
            "cores caps the baseline first and flatters the ratio). Install it with "
            f"`sudo apt-get install {PACKAGE}` (Debian, Ubuntu) or your system's package, "
            "then run the benchmark again; `--generator python` runs the old generator "
            "instead, for comparison only.")
    say(f"bench: installing {PACKAGE} (apt-get install {PACKAGE})")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    command = [apt, "install", "-y", "-q", PACKAGE]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:  # an old or empty package list: update it once, try again
        subprocess.run([apt, "update", "-q"], env=env, capture_output=True, check=False)
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    found = which("wrk")
    if not found:
        raise WrkMissing(f"`apt-get install {PACKAGE}` did not install wrk:\n"
                         f"{done.stdout[-1500:]}{done.stderr[-1500:]}")
    return found


def busy_markers(locales_dir: Path, languages: Iterable[str]) -> list[str]:
    """Return how the hotline's "we got your message, we will answer soon" reply begins,
    as it appears in TwiML, in every language and with or without folded accents.

    The hotline gives it when it had to spool a message: Redis down, or the sender's
    previous message still being handled (its per-sender lock held past the wait).
    """
    from hotline.dialogue import messages
    from hotline.dialogue.replies import Reply
    from hotline.words.catalogs import Catalogs

    catalogs = Catalogs(locales_dir, tuple(languages))
    found: dict[str, None] = {}
    cut = "5550009999"  # the center's phone: where the reply starts to differ
    for locale in catalogs.languages:
        for fold in (False, True):
            for reply in (Reply(messages.OUTAGE),
                          Reply(messages.OUTAGE_WITH_PHONE, {"phone": cut})):
                text = catalogs.render(reply, locale, fold_accents=fold).split(cut)[0]
                found[escape(text.split("\n")[0].strip())] = None
    # one that begins with another adds nothing
    markers = sorted(m for m in found if m)
    return [m for m in markers if not any(m != o and m.startswith(o) for o in markers)]


def write_requests(directory: Path, workers: Sequence[Worker], connections: int,
                   active: int, *, expect_refs: bool, markers: Iterable[str]) -> None:
    """Write the phase's files (see the module's docstring) for ``connections``
    connections; each takes turns among ``active`` of its senders at a time."""
    directory.mkdir(parents=True, exist_ok=True)
    outs = [(directory / f"c{i + 1}.req").open("wb") for i in range(connections)]
    try:
        for n, worker in enumerate(workers):
            out = outs[n % connections]
            out.write(f"S {len(worker.requests)}\n".encode())
            for kind, request in zip(worker.kinds, worker.requests, strict=True):
                out.write(f"{kind} {len(request)}\n".encode())
                out.write(request)
    finally:
        for out in outs:
            out.close()
    (directory / "conf").write_text(f"active {active}\nexpect_refs {int(expect_refs)}\n")
    lines = list(markers)
    if any("\n" in m for m in lines):
        raise ValueError("a busy marker may not hold a newline")
    (directory / "markers").write_text("".join(f"{m}\n" for m in lines), encoding="utf-8")


def whole(seconds: float) -> int:
    """Return a phase's length as wrk takes it: whole seconds, at least one."""
    return max(1, round(seconds))


def command(wrk: str, port: int, connections: int, seconds: float) -> list[str]:
    """Return the wrk command line of a phase (stdout line-buffered, so the parent sees
    the start of the run as it happens)."""
    # wrk takes whole seconds
    run = [wrk, "-t", str(connections), "-c", str(connections), "-d", f"{whole(seconds)}s",
           "--timeout", f"{TIMEOUT_SECONDS:g}s", "-s", str(SCRIPT),
           f"http://127.0.0.1:{port}"]
    stdbuf = shutil.which("stdbuf")
    return [stdbuf, "-oL", *run] if stdbuf else run


def run(wrk: str, port: int, directory: Path, connections: int, seconds: float,
        meter: Meter) -> dict[str, Any]:
    """Run wrk on the phase's files; return its tally, with the CPU seconds it, the
    meter's counters and the rest of the machine used while it ran."""
    result_path = directory / "result.json"
    result_path.unlink(missing_ok=True)
    env = {**os.environ, "HL_WRK_DIR": str(directory)}
    with tempfile.TemporaryFile() as errors:
        popen = subprocess.Popen(command(wrk, port, connections, seconds), env=env,
                                 stdout=subprocess.PIPE, stderr=errors,
                                 stdin=subprocess.DEVNULL)
        assert popen.stdout is not None
        output: list[bytes] = []
        started = False
        before = (0.0, 0.0)
        # every thread's init() (reading its requests) is done when wrk says "Running"
        for line in popen.stdout:
            output.append(line)
            if line.startswith(b"Running"):
                meter.start()
                before = process_times(popen.pid)
                started = True
                break
        output.extend(popen.stdout.readlines())
        popen.stdout.close()
        _, status, usage = os.wait4(popen.pid, 0)
        popen.returncode = os.waitstatus_to_exitcode(status)
        cpu: dict[str, float] = {}
        if started:
            # the kernel's part (system) is mostly loopback TCP, paid by any client
            user, system = usage.ru_utime - before[0], usage.ru_stime - before[1]
            cpu = meter.stop(generator=user + system)
            cpu.update(generator_user=user, generator_system=system)
        errors.seek(0)
        stderr = errors.read().decode(errors="replace")
    if popen.returncode != 0 or not result_path.exists():
        raise RuntimeError(f"wrk failed ({popen.returncode}):\n{stderr[-3000:]}"
                           f"{b''.join(output).decode(errors='replace')[-2000:]}")
    raw = json.loads(result_path.read_text())
    conf = dict(line.split(" ", 1) for line in (directory / "conf").read_text().splitlines())
    out = tally(raw, whole(seconds), int(conf["active"]) * connections)
    out.update({"concurrency": connections, "cpu": cpu, "generator": "wrk"})
    return out


def tally(raw: dict[str, Any], seconds: float, active: int = 0) -> dict[str, Any]:
    """Turn the script's result into a phase's tally (the shape ``bench.load`` gives).

    Throughput counts the answers (HTTP 200) from the first request sent until the end,
    or until the first connection whose senders had said everything fell silent (from
    then on fewer messages would be in flight than the phase's concurrency)."""
    conns = raw["connections"]
    latencies: dict[str, list[float]] = {"step": [], "file": []}
    errors: dict[str, int] = {}
    finished: list[float] = []
    firsts = [c["first"] for c in conns if c["first"] >= 0]
    for c in conns:
        for kind, values in (c["lat"] or {}).items():
            latencies.setdefault(kind, []).extend(values)
        for what, count in (c["errors"] or {}).items():  # an empty table comes as []
            errors[what] = errors.get(what, 0) + int(count)
        finished.extend(c["done_at"])
    for what, count in (raw["summary"].get("errors") or {}).items():
        if what != "status" and count:  # statuses are counted by the script, by code
            errors[f"socket {what}"] = errors.get(f"socket {what}", 0) + int(count)
    exhausted = [c["exhausted"] for c in conns if c["exhausted"] >= 0]
    start = min(firsts) if firsts else 0.0
    end = max(finished) if finished else start
    if exhausted:
        end = min(end, min(exhausted))
    answered = sum(1 for t in finished if t <= end)
    elapsed = max(end - start, 1e-9)
    return {
        "mode": "closed", "active": active,
        "senders": sum(int(c["senders"]) for c in conns),
        "messages_prepared": sum(int(c["messages"]) for c in conns),
        "rate": None, "duration": seconds,
        "requests": len(finished) + sum(v for k, v in errors.items()
                                        if k.startswith(("http ", "socket "))),
        "ok": answered, "errors": errors,
        "elapsed": elapsed, "throughput": answered / elapsed,
        "latencies_ms": latencies, "filed": [],
        "connections": len(conns), "exhausted_connections": len(exhausted),
        "exhausted_after": (min(exhausted) - start) if exhausted else None,
    }
