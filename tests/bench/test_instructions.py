"""``./dev bench instructions``: what it reads from cachegrind, and the in-process run it
counts (requests signed beforehand, every one answered 200 or the count is refused)."""

from __future__ import annotations

import pytest

from bench import conversations
from bench.baseline import create_app
from bench.instructions import Count, answer, environs, refs

REPORT = """==4242== Cachegrind, a cache and branch-prediction profiler
==4242== Command: python -m bench.instructions --child {}
==4242==
messages 0
==4242== I   refs:      19,546,380,853
"""


def test_the_instruction_count_is_read_from_cachegrinds_report() -> None:
    assert refs(REPORT) == 19_546_380_853


def test_a_report_without_a_count_is_refused_rather_than_read_as_zero() -> None:
    with pytest.raises(ValueError):
        refs("==4242== Cachegrind, a cache and branch-prediction profiler\n")


def test_start_up_cancels_out_of_what_a_message_costs() -> None:
    count = Count("hotline", built_only=19_000_000_000, answered=25_000_000_000,
                  messages=3_000)
    assert count.per_message == 2_000_000


def test_the_requests_are_a_whole_conversation_each_signed_for_the_webhook() -> None:
    built = environs(1, 3)
    expected = sum(len(conversations.script(n)) for n in range(3))
    assert len(built) == expected
    assert all(environ["PATH_INFO"] == conversations.WEBHOOK for environ, _ in built)
    assert answer(create_app(conversations.AUTH_TOKEN, conversations.PUBLIC_BASE),
                  built) == expected


def test_a_request_the_app_refuses_stops_the_count() -> None:
    wrong_token = create_app("another token", conversations.PUBLIC_BASE)
    with pytest.raises(RuntimeError, match="403"):
        answer(wrong_token, environs(2, 1))
