"""The worker-message record: once per key, encrypted, forward-only statuses, erasure."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.crypto import Crypto
from hotline.store.cases import CaseStore
from hotline.store.db import make_engine
from hotline.store.messages import Draft, MessageStatus, MessageStore, WorkerMessageRow

NOW = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
WORKER = "+12135550155"


@pytest.fixture
def messages(database_url: str) -> Iterator[MessageStore]:
    cases = CaseStore(make_engine(database_url), Crypto("test-secret-key"))
    yield MessageStore(cases.engine, cases.crypto)
    cases.engine.dispose()


def draft(key: str = "k1", body: str = "Su caso 4821 tiene organizador") -> Draft:
    return Draft(key=key, purpose="taken", sender=WORKER, recipient=WORKER, channel="sms",
                 body=body, locale="es")


def test_a_message_is_recorded_once_per_key_with_no_number_or_words_in_clear(
        messages: MessageStore) -> None:
    first, new = messages.add(draft(), NOW)
    again, new_again = messages.add(draft(body="other words"), NOW)
    assert new and not new_again and again.id == first.id
    assert (again.body, again.recipient, again.status) == (
        "Su caso 4821 tiene organizador", WORKER, "new")
    with Session(messages.engine) as db:
        dump = repr([(r.__dict__) for r in db.scalars(select(WorkerMessageRow))])
    assert WORKER[1:] not in dump and "organizador" not in dump


def test_a_status_that_came_before_the_sid_was_written_is_applied_when_it_is(
        messages: MessageStore) -> None:
    row, _ = messages.add(draft(), NOW)
    assert not messages.record_status("SM1", "delivered", now=NOW)  # no row knows SM1 yet
    messages.mark(row.id, MessageStatus.QUEUED, NOW, provider_id="SM1")
    messages.settle("SM1", NOW)
    assert messages.get(row.id).status == "delivered"  # type: ignore[union-attr]
    assert not messages.record_status("SM1", "failed", "30008", now=NOW)
    assert messages.get(row.id).status == "delivered"  # type: ignore[union-attr]
    assert messages.arrived("SM1")


def test_a_message_left_sending_by_a_dead_process_can_be_taken_after_its_lease(
        messages: MessageStore) -> None:
    row, _ = messages.add(draft(), NOW)
    assert messages.take(row.id, NOW)
    assert not messages.take(row.id, NOW + timedelta(minutes=1))
    assert messages.take(row.id, NOW + timedelta(minutes=6))


def test_erasure_strips_every_message_and_refuses_what_was_held(
        messages: MessageStore) -> None:
    held, _ = messages.add(draft("k1"), NOW)
    messages.mark(held.id, MessageStatus.HELD, NOW, error="whatsapp window closed")
    sent, _ = messages.add(draft("k2"), NOW)
    messages.mark(sent.id, MessageStatus.QUEUED, NOW, provider_id="SM2")
    assert messages.erase(WORKER, NOW) == 2
    assert messages.for_sender(WORKER) == []
    after = [messages.get(held.id), messages.get(sent.id)]
    assert [(m.status, m.error, m.body, m.recipient, m.sender_id) for m in after if m] == [
        ("refused", "erased", None, None, "erased"), ("queued", None, None, None, "erased")]
    assert messages.held_recipients() == []
