"""What each reply costs: rendered as the bot sends it, measured against its budget."""

from __future__ import annotations

from pathlib import Path

import pytest
from scratch_catalogs import LANGUAGES, before, locales, new_problems, po_of, translate

from hotline.dialogue import messages
from hotline.words.check import check, offered_languages
from hotline.words.findings import Kind
from hotline.words.segments import Encoding

__all__ = ["before", "locales"]  # fixtures


# -- SMS budgets ----------------------------------------------------------------------


LONG_HELP = ("Responda con el número de una opción. En cualquier momento puede enviar: MENÚ "
             "para el menú principal, ATRÁS para regresar, PERSONA para hablar con una "
             "persona, IDIOMA para cambiar de idioma. ¿Emergencia? Llame al 911. Este mensaje "
             "es demasiado largo a propósito, para ver que la revisión lo encuentra y dice "
             "cuántos segmentos cuesta.")


def test_a_reply_over_its_budget_is_reported_at_the_message_that_made_it_long(
        locales: Path, before) -> None:  # type: ignore[no-untyped-def]
    es = po_of(locales, "es")
    line = translate(es, messages.HELP, LONG_HELP)
    (problem,) = new_problems(locales, before)
    assert problem.kind is Kind.BUDGET and problem.line == line
    assert "help: 3 SMS segments (GSM-7" in problem.message and "budget of 2" in problem.message
    offered, _ = offered_languages(locales, LANGUAGES)
    assert "es" in offered  # it costs more, but it works: workers keep their language


@pytest.mark.parametrize(("comment", "budget"), [("BUDGET: 3", 3), ("BUDGET: none", None)])
def test_a_budget_comment_raises_the_budget_of_one_message(locales: Path, before,  # type: ignore[no-untyped-def]
                                                           comment: str,
                                                           budget: int | None) -> None:
    es = po_of(locales, "es")
    translate(es, messages.HELP, LONG_HELP, comment=comment)
    assert new_problems(locales, before) == []
    report = next(r for r in check(locales, ("es",)).reports if r.locale == "es")
    (cost,) = [c for c in report.costs if c.name == "help"]
    assert cost.budget == budget and cost.segments == 3


def test_the_summary_has_the_budget_its_code_comment_gives(locales: Path) -> None:
    report = next(r for r in check(locales, ("en",)).reports if r.locale == "en")
    budgets = {c.name: c.budget for c in report.costs}
    assert budgets["summary"] == 3 and budgets["help"] == 2


def test_text_that_is_ucs2_only_because_of_a_lookalike_is_flagged_with_the_fix(
        locales: Path) -> None:
    es = po_of(locales, "es")
    translate(es, messages.DELETED, "Listo. Su reporte nº 1 fue borrado.")
    report = next(r for r in check(locales, ("es",)).reports if r.locale == "es")
    (cost,) = [c for c in report.costs if c.name == "deleted"]
    assert cost.encoding is Encoding.UCS2 and cost.swaps == (("º", "o"),)
    assert cost.swapped_segments == 1


def test_without_folding_spanish_accents_are_flagged_as_avoidable(locales: Path) -> None:
    report = next(r for r in check(locales, ("es",), fold_accents=False).reports)
    (welcome,) = [c for c in report.costs if c.name == "welcome"]
    assert welcome.encoding is Encoding.UCS2
    assert welcome.swaps and all(alt for _, alt in welcome.swaps)
    folded = next(r for r in check(locales, ("es",)).reports)
    assert next(c for c in folded.costs if c.name == "welcome").encoding is Encoding.GSM7


def test_korean_is_ucs2_and_never_flagged(locales: Path) -> None:
    report = next(r for r in check(locales, ("ko",)).reports)
    assert all(c.encoding is Encoding.UCS2 and not c.swaps for c in report.costs
               if c.name != "language menu")
