"""Organizers take and close cases by SMS, through the real signed webhook."""

from __future__ import annotations

import shutil
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import PUBLIC_BASE, Phone, sign
from fakes import Jobs, Mailbox, TwilioApi, WebhookSink, body_of
from hypothesis import given, settings
from hypothesis import strategies as st

from hotline.alerts.claims import Command, Verb, parse
from hotline.cli import main
from hotline.dialogue.effects import CaseKind, FileCase
from hotline.service import Service
from hotline.store import refs
from hotline.store.organizers import Changes

WORKER = "+12135550123"
ANA, BEN, NIA = "+12135550101", "+12135550102", "+12135550103"
NOW = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)


@pytest.mark.parametrize(("text", "command"), [
    ("OK 4821", Command(Verb.TAKE, "4821")),
    ("ok 4821", Command(Verb.TAKE, "4821")),
    (" Ok  #4821. ", Command(Verb.TAKE, "4821")),
    ("TOMO 4821", Command(Verb.TAKE, "4821")),
    ("tomo 48210", Command(Verb.TAKE, "48210")),
    ("확인 4821", Command(Verb.TAKE, "4821")),
    ("확인4821", Command(Verb.TAKE, "4821")),
    ("OK ４８２１", Command(Verb.TAKE, "4821")),  # full-width digits from a Korean keyboard
    ("DONE 4821", Command(Verb.CLOSE, "4821")),
    ("listo 4821", Command(Verb.CLOSE, "4821")),
    ("완료 4821", Command(Verb.CLOSE, "4821")),
    ("START", Command(Verb.START)),
    ("OK", None),
    ("OK 12", None),
    ("OK 4821 and 4822", None),
    ("hello", None),
    ("PLEASE 4821", None),
])
def test_organizer_commands_are_read_in_three_languages(text: str,
                                                        command: Command | None) -> None:
    assert parse(text) == command


@pytest.fixture
def app(alert_overrides: dict[str, Any]):  # type: ignore[no-untyped-def]
    from hotline.app import create_app

    app = create_app(alert_overrides)
    app.config["TESTING"] = True
    yield app
    app.extensions["hotline"].close()


@pytest.fixture
def team(service: Service) -> dict[str, Any]:
    add = service.dispatcher.organizers.add
    return {
        "ana": add(Changes(name="Ana Kim", phone=ANA, email="ana@example.org",
                           languages="en,ko")),
        "ben": add(Changes(name="Ben Ruiz", phone=BEN, email="ben@example.org",
                           languages="en,es")),
        "nia": add(Changes(name="Nia Park", phone=NIA, languages="en")),
    }


def alerted_case(service: Service, jobs: Jobs, **fields: Any) -> tuple[int, str]:
    values: dict[str, Any] = dict(
        kind=CaseKind.REPORT, locale="en", channel="sms", sender=WORKER, contact_method="text",
        contact_number=WORKER, industry="car_wash", employer="Sparkle Car Wash",
        location="Vermont & 3rd", issues=("unpaid",), details=("They kept my tips",),
        when="this_week", still_working=True, name="Ana")
    values.update(fields)
    case_id, ref = service.cases.file(FileCase(**values))
    service.dispatcher.alert(case_id, now=NOW)
    jobs.run()
    return case_id, ref


def test_an_organizer_takes_a_case_from_the_alert_by_sms(
        client, service: Service, jobs: Jobs, team: dict[str, Any],  # type: ignore[no-untyped-def]
        twilio_api: TwilioApi, mailbox: Mailbox, webhook_sink: WebhookSink) -> None:
    case_id, ref = alerted_case(service, jobs)
    assert {m["To"] for m in twilio_api.accepted} == {ANA, BEN, NIA}  # all on call, all speak English
    alerts_sent = len(twilio_api.accepted)

    (reply,) = Phone(client, ANA).send(f"OK {ref}")
    assert reply.startswith(f"Case {ref} is yours.")
    assert f"Contact: Ana - Text this number: {WORKER}" in reply
    assert "Sparkle Car Wash" in reply and "They kept my tips" in reply
    case = service.cases.get(case_id)
    assert case is not None and case.status == "claimed"
    state = service.dispatcher.assignments.get(case_id)
    assert state is not None and state.claimed_by == team["ana"].id

    jobs.run()
    notices = twilio_api.accepted[alerts_sent:]
    taken = {m["To"]: m["Body"] for m in notices if m["To"] != WORKER}
    assert taken == {BEN: f"Case {ref} was taken by Ana Kim. Nothing to do, thank you.",
                     NIA: f"Case {ref} was taken by Ana Kim. Nothing to do, thank you."}
    (to_worker,) = [m for m in notices if m["To"] == WORKER]
    assert to_worker["Body"] == (f"Good news: an organizer has your case {ref} and will "
                                 "contact you soon.")
    (report,) = mailbox.to("ana@example.org")
    assert report["Subject"] == f"Case {ref}: full report"
    assert WORKER in body_of(report) and "They kept my tips" in body_of(report)
    assert [p["event"] for p in webhook_sink.posts] == ["alert", "taken"]
    assert WORKER[1:] not in str(webhook_sink.posts)


def test_a_claim_from_a_strangers_number_is_refused_and_reveals_nothing(
        client, service: Service, jobs: Jobs, team: dict[str, Any],  # type: ignore[no-untyped-def]
        twilio_api: TwilioApi) -> None:
    case_id, ref = alerted_case(service, jobs)
    replies = Phone(client, "+13235550999").send(f"OK {ref}")
    text = " ".join(replies)
    assert ref not in text and "Sparkle" not in text and WORKER not in text
    assert "not legal advice" in text or "1 English" in text  # the worker bot's first answer
    state = service.dispatcher.assignments.get(case_id)
    assert state is not None and state.open
    assert not any(kind == "claimed" for kind, _ in service.cases.events(case_id))


def test_an_inactive_organizer_is_a_stranger(client, service: Service, jobs: Jobs,  # type: ignore[no-untyped-def]
                                             team: dict[str, Any]) -> None:
    case_id, ref = alerted_case(service, jobs)
    service.dispatcher.organizers.edit(team["nia"].id, Changes(active=False))
    Phone(client, NIA).send(f"OK {ref}")
    assert service.dispatcher.assignments.get(case_id).open  # type: ignore[union-attr]


def test_a_second_organizer_finds_it_taken_and_only_its_organizer_closes_it(
        client, service: Service, jobs: Jobs, team: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    case_id, ref = alerted_case(service, jobs)
    ana, ben = Phone(client, ANA), Phone(client, BEN)
    ana.send(f"TOMO {ref}")
    assert ben.send(f"확인 {ref}") == [f"Case {ref} was already taken by Ana Kim."]
    assert ben.send(f"DONE {ref}") == [f"Case {ref} is with Ana Kim; only they can close it."]
    assert ana.send(f"OK {ref}")[0].startswith(f"Case {ref} is yours.")  # asking again
    assert ana.send(f"DONE {ref}") == [f"Case {ref} is closed. Thank you."]
    assert ana.send(f"DONE {ref}") == [f"Case {ref} is already closed."]
    assert ben.send(f"OK {ref}") == [f"Case {ref} is already closed."]
    assert ana.send("OK 99999") == ["There is no case 99999. Check the number."]
    assert ana.send("hello") == ["Organizer commands: OK 482135 takes case 482135; "
                                 "DONE 482135 closes it."]
    case = service.cases.get(case_id)
    assert case is not None and case.status == "closed"
    kinds = [kind for kind, _ in service.cases.events(case_id)]
    assert kinds.count("claimed") == 1 and kinds.count("closed") == 1


def test_organizer_texts_never_enter_the_worker_dialogue(
        client, service: Service, jobs: Jobs, team: dict[str, Any],  # type: ignore[no-untyped-def]
        redis_conn, overrides: dict[str, Any]) -> None:
    alerted_case(service, jobs)
    Phone(client, ANA).send("hello")
    Phone(client, ANA).send("REPORT")
    who = service.crypto.sender_id(ANA)
    assert list(redis_conn.scan_iter(match=f"{overrides['redis_prefix']}*{who}*")) == []


def test_two_organizers_answering_at_once_cannot_both_take_the_case(
        client, service: Service, jobs: Jobs, team: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    case_id, ref = alerted_case(service, jobs)
    replies: dict[str, list[str]] = {}
    barrier = threading.Barrier(3)

    def claim(number: str) -> None:
        barrier.wait()
        replies[number] = Phone(client.application.test_client(), number).send(f"OK {ref}")

    threads = [threading.Thread(target=claim, args=(n,)) for n in (ANA, BEN, NIA)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    winners = [n for n, r in replies.items() if r[0].startswith(f"Case {ref} is yours.")]
    assert len(winners) == 1 and len(replies) == 3
    state = service.dispatcher.assignments.get(case_id)
    assert state is not None and state.claimed_by is not None


def test_the_worker_is_not_told_if_they_opted_out_or_asked_not_to_be_contacted(
        client, service: Service, jobs: Jobs, team: dict[str, Any],  # type: ignore[no-untyped-def]
        twilio_api: TwilioApi) -> None:
    _, opted_ref = alerted_case(service, jobs)
    service.optouts.record(WORKER)
    _, quiet_ref = alerted_case(service, jobs, sender="+12135550124", contact_method="none",
                                contact_number=None)
    Phone(client, ANA).send(f"OK {opted_ref}")
    reply = Phone(client, ANA).send(f"OK {quiet_ref}")[0]
    assert "asked not to be contacted" in reply and "+12135550124" not in reply
    jobs.run()
    assert [m for m in twilio_api.accepted if m["To"] in (WORKER, "+12135550124")] == []


def test_the_worker_hears_in_their_language_never_english_and_a_stop_is_respected(
        alert_overrides: dict[str, Any], compiled_locales: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, jobs: Jobs, twilio_api: TwilioApi) -> None:
    from hotline.app import create_app

    locales = tmp_path / "locales"
    shutil.copytree(compiled_locales, locales)
    monkeypatch.setenv("LOCALES_DIR", str(locales))
    app = create_app({**alert_overrides, "locales_dir": str(locales)})
    service: Service = app.extensions["hotline"]
    try:
        service.dispatcher.organizers.add(Changes(name="Ana", phone=ANA, languages="es"))
        case_id, ref = alerted_case(service, jobs, locale="es", channel="whatsapp",
                                    contact_method="whatsapp")
        spanish, _ = alerted_case(service, jobs, locale="es", sender="+12135550125",
                                  contact_number="+12135550125")
        tagalog, tagalog_ref = alerted_case(service, jobs, locale="tl",
                                            sender="+12135550126",
                                            contact_number="+12135550126")
        twilio_api.fail_for("+12135550125", 21610)
        client = app.test_client()
        # the worker wrote by WhatsApp lately: its 24-hour window is open for free text
        Phone(client, WORKER, whatsapp=True).send("hola")
        Phone(client, ANA).send(f"OK {ref}")
        Phone(client, ANA).send(f"TOMO {service.cases.get(spanish).ref}")  # type: ignore[union-attr]
        Phone(client, ANA).send(f"OK {tagalog_ref}")
        jobs.run()
        # no catalog has the notice in Tagalog: no English in its place
        assert twilio_api.to("+12135550126") == []
        assert ("worker_notice_untranslated", "tl") in service.cases.events(tagalog)
        (notice,) = twilio_api.to(f"whatsapp:{WORKER}")
        assert notice["Body"] == (f"Buenas noticias: alguien de nuestro equipo tiene su caso "
                                  f"{ref} y se va a comunicar con usted pronto.")
        assert service.optouts.opted_out("+12135550125")  # Twilio said they sent STOP
        assert len([r for r in twilio_api.requests if r["To"] == "+12135550125"]) == 1
    finally:
        service.close()


def test_a_failure_reported_later_by_twilio_moves_the_alert_on(
        client, service: Service, jobs: Jobs, team: dict[str, Any],  # type: ignore[no-untyped-def]
        twilio_api: TwilioApi, mailbox: Mailbox) -> None:
    case_id, ref = alerted_case(service, jobs)
    (to_ana,) = twilio_api.to(ANA)
    form = {"MessageSid": to_ana["sid"], "MessageStatus": "undelivered", "ErrorCode": "30003",
            "AccountSid": "AC" + "1" * 32, "To": ANA}
    url = f"{PUBLIC_BASE}/twilio/status"
    forged = client.post("/twilio/status", data=form, headers={"X-Twilio-Signature": "x"})
    assert forged.status_code == 403
    answered = client.post("/twilio/status", data=form,
                           headers={"X-Twilio-Signature": sign(url, form)})
    assert answered.status_code == 204
    jobs.run()
    (mail,) = mailbox.to("ana@example.org")
    assert mail["Subject"] == f"Hotline case {ref}"
    rows = {(d.organizer_id, d.transport): d for d in
            service.dispatcher.deliveries.for_case(case_id)}
    assert rows[(team["ana"].id, "sms")].status == "failed"
    assert rows[(team["ana"].id, "sms")].error == "twilio 30003"

    delivered = {"MessageSid": twilio_api.to(BEN)[0]["sid"], "MessageStatus": "delivered"}
    assert client.post("/twilio/status", data=delivered, headers={
        "X-Twilio-Signature": sign(url, delivered)}).status_code == 204
    assert rows[(team["ben"].id, "sms")].status == "sent"


def test_an_organizer_who_sent_stop_turns_alerts_back_on_with_start(
        client, service: Service, team: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    from hotline.store.organizers import Channel

    service.dispatcher.organizers.opted_out(team["ana"].id, Channel.SMS)
    assert Phone(client, ANA).send("START") == ["Alerts to this phone are on again."]
    assert not service.dispatcher.organizers.get(team["ana"].id).sms_opted_out  # type: ignore[union-attr]


def test_a_case_whose_key_was_removed_is_still_taken_and_shown_as_unreadable(
        client, service: Service, jobs: Jobs, team: dict[str, Any],  # type: ignore[no-untyped-def]
        twilio_api: TwilioApi) -> None:
    from hotline.crypto import UNREADABLE, Crypto, new_key
    from hotline.store.cases import CaseStore

    # filed under a key this deployment no longer has (dropped before `hotline db rotate`)
    gone = CaseStore(service.cases.engine, Crypto(service.settings.secret_key, new_key()))
    case_id, ref = gone.file(FileCase(
        kind=CaseKind.REPORT, locale="en", channel="sms", sender=WORKER,
        contact_method="text", contact_number=WORKER, industry="car_wash",
        employer="Sparkle Car Wash", issues=("unpaid",), details=("They kept my tips",)))
    service.dispatcher.alert(case_id, now=NOW)
    jobs.run()
    response = Phone(client, ANA).post(Phone(client, ANA).form(f"OK {ref}"))
    assert response.status_code == 200  # not a 500 after the claim was committed
    reply = response.get_data(as_text=True)
    assert f"Case {ref} is yours." in reply and UNREADABLE in reply
    assert service.cases.get(case_id).status == "claimed"  # type: ignore[union-attr]
    jobs.run()
    assert twilio_api.to(WORKER) == []  # the worker's number is unreadable: nobody texted



def test_a_korean_organizer_reads_an_unreadable_case_in_korean(
        client, service: Service, jobs: Jobs, team: dict[str, Any],  # type: ignore[no-untyped-def]
        twilio_api: TwilioApi) -> None:
    from hotline.crypto import UNREADABLE, Crypto, new_key
    from hotline.store.cases import CaseStore

    service.dispatcher.organizers.add(Changes(name="Jun Park", phone="213 555 0106",
                                              languages="ko,en", role="coordinator"))
    gone = CaseStore(service.cases.engine, Crypto(service.settings.secret_key, new_key()))
    case_id, ref = gone.file(FileCase(
        kind=CaseKind.REPORT, locale="ko", channel="sms", sender=WORKER,
        contact_method="text", contact_number=WORKER, industry="restaurant", name="Min",
        employer="Assi Market", location="Olympic & Vermont", issues=("unpaid",),
        details=("월급을 못 받았어요",)))
    service.dispatcher.alert(case_id, now=NOW)
    jobs.run()
    alerts = [m["Body"] for m in twilio_api.accepted]
    assert alerts and not any("[unreadable" in body for body in alerts)  # no place given
    (reply,) = Phone(client, "+12135550106").send(f"확인 {ref}")
    korean = "[읽을 수 없음: 암호화 키가 HOTLINE_ENCRYPTION_KEYS에 없습니다]"
    assert reply.count(korean) == 5  # name, number, business, place, the worker's words
    assert UNREADABLE not in reply and "월급" not in reply


# -- only the right organizer (issue 12 §8) --------------------------------------------

CORA = "+12135550104"


def typos(ref: str) -> list[str]:
    """Every one-digit change and every swap of two neighbouring digits of a reference."""
    found = {ref[:i] + d + ref[i + 1:] for i in range(len(ref)) for d in "0123456789"}
    found |= {ref[:i] + ref[i + 1] + ref[i] + ref[i + 2:] for i in range(len(ref) - 1)}
    return sorted(found - {ref})


@given(st.integers(min_value=0, max_value=50))
@settings(max_examples=50)
def test_a_new_reference_is_six_digits_and_no_typo_of_it_passes_the_check(_: int) -> None:
    ref = refs.new_ref()
    assert len(ref) == 6 and ref.isdigit() and refs.check(ref) == refs.RefCheck.VALID
    assert all(refs.check(t) == refs.RefCheck.BAD for t in typos(ref) if len(t) == 6)


def test_references_can_be_grouped_as_people_say_them() -> None:
    assert parse("OK 482 135") == Command(Verb.TAKE, "482135")
    assert parse("확인 482-135") == Command(Verb.TAKE, "482135")
    assert parse("OK 482 135 9") == Command(Verb.TAKE, "4821359")
    assert parse("OK 1 2") is None


def test_a_typo_in_the_case_number_gets_check_the_number_and_reveals_nothing(
        client, service: Service, jobs: Jobs, team: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    case_id, ref = alerted_case(service, jobs)
    other_id, _ = alerted_case(service, jobs, sender="+12135550124",
                               employer="Other Market", details=("They shouted at me",))
    for typo in [t for t in typos(ref) if len(t) == 6][:4]:
        # even a typo that happened to be another case's number would be caught here
        assert Phone(client, ANA).send(f"OK {typo}") == [
            f"{typo} is not a case number. Check it and send it again."]
    assert service.dispatcher.assignments.get(case_id).open  # type: ignore[union-attr]
    assert service.dispatcher.assignments.get(other_id).open  # type: ignore[union-attr]


def test_references_made_before_check_digits_keep_working(
        client, service: Service, jobs: Jobs, team: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import update

    from hotline.store.cases import CaseRow

    case_id, _ = alerted_case(service, jobs)
    with service.cases.engine.begin() as conn:
        conn.execute(update(CaseRow).where(CaseRow.id == case_id).values(ref="4821"))
    assert Phone(client, ANA).send("OK 4821")[0].startswith("Case 4821 is yours.")


def test_only_organizers_alerted_for_the_case_or_coordinators_can_take_it(
        client, service: Service, jobs: Jobs, team: dict[str, Any],  # type: ignore[no-untyped-def]
        twilio_api: TwilioApi) -> None:
    add = service.dispatcher.organizers.add
    add(Changes(name="Cora Lee", phone=CORA, languages="en", role="coordinator"))
    case_id, ref = alerted_case(service, jobs, locale="ko")  # routed to Ana, who speaks Korean
    assert {m["To"] for m in twilio_api.accepted} == {ANA}
    refused = Phone(client, BEN).send(f"OK {ref}")
    assert refused == [f"Case {ref} was sent to other organizers. A coordinator can give it "
                       "to you."]
    assert "Sparkle" not in refused[0] and WORKER not in refused[0]
    assert service.dispatcher.assignments.get(case_id).open  # type: ignore[union-attr]
    assert Phone(client, CORA).send(f"OK {ref}")[0].startswith(f"Case {ref} is yours.")


def test_after_an_escalation_everyone_alerted_may_take_it(
        client, service: Service, jobs: Jobs, team: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    case_id, ref = alerted_case(service, jobs, locale="ko")
    service.dispatcher.escalate(case_id, 1, now=NOW + timedelta(hours=1))
    assert Phone(client, BEN).send(f"OK {ref}")[0].startswith(f"Case {ref} is yours.")


def test_repeated_failed_case_numbers_pause_the_phone_and_tell_the_coordinators(
        client, service: Service, jobs: Jobs, team: dict[str, Any],  # type: ignore[no-untyped-def]
        twilio_api: TwilioApi) -> None:
    from hotline.alerts.claims import FAILED_CLAIMS_LIMIT

    service.dispatcher.organizers.add(Changes(name="Cora Lee", phone=CORA, languages="en",
                                              role="coordinator"))
    case_id, ref = alerted_case(service, jobs)
    nia = Phone(client, NIA)
    guesses = [f"OK {100000 + i}" for i in range(FAILED_CLAIMS_LIMIT)]  # bad check digits, or none such
    for guess in guesses:
        assert nia.send(guess)[0] != ""
    before = len(twilio_api.to(CORA))
    jobs.run()
    (notice,) = twilio_api.to(CORA)[before:]
    assert notice["Body"] == (f"Hotline: Nia Park sent {FAILED_CLAIMS_LIMIT} case numbers that "
                              "did not work within an hour. Their OK and DONE are paused for "
                              "an hour.")
    # paused: even the right number is not looked up now
    assert nia.send(f"OK {ref}") == ["Too many case numbers that did not work. Try again in "
                                     "an hour, or ask a coordinator."]
    assert service.dispatcher.assignments.get(case_id).open  # type: ignore[union-attr]
    nia.send("OK 100099")
    jobs.run()
    assert len(twilio_api.to(CORA)) == before + 1  # told once
    # another organizer is not held back by Nia's pause
    assert Phone(client, ANA).send(f"OK {ref}")[0].startswith(f"Case {ref} is yours.")


def test_an_organizers_command_sent_twice_by_twilio_is_carried_out_and_answered_once(
        client, service: Service, jobs: Jobs, team: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    from conftest import replies_of

    _, ref = alerted_case(service, jobs)
    ana = Phone(client, ANA)
    form = ana.form(f"OK {ref}")
    first = replies_of(ana.post(form).data)
    assert first[0].startswith(f"Case {ref} is yours.")
    again = ana.post(form)  # Twilio's retry of the same MessageSid
    assert again.status_code == 200 and replies_of(again.data) == []


def test_the_notice_goes_to_the_number_the_worker_chose_or_nowhere(
        client, service: Service, jobs: Jobs, team: dict[str, Any],  # type: ignore[no-untyped-def]
        twilio_api: TwilioApi) -> None:
    other = "+12135550199"
    elsewhere, elsewhere_ref = alerted_case(service, jobs, channel="whatsapp",
                                            contact_method="other", contact_number=other)
    nowhere, nowhere_ref = alerted_case(service, jobs, sender="+12135550124",
                                        contact_method="none", contact_number=None)
    Phone(client, ANA).send(f"OK {elsewhere_ref}")
    Phone(client, ANA).send(f"OK {nowhere_ref}")
    jobs.run()
    (notice,) = twilio_api.to(other)  # by SMS: the other number never wrote by WhatsApp
    assert notice["Body"].startswith("Good news: an organizer has your case")
    assert [m for m in twilio_api.accepted if m["To"].endswith((WORKER, "+12135550124"))] == []
    (told,) = service.messages.for_case(elsewhere)
    assert (told.recipient, told.channel, told.status) == (other, "sms", "queued")
    (untold,) = service.messages.for_case(nowhere)
    assert (untold.status, untold.error, untold.recipient) == ("refused", "no contact", None)
    shown = CliRunner().invoke(main, ["alerts", "show", elsewhere_ref]).output
    assert "to the worker" in shown and "taken       sms       queued" in shown
    assert "Good news: an organizer has your case" in shown and other not in shown
