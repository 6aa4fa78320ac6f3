"""Instructions one message costs, counted by Valgrind: ``./dev bench instructions``.

A timing on this shared two-core machine moves by 10-30 % between runs while other
suites run, so a change worth 3 % cannot be seen in it. The count of instructions
Valgrind's cachegrind tool executes is the same from run to run (0.03 % apart here), so
it can. It is not time: it leaves out the kernel (sockets to Redis, SQLite's writes) and
what cache misses and context switches cost, so a change is judged by this count and
then confirmed, on a quiet machine, by ``./dev bench``.

How: the app runs in-process (no server, no sockets to it) on signed WSGI environments
built before anything is counted. Each app runs twice under cachegrind, building the
same requests both times and answering them only the second time; the difference,
divided by the messages answered, is what a message costs: start-up and request building
cancel out. The hotline uses a real Redis and SQLite, as in the rest of the benchmark.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bench import conversations

#: Debian's (and Ubuntu's) package with cachegrind.
PACKAGE = "valgrind"
#: Each block of conversations answered in the counted run is new (no Twilio retries).
FIRST_BLOCK = 700
_REFS = re.compile(r"^==\d+== I\s+refs:\s+([\d,]+)\s*$", re.MULTILINE)

Environ = tuple[dict[str, Any], bytes]


class ValgrindMissing(RuntimeError):
    """Valgrind is not installed and this process cannot install it."""


@dataclass(frozen=True)
class Count:
    """One app's instructions: a run that only built its requests, one that answered them."""

    app: str
    built_only: int
    answered: int
    messages: int

    @property
    def per_message(self) -> float:
        return (self.answered - self.built_only) / self.messages


def refs(valgrind_stderr: str) -> int:
    """Return the instructions cachegrind counted ("I refs") from its report."""
    found = _REFS.findall(valgrind_stderr)
    if len(found) != 1:
        raise ValueError("cachegrind's report has no single 'I refs' line")
    return int(found[0].replace(",", ""))


def ensure_installed(say: Callable[[str], None] = print) -> str:
    """Return the path of ``valgrind``, installing Debian's package as root if missing."""
    found = shutil.which("valgrind")
    if found:
        return found
    apt = shutil.which("apt-get")
    if not (apt and os.geteuid() == 0):
        raise ValgrindMissing(f"counting instructions needs Valgrind: `sudo apt-get install "
                              f"{PACKAGE}` (Debian, Ubuntu) or your system's package")
    say(f"instructions: installing {PACKAGE} with apt-get")
    subprocess.run([apt, "install", "-y", "-q", PACKAGE], check=True,
                   stdout=subprocess.DEVNULL)
    found = shutil.which("valgrind")
    if not found:
        raise ValgrindMissing(f"apt-get installed {PACKAGE} but valgrind is not on PATH")
    return found


# -- the child: one app, in-process ----------------------------------------------------


def environs(block: int, senders: int) -> list[Environ]:
    """Signed WSGI environments of ``senders`` whole conversations, with their bodies."""
    from werkzeug.test import EnvironBuilder

    built = []
    for n in range(senders):
        for _, fields in conversations.messages(block, n):
            builder = EnvironBuilder(
                path=conversations.WEBHOOK, method="POST", data=fields,
                headers={"X-Twilio-Signature": conversations.sign(fields)},
                base_url=conversations.PUBLIC_BASE)
            environ = builder.get_environ()
            built.append((environ, environ["wsgi.input"].read()))
            builder.close()
    return built


def answer(app: Any, requests: Sequence[Environ]) -> int:
    """Answer every request through the WSGI app; raise unless each is a 200."""
    started: list[str] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> None:
        started.append(status)

    for environ, body in requests:
        started.clear()
        response = app({**environ, "wsgi.input": io.BytesIO(body)}, start_response)
        try:
            b"".join(response)
        finally:
            getattr(response, "close", lambda: None)()
        if not started or not started[0].startswith("200"):
            raise RuntimeError(f"in-process request answered {started[:1]}")
    return len(requests)


def child(app_name: str, senders: int, batches: int, answering: bool,
          settings: dict[str, Any]) -> int:
    """Build the app and ``batches`` blocks of requests; answer them if ``answering``.
    Both runs answer one warm-up block first (caches, catalogs, connections)."""
    if app_name == "hotline":
        from hotline.app import create_app

        app = create_app(settings)
    else:
        from bench.baseline import create_app as baseline

        app = baseline(conversations.AUTH_TOKEN, conversations.PUBLIC_BASE)
    warm_up = environs(FIRST_BLOCK, 10)
    blocks = [environs(FIRST_BLOCK + 1 + i, senders) for i in range(batches)]
    answer(app, warm_up)
    answered = sum(answer(app, block) for block in blocks) if answering else 0
    if app_name == "hotline":
        app.extensions["hotline"].close()
    return answered


# -- the parent: two counted runs per app ----------------------------------------------


def count(valgrind: str, app_name: str, senders: int, batches: int,
          settings: dict[str, Any], env: dict[str, str]) -> Count:
    """Count one app's instructions per message (two runs under cachegrind)."""
    results = []
    for answering in (False, True):
        spec = json.dumps({"app": app_name, "senders": senders, "batches": batches,
                           "answering": answering, "settings": settings})
        done = subprocess.run(
            [valgrind, "--tool=cachegrind", "--cache-sim=no",
             "--cachegrind-out-file=/dev/null", sys.executable, "-m", "bench.instructions",
             "--child", spec], env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{app_name} under valgrind failed:\n{done.stderr[-3000:]}")
        results.append((refs(done.stderr), int(done.stdout.split()[-1])))
    (built_only, _), (answered, messages) = results
    return Count(app_name, built_only, answered, messages)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="./dev bench instructions", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--senders", type=int, default=100,
                        help="conversations in each counted block (default 100)")
    parser.add_argument("--batches", type=int, default=2, help="counted blocks (default 2)")
    parser.add_argument("--app", choices=("both", "hotline", "baseline"), default="both")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        spec = json.loads(args.child)
        print("messages", child(spec["app"], spec["senders"], spec["batches"],
                                spec["answering"], spec["settings"]))
        return 0

    from bench.run import Plan, services

    try:
        valgrind = ensure_installed()
    except ValgrindMissing as exc:
        print(f"instructions: {exc}", file=sys.stderr)
        return 2
    apps = ("hotline", "baseline") if args.app == "both" else (args.app,)
    counted: dict[str, Count] = {}
    with services(Plan(), keep=False) as run:
        settings = run.overrides(redis_prefix=f"{run.prefix}instr:")
        for app_name in apps:
            print(f"instructions: {app_name}, {args.batches} x {args.senders} conversations "
                  "under cachegrind (a few minutes)", flush=True)
            counted[app_name] = count(valgrind, app_name, args.senders, args.batches,
                                      settings, run.env())
    for c in counted.values():
        print(f"{c.app:9s} {c.per_message / 1e6:6.3f} M instructions a message "
              f"({c.messages} messages)")
    if len(counted) == 2:
        ratio = counted["hotline"].per_message / counted["baseline"].per_message
        print(f"hotline / baseline: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
