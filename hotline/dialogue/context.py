"""What the engine needs to know about one deployment, as plain data."""

from __future__ import annotations

from dataclasses import dataclass

from hotline.dialogue.keywords import Lexicon


@dataclass(frozen=True)
class Context:
    """What the engine needs to know about this deployment, as plain data."""

    lexicon: Lexicon
    languages: tuple[str, ...]
    idle_seconds: int = 2 * 3600
    report_keep_seconds: int = 72 * 3600
    center_phone: str = ""
