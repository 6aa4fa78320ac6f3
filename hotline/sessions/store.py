"""Redis: sessions, language choices, duplicate detection and the per-sender lock.

Keys carry the HMAC of the sender, never the number; every value is sealed, because a
session holds the worker's unfinished report and even a language choice, kept a year,
says something about a person.

Two records say a MessageSid was handled: the reply given to it, under the sender's
pseudonym (erasure deletes it with everything else of theirs), and a bare mark
``h:<MessageSid>`` that names no sender and outlives erasure, so reconciliation never
replays the messages of a worker who asked to be forgotten, nor an organizer's command.
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from typing import Any

import redis

from hotline.crypto import Crypto
from hotline.dialogue.records import replace
from hotline.dialogue.session import Session
from hotline.sessions.wire import KeptConnection

#: How long a processed MessageSid is remembered with the reply we gave (Twilio retries
#: within seconds; a day covers reconciliation runs too).
DEDUPE_SECONDS = 24 * 3600
#: How long the bare mark of a handled MessageSid is kept: longer than reconciliation
#: ever looks back (``upkeep.LOOKBACK_LIMIT``).
HANDLED_SECONDS = 8 * 86400
#: How long one sender's lock lives if its holder dies.
LOCK_SECONDS = 10
#: How long a second message from the same sender waits for the first to finish
#: (kept under Twilio's patience; after it the message goes to the spool).
LOCK_WAIT_SECONDS = 1.5


class Busy(RuntimeError):
    """Another message from the same sender is still being handled."""


class Behind(Busy):
    """Earlier messages from the same sender wait in the spool: this one goes behind them."""


#: How long a sender's "messages wait in the spool" mark lives if the drain never clears
#: it (the drain clears it as soon as their last kept message is replayed).
QUEUED_SECONDS = 3600


#: Window of the per-sender message counter used to throttle replies.
RATE_WINDOW_SECONDS = 60
#: WhatsApp lets a business write free text this long after the person's last message;
#: ``begin`` stamps each WhatsApp message's time under ``window_key`` for that long.
WHATSAPP_WINDOW_SECONDS = 24 * 3600


def window_key(prefix: str, who: str) -> str:
    """Return the key of a number's last WhatsApp message time (``who``: its pseudonym)."""
    return f"{prefix}wa:{who}"


def held_key(prefix: str, who: str) -> str:
    """Return the key that marks a number as having messages held for it."""
    return f"{prefix}held:{who}"


def talk_key(prefix: str, who: str) -> str:
    """Return the key that marks a number as talking with an organizer (its value: the
    conversation's id; ``hotline.conversations``)."""
    return f"{prefix}t:{who}"

#: A sender with nothing kept (frozen: shared by every load).
_FRESH = Session()
#: A language choice as it was kept before it was sealed (``ko``, ``es``, ``pt_BR``).
_CLEAR_LOCALE = re.compile(rb"[a-z]{2,3}(_[A-Za-z]{2,4})?")


@dataclass(frozen=True, slots=True)
class Loaded:
    """What one load brings back: the session and, for a duplicate, the earlier reply.

    ``recent`` counts this sender's messages in the last minute (throttling);
    ``handled`` says the MessageSid was handled before even if its reply is gone (erased);
    ``opted_out`` that the sender sent STOP (the session then says so too); ``held`` that
    messages wait for this sender to write (``hotline.outbound.to_worker``); ``talk`` the
    id of the conversation with an organizer this sender is in, if any.
    """

    session: Session
    earlier_reply: bytes | None
    recent: int = 0
    handled: bool = False
    opted_out: bool = False
    held: bool = False
    talk: int | None = None


@dataclass(frozen=True, slots=True)
class Turn:
    """One message being handled: what ``begin`` loaded, the sender's keys (one HMAC a
    message) and the token of the lock ``save`` or ``unlock`` gives back."""

    loaded: Loaded
    keys: tuple[str, ...]
    sid: str
    token: str


class SessionStore:
    """Load and save conversations of senders, one sender at a time."""

    def __init__(self, conn: redis.Redis, crypto: Crypto, *, prefix: str = "hl:",
                 idle_seconds: int = 7200, report_keep_seconds: int = 72 * 3600,
                 language_keep_seconds: int = 365 * 86400) -> None:
        self.conn = conn
        self.crypto = crypto
        self.prefix = prefix
        self.idle_seconds = idle_seconds
        self.report_keep_seconds = report_keep_seconds
        self.language_keep_seconds = language_keep_seconds
        # sent as EVALSHA (the script text travels once per connection pool)
        self._begin_script = conn.register_script(_BEGIN)
        self._save_script = conn.register_script(_SAVE)
        self._unlock_script = conn.register_script(_UNLOCK)
        # begin and save: every message, so lean
        self._kept = KeptConnection(conn, (self._begin_script, self._save_script))

    def preload(self) -> None:
        """Load the scripts into Redis now, so no message pays for it (at start-up)."""
        for script in (_BEGIN, _SAVE, _UNLOCK):
            self.conn.script_load(script)

    # -- keys -------------------------------------------------------------------------

    def _handled_key(self, sid: str) -> str:
        return f"{self.prefix}h:{sid}"

    def mark_handled(self, sid: str) -> None:
        """Record that a MessageSid was handled, naming no sender (survives erasure)."""
        self.conn.set(self._handled_key(sid), b"1", ex=HANDLED_SECONDS)

    def first_time(self, sid: str) -> bool:
        """Mark a MessageSid handled; False if it was already (organizers' commands)."""
        return bool(self.conn.set(self._handled_key(sid), b"1", nx=True, ex=HANDLED_SECONDS))

    def _queued_key(self, state_key: str) -> str:
        # the sender has messages waiting in the spool: later ones wait behind them
        return f"{self.prefix}q:{state_key[len(self.prefix) + 2:]}"

    def mark_queued(self, sender: str) -> None:
        """Remember that a message of this sender waits in the spool (``begin`` then
        refuses the sender's later messages with ``Behind``, until ``unmark_queued``)."""
        self.conn.set(self._queued_key(self._keys(sender)[0]), b"1", ex=QUEUED_SECONDS)

    def unmark_queued(self, sender: str) -> None:
        """Forget that the sender has messages in the spool (the drain replayed them)."""
        self.conn.delete(self._queued_key(self._keys(sender)[0]))

    def _optout_key(self, state_key: str) -> str:
        # the sender's opt-out flag: no expiry, and erasure leaves it (STOP outlives it)
        return f"{self.prefix}o:{state_key[len(self.prefix) + 2:]}"

    def opt_out(self, sender: str) -> None:
        """Remember in Redis that this sender sent STOP (until ``opt_in``)."""
        self.conn.set(self._optout_key(self._keys(sender)[0]), b"1")

    def opt_in(self, sender: str) -> None:
        """Forget a sender's STOP."""
        self.conn.delete(self._optout_key(self._keys(sender)[0]))

    def _keys(self, sender: str) -> tuple[str, str, str, str, str, str, str, str]:
        """Return the sender's state, language, lock and rate keys, the start of the keys
        of its replies, and its WhatsApp window, held-messages and conversation keys (the
        pseudonym is in each, so erasure can find every one)."""
        who = self.crypto.sender_id(sender)
        p = self.prefix
        return (f"{p}s:{who}", f"{p}l:{who}", f"{p}k:{who}", f"{p}r:{who}", f"{p}m:{who}:",
                window_key(p, who), held_key(p, who), talk_key(p, who))

    # -- lock -------------------------------------------------------------------------

    def unlock(self, turn: Turn) -> None:
        """Release the lock only if we still hold it."""
        self._unlock_script(keys=[turn.keys[2]], args=[turn.token])

    # -- load / save ------------------------------------------------------------------

    def load(self, sender: str, sid: str) -> Loaded:
        """Return the session and any reply already given to this MessageSid (no lock)."""
        state_key, language_key, _, _, replies, *_ = self._keys(sender)
        values: list[Any] = self.conn.mget(state_key, language_key, replies + sid)
        return self._loaded(state_key, language_key, replies + sid, *values)

    def language(self, sender: str) -> str | None:
        """Return the language a sender chose or wrote in, if it is remembered (the
        voice line skips its language choice for a worker who has texted us)."""
        key = self._keys(sender)[1]
        raw: bytes | None = self.conn.get(key)  # type: ignore[assignment]
        return self._language(raw, key) if raw else None

    def begin(self, sender: str, sid: str, minute: int = 0,
              wait: float = LOCK_WAIT_SECONDS, *, whatsapp_at: int | None = None,
              token: str | None = None, replaying: bool = False,
              take_over: str | None = None) -> Turn:
        """Lock the sender, load the session, check the MessageSid and count the message
        in the current ``minute`` (epoch minutes), all in one round trip; wait briefly
        while another message holds the lock. ``whatsapp_at`` (epoch seconds) stamps a
        WhatsApp message's time, which opens WhatsApp's 24-hour window.

        Raises ``Behind`` while the sender's earlier messages wait in the spool, unless
        ``replaying`` one of them; ``take_over`` is the lock token of the replayed
        message's first try (a ``begin`` that timed out may still have run later and
        left the lock with that token: its message takes it back).
        """
        keys = self._keys(sender)
        state_key, language_key, lock_key, rate_key, replies, window, held, talk = keys
        script_keys = [lock_key, state_key, language_key, replies + sid, f"{rate_key}:{minute}",
                       self._handled_key(sid), self._optout_key(state_key), window, held,
                       talk, self._queued_key(state_key)]
        token = token or secrets.token_hex(16)
        stamp = "" if whatsapp_at is None else str(whatsapp_at)
        deadline = time.monotonic() + wait
        while True:
            result: list[Any] = self._kept.run(
                self._begin_script, script_keys,
                [token, LOCK_SECONDS, RATE_WINDOW_SECONDS, stamp, WHATSAPP_WINDOW_SECONDS,
                 "1" if replaying else "", take_over or ""])
            if result[0] == 2:
                raise Behind("earlier messages of this sender wait in the spool")
            if result[0] == 1:
                loaded = self._loaded(state_key, language_key, replies + sid, result[1],
                                      result[2], result[3], int(result[4]), bool(result[5]),
                                      bool(result[6]), bool(result[7]), _talk(result[8]))
                return Turn(loaded, keys, sid, token)
            if time.monotonic() >= deadline:
                raise Busy("sender is busy")
            time.sleep(0.02)

    def _loaded(self, state_key: str, language_key: str, reply_key: str,
                raw_state: bytes | None, raw_language: bytes | None, earlier: bytes | None,
                recent: int = 0, handled: bool = False, opted_out: bool = False,
                held: bool = False, talk: int | None = None) -> Loaded:
        if earlier:
            earlier = self._open(earlier, reply_key)
        session = _FRESH
        if raw_state:
            opened = self._open(raw_state, state_key)
            if opened:
                session = Session.from_json(opened)
        if session.locale is None and raw_language:
            locale = self._language(raw_language, language_key)
            if locale:
                session = replace(session, locale=locale)
        if opted_out and not session.opted_out:
            session = replace(session, opted_out=True)
        return Loaded(session, earlier or None, recent, handled or bool(earlier), opted_out,
                      held, talk)

    def _language(self, raw: bytes, key: str) -> str | None:
        """Open a kept language choice; one kept in clear before values were sealed is
        read once more (the next save seals it)."""
        if _CLEAR_LOCALE.fullmatch(raw):
            return raw.decode()
        opened = self._open(raw, key)
        return opened.decode() if opened else None

    def save(self, turn: Turn, session: Session, reply: bytes) -> None:
        """Store the session, the language and the reply to the turn's MessageSid, and
        unlock, at once (one script: atomic). Its reply is not waited for: Redis runs it
        before anything sent after it, and the next message reads it (``KeptConnection``).
        """
        state_key, language_key, lock_key, _, replies, *_ = turn.keys
        keep = self.report_keep_seconds if not session.draft.is_empty() else self.idle_seconds
        reply_key = replies + turn.sid
        locale = self._seal(session.locale.encode(), language_key) if session.locale else ""
        self._kept.send(self._save_script, [state_key, language_key, reply_key, lock_key,
                                            self._handled_key(turn.sid)], [
            self._seal(session.to_json().encode(), state_key), keep, locale,
            self.language_keep_seconds, self._seal(reply, reply_key), DEDUPE_SECONDS,
            turn.token, HANDLED_SECONDS])

    def close(self) -> None:
        """Read the last save's reply and let the kept connection go (shutdown, tests)."""
        self._kept.close()

    def forget(self, sender: str) -> None:
        """Delete everything kept about a sender (erasure): session, language, replies,
        WhatsApp window, held-messages mark and conversation flag."""
        state, language, lock, rate, replies, window, held, talk = self._keys(sender)
        keys: list[Any] = [state, language, lock, rate, window, held, talk,
                           self._queued_key(state)]
        keys += self.conn.scan_iter(match=f"{replies}*", count=1000)
        keys += self.conn.scan_iter(match=f"{rate}:*", count=1000)
        self.conn.delete(*keys)

    def _seal(self, data: bytes, key: str) -> bytes:
        # bound to its key: a value copied under another sender's key does not open
        return self.crypto.seal(data, key.encode())

    def _open(self, data: bytes, key: str) -> bytes | None:
        try:
            return self.crypto.unseal(data, key.encode())
        except ValueError:
            return None


_BEGIN = """
if ARGV[6] == '' and redis.call('exists', KEYS[11]) == 1 then return {2} end
if not redis.call('set', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then
  if ARGV[7] == '' or redis.call('get', KEYS[1]) ~= ARGV[7] then return {0} end
  redis.call('set', KEYS[1], ARGV[1], 'EX', ARGV[2])
end
local v = redis.call('mget', KEYS[2], KEYS[3], KEYS[4], KEYS[6], KEYS[7], KEYS[10])
if v[4] then return {1, v[1], v[2], v[3], 0, v[4], v[5], 0, v[6]} end
local n = redis.call('incr', KEYS[5])
if n == 1 then redis.call('expire', KEYS[5], ARGV[3]) end
if ARGV[4] ~= '' then redis.call('set', KEYS[8], ARGV[4], 'EX', ARGV[5]) end
return {1, v[1], v[2], v[3], n, v[4], v[5], redis.call('exists', KEYS[9]), v[6]}
"""

def _talk(raw: bytes | None) -> int | None:
    """Read a conversation flag (the conversation's id); anything else is no flag."""
    return int(raw) if raw and raw.isdigit() else None


_SAVE = """
redis.call('set', KEYS[1], ARGV[1], 'EX', ARGV[2])
if ARGV[3] ~= '' then redis.call('set', KEYS[2], ARGV[3], 'EX', ARGV[4]) end
redis.call('set', KEYS[3], ARGV[5], 'EX', ARGV[6])
redis.call('set', KEYS[5], '1', 'EX', ARGV[8])
if redis.call('get', KEYS[4]) == ARGV[7] then redis.call('del', KEYS[4]) end
return 1
"""

_UNLOCK = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""
