"""The report and callback flows are well-formed data."""

from __future__ import annotations

from hotline.dialogue import flow
from hotline.dialogue.session import Draft
from hotline.dialogue.steps import StepId

WAITING = set(flow.QUESTIONS) | {StepId.CONFIRM, StepId.FIX}
ENTRIES = {flow.REPORT_START, StepId.CALLBACK_CONTACT}


def successors(step: StepId) -> set[StepId]:
    if step == StepId.CONFIRM:
        return {StepId.FIX}
    if step == StepId.FIX:
        return {target for _, target in flow.FIXABLE}
    question = flow.QUESTIONS[step]
    return {question.next, *question.branches.values()}


def test_every_step_is_reachable_from_the_two_entries() -> None:
    seen, todo = set(), list(ENTRIES)
    while todo:
        current = todo.pop()
        if current in seen or current not in WAITING:
            continue
        seen.add(current)
        todo.extend(successors(current))
    assert seen == WAITING


def test_every_path_ends_in_a_filed_case() -> None:
    ends = {t for s in WAITING for t in successors(s) if t not in WAITING}
    assert ends == {StepId.SUBMIT_CALLBACK}
    assert flow.QUESTIONS[StepId.CONSENT].next == StepId.CONFIRM


def test_every_option_leads_somewhere_and_branches_name_real_options() -> None:
    for question in flow.QUESTIONS.values():
        values = {o.value for o in question.options}
        assert len(values) == len(question.options), question.step
        assert set(question.branches) <= values, question.step
        assert len(question.options) <= 9, "options are single digits"


def test_every_question_stores_into_a_draft_field() -> None:
    fields = set(Draft.__dataclass_fields__) | {"consent"}
    for question in flow.QUESTIONS.values():
        assert question.field in fields, question.step


def test_free_text_questions_say_how_to_skip_or_finish() -> None:
    for question in flow.QUESTIONS.values():
        if not question.options and question.optional:
            assert "0" in question.prompt or "1" in question.prompt, question.step


def test_no_prompt_asks_for_status_or_a_social_security_number() -> None:
    texts = [q.prompt for q in flow.QUESTIONS.values()]
    texts += [o.label for q in flow.QUESTIONS.values() for o in q.options]
    for text in texts:
        lowered = text.lower()
        for forbidden in ("status", "social security", "ssn", "papers", "visa", "a-number"):
            assert forbidden not in lowered, text
