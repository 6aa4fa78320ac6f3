"""Sessions in a real Redis: pseudonymous keys, sealed values, expiry, one sender at a time."""

from __future__ import annotations

import threading

import pytest

from hotline.crypto import Crypto
from hotline.dialogue.session import Draft, Session
from hotline.dialogue.steps import StepId
from hotline.sessions.store import Busy, SessionStore

NUMBER = "+12135550100"


@pytest.fixture
def store(redis_conn, namespace) -> SessionStore:  # type: ignore[no-untyped-def]
    return SessionStore(redis_conn, Crypto("k"), prefix=f"{namespace}:", idle_seconds=7200,
                        report_keep_seconds=3 * 86400, language_keep_seconds=365 * 86400)


def _put(store: SessionStore, number: str, sid: str, session: Session, reply: bytes) -> None:
    """Handle one message as the service does: begin (lock and load), then save."""
    store.save(store.begin(number, sid), session, reply)


def test_a_saved_session_loads_back(store: SessionStore) -> None:
    session = Session(locale="ko", step=StepId.EMPLOYER, draft=Draft(industry="garment"),
                      updated=123)
    _put(store, NUMBER, "SM1", session, b'["reply"]')
    loaded = store.load(NUMBER, "SM2")
    assert loaded.session == session and loaded.earlier_reply is None


def test_keys_and_values_never_contain_the_number_or_the_words(store: SessionStore, redis_conn,  # type: ignore[no-untyped-def]
                                                              namespace: str) -> None:
    session = Session(locale="es", step=StepId.DETAILS,
                      draft=Draft(employer="Taqueria Sol", details=("no me pagan",)))
    _put(store, NUMBER, "SM1", session, b"Negocio: Taqueria Sol")
    keys = list(redis_conn.scan_iter(match=f"{namespace}:*"))
    assert keys
    for key in keys:
        value = redis_conn.get(key) or b""
        for secret in (b"2135550100", b"Taqueria", b"no me pagan"):
            assert secret not in key and secret not in value


def test_a_message_sid_seen_before_returns_the_earlier_reply(store: SessionStore) -> None:
    _put(store, NUMBER, "SM1", Session(locale="en"), b'["first answer"]')
    assert store.load(NUMBER, "SM1").earlier_reply == b'["first answer"]'


def test_an_unfinished_report_outlives_an_idle_session_but_expires(store: SessionStore,  # type: ignore[no-untyped-def]
                                                                  redis_conn, namespace) -> None:
    _put(store, NUMBER, "SM1", Session(locale="en", step=StepId.MENU), b"[]")
    state_key, language_key, *_ = store._keys(NUMBER)
    assert 0 < redis_conn.ttl(state_key) <= 7200
    assert redis_conn.ttl(language_key) > 300 * 86400
    _put(store, NUMBER, "SM2", Session(locale="en", draft=Draft(industry="market")), b"[]")
    assert 7200 < redis_conn.ttl(state_key) <= 3 * 86400


def test_the_language_is_remembered_after_the_session_expires(store: SessionStore,  # type: ignore[no-untyped-def]
                                                             redis_conn) -> None:
    _put(store, NUMBER, "SM1", Session(locale="ko", step=StepId.RIGHTS), b"[]")
    redis_conn.delete(store._keys(NUMBER)[0])
    assert store.load(NUMBER, "SM2").session == Session(locale="ko")


def test_the_kept_language_is_sealed_to_its_own_key(store: SessionStore, redis_conn) -> None:  # type: ignore[no-untyped-def]
    _put(store, NUMBER, "SM1", Session(locale="ko", step=StepId.RIGHTS), b"[]")
    state_key, language_key, *_ = store._keys(NUMBER)
    kept = redis_conn.get(language_key)
    assert kept and kept != b"ko" and kept.startswith(b"\x02")  # a year of "writes Korean"
    assert store.crypto.unseal(kept, language_key.encode()) == b"ko"
    other_key = store._keys("+12135550199")[1]
    redis_conn.set(other_key, kept)  # copied under another sender's key: does not open
    assert store.load("+12135550199", "SM2").session.locale is None


def test_a_language_kept_in_clear_before_the_upgrade_is_read_then_sealed(  # type: ignore[no-untyped-def]
        store: SessionStore, redis_conn) -> None:
    language_key = store._keys(NUMBER)[1]
    redis_conn.set(language_key, b"es")
    assert store.load(NUMBER, "SM1").session == Session(locale="es")
    _put(store, NUMBER, "SM2", Session(locale="es"), b"[]")
    assert redis_conn.get(language_key) != b"es"


def test_a_second_message_waits_for_the_first_then_gives_up(store: SessionStore) -> None:
    first = store.begin(NUMBER, "SM1")
    with pytest.raises(Busy):
        store.begin(NUMBER, "SM2", wait=0.1)
    released = threading.Timer(0.1, store.unlock, (first,))
    released.start()
    second = store.begin(NUMBER, "SM2", wait=3)
    released.join()
    store.unlock(second)


def test_saving_releases_the_lock_and_counts_messages_of_the_minute(store: SessionStore) -> None:
    first = store.begin(NUMBER, "SM1", minute=7)
    assert first.loaded.recent == 1
    store.save(first, Session(locale="en"), b"[]")
    second = store.begin(NUMBER, "SM2", minute=7, wait=0)  # not busy: save unlocked
    assert second.loaded.recent == 2 and second.loaded.session == Session(locale="en")
    store.unlock(second)
    assert store.begin(NUMBER, "SM3", minute=8, wait=0).loaded.recent == 1


def test_a_garbled_value_starts_a_fresh_conversation(store: SessionStore, redis_conn) -> None:  # type: ignore[no-untyped-def]
    redis_conn.set(store._keys(NUMBER)[0], b"not a sealed value")
    assert store.load(NUMBER, "SM9").session == Session()


def test_forget_removes_everything_about_a_sender(store: SessionStore, redis_conn,  # type: ignore[no-untyped-def]
                                                  namespace: str) -> None:
    _put(store, NUMBER, "SM1", Session(locale="ko", draft=Draft(name="민수")), b"[]")
    _put(store, NUMBER, "SM2", Session(locale="ko"), b"[]")
    _put(store, "+13235550000", "SM3", Session(locale="es"), b"[]")
    store.forget(NUMBER)
    assert all(not redis_conn.exists(k) for k in store._keys(NUMBER))
    assert store.load(NUMBER, "SM1").earlier_reply is None
    assert store.load("+13235550000", "SM3").earlier_reply == b"[]"


def test_while_a_senders_messages_wait_in_the_spool_the_next_ones_go_behind(
        store: SessionStore) -> None:
    from hotline.sessions.store import Behind

    store.mark_queued(NUMBER)
    with pytest.raises(Behind):
        store.begin(NUMBER, "SM2", wait=0)
    store.unlock(store.begin(NUMBER, "SM1", replaying=True))  # the drain replays the kept
    store.unmark_queued(NUMBER)
    store.unlock(store.begin(NUMBER, "SM3", wait=0))
    store.begin("+12135550199", "SM4", wait=0)  # other senders never wait


def test_a_replayed_message_takes_back_the_lock_its_timed_out_try_left(
        store: SessionStore) -> None:
    # a try that timed out on the client, but that Redis ran later: the lock is its
    orphan = store.begin(NUMBER, "SM1", token="a" * 32)
    assert orphan.token == "a" * 32
    with pytest.raises(Busy):
        store.begin(NUMBER, "SM2", wait=0)
    with pytest.raises(Busy):
        store.begin(NUMBER, "SM1", wait=0, replaying=True, take_over="b" * 32)
    turn = store.begin(NUMBER, "SM1", wait=0, replaying=True, take_over="a" * 32)
    store.save(turn, Session(locale="en"), b"[]")
    store.unlock(store.begin(NUMBER, "SM2", wait=0))  # the lock was given back


def test_erasure_forgets_the_mark_too(store: SessionStore) -> None:
    from hotline.sessions.store import Behind

    store.mark_queued(NUMBER)
    store.forget(NUMBER)
    try:
        store.unlock(store.begin(NUMBER, "SM1", wait=0))
    except Behind:
        pytest.fail("the mark outlived erasure")
