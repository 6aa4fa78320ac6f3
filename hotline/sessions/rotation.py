"""Redis: seal every kept value again under the newest key (``hotline db rotate``).

Sessions live hours, but a language choice lives a year: without this, dropping an old
key would make returning workers choose their language again. Only sealed values (and
the Fernet tokens written before sealing existed) are touched; a value that changed
since it was read is left to its writer, which seals under the newest key anyway.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import redis

from hotline.crypto import SEALED_V1, SEALED_V2, Crypto, Unreadable

log = logging.getLogger(__name__)

#: How a sealed value starts (either version, or a Fernet token: base64 of byte 0x80).
SEALED_STARTS = (SEALED_V1, SEALED_V2, b"gAAAAA")

# replace the value only if nobody changed it since it was read; keep its expiry
_SWAP = """
if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end
local ttl = redis.call('pttl', KEYS[1])
if ttl > 0 then redis.call('set', KEYS[1], ARGV[2], 'PX', ttl)
else redis.call('set', KEYS[1], ARGV[2]) end
return 1
"""


@dataclass
class Resealing:
    """What a run did with Redis values."""

    resealed: int = 0
    current: int = 0
    unreadable: int = 0


def reseal_values(conn: redis.Redis, crypto: Crypto, prefix: str) -> Resealing:
    """Seal again every value under ``prefix`` that the newest key did not seal."""
    swap = conn.register_script(_SWAP)
    done = Resealing()
    for key in conn.scan_iter(match=f"{prefix}*", count=1000):
        if conn.type(key) != b"string":
            continue
        value: Any = conn.get(key)
        if not isinstance(value, bytes) or not value.startswith(SEALED_STARTS):
            continue  # counters, locks, markers: nothing sealed
        try:
            fresh = crypto.reseal(value, key)
        except Unreadable:
            done.unreadable += 1
            log.warning("rotate: a Redis value opens under no configured key; left as it is")
            continue
        if fresh is None:
            done.current += 1
        elif swap(keys=[key], args=[value, fresh]):
            done.resealed += 1
    return done
