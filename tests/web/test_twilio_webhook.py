"""The webhook, spoken to as Twilio does: signed form posts, TwiML answers."""

from __future__ import annotations

import re

import pytest
from conftest import AUTH_TOKEN, PUBLIC_BASE, WEBHOOK, Phone, replies_of, sign
from sqlalchemy import text

HANGUL = re.compile("[\uac00-\ud7a3]")
PHOTO = ("https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM1/Media/ME1", "image/jpeg")


def ref_in(bodies: list[str]) -> str:
    found = re.findall(r"(?<!\d)(\d{4,8})(?!\d)", " ".join(bodies))
    assert found, bodies
    return found[-1]


def test_an_english_worker_files_a_report_with_a_photo(service, client) -> None:  # type: ignore[no-untyped-def]
    phone = Phone(client)
    first = phone.send("hi")
    assert "1 English" in first[0] and "3 한국어" in first[0]
    welcome = phone.send("1")
    assert "not legal advice" in welcome[0]
    assert "Main menu" in welcome[1]
    assert "What kind of work" in phone.send("2")[0]
    assert "name of the business" in phone.send("4")[0]
    phone.send("Sparkle Car Wash")
    assert "What happened" in phone.send("Vermont & 3rd")[0]
    assert "own words" in phone.send("1 4")[0]
    assert "Got it" in phone.send("They didn't pay my last 2 weeks")[0]
    assert "Photo received" in phone.send("", media=(PHOTO,))[0]
    phone.send("1")
    phone.send("2")
    phone.send("1")
    phone.send("1")
    assert "May we share" in phone.send("Ana")[0]
    summary = phone.send("1")[0]
    assert "Car wash" in summary and "Sparkle Car Wash" in summary and "photos: 1" in summary
    filed = phone.send("1")
    ref = ref_in(filed)
    assert f"your number is {ref}" in filed[0]  # and that nobody can be reached: none here

    case = service.cases.by_ref(ref)
    assert case is not None
    assert case.kind == "report" and case.locale == "en" and case.industry == "car_wash"
    assert case.issues == ("unpaid", "breaks")
    assert case.employer == "Sparkle Car Wash" and case.location == "Vermont & 3rd"
    assert case.details == "They didn't pay my last 2 weeks"
    assert case.contact == phone.number and case.contact_method == "text"
    assert case.name == "Ana" and case.consent is True and case.still_working is True
    assert case.media == ((PHOTO[0], "image/jpeg"),)


def test_personal_fields_are_encrypted_in_the_database(service, client) -> None:  # type: ignore[no-untyped-def]
    phone = Phone(client, "+13235550188")
    for body in ("hello", "2", "1", "Golden Market", "Olympic", "1", "boss kept my pay", "1",
                 "1", "1", "1", "Maria", "1"):
        phone.send(body)
    ref = ref_in(phone.send("1"))
    with service.cases.engine.connect() as conn:
        raw = conn.execute(text("SELECT * FROM cases WHERE ref = :r"), {"r": ref}).one()
    dump = repr(tuple(raw))
    for secret in ("Golden Market", "Olympic", "boss kept my pay", "Maria", "3235550188"):
        assert secret not in dump


def test_a_korean_worker_is_answered_in_korean_and_files_a_report(service, client) -> None:  # type: ignore[no-untyped-def]
    phone = Phone(client, "+12135550777")
    first = phone.send("사장님이 월급을 안 줘요")
    assert all(HANGUL.search(body) for body in first)
    for body in ("메뉴", "2", "1", "서울식당", "윌셔 & 웨스턴", "1", "3주째 월급을 못 받았어요",
                 "1", "1", "1", "2", "0", "1"):
        replies = phone.send(body)
        assert replies and all(HANGUL.search(r) for r in replies), (body, replies)
    filed = phone.send("1")
    ref = ref_in(filed)
    assert HANGUL.search(filed[0])
    case = service.cases.by_ref(ref)
    assert case is not None and case.locale == "ko" and case.industry == "restaurant"
    assert case.employer == "서울식당" and case.contact_method == "call"
    assert case.name is None


def test_a_spanish_worker_on_whatsapp_asks_for_a_callback(service, client) -> None:  # type: ignore[no-untyped-def]
    phone = Phone(client, "+13105550199", whatsapp=True)
    first = phone.send("no me pagaron")
    catalogs = service.catalogs
    assert catalogs.translate("es", None, "Worker rights hotline. This is general "
                              "information, not legal advice. To talk to a person, send "
                              "PERSON. Emergency? Call 911.") == first[0]
    asked = phone.send("persona")
    assert "1 " in asked[0] and asked[0] != first[0]
    filed = phone.send("3")
    ref = ref_in(filed)
    case = service.cases.by_ref(ref)
    assert case is not None
    assert case.kind == "callback" and case.locale == "es" and case.channel == "whatsapp"
    assert case.contact_method == "whatsapp" and case.contact == phone.number


def test_spanish_by_sms_drops_accents_to_stay_cheap(client) -> None:  # type: ignore[no-untyped-def]
    from hotline.words.segments import is_gsm7

    phone = Phone(client, "+13105550100")
    for body in phone.send("hola") + phone.send("1"):
        assert is_gsm7(body), body


def test_a_forged_signature_is_refused_and_nothing_stored(service, client, redis_conn,  # type: ignore[no-untyped-def]
                                                          namespace) -> None:
    phone = Phone(client)
    form = phone.form("hola")
    assert phone.post(form, signature=sign(PUBLIC_BASE + WEBHOOK, form, "wrong")).status_code == 403
    tampered = dict(form, Body="something else")
    assert phone.post(tampered, signature=sign(PUBLIC_BASE + WEBHOOK, form)).status_code == 403
    assert list(redis_conn.scan_iter(match=f"{namespace}:*")) == []
    assert service.cases.count() == 0


def test_a_missing_signature_is_403_not_500(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post(WEBHOOK, data=Phone(client).form("hola"))
    assert response.status_code == 403


def test_the_signature_is_checked_against_the_public_url_not_the_host(client) -> None:  # type: ignore[no-untyped-def]
    phone = Phone(client)
    form = phone.form("hello")
    internal = sign("http://localhost" + WEBHOOK, form)
    response = client.post(WEBHOOK, data=form, headers={"X-Twilio-Signature": internal,
                                                        "X-Forwarded-Host": "localhost"})
    assert response.status_code == 403
    assert phone.post(form).status_code == 200


def test_the_same_message_sid_twice_gives_one_transition_and_the_same_reply(app, client) -> None:  # type: ignore[no-untyped-def]
    phone = Phone(client, "+12135550999")
    phone.send("hello")
    form = phone.form("2")
    first = phone.post(form)
    again = phone.post(form)
    assert first.data == again.data
    assert "What kind of work" in replies_of(again.data)[0]
    assert "name of the business" in phone.send("1")[0]


@pytest.mark.parametrize("body", ["", " ", "\x00", "🙂" * 300, "a" * 5000, "<b>&amp;</b>",
                                  "\u202eevil", "1\r\n2", "🇰🇷 hola 안녕", "%s %(x)s {ref}"])
def test_junk_never_breaks_the_bot(client, body: str) -> None:  # type: ignore[no-untyped-def]
    phone = Phone(client, "+12135550404")
    for _ in range(2):
        replies = phone.send(body)
        assert replies and all(r.strip() for r in replies)


def test_malformed_media_fields_are_refused_cleanly(client) -> None:  # type: ignore[no-untyped-def]
    phone = Phone(client)
    form = phone.form("hi")
    form["NumMedia"] = "11"
    assert phone.post(form).status_code == 400
    form = phone.form("hi")
    form["NumMedia"] = "1"
    assert phone.post(form).status_code == 400


def test_an_oversized_request_is_refused_before_parsing(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post(WEBHOOK, data={"Body": "x" * 200_000},
                           headers={"X-Twilio-Signature": "x"})
    assert response.status_code == 413


def test_auth_token_is_what_verifies(client) -> None:  # type: ignore[no-untyped-def]
    form = Phone(client).form("hello")
    assert Phone(client).post(form, sign(PUBLIC_BASE + WEBHOOK, form, AUTH_TOKEN)).status_code == 200
