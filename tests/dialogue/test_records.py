"""``records.replace`` is ``dataclasses.replace``, cheaper, for the dialogue's records."""

from __future__ import annotations

import dataclasses

import pytest

from hotline.dialogue.records import replace
from hotline.dialogue.session import Draft, Session
from hotline.dialogue.steps import StepId


def test_a_replaced_session_equals_what_dataclasses_replace_makes() -> None:
    session = Session(locale="ko", step=StepId.MENU, history=(StepId.START,),
                      draft=Draft(employer="Kim's Market", issues=("wages",)), updated=5)
    for changes in ({}, {"step": StepId.INDUSTRY}, {"updated": 9, "locale": "es"},
                    {"draft": Draft()}):
        ours = replace(session, **changes)
        assert ours == dataclasses.replace(session, **changes)
        assert type(ours) is Session
    assert session.step == StepId.MENU  # the original is left as it was


def test_the_copy_stays_frozen() -> None:
    copy = replace(Session(), locale="en")
    with pytest.raises(dataclasses.FrozenInstanceError):
        copy.locale = "es"  # type: ignore[misc]


def test_an_unknown_field_is_refused_as_dataclasses_replace_refuses_it() -> None:
    with pytest.raises(TypeError, match="no field colour"):
        replace(Session(), colour="red")


@dataclasses.dataclass(frozen=True)
class _Checked:
    """A record whose __post_init__ must run on every copy."""

    value: int
    doubled: int = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "doubled", self.value * 2)


def test_a_record_with_post_init_is_copied_through_its_init() -> None:
    assert replace(_Checked(1), value=4).doubled == 8
