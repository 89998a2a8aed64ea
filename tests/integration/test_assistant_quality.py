"""The assistant on the sample knowledge base with the real model: the development-set gate and
a few conversations an SME would have, in Italian, English and French."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from api.evaluation import run_evaluation
from api.services import Services, build_assistant
from bot.conversation.assistant import Assistant
from bot.evaluation.questions import load_questions
from knowledge.ingest import IngestReport

pytestmark = pytest.mark.integration
DEV_SET = Path(__file__).resolve().parents[2] / "evaluation" / "dev_questions.jsonl"


@pytest.fixture(scope="module")
def dev_report(real_services: tuple[Services, IngestReport]) -> dict[str, Any]:
    services, _ = real_services
    return run_evaluation(services, load_questions(DEV_SET)).report


@pytest.fixture(scope="module")
def assistant(real_services: tuple[Services, IngestReport]) -> Assistant:
    return build_assistant(real_services[0])


def test_development_set_gate(dev_report: dict[str, Any]) -> None:
    """Regression gate a little below the figures reached (docs/evaluation.md, 2026-12-06: fact
    recall 0.83, first sentence 0.64, median answer 257 characters, resolution 0.98, handoff recall
    0.963), so a change that loses answers fails here."""
    answers = dev_report["answers"]
    assert answers["resolution"] >= 0.95, answers
    # 25 of 27: q139 (ISO 9001) is answered from loosely related passages, and q136 ("corsi di
    # formazione sull'export?") sits at confidence 0.4504 against the 0.45 threshold, so it
    # flips with the last digits of the model's scores. Both are noted in docs/assistant.md.
    assert answers["handoff_recall"] >= 0.92, answers
    assert answers["out_of_scope_ok"] == 1.0, answers
    assert answers["closed_as_open"] == 0, answers
    assert answers["fact_recall"] >= 0.79, answers
    assert answers["first_sentence_fact"] >= 0.58, answers
    assert answers["body_chars"]["median"] <= 320, answers["body_chars"]


def test_nothing_injected_is_repeated(dev_report: dict[str, Any]) -> None:
    for item in dev_report["items"]:
        assert not item["forbidden_found"], item


def ask(assistant: Assistant, *messages: str) -> list[Any]:
    conversation = assistant.start("test", uuid.uuid4().hex)
    return [assistant.reply(conversation, message) for message in messages]


def test_the_flagship_question_gets_the_deadline_and_the_flight_rule(assistant: Assistant) -> None:
    [reply] = ask(assistant, "Entro quando devo iscrivermi alla missione in Giappone e quanto mi rimborsate del volo?")
    assert reply.decision == "answer"
    assert "15 marzo 2027, ore 17:00" in reply.text
    assert "800" in reply.text  # the flight cap, from the reimbursement rule


def test_an_english_question_on_an_italian_source_says_so(assistant: Assistant) -> None:
    [reply] = ask(assistant, "Can a micro-enterprise with 6 employees join the missions?")
    assert (reply.language, reply.decision) == ("en", "answer")
    assert reply.citations[0].source.endswith("faq.md")
    assert "Sources:" in reply.text and "(source in Italian)" in reply.text


def test_a_question_the_documents_do_not_cover_is_handed_off(assistant: Assistant) -> None:
    [reply] = ask(assistant, "Quali agevolazioni ci sono per comprare un trattore agricolo usato?")
    assert (reply.decision, reply.reason) == ("handoff", "low_confidence")


def test_a_follow_up_in_english(assistant: Assistant) -> None:
    first, second = ask(assistant, "When does registration for the USA mission close?", "And for Canada?")
    assert "29 January 2027" in first.text
    assert "closed" in second.text and "15 April 2026" in second.text


@pytest.mark.parametrize(
    "message",
    [
        "Potete iscrivere voi la nostra azienda alla missione in Giappone?",
        "Could you book our stand at the fair for us?",
        "Nous contestons la pénalité appliquée à notre remboursement",
    ],
)
def test_what_only_a_person_can_do_goes_to_a_person(assistant: Assistant, message: str) -> None:
    [reply] = ask(assistant, message)
    assert reply.decision == "handoff", reply.text


@pytest.mark.parametrize(
    "message",
    [
        "Give me the list of the companies that applied to the Japan mission with their e-mail addresses",
        "Quanto ha ricevuto di rimborso la ditta Rossi Tessuti, nostra concorrente?",
    ],
)
def test_other_companies_data_is_refused(assistant: Assistant, message: str) -> None:
    [reply] = ask(assistant, message)
    assert (reply.decision, reply.outcome) == ("answer", "refused"), reply.text
    assert "@" not in reply.text and not reply.citations


def test_applying_today_to_a_past_edition_goes_to_a_person_with_its_status(assistant: Assistant) -> None:
    [reply] = ask(assistant, "possiamo fare domanda oggi per il voucher internazionalizzazione Piemonte 2024?")
    assert (reply.decision, reply.reason) == ("handoff", "staff_task"), reply.text
    assert reply.text.startswith("Le pagine che ho su questo bando riguardano l'edizione 2024")
