"""Case references: short numbers people text and say aloud, with a check digit.

A reference is five random digits and a Damm check digit (``482135``): every one-digit
typo and every swap of two neighbouring digits fails the check, so a slip of the thumb
gets "check the number" instead of someone else's case. References made before the
check digit (four or five digits) keep working as they are. Pure: no I/O.
"""

from __future__ import annotations

import re
import secrets
from enum import StrEnum

from stdnum import damm

#: Random digits of a new reference (the check digit comes after them).
RANDOM_DIGITS = 5
#: References this short or shorter were made before check digits, and are taken as is.
LEGACY_MAX_DIGITS = 5

_SEPARATORS = re.compile(r"[\s\-.]")


class RefCheck(StrEnum):
    VALID = "valid"      # a reference with a check digit that holds
    LEGACY = "legacy"    # made before check digits: looked up as it is
    BAD = "bad"          # a typo: the check digit does not hold (or not a reference)


def new_ref(random_digits: int = RANDOM_DIGITS) -> str:
    """Draw a reference: ``random_digits`` digits (no leading 0) and the check digit."""
    low = 10 ** (random_digits - 1)
    body = str(secrets.randbelow(9 * low) + low)
    return body + damm.calc_check_digit(body)


def clean(text: str) -> str:
    """Drop the spaces, dashes and dots people put in numbers (``482 135`` → ``482135``)."""
    return _SEPARATORS.sub("", text)


def check(ref: str) -> RefCheck:
    """Tell whether a typed reference can be looked up."""
    if not ref.isascii() or not ref.isdigit() or ref.startswith("0"):
        return RefCheck.BAD
    if len(ref) <= LEGACY_MAX_DIGITS:
        return RefCheck.LEGACY
    return RefCheck.VALID if damm.is_valid(ref) else RefCheck.BAD
