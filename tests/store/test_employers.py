"""Repeat employers: a keyed blind index groups spellings of one business, staff merge
the ones no rule can join, and erasure takes a case's key away."""

from __future__ import annotations

from typing import Any

from consoling import file_case, organizer
from sqlalchemy import text

from hotline.store.employers import normalise


def employer_rows(page: str) -> dict[str, str]:
    """Return each employer row of the page by its key, in order."""
    return {chunk.split('"', 1)[0]: chunk.split("</tr>", 1)[0]
            for chunk in page.split('<tr data-key="')[1:]}


def test_normalising_joins_case_spacing_punctuation_and_common_abbreviations() -> None:
    assert normalise("Assi Market") == normalise("ASSI  market.") == normalise("assi mkt")
    assert normalise("Assi Market, Inc.") == "assimarket"
    assert normalise("Ｓｅｏｕｌ Ｒｅｓｔ") == normalise("seoul restaurant")
    assert normalise("아씨마켓") != normalise("Assi Market")


def test_the_page_groups_assi_market_and_its_korean_name_once_merged(
        console_app: Any, person: Any) -> None:
    cora = organizer(console_app, "Cora", "213 555 0105", role="coordinator")
    refs = [file_case(console_app, sender=f"+121355501{n:02d}", employer=name,
                      issues=issues, name="Soo-ah", details=("boss owes me",))[1]
            for n, (name, issues) in enumerate([
                ("Assi Market", ("unpaid",)), ("assi mkt", ("overtime",)),
                ("아씨마켓", ("unpaid", "breaks")), ("Seoul Restaurant", ("tips",))])]
    engine = console_app.extensions["hotline"].cases.engine
    me = person()
    me.sign_in(cora)
    me.get("/console/employers")
    rows = employer_rows(me.page)
    assert len(rows) == 3 and "Assi Market" in me.page and "아씨마켓" in me.page
    with engine.connect() as conn:  # the names stay encrypted; only keys are in the clear
        keys = " ".join(k for (k,) in conn.execute(text("SELECT key FROM case_employers")))
    assert "assi" not in keys.lower()
    assi = next(k for k, row in rows.items() if "Assi Market" in row)
    korean = next(k for k, row in rows.items() if "아씨마켓" in row)
    assert 'class="cases">2 ' in rows[assi]  # "Assi Market" and "assi mkt": one key
    me.post("/console/employers/merge", {"key": [assi, korean]})
    me.get("/console/employers")
    top = next(iter(employer_rows(me.page).values()))
    assert "Assi Market" in top and "아씨마켓" in top and 'class="cases">3 ' in top
    assert all(ref in top for ref in refs[:3]) and refs[3] not in top
    for about_workers in ("Soo-ah", "boss owes me", "+12135550", "55501"):
        assert about_workers not in me.page
    me.get("/console/employers?min=2")
    assert len(employer_rows(me.page)) == 1


def test_erasure_takes_a_cases_employer_key_and_notes_with_it(console_app: Any) -> None:
    case_id, _ = file_case(console_app, sender="+12135550177")
    console = console_app.extensions["console"]
    console.employers.index_missing()
    ana = organizer(console_app, "Ana Kim", "213 555 0101")
    console.notes.add(case_id, ana.id, "Ana Kim", "worker said X")
    console_app.extensions["hotline"].cases.erase_sender("+12135550177")
    with console.cases.engine.connect() as conn:
        for table in ("case_employers", "case_notes"):
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 0
