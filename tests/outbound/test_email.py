"""E-mail through a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

import pytest
from fakes import Mailbox, body_of

from hotline import config
from hotline.outbound import NotConfigured, PermanentFailure, TransportError
from hotline.outbound.email import EmailSender, server_of


@pytest.fixture
def sender(alert_overrides):  # type: ignore[no-untyped-def]
    return EmailSender(config.load(environ={}, **alert_overrides))


def test_a_message_arrives_with_subject_sender_and_body(sender: EmailSender,
                                                         mailbox: Mailbox) -> None:
    message_id = sender.send("ana@example.org", "Hotline case 4821", "Report in Spanish\nné")
    (received,) = mailbox.to("ana@example.org")
    assert received["Subject"] == "Hotline case 4821"
    assert received["From"] == "hotline@center.example"
    assert received["Message-ID"] == message_id
    assert body_of(received).strip() == "Report in Spanish\nné"


def test_a_refused_address_is_permanent_and_a_busy_server_is_not(sender: EmailSender,
                                                                  mailbox: Mailbox) -> None:
    mailbox.refuse.add("gone@example.org")
    with pytest.raises(PermanentFailure):
        sender.send("gone@example.org", "s", "b")
    mailbox.busy = 1
    with pytest.raises(TransportError) as raised:
        sender.send("ana@example.org", "s", "b")
    assert not isinstance(raised.value, PermanentFailure) and raised.value.code == "smtp 451"
    sender.send("ana@example.org", "s", "b")
    assert len(mailbox.to("ana@example.org")) == 1


def test_no_server_listening_is_retryable(alert_overrides) -> None:  # type: ignore[no-untyped-def]
    sender = EmailSender(config.load(environ={}, **{**alert_overrides,
                                                    "smtp_url": "smtp://127.0.0.1:9"}))
    with pytest.raises(TransportError) as raised:
        sender.send("ana@example.org", "s", "b")
    assert not isinstance(raised.value, PermanentFailure)


@pytest.mark.parametrize(("env", "expected"), [
    ({"SMTP_URL": "smtp://u%40x:p%3Aw@mail.example:2525"},
     ("mail.example", 2525, "u@x", "p:w", "starttls")),
    ({"SMTP_URL": "smtps://mail.example"}, ("mail.example", 465, "", "", "ssl")),
    ({"SMTP_URL": "smtp://localhost:25?tls=none"}, ("localhost", 25, "", "", "none")),
    ({"SMTP_HOST": "smtp.example", "SMTP_PORT": "25", "SMTP_USER": "me",
      "SMTP_PASSWORD": "pw", "SMTP_TLS": "none"}, ("smtp.example", 25, "me", "pw", "none")),
])
def test_the_server_comes_from_smtp_url_or_the_smtp_settings(env: dict[str, str],
                                                              expected: tuple[object, ...]) -> None:
    server = server_of(config.load(environ={**env, "HOTLINE_SECRET_KEY": "k", "HOTLINE_ENV": "development"}))
    assert server is not None
    assert (server.host, server.port, server.user, server.password, server.tls) == expected


def test_without_a_server_e_mail_is_not_configured(overrides) -> None:  # type: ignore[no-untyped-def]
    sender = EmailSender(config.load(environ={}, **overrides))
    with pytest.raises(NotConfigured):
        sender.send("ana@example.org", "s", "b")


def test_a_bad_smtp_setting_fails_at_start_naming_the_variable() -> None:
    with pytest.raises(config.ConfigError, match="SMTP_TLS"):
        config.load(environ={"SMTP_TLS": "maybe", "HOTLINE_SECRET_KEY": "k", "HOTLINE_ENV": "development"})
    with pytest.raises(config.ConfigError, match="SMTP_URL"):
        config.load(environ={"SMTP_URL": "mail.example:25", "HOTLINE_SECRET_KEY": "k", "HOTLINE_ENV": "development"})
