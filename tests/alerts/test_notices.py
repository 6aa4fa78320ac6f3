"""Staff hear of a case nobody could be alerted about (issue 12 §1): at filing, it goes
to DIGEST_TO (and the webhook); when every alert failed later, to the coordinators."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from casework import WORKER, add, file
from fakes import Jobs, Mailbox, TwilioApi, WebhookSink, body_of

from hotline import config
from hotline.service import Service

NOW = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)


def test_a_case_filed_with_nobody_to_alert_goes_to_digest_to_and_the_webhook(
        alert_overrides: dict[str, Any], mailbox: Mailbox, webhook_sink: WebhookSink,
        jobs: Jobs) -> None:
    settings = replace(config.load(environ={}, **alert_overrides),
                       digest_to="office@center.example")
    service = Service.from_settings(settings)
    try:
        case_id, ref = file(service)
        service.dispatcher.alert(case_id, now=NOW)
        jobs.run()
        (mail,) = mailbox.to("office@center.example")
        assert body_of(mail).strip() == (f"Hotline case {ref} reached no organizer. Please see "
                                         f"to it: reply OK {ref} to take it.")
        assert [p["case"] for p in webhook_sink.posts] == [ref]
        assert WORKER[1:] not in body_of(mail)
        assert any(kind == "unreached" for kind, _ in service.cases.events(case_id))
    finally:
        service.close()


def test_a_case_whose_every_alert_failed_is_raised_to_the_coordinators(
        alert_service: Service, twilio_api: TwilioApi, jobs: Jobs) -> None:
    from hotline.store.deliveries import Status

    add(alert_service, "Ana Kim", "213 555 0101", languages="en,ko")  # SMS only
    add(alert_service, "Cora", "213 555 0105", languages="en", role="coordinator",
        hours="Mon-Fri 22:00-23:00")  # not on call: not alerted at first
    twilio_api.fail_for("+12135550101", 30003, times=5)  # unreachable handset, for good
    case_id, ref = file(alert_service)
    alert_service.dispatcher.alert(case_id, now=NOW)
    jobs.run()
    (notice,) = twilio_api.to("+12135550105")
    assert notice["Body"] == (f"Hotline case {ref} reached no organizer. Please see to it: "
                              f"reply OK {ref} to take it.")
    # and `hotline alerts failed` lists the alert that reached nobody
    failed = alert_service.dispatcher.deliveries.failed(NOW)
    assert [[d.status for d in chain] for chain in failed] == [[Status.FAILED]]
    assert failed[0][0].case_id == case_id
