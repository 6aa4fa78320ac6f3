"""Drive the dialogue engine like a phone, with the real catalogs' keywords."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from hotline.dialogue.engine import Context, Outcome, step
from hotline.dialogue.inbound import Channel, Inbound, Media
from hotline.dialogue.session import Session
from hotline.dialogue.steps import StepId
from hotline.dialogue.topics import TOPICS
from hotline.words.catalogs import Catalogs

LANGUAGES = ("en", "es", "ko")
NOW = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
SENDER = "+12135550100"
MENU_WORD = {"en": "MENU", "es": "MENÚ", "ko": "메뉴"}


def context(locales: Path) -> Context:
    """Return the engine's context with every keyword of the catalogs in ``locales``."""
    catalogs = Catalogs(locales, LANGUAGES)
    return Context(catalogs.lexicon((str(t.id), t.keywords) for t in TOPICS), LANGUAGES)


class Talk:
    """Send messages to the engine, each a minute after the last, and keep the session."""

    def __init__(self, ctx: Context, session: Session | None = None) -> None:
        self.ctx = ctx
        self.session = session or Session()
        self.now = NOW
        self.n = 0

    def send(self, text: str, *, media: tuple[Media, ...] = (),
             after: timedelta = timedelta(minutes=1)) -> Outcome:
        self.n += 1
        self.now += after
        inbound = Inbound(f"SM{self.n}", Channel.SMS, SENDER, text, media)
        outcome = step(self.session, inbound, self.now, self.ctx)
        self.session = outcome.session
        return outcome


def talk_in(ctx: Context, locale: str) -> Talk:
    """Return a conversation at the main menu in ``locale``."""
    talk = Talk(ctx, Session(locale=locale))
    talk.send(MENU_WORD[locale])
    assert talk.session.step == StepId.MENU
    return talk
