"""Staff manage organizers without code: the store, and ``hotline organizers``."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from hotline.cli import main
from hotline.config import env_name
from hotline.store.db import make_engine
from hotline.store.organizers import (
    Changes,
    Channel,
    InvalidOrganizer,
    OrganizerStore,
    Role,
    normalize_phone,
)


@pytest.fixture
def store(database_url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(database_url)
    store = OrganizerStore(engine)
    yield store
    engine.dispose()


@pytest.fixture
def env(overrides):  # type: ignore[no-untyped-def]
    return {env_name(k): str(v) for k, v in overrides.items()}


@pytest.mark.parametrize(("typed", "e164"), [
    ("213 555 0101", "+12135550101"),
    ("(213) 555-0101", "+12135550101"),
    ("+1 213 555 0101", "+12135550101"),
    ("+82 10-1234-5678", "+821012345678"),
    ("+52 55 1234 5678", "+525512345678"),
])
def test_phone_numbers_are_stored_as_e164(typed: str, e164: str) -> None:
    assert normalize_phone(typed) == e164


@pytest.mark.parametrize("typed", ["555 0101", "hello", "+1 000 000 0000", "12"])
def test_a_bad_phone_number_is_refused_with_a_reason(typed: str) -> None:
    with pytest.raises(InvalidOrganizer, match="phone"):
        normalize_phone(typed)


def test_add_edit_and_remove_an_organizer(store: OrganizerStore) -> None:
    ana = store.add(Changes(name="Ana Kim", phone="213 555 0101", email="ana@example.org",
                            languages="ko, en", industries="restaurant,market",
                            hours="mon-fri 9:00-18:00"))
    assert ana.phone == "+12135550101" and ana.channel == Channel.SMS
    assert ana.languages == ("ko", "en") and ana.locale == "ko"
    assert ana.industries == ("restaurant", "market")
    assert ana.hours == "Mon-Fri 09:00-18:00" and ana.role == Role.ORGANIZER and ana.active
    assert store.active_by_phone("+12135550101") == ana

    edited = store.edit(ana.id, Changes(channel="whatsapp", role="coordinator", active=False,
                                        industries="all"))
    assert edited.channel == Channel.WHATSAPP and edited.role == Role.COORDINATOR
    assert edited.industries == () and not edited.active and edited.email == "ana@example.org"
    assert store.active_by_phone("+12135550101") is None

    store.remove(ana.id)
    assert store.all() == []


@pytest.mark.parametrize(("changes", "message"), [
    (Changes(name="X", phone="12"), "phone"),
    (Changes(name="X", email="not an address"), "e-mail"),
    (Changes(name="X", phone="2135550101", languages="english"), "language"),
    (Changes(name="X", phone="2135550101", industries="mining"), "industry"),
    (Changes(name="X", phone="2135550101", hours="9 to 5"), "hours"),
    (Changes(name="X"), "phone or an e-mail"),
    (Changes(name="X", email="x@example.org", channel="whatsapp"), "WhatsApp"),
    (Changes(name=" ", phone="2135550101"), "name"),
])
def test_unusable_fields_are_refused_and_nothing_is_stored(store: OrganizerStore,
                                                            changes: Changes,
                                                            message: str) -> None:
    with pytest.raises(InvalidOrganizer, match=message):
        store.add(changes)
    assert store.all() == []


def test_two_organizers_cannot_share_a_phone(store: OrganizerStore) -> None:
    store.add(Changes(name="Ana", phone="2135550101"))
    with pytest.raises(InvalidOrganizer, match="another organizer"):
        store.add(Changes(name="Ben", phone="+1 213 555 0101"))


def test_opting_out_shows_on_the_organizer_and_can_be_cleared(store: OrganizerStore) -> None:
    ana = store.add(Changes(name="Ana", phone="2135550101"))
    store.opted_out(ana.id, Channel.SMS)
    assert store.get(ana.id).sms_opted_out  # type: ignore[union-attr]
    cleared = store.edit(ana.id, Changes(clear_opt_out=True))
    assert not cleared.sms_opted_out


def test_the_cli_adds_lists_edits_and_removes_organizers(env) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    added = runner.invoke(main, ["organizers", "add", "--name", "Ana Kim", "--phone",
                                 "(213) 555-0101", "--email", "ana@example.org", "--languages",
                                 "ko,en", "--industries", "restaurant", "--hours",
                                 "Mon-Fri 09:00-18:00"], env=env)
    assert added.exit_code == 0, added.output
    assert "added organizer 1" in added.output and "+12135550101" in added.output

    whatsapp = runner.invoke(main, ["organizers", "add", "--name", "Luis", "--phone",
                                    "+13105550102", "--whatsapp", "--languages", "es,en",
                                    "--coordinator"], env=env)
    assert whatsapp.exit_code == 0, whatsapp.output

    listed = runner.invoke(main, ["organizers", "list"], env=env)
    lines = listed.output.splitlines()
    assert len(lines) == 2
    assert "Ana Kim" in lines[0] and "ko,en" in lines[0] and "Mon-Fri 09:00-18:00" in lines[0]
    assert "+13105550102 (whatsapp)" in lines[1] and "coordinator" in lines[1]

    edited = runner.invoke(main, ["organizers", "edit", "1", "--inactive", "--hours",
                                  "22:00-06:00"], env=env)
    assert edited.exit_code == 0 and "INACTIVE" in edited.output and "22:00-06:00" in edited.output

    removed = runner.invoke(main, ["organizers", "remove", "2", "--yes"], env=env)
    assert removed.exit_code == 0 and "Luis" in removed.output
    assert "Luis" not in runner.invoke(main, ["organizers", "list"], env=env).output


def test_the_cli_refuses_a_bad_number_or_e_mail_with_a_clear_message(env) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    bad_phone = runner.invoke(main, ["organizers", "add", "--name", "Ana", "--phone",
                                     "555-0101"], env=env)
    assert bad_phone.exit_code == 1
    assert "phone '555-0101' is not a valid number" in bad_phone.output
    bad_email = runner.invoke(main, ["organizers", "add", "--name", "Ana", "--email",
                                     "ana.example.org"], env=env)
    assert bad_email.exit_code == 1 and "e-mail 'ana.example.org'" in bad_email.output
    assert "no organizers yet" in runner.invoke(main, ["organizers", "list"], env=env).output


def test_a_worker_message_does_not_read_the_organizers_table(database_url: str) -> None:
    from sqlalchemy import event

    from hotline.store.db import make_engine
    from hotline.store.organizers import Changes, OrganizerStore

    engine = make_engine(database_url)
    store = OrganizerStore(engine)
    store.add(Changes(name="Ana", phone="+12135550101"))
    assert "+12135550101" in store.active_phones()  # read once
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute",
                 lambda *args: statements.append(args[2]))
    for _ in range(5):
        assert "+13235550000" not in store.active_phones()
    assert statements == []  # then cached
    store.add(Changes(name="Ben", phone="+12135550102"))
    assert "+12135550102" in store.active_phones()  # a change here shows at once
    engine.dispose()
