"""Signing in to the console: a one-time code to the registered phone or e-mail, an
authenticator for coordinators, limits on guessing, CSRF on every form, sessions that
end on the server when someone signs out or is deactivated."""

from __future__ import annotations

from typing import Any

import pyotp
from consoling import BASE, organizer

from hotline.store.audit import Action
from hotline.store.organizers import Changes


def test_an_organizer_signs_in_with_a_code_texted_to_their_registered_phone(
        console_app: Any, person: Any, twilio_api: Any) -> None:
    ana = organizer(console_app, "Ana Kim", "213 555 0101", languages="ko,en")
    me = person()
    me.ask_code("(213) 555-0101")
    (text,) = twilio_api.to(ana.phone)
    assert "Hotline console" in text["Body"] or "콘솔" in text["Body"]
    assert me.get("/console/queues/unclaimed").status_code == 302  # not in yet
    me.get("/console/sign-in/code")
    done = me.post("/console/sign-in/code", {"code": me.last_code(ana)})
    assert done.status_code == 302 and done.headers["Location"].endswith("/console/")
    assert me.get("/console/queues/unclaimed").status_code == 200
    cookie = done.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Path=/console" in cookie


def test_a_code_can_come_by_e_mail(console_app: Any, person: Any, mailbox: Any) -> None:
    ben = organizer(console_app, "Ben Ruiz", None, email="ben@example.org")
    me = person()
    me.sign_in(ben, via="email")
    assert me.get("/console/queues/unclaimed").status_code == 200
    assert len(mailbox.to("ben@example.org")) == 1


def test_a_stranger_gets_the_same_answer_and_no_message(
        console_app: Any, person: Any, twilio_api: Any, mailbox: Any) -> None:
    organizer(console_app, "Ana Kim", "213 555 0101")
    me = person()
    known = me.ask_code("213 555 0101")
    unknown = person().ask_code("213 555 0199")
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert twilio_api.to("+12135550199") == [] and mailbox.messages == []


def test_a_wrong_code_fails_and_five_wrong_codes_void_the_right_one(
        console_app: Any, person: Any) -> None:
    ana = organizer(console_app, "Ana Kim", "213 555 0101")
    me = person()
    me.ask_code(ana.phone)
    me.get("/console/sign-in/code")
    right = me.last_code(ana)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    for _ in range(5):
        assert me.post("/console/sign-in/code", {"code": wrong}).status_code == 401
    assert me.post("/console/sign-in/code", {"code": right}).status_code == 401
    assert me.get("/console/queues/unclaimed").status_code == 302


def test_guessing_from_one_address_is_cut_off(console_app: Any, person: Any) -> None:
    ana = organizer(console_app, "Ana Kim", "213 555 0101")
    me = person()
    statuses = []
    for _ in range(4):  # new codes, each guessed wrong a few times
        me.ask_code(ana.phone)
        me.get("/console/sign-in/code")
        for _ in range(3):
            statuses.append(me.post("/console/sign-in/code", {"code": "000000"}).status_code)
    assert statuses[:10] == [401] * 10 and set(statuses[10:]) == {429}
    assert "Too many tries" in me.page


def test_codes_for_one_person_are_limited_wherever_they_are_asked_from(
        console_app: Any, person: Any, twilio_api: Any) -> None:
    ana = organizer(console_app, "Ana Kim", "213 555 0101")
    answers = []
    for n in range(7):
        me = person()
        me.get("/console/sign-in")
        answers.append(me.client.post("/console/sign-in", base_url=BASE,
                                      data={"who": ana.phone, "csrf_token": me.csrf()},
                                      headers={"Referer": BASE + "/console/sign-in"},
                                      environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}).status_code)
    assert answers == [302] * 5 + [429] * 2
    assert len(twilio_api.to(ana.phone)) == 5


def test_every_console_form_needs_its_csrf_token_and_the_webhook_needs_none(
        console_app: Any, person: Any, client: Any) -> None:
    ana = organizer(console_app, "Ana Kim", "213 555 0101")
    me = person()
    refused = me.post("/console/sign-in", {"who": ana.phone}, token=False)
    assert refused.status_code == 400 and "expired" in me.page
    me.sign_in(ana)
    assert me.post("/console/sign-out", token=False).status_code == 400
    assert me.get("/console/queues/unclaimed").status_code == 200  # still signed in
    from conftest import Phone

    phone = Phone(console_app.test_client())
    assert phone.send("hola")  # signed by Twilio's token, no CSRF token: answered


def test_a_coordinator_must_set_up_an_authenticator_and_then_use_it(
        console_app: Any, person: Any) -> None:
    cora = organizer(console_app, "Cora", "213 555 0105", role="coordinator")
    me = person()
    me.ask_code(cora.phone)
    me.get("/console/sign-in/code")
    done = me.post("/console/sign-in/code", {"code": me.last_code(cora)})
    assert done.headers["Location"].endswith("/console/sign-in/authenticator")
    assert me.get("/console/queues/unclaimed").status_code == 302  # half-way is not in
    me.get("/console/sign-in/authenticator")
    from consoling import RECOVERY, SECRET

    secret = SECRET.search(me.page).group(1)  # type: ignore[union-attr]
    assert me.post("/console/sign-in/authenticator", {"code": "123456"}).status_code == 401
    shown = me.post("/console/sign-in/authenticator", {"code": pyotp.TOTP(secret).now()})
    codes = RECOVERY.findall(me.page)
    assert shown.status_code == 200 and len(codes) == 10
    assert me.get("/console/queues/unclaimed").status_code == 200

    again = person()  # the next sign-in asks for the authenticator
    again.ask_code(cora.phone)
    again.get("/console/sign-in/code")
    step = again.post("/console/sign-in/code", {"code": again.last_code(cora)})
    assert step.headers["Location"].endswith("/console/sign-in/factor")
    again.get("/console/sign-in/factor")
    assert again.post("/console/sign-in/factor", {"code": "000000"}).status_code == 401
    assert again.post("/console/sign-in/factor", {"code": codes[0]}).status_code == 302
    assert again.get("/console/queues/unclaimed").status_code == 200
    third = person()  # a recovery code works once
    third.ask_code(cora.phone)
    third.get("/console/sign-in/code")
    third.post("/console/sign-in/code", {"code": third.last_code(cora)})
    third.get("/console/sign-in/factor")
    assert third.post("/console/sign-in/factor", {"code": codes[0]}).status_code == 401


def test_signing_out_ends_the_session_on_the_server(console_app: Any, person: Any) -> None:
    ana = organizer(console_app, "Ana Kim", "213 555 0101")
    me = person()
    me.sign_in(ana)
    stolen = me.client.get_cookie("hotline_console", domain="hotline.test", path="/console")
    assert stolen is not None
    me.post("/console/sign-out")
    assert me.get("/console/queues/unclaimed").status_code == 302
    thief = person()
    thief.client.set_cookie("hotline_console", stolen.value, domain="hotline.test",
                            path="/console")
    assert thief.get("/console/queues/unclaimed").status_code == 302


def test_a_deactivated_organizer_is_stopped_at_their_next_click(
        console_app: Any, person: Any) -> None:
    ana = organizer(console_app, "Ana Kim", "213 555 0101")
    phone, laptop = person(), person()
    phone.sign_in(ana)
    laptop.sign_in(ana)
    console = console_app.extensions["console"]
    assert console.logins.count_live(ana.id) == 2
    console.organizers.edit(ana.id, Changes(active=False))  # as `hotline organizers edit`
    assert console.logins.count_live(ana.id) == 0
    assert phone.get("/console/queues/unclaimed").status_code == 302
    assert laptop.get("/console/queues/unclaimed").status_code == 302
    console.organizers.edit(ana.id, Changes(active=True))
    assert phone.get("/console/queues/unclaimed").status_code == 302  # ended stays ended


def test_an_admin_deactivating_someone_in_the_console_signs_them_out(
        console_app: Any, person: Any) -> None:
    ada = organizer(console_app, "Ada", "213 555 0106", role="admin")
    ana = organizer(console_app, "Ana Kim", "213 555 0101")
    admin, worker_side = person(), person()
    admin.sign_in(ada)
    worker_side.sign_in(ana)
    admin.get("/console/organizers")
    admin.post(f"/console/organizers/{ana.id}/active", {"active": "0"})
    assert worker_side.get("/console/queues/unclaimed").status_code == 302
    entries = console_app.extensions["console"].audit.entries(actions=(Action.ORGANIZER,))
    assert entries[0].detail == "deactivated Ana Kim"


def test_behind_a_router_each_person_is_counted_by_their_own_address(
        alert_overrides: dict[str, Any], twilio_api: Any) -> None:
    from consoling import Browserless

    from hotline.app import create_app

    app = create_app({**alert_overrides, "proxy_hops": 1})
    try:
        organizer(app, "Ana Kim", "213 555 0101")

        asked = iter(range(10, 99))

        def ask(address: str) -> int:
            me = Browserless(app, twilio_api, None)
            me.get("/console/sign-in", environ_base={"REMOTE_ADDR": "10.1.1.1"})
            return int(me.client.post(
                "/console/sign-in", base_url=BASE,
                data={"who": f"213 555 01{next(asked)}", "csrf_token": me.csrf()},
                headers={"Referer": BASE + "/console/sign-in", "X-Forwarded-For": address,
                         "X-Forwarded-Proto": "https"},
                environ_base={"REMOTE_ADDR": "10.1.1.1"}).status_code)

        # the router is the same for all; five tries a minute are each person's own
        assert [ask("198.51.100.7") for _ in range(6)] == [302] * 5 + [429]
        assert ask("203.0.113.9") == 302
    finally:
        app.extensions["hotline"].close()


def test_in_development_with_nothing_to_send_by_the_code_is_shown_in_the_terminal(
        overrides: dict[str, Any], caplog: Any) -> None:
    """`./dev run` on a laptop has no Twilio or SMTP: the code goes to the log there, so a
    newcomer can try the console; production refuses to start without a transport."""
    import logging
    import re

    from consoling import Browserless

    from hotline.app import create_app

    app = create_app(overrides)  # development, no Twilio account, no SMTP
    app.config["TESTING"] = True
    try:
        ana = organizer(app, "Ana Kim", "213 555 0101")
        me = Browserless(app, None, None)
        with caplog.at_level(logging.WARNING, logger="hotline.web.console.signin"):
            me.ask_code("213 555 0101")
        (said,) = [r.getMessage() for r in caplog.records if "sign-in code" in r.getMessage()]
        assert ana.phone not in said and "0101" not in said  # the number is never logged
        code = re.search(r"code is (\d{6})$", said)
        assert code is not None
        me.get("/console/sign-in/code")
        done = me.post("/console/sign-in/code", {"code": code.group(1)})
        assert done.status_code == 302 and done.headers["Location"].endswith("/console/")
    finally:
        app.extensions["hotline"].close()
