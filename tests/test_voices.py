"""VOICES and the voice line's other settings: read at start-up, refused when wrong."""

from __future__ import annotations

import pytest

from hotline import config, voices


def test_voices_are_read_in_menu_order() -> None:
    found = voices.parse("ko=Polly.Seoyeon-Neural/ko-KR, es = Polly.Lupe-Neural / es-US,")
    assert list(found.items()) == [("ko", ("Polly.Seoyeon-Neural", "ko-KR")),
                                   ("es", ("Polly.Lupe-Neural", "es-US"))]


@pytest.mark.parametrize("value", ["ko", "ko=Polly.Seoyeon-Neural", "=Polly.X/ko-KR",
                                   "ko=/ko-KR", ",".join(f"l{i}=V/x-X" for i in range(10))])
def test_a_bad_voices_setting_stops_the_start_naming_it(value: str) -> None:
    with pytest.raises(config.ConfigError, match="^VOICES: "):
        config.load({"HOTLINE_ENV": "development", "VOICES": value})


def test_the_longest_message_is_bounded() -> None:
    with pytest.raises(config.ConfigError, match="VOICE_RECORD_SECONDS"):
        config.load({"HOTLINE_ENV": "development", "VOICE_RECORD_SECONDS": "7200"})
    assert config.load({"HOTLINE_ENV": "development",
                        "VOICE_RECORD_SECONDS": "120"}).voice_record_seconds == 120
