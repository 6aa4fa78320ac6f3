"""What one inbound message costs, counted in-process on the real Service.

Redis round trips and commands are counted on the client (every packed send is one
round trip: a single command, an EVAL, a whole pipeline, or a script of the kept
connection, whose reply may be read at the next call) and on the server (``INFO
commandstats``, which also counts the commands a Lua script runs). SQL statements are
counted with SQLAlchemy's ``before_cursor_execute`` event. Memory per session is read
from ``MEMORY USAGE`` of every key the sessions made and from ``INFO memory``.
"""

from __future__ import annotations

import logging
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import redis
from redis.connection import AbstractConnection
from sqlalchemy import event

from bench import conversations
from bench.conversations import Kind
from bench.phases import next_block, say
from hotline.crypto import Crypto
from hotline.dialogue.inbound import Inbound, from_twilio_form
from hotline.service import Service
from hotline.sessions.wire import KeptConnection

if TYPE_CHECKING:
    from bench.run import Run

#: Message types the report tells apart.
DUPLICATE = "duplicate"
"""Twilio's retry of a MessageSid already answered (served from the reply cache)."""
TYPES = (str(Kind.STEP), str(Kind.FILE), DUPLICATE)


@dataclass
class RedisCounter:
    """Counts round trips and commands of every redis-py connection in this process."""

    round_trips: int = 0
    commands: int = 0
    names: Counter[str] = field(default_factory=Counter)
    active: bool = False

    @contextmanager
    def installed(self) -> Iterator[RedisCounter]:
        """Wrap redis-py's send paths, and the kept connection's, while the block runs."""
        counter = self
        kept_send = KeptConnection._sendall
        send_packed = AbstractConnection.send_packed_command
        send = AbstractConnection.send_command
        pack_many = AbstractConnection.pack_commands

        def send_packed_command(conn: Any, command: Any, check_health: bool = True) -> Any:
            if counter.active:
                counter.round_trips += 1
            return send_packed(conn, command, check_health)

        def send_command(conn: Any, *args: Any, **kwargs: Any) -> Any:
            if counter.active:
                counter._count(args)
            return send(conn, *args, **kwargs)

        def pack_commands(conn: Any, commands: Any) -> Any:
            commands = list(commands)
            if counter.active:
                for args in commands:
                    counter._count(args)
            return pack_many(conn, commands)

        def kept_sendall(kept: Any, sock: Any, sha: str, *args: Any) -> Any:
            # one EVALSHA a round trip (save's reply is read at the next call, not waited for)
            if counter.active:
                counter.round_trips += 1
                counter._count(("EVALSHA",))
            return kept_send(kept, sock, sha, *args)

        AbstractConnection.send_packed_command = send_packed_command  # type: ignore[method-assign]
        AbstractConnection.send_command = send_command  # type: ignore[method-assign,assignment]
        AbstractConnection.pack_commands = pack_commands  # type: ignore[method-assign]
        KeptConnection._sendall = kept_sendall  # type: ignore[method-assign]
        try:
            yield self
        finally:
            AbstractConnection.send_packed_command = send_packed  # type: ignore[method-assign]
            AbstractConnection.send_command = send  # type: ignore[method-assign]
            AbstractConnection.pack_commands = pack_many  # type: ignore[method-assign]
            KeptConnection._sendall = kept_send  # type: ignore[method-assign]

    def _count(self, args: tuple[Any, ...]) -> None:
        name = args[0].decode() if isinstance(args[0], bytes) else str(args[0])
        name = name.upper()
        if name in ("MULTI", "EXEC"):
            return  # a transaction's brackets travel in the same round trip
        self.commands += 1
        self.names[name.split()[0]] += 1


@dataclass
class SqlCounter:
    """Counts SQL statements (and their first words) on one engine."""

    statements: int = 0
    names: Counter[str] = field(default_factory=Counter)
    active: bool = False

    def attach(self, engine: Any) -> None:
        def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            if self.active:
                self.statements += 1
                words = statement.split()
                verb = words[0].upper() if words else "?"
                table = _table_of(words)
                self.names[f"{verb} {table}".strip()] += 1

        event.listen(engine, "before_cursor_execute", before)


def _table_of(words: list[str]) -> str:
    """Return the table a statement names after INTO, FROM or UPDATE."""
    upper = [w.upper() for w in words]
    for keyword in ("INTO", "FROM", "UPDATE"):
        if keyword in upper:
            i = upper.index(keyword) + 1
            return words[i].strip('"') if i < len(words) else ""
    return ""


def server_calls(conn: redis.Redis) -> dict[str, int]:
    """Return the server's command counts (``INFO commandstats``), without INFO itself."""
    stats = conn.info("commandstats")
    return {name.removeprefix("cmdstat_"): int(v["calls"]) for name, v in stats.items()
            if name != "cmdstat_info"}


def server_cpu(conn: redis.Redis) -> float:
    """Return the server's CPU seconds so far (user + system)."""
    info = conn.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


@dataclass
class TypeCost:
    """Per-message figures of one message type."""

    messages: int = 0
    round_trips: list[int] = field(default_factory=list)
    commands: list[int] = field(default_factory=list)
    server_commands: list[int] = field(default_factory=list)
    sql: list[int] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    redis_names: Counter[str] = field(default_factory=Counter)
    server_names: Counter[str] = field(default_factory=Counter)
    sql_names: Counter[str] = field(default_factory=Counter)

    def summary(self) -> dict[str, Any]:
        def stats(values: list[int]) -> dict[str, float]:
            if not values:
                return {"mean": 0.0, "min": 0, "max": 0}
            return {"mean": statistics.fmean(values), "min": min(values), "max": max(values)}

        n = max(self.messages, 1)
        return {
            "messages": self.messages,
            "round_trips": stats(self.round_trips),
            "commands": stats(self.commands),
            "server_commands": stats(self.server_commands),
            "sql": stats(self.sql),
            "cpu_ms": statistics.fmean(self.cpu_ms) if self.cpu_ms else 0.0,
            "redis_commands": {k: v / n for k, v in self.redis_names.most_common()},
            "server_command_names": {k: v / n for k, v in self.server_names.most_common()},
            "sql_statements": {k: v / n for k, v in self.sql_names.most_common()},
        }


def per_message(service: Service, block: int, senders: int, duplicates: int
                ) -> dict[str, Any]:
    """Run ``senders`` conversations (every script) through ``service``; count each message.

    Returns the figures of each message type, and the CPU the process and the Redis
    server spent per message.
    """
    probe = redis.Redis(connection_pool=service.conn.connection_pool)
    rc = RedisCounter()
    sc = SqlCounter()
    sc.attach(service.cases.engine)
    costs = {t: TypeCost() for t in TYPES}
    sent: list[Inbound] = []
    cpu = 0.0
    messages = 0
    redis_cpu_before = server_cpu(probe)

    def one(kind: str, inbound: Inbound) -> None:
        nonlocal cpu, messages
        before = server_calls(probe)
        rc.round_trips = rc.commands = 0
        rc.names.clear()
        sc.statements = 0
        sc.names.clear()
        rc.active = sc.active = True
        started = time.process_time()
        service.handle(inbound)
        spent = time.process_time() - started
        cpu += spent
        messages += 1
        rc.active = sc.active = False
        after = server_calls(probe)
        delta = {k: after.get(k, 0) - before.get(k, 0) for k in after}
        delta = {k: v for k, v in delta.items() if v}
        cost = costs[kind]
        cost.messages += 1
        cost.round_trips.append(rc.round_trips)
        cost.commands.append(rc.commands)
        cost.server_commands.append(sum(delta.values()))
        cost.sql.append(sc.statements)
        cost.cpu_ms.append(spent * 1000)
        cost.redis_names.update(rc.names)
        cost.server_names.update(delta)
        cost.sql_names.update(sc.names)

    with rc.installed():
        for n in range(senders):
            for message, fields in conversations.messages(block, n):
                inbound = from_twilio_form(fields)
                one(str(message.kind), inbound)
                sent.append(inbound)
        for inbound in sent[:: max(1, len(sent) // max(duplicates, 1))][:duplicates]:
            one(DUPLICATE, inbound)
    redis_cpu = server_cpu(probe) - redis_cpu_before
    return {
        "types": {t: c.summary() for t, c in costs.items()},
        "process_cpu_ms": cpu / max(messages, 1) * 1000,
        "redis_cpu_ms": redis_cpu / max(messages, 1) * 1000,
    }


def session_memory(service: Service, block: int, sessions: int, crypto: Crypto,
                   progress: Callable[[str], None] = print) -> dict[str, Any]:
    """Create ``sessions`` conversations of one message each; measure what Redis keeps.

    The service must have a key prefix of its own, so every key under it is ours.
    """
    conn = service.conn
    prefix = service.settings.redis_prefix
    conn.execute_command("MEMORY", "PURGE")  # no-op without jemalloc; settles the baseline
    before = int(conn.info("memory")["used_memory"])
    greetings = ("Hola, necesito ayuda", "안녕하세요", "hello, I need help")
    started = time.monotonic()
    for n in range(sessions):
        fields = conversations.form(block, n, 0)
        fields["Body"] = greetings[n % len(greetings)]
        service.handle(from_twilio_form(fields))
        if n and n % 2000 == 0:
            progress(f"  {n} sessions ({time.monotonic() - started:.0f} s)")
    after = int(conn.info("memory")["used_memory"])
    by_kind: dict[str, list[int]] = {}
    sample_value: dict[str, bytes] = {}
    sample_key: dict[str, bytes] = {}
    keys = list(conn.scan_iter(match=f"{prefix}*", count=1000))
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        pipe = conn.pipeline(transaction=False)
        for key in chunk:
            pipe.memory_usage(key, samples=0)
        for key, usage in zip(chunk, pipe.execute(), strict=True):
            kind = _key_kind(key.decode(), prefix)
            by_kind.setdefault(kind, []).append(int(usage or 0))
            if kind not in sample_value:
                raw = conn.get(key)
                if isinstance(raw, bytes):
                    sample_value[kind] = raw
                    sample_key[kind] = key
    # drop what each message leaves (reply cache, rate counter): what stays is the session
    per_message_keys = [k for k in keys
                        if _key_kind(k.decode(), prefix) in ("reply", "rate", "handled")]
    for start in range(0, len(per_message_keys), 1000):
        conn.delete(*per_message_keys[start:start + 1000])
    residual = int(conn.info("memory")["used_memory"])
    session_json = ""
    if "session" in sample_value:
        session_json = crypto.unseal(sample_value["session"], sample_key["session"]).decode()
    return {
        "sessions": sessions,
        "used_memory_delta_per_session": (after - before) / max(sessions, 1),
        "used_memory_residual_per_session": (residual - before) / max(sessions, 1),
        "keys": {kind: {"count": len(v), "mean": statistics.fmean(v), "max": max(v)}
                 for kind, v in sorted(by_kind.items())},
        "sample_session_json": session_json,
        "handled_deleted": True,
        "sample_value_bytes": {k: len(v) for k, v in sample_value.items()},
    }


def draft_session_size(service: Service, block: int) -> dict[str, Any]:
    """Return the size of the largest kind of session: a full report awaiting confirmation."""
    conn = service.conn
    prefix = service.settings.redis_prefix
    n = 0  # the Spanish report: a long story and a photo
    for message, fields in conversations.messages(block, n):
        if message.kind == Kind.FILE:
            break
        service.handle(from_twilio_form(fields))
    who = service.crypto.sender_id(conversations.phone(block, n))
    for key in conn.scan_iter(match=f"{prefix}*{who}*", count=1000):
        if _key_kind(key.decode(), prefix) == "session":
            raw = conn.get(key)
            raw = raw if isinstance(raw, bytes) else b""
            return {"memory_usage": int(conn.memory_usage(key, samples=0) or 0),
                    "value_bytes": len(raw),
                    "json_bytes": len(service.crypto.unseal(raw, key))}
    return {}


def wsgi_cpu(app: Any, block: int, senders: int) -> float:
    """Return the CPU milliseconds ``app`` spends per message through the Flask test client
    (no server, no sockets: the application's own cost), over ``senders`` conversations."""
    client = app.test_client()
    requests = [(fields, conversations.sign(fields)) for n in range(senders)
                for _, fields in conversations.messages(block, n)]
    started = time.process_time()
    for fields, signature in requests:
        response = client.post(conversations.WEBHOOK, data=fields,
                               headers={"X-Twilio-Signature": signature})
        if response.status_code != 200:
            raise RuntimeError(f"in-process request answered {response.status_code}")
    return (time.process_time() - started) / len(requests) * 1000


def _key_kind(key: str, prefix: str) -> str:
    """Name a hotline key by its role: session, language, reply (dedupe), rate, lock,
    handled (a MessageSid, kept through erasure), whatsapp window."""
    rest = key.removeprefix(prefix)
    tag = rest.split(":", 1)[0]
    return {"s": "session", "l": "language", "m": "reply", "r": "rate", "k": "lock",
            "h": "handled", "wa": "whatsapp window"}.get(
        tag, tag or "other")


def measure(run: Run) -> None:
    """Count what one message costs, and what an idle session keeps in Redis."""
    from bench.baseline import create_app as baseline_app
    from hotline import config
    from hotline.app import create_app
    from hotline.crypto import Crypto
    from hotline.service import Service

    # the app logs each message at INFO, as in production; here into a file
    logging.basicConfig(filename=str(run.var / "in-process.log"), level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    plan = run.plan
    settings = config.load(environ={}, **run.overrides(redis_prefix=f"{run.prefix}cost:"))
    service = Service.from_settings(settings)
    try:
        say(f"costs: {plan.cost_senders} conversations in-process, counting Redis and SQL")
        run.results["costs"] = per_message(service, next_block(), plan.cost_senders,
                                                 duplicates=20)
        run.results["draft_session"] = draft_session_size(service, next_block())
    finally:
        service.close()

    say("costs: CPU per message through the Flask test client (no server)")
    app = create_app(run.overrides(redis_prefix=f"{run.prefix}cpu:"))
    base = baseline_app(conversations.AUTH_TOKEN, conversations.PUBLIC_BASE)
    cpu_senders = max(plan.cost_senders * 2, 20)
    wsgi_cpu(app, next_block(), 10)  # warm up both (catalogs, lexicon, pools)
    wsgi_cpu(base, next_block(), 10)
    hotline_cpu = wsgi_cpu(app, next_block(), cpu_senders)
    baseline_cpu = wsgi_cpu(base, next_block(), cpu_senders)
    app.extensions["hotline"].close()
    run.results["wsgi_cpu_ms"] = {"hotline": hotline_cpu, "baseline": baseline_cpu}

    say(f"costs: Redis memory of {plan.sessions} sessions")
    settings = config.load(environ={}, **run.overrides(redis_prefix=f"{run.prefix}mem:"))
    service = Service.from_settings(settings)
    try:
        run.results["memory"] = session_memory(
            service, next_block(), plan.sessions,
            Crypto(settings.secret_key, settings.encryption_keys), progress=say)
    finally:
        service.close()
