"""Re-encryption in the real database: resumable, and a row whose key is gone never stops
the rows after it (the spool's replay included)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from hotline.crypto import Crypto, new_key
from hotline.dialogue.effects import CaseKind, FileCase
from hotline.dialogue.inbound import Channel, Inbound
from hotline.store.cases import CaseStore
from hotline.store.db import make_engine
from hotline.store.rotation import encrypted_columns, rotate_fields
from hotline.store.spool import Spool

OLD, NEW, LOST = new_key(), new_key(), new_key()


class Interrupted(Exception):
    """The operator's Ctrl-C, halfway through."""


class StopsAfter(Crypto):
    """Rotates ``left`` fields, then is interrupted."""

    def __init__(self, left: int, *args: str) -> None:
        super().__init__(*args)
        self.left = left

    def rotate(self, token: bytes) -> bytes:
        if self.left == 0:
            raise Interrupted
        self.left -= 1
        return super().rotate(token)


@pytest.fixture
def old_store(database_url: str) -> Iterator[CaseStore]:
    store = CaseStore(make_engine(database_url), Crypto("secret", OLD))
    yield store
    store.engine.dispose()


def file(store: CaseStore, n: int) -> None:
    for i in range(n):
        store.file(FileCase(kind=CaseKind.CALLBACK, locale="ko", channel="sms",
                            sender=f"+1213555010{i}", contact_method="call",
                            contact_number=f"+1213555010{i}"))


def test_every_encrypted_column_of_every_table_is_found() -> None:
    found = {table.name: sorted(c.name for c in columns)
             for table, _, columns in encrypted_columns()}
    assert found["cases"] == ["contact_enc", "details_enc", "employer_enc", "location_enc",
                              "name_enc", "sender_enc"]
    assert found["case_media"] == ["url_enc"]
    assert found["inbound_spool"] == ["payload_enc", "replies_enc"]


def test_a_rotation_stopped_halfway_continues_where_it_was(old_store: CaseStore) -> None:
    file(old_store, 4)  # 8 fields: sender and contact of each
    both = Crypto("secret", f"{NEW},{OLD}")
    with pytest.raises(Interrupted):
        rotate_fields(old_store.engine, StopsAfter(5, "secret", f"{NEW},{OLD}"), batch=2)
    resumed = rotate_fields(old_store.engine, both, batch=2)
    assert (resumed.rotated, resumed.current, resumed.unreadable) == (4, 4, 0)
    only_new = CaseStore(old_store.engine, Crypto("secret", NEW))
    assert sorted(c.contact or "" for c in only_new.newest()) == [
        f"+1213555010{i}" for i in range(4)]


def test_a_field_no_key_opens_is_counted_and_left_as_it_is(old_store: CaseStore) -> None:
    file(old_store, 1)
    file(CaseStore(old_store.engine, Crypto("secret", LOST)), 1)
    done = rotate_fields(old_store.engine, Crypto("secret", f"{NEW},{OLD}"))
    assert (done.rotated, done.unreadable) == (2, 2)


def test_a_spooled_message_whose_key_is_gone_is_set_aside_and_the_others_replay(
        old_store: CaseStore) -> None:
    at = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
    Spool(CaseStore(old_store.engine, Crypto("secret", LOST))).put(
        Inbound("SMlost", Channel.SMS, "+12135550100", "first"), at)
    spool = Spool(CaseStore(old_store.engine, Crypto("secret", f"{NEW},{OLD}")))
    spool.put(Inbound("SMkept", Channel.SMS, "+12135550101", "second"), at)
    ((row_id, _, inbound),) = spool.waiting()
    assert inbound.text == "second"
    assert spool.count("unreadable") == 1
    spool.handled(row_id, ("reply",))
    assert [i.text for _, i, _ in spool.unsent()] == ["second"]


def test_a_twilio_deletion_whose_number_is_unreadable_is_given_up_and_the_others_go_on(
        old_store: CaseStore) -> None:
    from hotline.store.deletions import Deletions, State

    at = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
    Deletions(CaseStore(old_store.engine, Crypto("secret", LOST))).number("+12135550100", at)
    deletions = Deletions(CaseStore(old_store.engine, Crypto("secret", f"{NEW},{OLD}")))
    deletions.number("+12135550101", at)
    (due,) = deletions.due(at)
    assert due.number == "+12135550101"
    assert deletions.count(State.FAILED) == 1 and deletions.count() == 1
