"""The console speaks each organizer's language (the first of theirs it has), from its
own catalog, and they can change it in the console."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from consoling import file_case, organizer

from hotline.words.console_check import check_console


def test_a_korean_organizer_reads_the_console_in_korean_and_can_switch_to_spanish(
        console_app: Any, person: Any) -> None:
    ana = organizer(console_app, "Ana Kim", "213 555 0101", languages="ko,en")
    cora = organizer(console_app, "Cora", "213 555 0105", role="coordinator")
    _, ref = file_case(console_app)
    me = person()
    me.sign_in(ana)
    assert "미배정" in me.page and "로그아웃" in me.page and "Unclaimed" not in me.page
    boss = person()
    boss.sign_in(cora)
    boss.get(f"/console/cases/{ref}")
    assert "Take this case" in boss.page  # Cora's console stays in English
    me.get("/console/account")
    me.post("/console/account", {"language": "es"})
    me.get("/console/queues/unclaimed")
    assert "Sin tomar" in me.page and "Cerrar sesión" in me.page
    assert console_app.extensions["console"].organizers.get(ana.id).languages == (
        "es", "ko", "en")  # alerts follow the first language too


def test_the_sign_in_page_follows_the_browser_and_the_code_the_organizer(
        console_app: Any, person: Any, twilio_api: Any) -> None:
    ben = organizer(console_app, "Ben Ruiz", "213 555 0102", languages="es,en")
    me = person()
    me.get("/console/sign-in", headers={"Accept-Language": "es-MX,es;q=0.9"})
    assert "Envíenme un código" in me.page
    me.ask_code(ben.phone)
    sms = twilio_api.to(ben.phone)[-1]["Body"]
    assert sms.startswith("Codigo de la consola de la linea: ")  # folded: GSM-7, 1 SMS


def test_the_console_catalogs_are_complete_and_keep_their_placeholders(
        tmp_path: Path) -> None:
    from hotline.config import PACKAGE_ROOT

    reports = check_console(PACKAGE_ROOT / "locales", ("en", "es", "ko"))
    assert [r.locale for r in reports] == ["en", "es", "ko"]
    assert all(r.problems == () and r.translated == r.messages > 200 for r in reports)
    broken = tmp_path / "es" / "LC_MESSAGES"
    broken.mkdir(parents=True)
    (broken / "console.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Case %(ref)s"\nmsgstr "Caso %(numero)s"\n\n'
        'msgid "Save"\nmsgstr ""\n', encoding="utf-8")
    (report,) = check_console(tmp_path, ("es",))
    (problem,) = report.problems  # "Save" is not translated yet: shown in English, counted
    assert "placeholders" in problem and (report.messages, report.translated) == (2, 1)
