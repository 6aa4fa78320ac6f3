"""The staff's command line: chat with the bot, read cases."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from hotline.cli import main
from hotline.config import env_name


@pytest.fixture
def env(overrides):  # type: ignore[no-untyped-def]
    return {env_name(k): str(v) for k, v in overrides.items()}


def test_chat_files_a_callback_request_that_cases_list_and_export_show(env) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    chatted = runner.invoke(main, ["chat", "--lang", "en"], input="3\n2\n", env=env)
    assert chatted.exit_code == 0, chatted.output
    assert "Main menu" in chatted.output and "request number is" in chatted.output
    ref = chatted.output.split("request number is ")[1].split(".")[0]

    listed = runner.invoke(main, ["cases", "list"], env=env)
    assert listed.exit_code == 0 and ref in listed.output and "callback" in listed.output

    as_json = runner.invoke(main, ["cases", "export", "--format", "json"], env=env)
    (case,) = json.loads(as_json.output)
    assert case["ref"] == ref and case["contact"] == "+12135550100"
    assert case["contact_method"] == "call"

    as_csv = runner.invoke(main, ["cases", "export", "--format", "csv"], env=env)
    (row,) = list(csv.DictReader(io.StringIO(as_csv.output)))
    assert row["ref"] == ref


def test_chat_shows_the_cost_of_each_reply(env) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(main, ["chat"], input="hi\n", env=env)
    assert "[GSM-7, 1 SMS]" in result.output or "[UCS-2," in result.output
