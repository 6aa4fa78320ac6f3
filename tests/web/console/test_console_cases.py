"""Working cases in the console: queues, the case page, claiming by the SMS rule, notes
encrypted at rest, closing with an outcome, the number shown only for a reason, and
every look on the record."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from consoling import WORKER, alert, file_case, organizer
from sqlalchemy import text

from hotline.store.audit import Action


def _team(app: Any) -> dict[str, Any]:
    return {
        "ana": organizer(app, "Ana Kim", "213 555 0101", languages="en,ko",
                         industries="restaurant,market"),
        "ben": organizer(app, "Ben Ruiz", "213 555 0102", languages="en,es",
                         industries="car_wash"),
    }


def test_the_unclaimed_queue_puts_urgent_cases_first_then_the_longest_waiting(
        console_app: Any, person: Any) -> None:
    team = _team(console_app)
    cora = organizer(console_app, "Cora", "213 555 0105", role="coordinator")
    old, _ = file_case(console_app, issues=("tips",), details=("they keep our tips",))
    new, _ = file_case(console_app, sender="+12135550124", issues=("tips",),
                       details=("tips again",))
    urgent, _ = file_case(console_app, sender="+12135550125", issues=("safety",),
                          details=("I was injured at work",))
    engine = console_app.extensions["hotline"].cases.engine
    with engine.begin() as conn:  # the first case was filed two hours ago
        conn.execute(text("UPDATE cases SET created_at = :t WHERE id = :i"),
                     {"t": datetime.now(UTC) - timedelta(hours=2), "i": old})
    for case_id in (old, new, urgent):
        alert(console_app, case_id)
    me = person()
    me.sign_in(cora)
    me.get("/console/queues/unclaimed")
    refs = re.findall(r'data-ref="(\d+)"', me.page)
    console = console_app.extensions["hotline"].cases
    assert refs == [console.get(i).ref for i in (urgent, old, new)]  # type: ignore[union-attr]
    assert "2 h 0 min" in me.page or "2 h 1 min" in me.page  # how long the first has waited
    assert WORKER not in me.page and "0123" not in me.page
    me.get("/console/queues/unclaimed?urgency=urgent")
    assert re.findall(r'data-ref="(\d+)"', me.page) == [refs[0]]
    me.get("/console/queues/unclaimed?issue=tips&older=1")
    assert re.findall(r'data-ref="(\d+)"', me.page) == [refs[1]]
    me.get(f"/console/queues/open?ref={refs[2]}")
    assert re.findall(r'data-ref="(\d+)"', me.page) == [refs[2]]
    me.get("/console/queues/open?area=vermont&language=ko&channel=sms&industry=restaurant")
    assert len(re.findall(r'data-ref="(\d+)"', me.page)) == 3
    # an organizer sees only the cases alerted to them
    ana = person()
    ana.sign_in(team["ana"])
    ana.get("/console/queues/unclaimed")
    assert sorted(re.findall(r'data-ref="(\d+)"', ana.page)) == sorted(refs)
    ben = person()
    ben.sign_in(team["ben"])
    ben.get("/console/queues/unclaimed")
    assert re.findall(r'data-ref="(\d+)"', ben.page) == [refs[0]]  # urgent: everyone


def test_claiming_follows_the_sms_rule_and_tells_the_others_and_the_worker(
        console_app: Any, person: Any, twilio_api: Any) -> None:
    team = _team(console_app)
    case_id, ref = file_case(console_app)
    alert(console_app, case_id)  # a Korean restaurant case: Ana, not Ben
    ben = person()
    ben.sign_in(team["ben"])
    assert ben.get(f"/console/cases/{ref}").status_code == 403
    assert ben.post(f"/console/cases/{ref}/claim").status_code == 403
    ana = person()
    ana.sign_in(team["ana"])
    assert ana.get(f"/console/cases/{ref}").status_code == 200
    assert "사장님이 월급을 늦게 줘요" in ana.page  # the report, decrypted for her
    assert ana.post(f"/console/cases/{ref}/claim").status_code == 302
    ana.get(f"/console/cases/{ref}")
    assert "Taken by Ana Kim" in ana.page or "Ana Kim" in ana.page
    assignment = console_app.extensions["console"].assignments.get(case_id)
    assert assignment.claimed_by == team["ana"].id
    jobs = console_app.extensions["hotline"].alerts  # the worker's notice is queued
    assert any("deliver" in (job.func_name or "") for job in jobs.jobs)
    entries = console_app.extensions["console"].audit.entries(case_id=case_id)
    assert [(e.actor, e.action) for e in reversed(entries)] == [
        ("Ben Ruiz", Action.DENIED), ("Ben Ruiz", Action.DENIED),
        ("Ana Kim", Action.VIEWED), ("Ana Kim", Action.CLAIMED), ("Ana Kim", Action.VIEWED)]


def test_notes_are_encrypted_at_rest_and_shown_on_the_timeline(
        console_app: Any, person: Any) -> None:
    team = _team(console_app)
    case_id, ref = file_case(console_app)
    alert(console_app, case_id)
    ana = person()
    ana.sign_in(team["ana"])
    ana.get(f"/console/cases/{ref}")
    ana.post(f"/console/cases/{ref}/claim")
    ana.get(f"/console/cases/{ref}")
    ana.post(f"/console/cases/{ref}/notes", {"body": "Called Min: paid cash, $12/h."})
    ana.get(f"/console/cases/{ref}")
    assert "Called Min: paid cash, $12/h." in ana.page
    engine = console_app.extensions["hotline"].cases.engine
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT body_enc FROM case_notes")).scalar_one()
    assert b"Called Min" not in bytes(stored)
    assert "Taken by Ana Kim" in ana.page and "Filed by the worker" in ana.page
    assert "Alert to Ana Kim by SMS: sent" in ana.page


def test_the_number_is_masked_until_shown_for_a_reason_that_goes_on_the_record(
        console_app: Any, person: Any) -> None:
    team = _team(console_app)
    case_id, ref = file_case(console_app)
    alert(console_app, case_id)
    ana = person()
    ana.sign_in(team["ana"])
    ana.get(f"/console/cases/{ref}")
    assert "••• ••• 0123" in ana.page and WORKER not in ana.page
    assert 'id="show-number"' not in ana.page  # not hers yet: no "show"
    assert ana.post(f"/console/cases/{ref}/reveal", {"reason": "call"}).status_code == 403
    ana.post(f"/console/cases/{ref}/claim")
    ana.get(f"/console/cases/{ref}")
    assert ana.post(f"/console/cases/{ref}/reveal", {}).status_code == 302  # no reason
    shown = ana.post(f"/console/cases/{ref}/reveal",
                     {"reason": "other", "why": "call back at 213 555 0123 tonight"})
    assert shown.status_code == 200 and WORKER in ana.page
    (entry,) = console_app.extensions["console"].audit.entries(
        case_id=case_id, actions=(Action.REVEALED,))
    assert entry.actor == "Ana Kim" and entry.detail == "other: call back at # tonight"


def test_a_worker_who_did_not_agree_to_contact_has_no_number_to_show(
        console_app: Any, person: Any) -> None:
    cora = organizer(console_app, "Cora", "213 555 0105", role="coordinator")
    _, ref = file_case(console_app, contact_method="none", contact_number=None)
    me = person()
    me.sign_in(cora)
    me.get(f"/console/cases/{ref}")
    assert 'id="show-number"' not in me.page and "did not agree" in me.page
    assert me.post(f"/console/cases/{ref}/reveal", {"reason": "call"}).status_code == 403


def test_an_organizer_who_does_not_have_the_case_cannot_open_its_packet_or_number(
        console_app: Any, person: Any) -> None:
    team = _team(console_app)
    case_id, ref = file_case(console_app, issues=("safety",), details=("injured",))
    alert(console_app, case_id)  # urgent: both alerted
    ana, ben = person(), person()
    ana.sign_in(team["ana"])
    ben.sign_in(team["ben"])
    ana.get(f"/console/cases/{ref}")
    ana.post(f"/console/cases/{ref}/claim")
    assert ben.get(f"/console/cases/{ref}").status_code == 200  # alerted: may read it
    assert ben.get(f"/console/cases/{ref}/packet").status_code == 403
    assert ben.post(f"/console/cases/{ref}/reveal", {"reason": "call"}).status_code == 403
    assert ben.post(f"/console/cases/{ref}/close", {"outcome": "resolved"}).status_code == 403
    denied = console_app.extensions["console"].audit.entries(case_id=case_id,
                                                             actions=(Action.DENIED,))
    assert [(e.actor, e.detail) for e in reversed(denied)] == [
        ("Ben Ruiz", "packet"), ("Ben Ruiz", "reveal"), ("Ben Ruiz", "own")]
    assert ana.get(f"/console/cases/{ref}/packet").status_code == 200
    assert "Wage claim preparation" in ana.page and "Assi Market" in ana.page


def test_closing_needs_an_outcome_and_a_closed_case_can_be_reopened(
        console_app: Any, person: Any) -> None:
    team = _team(console_app)
    case_id, ref = file_case(console_app)
    alert(console_app, case_id)
    ana = person()
    ana.sign_in(team["ana"])
    ana.get(f"/console/cases/{ref}")
    ana.post(f"/console/cases/{ref}/claim")
    ana.get(f"/console/cases/{ref}")
    ana.post(f"/console/cases/{ref}/close", {"outcome": "maybe"})
    assert console_app.extensions["console"].assignments.get(case_id).closed_at is None
    ana.post(f"/console/cases/{ref}/close", {"outcome": "labor_commissioner"})
    assignment = console_app.extensions["console"].assignments.get(case_id)
    assert assignment.closed_at is not None and assignment.outcome == "labor_commissioner"
    ana.get("/console/queues/closed")
    assert ref in ana.page and "Referred to the Labor Commissioner" in ana.page
    ana.get(f"/console/cases/{ref}")
    ana.post(f"/console/cases/{ref}/reopen")
    assignment = console_app.extensions["console"].assignments.get(case_id)
    assert assignment.closed_at is None and assignment.outcome is None
    ana.get("/console/queues/mine")
    assert ref in ana.page


def test_a_coordinator_assigns_a_case_and_only_coordinators_may(
        console_app: Any, person: Any) -> None:
    team = _team(console_app)
    cora = organizer(console_app, "Cora", "213 555 0105", role="coordinator")
    case_id, ref = file_case(console_app)
    alert(console_app, case_id)
    ana = person()
    ana.sign_in(team["ana"])
    ana.get(f"/console/cases/{ref}")
    assert ana.post(f"/console/cases/{ref}/assign",
                    {"organizer": str(team["ben"].id)}).status_code == 403
    me = person()
    me.sign_in(cora)
    me.get(f"/console/cases/{ref}")
    me.post(f"/console/cases/{ref}/assign", {"organizer": str(team["ben"].id)})
    assert console_app.extensions["console"].assignments.get(case_id).claimed_by == team[
        "ben"].id
    ben = person()
    ben.sign_in(team["ben"])
    ben.get("/console/queues/mine")
    assert ref in ben.page
    assert ben.get(f"/console/cases/{ref}/packet").status_code == 200


def test_photos_are_served_through_the_console_never_linked_at_twilio(
        console_app: Any, person: Any, twilio_api: Any) -> None:
    import samples

    from hotline.dialogue.effects import MediaItem

    png = samples.png()
    url = twilio_api.add_media(png, "image/png")
    waiting = twilio_api.add_media(samples.jpeg(), "image/jpeg")
    refused = twilio_api.add_media(samples.EXE, "image/jpeg")
    cora = organizer(console_app, "Cora", "213 555 0105", role="coordinator")
    case_id, ref = file_case(console_app, media=(MediaItem(url, "image/png"),
                                                 MediaItem(refused, "image/jpeg")))
    service = console_app.extensions["hotline"]
    service.keeper.keep_case(case_id)  # the evidence job's work: kept, deleted at Twilio
    service.cases.add_to(case_id, file_effect(media=(MediaItem(waiting, "image/jpeg"),)))
    me = person()
    me.sign_in(cora)
    me.get(f"/console/cases/{ref}")
    assert url not in me.page and "/Media/" not in me.page
    assert f"/console/cases/{ref}/photos/0" in me.page
    assert "Being copied from Twilio" in me.page and "Not kept: not an allowed type" in me.page
    fetched = len(twilio_api.gets)  # the job's
    got = me.client.get(f"/console/cases/{ref}/photos/0", base_url="https://hotline.test")
    assert got.status_code == 200 and got.data == png
    assert got.headers["Content-Type"] == "image/png"
    assert got.headers["Cache-Control"] == "no-store"
    assert len(twilio_api.gets) == fetched  # served from our copy, not from Twilio
    for index in (1, 2, 5):  # refused, not copied yet, not there
        assert me.client.get(f"/console/cases/{ref}/photos/{index}",
                             base_url="https://hotline.test").status_code == 404
    (look,) = console_app.extensions["console"].audit.entries(
        case_id=case_id, actions=(Action.EVIDENCE,))
    assert look.actor == "Cora"


def file_effect(**fields: Any) -> Any:
    from hotline.dialogue.effects import CaseKind, FileCase

    return FileCase(**{"kind": CaseKind.REPORT, "locale": "en", "channel": "sms",
                       "sender": WORKER, "contact_method": "text", **fields})


def test_a_coordinator_erases_a_worker_after_confirming_it_is_them_and_it_is_recorded(
        console_app: Any, person: Any) -> None:
    cora = organizer(console_app, "Cora", "213 555 0105", role="coordinator")
    ana = organizer(console_app, "Ana Kim", "213 555 0101", languages="en")
    case_id, ref = file_case(console_app)
    other_id, _ = file_case(console_app, employer="Seoul Restaurant")  # same worker
    me, her = person(), person()
    her.sign_in(ana)
    her.get(f"/console/cases/{ref}")
    assert her.post(f"/console/cases/{ref}/erase", {"sure": "yes"}).status_code == 403
    me.sign_in(cora)
    engine = console_app.extensions["hotline"].cases.engine
    with engine.begin() as conn:
        conn.execute(text("UPDATE console_logins SET confirmed_at = :t"),
                     {"t": datetime.now(UTC) - timedelta(minutes=30)})
    me.get(f"/console/cases/{ref}")
    asked = me.post(f"/console/cases/{ref}/erase", {"sure": "yes"})
    assert "/console/confirm" in asked.headers["Location"]
    me.get(asked.headers["Location"])
    me.post("/console/confirm", {"code": me.recovery.pop(), "next": f"/console/cases/{ref}"})
    me.get(f"/console/cases/{ref}")
    me.post(f"/console/cases/{ref}/erase", {"sure": "yes"})
    cases = console_app.extensions["hotline"].cases
    for erased in (case_id, other_id):
        view = cases.get(erased)
        assert view is not None and view.name is None and view.details is None
    (entry,) = console_app.extensions["console"].audit.entries(actions=(Action.ERASED,))
    assert entry.actor == "Cora" and entry.case_ref == ref and entry.detail == "# cases"
    me.get(f"/console/cases/{ref}")
    assert "Personal data erased at the worker&#39;s request" in me.page


def test_an_old_sign_in_confirms_by_a_new_code_before_the_number_is_shown(
        console_app: Any, person: Any, twilio_api: Any) -> None:
    team = _team(console_app)
    case_id, ref = file_case(console_app)
    alert(console_app, case_id)
    ana = person()
    ana.sign_in(team["ana"])
    ana.get(f"/console/cases/{ref}")
    ana.post(f"/console/cases/{ref}/claim")
    engine = console_app.extensions["hotline"].cases.engine
    with engine.begin() as conn:
        conn.execute(text("UPDATE console_logins SET confirmed_at = :t"),
                     {"t": datetime.now(UTC) - timedelta(minutes=11)})
    ana.get(f"/console/cases/{ref}")
    asked = ana.post(f"/console/cases/{ref}/reveal", {"reason": "call"},
                     headers={"Referer": f"https://hotline.test/console/cases/{ref}"})
    assert asked.status_code == 302 and WORKER not in ana.page
    assert asked.headers["Location"].endswith(f"/console/confirm?next=/console/cases/{ref}")
    texts = len(twilio_api.to(team["ana"].phone))
    ana.get(asked.headers["Location"])
    ana.post("/console/confirm", {"action": "send", "next": f"/console/cases/{ref}"})
    assert len(twilio_api.to(team["ana"].phone)) == texts + 1  # a new code, by SMS
    code = ana.last_code(team["ana"])
    back = ana.post("/console/confirm", {"code": code, "next": f"/console/cases/{ref}"})
    assert back.headers["Location"].endswith(f"/console/cases/{ref}")
    ana.get(f"/console/cases/{ref}")
    assert ana.post(f"/console/cases/{ref}/reveal", {"reason": "call"}).status_code == 200
    assert WORKER in ana.page
    assert not console_app.extensions["console"].audit.entries(
        case_id=case_id, actions=(Action.DENIED,))


def test_a_long_queue_shows_a_page_then_more(console_app: Any, person: Any) -> None:
    from hotline.store import queues

    cora = organizer(console_app, "Cora", "213 555 0105", role="coordinator")
    for n in range(queues.PAGE + 3):
        file_case(console_app, sender=f"+1213555{n:04d}", details=(f"case {n}",))
    me = person()
    me.sign_in(cora)
    me.get("/console/queues/open")
    assert len(re.findall(r'data-ref="', me.page)) == queues.PAGE and 'id="more"' in me.page
    more = re.search(r'<a href="([^"]+)" id="more">', me.page).group(1)  # type: ignore[union-attr]
    me.get(more.replace("&amp;", "&"))
    assert len(re.findall(r'data-ref="', me.page)) == queues.PAGE + 3
    assert 'id="more"' not in me.page
