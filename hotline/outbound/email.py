"""E-mail through SMTP (``SMTP_URL``, or ``SMTP_HOST`` with port, login and TLS)."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import unquote, urlsplit

from hotline.config import Settings
from hotline.outbound import NotConfigured, PermanentFailure, TransportError


@dataclass(frozen=True)
class Server:
    """Where and how to hand mail over."""

    host: str
    port: int
    user: str
    password: str
    tls: str  # starttls | ssl | none


def server_of(settings: Settings) -> Server | None:
    """Read the SMTP server from SMTP_URL, else from the SMTP_HOST… settings; None if unset."""
    if settings.smtp_url:
        url = urlsplit(settings.smtp_url)
        implicit = url.scheme == "smtps"
        tls = "ssl" if implicit else settings.smtp_tls
        if "tls=none" in url.query:
            tls = "none"
        return Server(url.hostname or "localhost", url.port or (465 if implicit else 587),
                      unquote(url.username or ""), unquote(url.password or ""), tls)
    if settings.smtp_host:
        return Server(settings.smtp_host, settings.smtp_port, settings.smtp_user,
                      settings.smtp_password, settings.smtp_tls)
    return None


class EmailSender:
    """Send one plain-text e-mail; return its Message-ID."""

    def __init__(self, settings: Settings) -> None:
        self.server = server_of(settings)
        self.sender = settings.smtp_from
        self.timeout = settings.transport_timeout

    @property
    def configured(self) -> bool:
        return self.server is not None

    def send(self, to: str, subject: str, body: str) -> str:
        """Send a message; raise PermanentFailure for a refused address, else TransportError."""
        server = self.server
        if server is None:
            raise NotConfigured("smtp not configured")
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        message.set_content(body)
        try:
            smtp: smtplib.SMTP
            if server.tls == "ssl":
                smtp = smtplib.SMTP_SSL(server.host, server.port, timeout=self.timeout,
                                        context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(server.host, server.port, timeout=self.timeout)
            with smtp:
                if server.tls == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if server.user:
                    smtp.login(server.user, server.password)
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused:
            raise PermanentFailure("smtp recipient refused") from None
        except smtplib.SMTPAuthenticationError as exc:
            raise PermanentFailure(f"smtp auth {exc.smtp_code}") from None
        except smtplib.SMTPNotSupportedError:
            raise PermanentFailure("smtp starttls unsupported") from None
        except smtplib.SMTPResponseException as exc:
            error = PermanentFailure if 500 <= exc.smtp_code < 600 else TransportError
            raise error(f"smtp {exc.smtp_code}") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise TransportError(f"smtp {type(exc).__name__}") from None
        return str(message["Message-ID"])
