"""The latency and alert phases' load generator: ``bench/openloop.c``, built here with
the machine's C compiler, driving Poisson arrivals over requests signed beforehand.

It does what the Python generator's open loop does (``bench/load.py``: ``open_loop``,
``Pool``, ``_one``), each message on a connection of its own opened when it is due, as a
proxy in front of gunicorn's sync workers would (wrk cannot: it reconnects at once, and
an idle open connection holds a sync worker), latency counted from when it was due. It
costs the two shared cores a few microseconds a message where the Python one costs a
third of a millisecond or more, so "half the hotline's saturation" leaves the machine
about half busy rather than far busier.

Its inputs are the files :func:`bench.wrk.write_requests` writes for one connection.
The binary is cached under ``.venv/bench/`` (gitignored), named by a hash of the source
and of the compiler's command, so a changed source is rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from bench import wrk
from bench.cpu import Meter
from bench.load import TIMEOUT_SECONDS, Worker

SOURCE = Path(__file__).resolve().with_name("openloop.c")
CACHE = Path(__file__).resolve().parent.parent / ".venv" / "bench"
#: The compiler's flags: warnings are errors, so a new compiler's complaint shows.
FLAGS = ("-O2", "-std=c11", "-Wall", "-Wextra", "-Werror")
#: The name a result gives it (``bench.load`` says "python").
NAME = "openloop"


class CompilerMissing(RuntimeError):
    """No C compiler: the latency phases fall back to the Python generator."""


def compiler() -> str | None:
    """Return the C compiler to use: ``$CC``, else ``cc``, ``gcc`` or ``clang``."""
    named = os.environ.get("CC")
    if named:
        return shutil.which(named)
    for name in ("cc", "gcc", "clang"):
        found = shutil.which(name)
        if found:
            return found
    return None


def build(cache: Path = CACHE, cc: str | None = None, source: Path = SOURCE) -> str:
    """Return the path of the binary, compiling it first if the source (or the compiler)
    changed; raise :class:`CompilerMissing` if there is no compiler, RuntimeError with
    the compiler's words if it fails."""
    cc = cc or compiler()
    if not cc:
        raise CompilerMissing(
            "no C compiler (cc, gcc or clang; or $CC) to build bench/openloop.c, the "
            "latency and alert phases' load generator: they fall back to the Python one, "
            "which costs the shared cores 40-60 % of the server's CPU. Install one "
            "(`sudo apt-get install gcc`) for figures that mean what they say.")
    command = [cc, *FLAGS, "-o", "{out}", str(source), "-lm"]
    digest = hashlib.sha256(source.read_bytes() + " ".join(command).encode()).hexdigest()
    binary = cache / f"openloop-{digest[:16]}"
    if binary.exists():
        return str(binary)
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as scratch:
        out = Path(scratch) / "openloop"
        done = subprocess.run([part.replace("{out}", str(out)) for part in command],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{cc} could not build {source.name}:\n"
                               f"{done.stdout[-2000:]}{done.stderr[-3000:]}")
        os.replace(out, binary)  # whole or not at all, if two runs build at once
    return str(binary)


def write_inputs(directory: Path, workers: Sequence[Worker], active: int, *,
                 expect_refs: bool, markers: Iterable[str]) -> None:
    """Write a phase's inputs: wrk's files for a single connection (every sender in
    ``c1.req``), ``active`` of them taking turns."""
    wrk.write_requests(directory, workers, 1, active, expect_refs=expect_refs,
                       markers=markers)


def run(binary: str, port: int, directory: Path, *, rate: float, seconds: float,
        seed: int = 6, timeout: float = TIMEOUT_SECONDS,
        meter: Meter | None = None) -> dict[str, Any]:
    """Drive one open-loop phase from the inputs in ``directory``; return its tally, the
    shape ``bench.load.run`` gives (with the CPU used, if given a ``meter``: counted from
    when the binary has read its inputs and starts the clock)."""
    command = [binary, str(directory), str(port), repr(float(rate)), repr(float(seconds)),
               str(seed), repr(float(timeout))]
    with tempfile.TemporaryFile() as errors:
        popen = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors,
                                 stdin=subprocess.DEVNULL)
        # every arrival is due before the end, and each gives up after ``timeout``: a
        # run far past that is stuck, and must not hold the benchmark
        stuck = threading.Timer(seconds + timeout + 120, popen.kill)
        stuck.start()
        try:
            assert popen.stdout is not None
            first = popen.stdout.readline()
            if first.strip() == b"running" and meter:
                meter.start()
            rest = popen.stdout.read()
            popen.stdout.close()
            code = popen.wait()
        finally:
            stuck.cancel()
        errors.seek(0)
        stderr = errors.read().decode(errors="replace")
    if code != 0 or first.strip() != b"running":
        raise RuntimeError(f"openloop failed ({code}):\n{stderr[-3000:]}")
    result: dict[str, Any] = json.loads(rest)
    if meter:
        # the kernel's part (system) is mostly loopback TCP, which any client pays
        result["cpu"] = meter.stop(generator=result["generator_cpu"])
        result["cpu"].update(generator_user=result["generator_user"],
                             generator_system=result["generator_system"])
    return result
