"""Realistic conversations of simulated workers, as Twilio would post them.

A surge after a radio announcement or a raid: workers pick a language, read rights
topics, file reports with their story and a photo, or ask for a call, in Spanish,
Korean and English, by SMS and WhatsApp. Each simulated worker gets one script,
chosen by its number; every message is tagged with what it makes the hotline do.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from twilio.request_validator import RequestValidator

#: The origin both servers validate signatures against (their PUBLIC_BASE_URL), so
#: one signed request is valid for either and the load is byte-for-byte the same.
PUBLIC_BASE = "https://hotline.bench"
#: The webhook path.
WEBHOOK = "/twilio/messages"
#: The Twilio auth token both servers verify with.
AUTH_TOKEN = "bench-auth-token"
#: The hotline's own number.
HOTLINE_NUMBER = "+12135550000"
#: Twilio's account id, as it appears in every form.
ACCOUNT_SID = "AC" + "5" * 32


class Kind(StrEnum):
    """What one inbound message makes the hotline do."""

    STEP = "step"
    """A plain step: load, step, save (no SQL write)."""
    FILE = "file"
    """The message that completes a report or a callback request: a case is filed."""


@dataclass(frozen=True)
class Message:
    """One text a worker sends: ``Message("2")``; ``photo`` sends an MMS without text."""

    text: str
    kind: Kind = Kind.STEP
    photo: bool = False


def _m(text: str, kind: Kind = Kind.STEP) -> Message:
    return Message(text, kind)


PHOTO = Message("", photo=True)

# Each script is a list of message templates; {n} is the worker's number.
SPANISH_REPORT = (
    _m("Hola, necesito ayuda. No me pagaron"), _m("1"), _m("2"), _m("1"), _m("0"), _m("2"),
    _m("1"), _m("Taqueria El Sol {n}"), _m("Vermont y 3ra"), _m("1 4"),
    _m("Trabajo 6 dias a la semana y hace dos semanas que no me pagan. El patron dice que "
       "no hay dinero. Tampoco nos dan descanso para comer."),
    PHOTO, _m("1"), _m("2"), _m("1"), _m("1"), _m("Maria"), _m("1"), _m("1", Kind.FILE),
)
KOREAN_REPORT = (
    _m("안녕하세요 최저임금 질문이 있어요"), _m("1"), _m("2"), _m("0"), _m("2"), _m("3"),
    _m("서울 봉제 {n}"), _m("자바시장 근처"), _m("1 3 8"),
    _m("두 달째 월급을 못 받았어요. 사장님이 다음 주에 준다고만 해요."), PHOTO,
    _m("공장이 너무 더워요. 물도 없어요."), _m("1"), _m("1"), _m("2"), _m("3"), _m("0"),
    _m("1"), _m("1", Kind.FILE),
)
ENGLISH_REPORT = (
    _m("hi"), _m("1"), _m("2"), _m("4"), _m("Sparkle Car Wash {n}"), _m("0"), _m("8 1"),
    _m("My coworker fainted from the heat yesterday and the manager told us to keep "
       "working. No water, no shade."),
    PHOTO, _m("done"), _m("1"), _m("1"), _m("4"), _m("(213) 555-0188"), _m("Jose"), _m("1"),
    _m("1", Kind.FILE),
)
ENGLISH_RIGHTS = (
    _m("hello"), _m("1"), _m("3"), _m("1"), _m("2"), _m("7"), _m("0"), _m("MENU"),
    _m("overtime"), _m("2"), _m("6"), _m("1"), _m("0"),
)
SPANISH_RIGHTS = (
    _m("buenas tardes, cuanto es el salario minimo?"), _m("1"), _m("2"), _m("5"), _m("1"),
    _m("0"), _m("1"), _m("8"), _m("0"),
)
KOREAN_RIGHTS = (
    _m("최저임금"), _m("1"), _m("2"), _m("6"), _m("1"), _m("메뉴"), _m("1"), _m("9"), _m("0"),
)
SPANISH_CALLBACK = (
    _m("hola"), _m("1"), _m("6"), _m("0"), _m("3"), _m("1", Kind.FILE),
)

#: Scripts in the order workers are dealt them: half file a case, half read their rights.
SCRIPTS: tuple[tuple[str, tuple[Message, ...], bool], ...] = (
    ("es report (SMS)", SPANISH_REPORT, False),
    ("ko report (WhatsApp)", KOREAN_REPORT, True),
    ("en rights (SMS)", ENGLISH_RIGHTS, False),
    ("es rights (WhatsApp)", SPANISH_RIGHTS, True),
    ("ko report (SMS)", KOREAN_REPORT, False),
    ("es report (WhatsApp)", SPANISH_REPORT, True),
    ("ko rights (SMS)", KOREAN_RIGHTS, False),
    ("en report (SMS)", ENGLISH_REPORT, False),
    ("es rights (SMS)", SPANISH_RIGHTS, False),
    ("es callback (SMS)", SPANISH_CALLBACK, False),
)


def phone(block: int, n: int) -> str:
    """Return worker ``n``'s number in a block of its own (one block per benchmark phase)."""
    return f"+1{200 + block % 800:03d}{n:07d}"


def sid(block: int, n: int, i: int, prefix: str = "SM") -> str:
    """Return a MessageSid as long as Twilio's (34 characters), unique per message."""
    return f"{prefix}{block:08x}{n:012x}{i:012x}"


def script(n: int) -> tuple[Message, ...]:
    """Return the script worker ``n`` follows."""
    return SCRIPTS[n % len(SCRIPTS)][1]


def whatsapp(n: int) -> bool:
    """Tell whether worker ``n`` writes by WhatsApp."""
    return SCRIPTS[n % len(SCRIPTS)][2]


def form(block: int, n: int, i: int) -> dict[str, str]:
    """Return Twilio's POST form for message ``i`` of worker ``n`` (all the usual fields)."""
    message = script(n)[i]
    wa = "whatsapp:" if whatsapp(n) else ""
    number = phone(block, n)
    message_sid = sid(block, n, i, "MM" if message.photo else "SM")
    fields = {
        "ToCountry": "US", "ToState": "CA", "SmsMessageSid": message_sid,
        "NumMedia": "1" if message.photo else "0", "ToCity": "LOS ANGELES",
        "FromZip": "90005", "SmsSid": message_sid, "FromState": "CA", "SmsStatus": "received",
        "FromCity": "LOS ANGELES", "Body": message.text.format(n=n), "FromCountry": "US",
        "To": f"{wa}{HOTLINE_NUMBER}", "ToZip": "90010", "NumSegments": "1",
        "ReferralNumMedia": "0", "MessageSid": message_sid, "AccountSid": ACCOUNT_SID,
        "From": f"{wa}{number}", "ApiVersion": "2010-04-01",
    }
    if message.photo:
        fields["MediaContentType0"] = "image/jpeg"
        fields["MediaUrl0"] = (f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}"
                               f"/Messages/{message_sid}/Media/ME{message_sid[2:]}")
    return fields


def sign(form_fields: dict[str, str], token: str = AUTH_TOKEN) -> str:
    """Compute X-Twilio-Signature for the public webhook URL, as Twilio does."""
    return str(RequestValidator(token).compute_signature(PUBLIC_BASE + WEBHOOK, form_fields))


def messages(block: int, n: int) -> Iterator[tuple[Message, dict[str, str]]]:
    """Yield worker ``n``'s messages with their forms, in order."""
    for i, message in enumerate(script(n)):
        yield message, form(block, n, i)
