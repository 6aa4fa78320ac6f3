"""The floor (``bench/floor.py``): the baseline's fixed reply behind the hotline's
signature check, with each sender's conversation locked, loaded, sealed and saved in a
real Redis as the hotline does; and what the results say of it."""

from __future__ import annotations

from typing import Any

import redis

from bench import conversations
from bench.floor import PREFIX, create_app
from bench.report import TARGET_CONCURRENCY, floor_note, table


def floor_client(redis_url: str, namespace: str) -> Any:
    app = create_app({"TWILIO_AUTH_TOKEN": conversations.AUTH_TOKEN,
                      "PUBLIC_BASE_URL": conversations.PUBLIC_BASE, "REDIS_URL": redis_url,
                      "REDIS_PREFIX": f"{namespace}:", "HOTLINE_SECRET_KEY": "floor-test-key"})
    return app.test_client()


def post(client: Any, fields: dict[str, str], signature: str | None = None) -> Any:
    return client.post(conversations.WEBHOOK, data=fields,
                       base_url=conversations.PUBLIC_BASE,
                       headers={"X-Twilio-Signature": signature or conversations.sign(fields)})


def test_each_signed_message_gets_the_fixed_reply_and_its_sender_a_sealed_session(
        redis_url: str, namespace: str, redis_conn: redis.Redis) -> None:
    client = floor_client(redis_url, namespace)
    forms = [fields for _, fields in conversations.messages(900, 1)][:3]
    for fields in forms:  # one sender, one message after another: each unlocks the next
        answered = post(client, fields)
        assert answered.status_code == 200
        assert b"Menu principal" in answered.data
    keys = {k.decode() for k in redis_conn.scan_iter(match=f"{namespace}:{PREFIX}*")}
    number = forms[0]["From"].removeprefix("whatsapp:")
    assert keys and not any(number[1:] in key for key in keys)  # pseudonyms only
    (state,) = [k for k in keys if k.startswith(f"{namespace}:{PREFIX}s:")]
    assert redis_conn.get(state)[:1] != b"{"  # sealed, not JSON
    assert not [k for k in keys if k.startswith(f"{namespace}:{PREFIX}k:")]  # unlocked


def test_a_message_without_a_valid_signature_is_refused_and_leaves_nothing(
        redis_url: str, namespace: str, redis_conn: redis.Redis) -> None:
    client = floor_client(redis_url, namespace)
    _, fields = next(conversations.messages(901, 1))
    assert post(client, fields, signature="bm90IGl0").status_code == 403
    assert list(redis_conn.scan_iter(match=f"{namespace}:*")) == []


def closed(server: str, throughput: float) -> dict[str, Any]:
    return {"server": server, "concurrency": TARGET_CONCURRENCY, "throughput": throughput,
            "p99": 5.0}


def test_the_results_say_what_the_floor_leaves_of_the_target() -> None:
    rows = {(r["server"], r["concurrency"]): r for r in
            (closed("baseline", 4000), closed("floor", 2800), closed("hotline", 2000))}
    note = floor_note(rows)
    assert "**0.700 × the baseline**" in note
    assert "the hotline reached 0.71 × the floor" in note
    # at 0.6 a message may take 1.67 x the baseline's time; the floor takes 1.43 x
    assert "which leaves 0.24 × for everything the hotline does beyond it" in note
    assert "floor (sessions only) at concurrency 16: 2800 msg/s, 0.70 x the baseline" in (
        table({"closed": list(rows.values())}))


def test_a_floor_below_the_target_leaves_nothing_and_no_floor_says_nothing() -> None:
    rows = {(r["server"], r["concurrency"]): r for r in
            (closed("baseline", 4000), closed("floor", 2000))}
    assert "which leaves nothing for what the hotline does beyond it" in floor_note(rows)
    assert floor_note({("baseline", TARGET_CONCURRENCY): closed("baseline", 4000)}) == ""
