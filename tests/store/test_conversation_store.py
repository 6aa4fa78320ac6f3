"""The conversation record: one open conversation per case, each message once per
provider SID, encrypted, and gone with the worker's erasure or past retention."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from casework import file
from sqlalchemy import text

from hotline.service import Service
from hotline.store.conversations import ConversationStore, Direction, Ended

NOW = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
WORKER = "+12135550123"


@pytest.fixture
def store(alert_service: Service) -> Iterator[ConversationStore]:
    yield ConversationStore(alert_service.cases.engine, alert_service.cases.crypto)


def test_a_message_is_kept_once_per_provider_sid_and_encrypted(
        alert_service: Service, store: ConversationStore) -> None:
    case_id, _ = file(alert_service)
    worker_id = alert_service.crypto.sender_id(WORKER)
    talk = store.start(case_id, _organizer(alert_service), worker_id, NOW)
    first = store.add(talk, Direction.IN, None, "sms", "제 사장님은 김철수예요", NOW,
                      provider_id="SMabc", media=(("https://api.twilio.com/m/1", "image/jpeg"),))
    assert first is not None
    assert store.add(talk, Direction.IN, None, "sms", "again", NOW, provider_id="SMabc") is None
    (kept,) = store.messages_for_case(case_id)
    assert (kept.body, kept.media) == ("제 사장님은 김철수예요",
                                       (("https://api.twilio.com/m/1", "image/jpeg"),))
    with alert_service.cases.engine.connect() as db:
        raw = db.execute(text("SELECT body_enc, media_enc FROM conversation_messages")).one()
    assert "김철수".encode() not in raw[0] and b"twilio" not in raw[1]
    # the photo went to the case, and the worker now waits for an answer
    assert alert_service.cases.get(case_id).media[-1] == (  # type: ignore[union-attr]
        "https://api.twilio.com/m/1", "image/jpeg")
    assert store.get(talk.id).waiting_since == NOW  # type: ignore[union-attr]


def test_an_answer_ends_the_wait_and_a_conversation_ends_once(
        alert_service: Service, store: ConversationStore) -> None:
    case_id, _ = file(alert_service)
    talk = store.start(case_id, _organizer(alert_service),
                       alert_service.crypto.sender_id(WORKER), NOW)
    store.add(talk, Direction.IN, None, "sms", "hello", NOW)
    store.add(store.get(talk.id), Direction.OUT, talk.organizer_id, "sms", "hi",  # type: ignore[arg-type]
              NOW + timedelta(minutes=3))
    answered = store.get(talk.id)
    assert answered is not None and answered.waiting_since is None and answered.introduced
    assert store.close(talk.id, Ended.BYE, NOW) is not None
    assert store.close(talk.id, Ended.SILENCE, NOW) is None
    assert store.open_for_case(case_id) is None
    assert [k for k, _ in alert_service.cases.events(case_id)][-2:] == ["talk_opened",
                                                                        "talk_ended"]


def test_erasure_and_retention_remove_the_messages(alert_service: Service,
                                                   store: ConversationStore) -> None:
    case_id, _ = file(alert_service)
    talk = store.start(case_id, _organizer(alert_service),
                       alert_service.crypto.sender_id(WORKER), NOW)
    store.add(talk, Direction.IN, None, "sms", "old words", NOW - timedelta(days=400))
    store.add(talk, Direction.IN, None, "sms", "new words", NOW)
    assert store.strip_older_than(NOW - timedelta(days=365)) == 1
    assert [m.body for m in store.messages_for_case(case_id)] == ["new words"]
    alert_service.cases.erase_sender(WORKER, NOW)  # the case's personal tables go with it
    assert store.messages_for_case(case_id) == []


def _organizer(service: Service) -> int:
    from casework import add

    return add(service, "Ana Kim", "213 555 0101").id

