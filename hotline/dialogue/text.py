"""Markers for translatable text; the dialogue never translates, it only names."""

from __future__ import annotations


def N_(msgid: str) -> str:
    """Mark an English source string for extraction; return it unchanged."""
    return msgid


def NP_(context: str, msgid: str) -> str:
    """Mark a string with a gettext context (keyword lists); return it unchanged."""
    return msgid
