"""What the engine needs to know about one deployment, as plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import tzinfo
from zoneinfo import ZoneInfo

from hotline.dialogue.facts import FactBook, packaged
from hotline.dialogue.keywords import Lexicon


@dataclass(frozen=True)
class Context:
    """What the engine needs to know about this deployment, as plain data."""

    lexicon: Lexicon
    languages: tuple[str, ...]
    idle_seconds: int = 2 * 3600
    report_keep_seconds: int = 72 * 3600
    center_phone: str = ""
    facts: FactBook = field(default_factory=packaged)
    """The dated figures the explainers state (FACTS_FILE)."""
    zone: tzinfo = field(default_factory=lambda: ZoneInfo("America/Los_Angeles"))
    """The center's time zone: a figure's dates are days on its calendar."""
