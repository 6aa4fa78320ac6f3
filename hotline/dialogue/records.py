"""``replace`` for the dialogue's frozen records, at a third of ``dataclasses.replace``'s
cost.

A dialogue step replaces its session about three times, and ``dataclasses.replace`` was
a quarter of a step's instructions: it walks the field definitions and runs ``__init__``
with keyword arguments on every call. Records with no ``__post_init__`` and every field
in ``__init__`` are copied field by field into a new instance instead, which is the same
thing; any other dataclass goes to ``dataclasses.replace``.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")

#: Per class: its field names if it can be copied plainly, or None (dataclasses.replace).
_PLAIN: dict[type, tuple[tuple[str, ...], frozenset[str]] | None] = {}


def replace(record: T, /, **changes: Any) -> T:
    """Return a copy of ``record`` with ``changes``, as ``dataclasses.replace`` does."""
    cls = type(record)
    try:
        plain = _PLAIN[cls]
    except KeyError:
        plain = _PLAIN[cls] = _plain(cls)
    if plain is None:
        return dataclasses.replace(record, **changes)  # type: ignore[type-var]
    names, known = plain
    if not known.issuperset(changes):
        unknown = ", ".join(sorted(set(changes) - known))
        raise TypeError(f"{cls.__name__} has no field {unknown}")
    copy = object.__new__(cls)
    for name in names:
        object.__setattr__(copy, name, changes[name] if name in changes
                           else getattr(record, name))
    return copy


def _plain(cls: type) -> tuple[tuple[str, ...], frozenset[str]] | None:
    if not dataclasses.is_dataclass(cls) or hasattr(cls, "__post_init__"):
        return None
    fields = dataclasses.fields(cls)
    if any(not f.init for f in fields):
        return None
    names = tuple(f.name for f in fields)
    return names, frozenset(names)
