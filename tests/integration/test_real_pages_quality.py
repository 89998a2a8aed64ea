"""The assistant on real public pages (chambers of commerce, regions, ICE, EU bodies; it/en/fr)
with the real model: the development sets' gates, and the held-out set measured apart.

The pages are kept verbatim with their noise (menus, update stamps, tables, cut text); see
evaluation/real_pages/README.md. Each set is ingested once into a throw-away index.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from api.evaluation import run_evaluation
from api.services import Services
from bot.evaluation.questions import load_questions
from knowledge.ingest import IngestReport

pytestmark = pytest.mark.integration
REAL_PAGES = Path(__file__).resolve().parents[2] / "evaluation" / "real_pages"
DEV_QUESTIONS = sorted(REAL_PAGES.glob("questions_*.jsonl"))


@pytest.fixture(scope="module")
def dev_report(real_services: tuple[Services, IngestReport]) -> dict[str, Any]:
    questions = [q for path in DEV_QUESTIONS for q in load_questions(path)]
    run = run_evaluation(real_services[0], questions, REAL_PAGES / "corpus")
    assert run.corpus_ingest is not None and run.corpus_ingest.ok
    return run.report


def _report(services: Services, questions: str, folder: str) -> dict[str, Any]:
    run = run_evaluation(services, load_questions(REAL_PAGES / questions), REAL_PAGES / folder)
    assert run.corpus_ingest is not None and run.corpus_ingest.ok
    return run.report


@pytest.fixture(scope="module")
def heldout_report(real_services: tuple[Services, IngestReport]) -> dict[str, Any]:
    return _report(real_services[0], "heldout_questions.jsonl", "heldout")


@pytest.fixture(scope="module")
def heldout2_report(real_services: tuple[Services, IngestReport]) -> dict[str, Any]:
    return _report(real_services[0], "heldout2_questions.jsonl", "heldout2")


def test_real_page_development_set_gate(dev_report: dict[str, Any]) -> None:
    """A little below the figures reached (docs/evaluation.md), so a change that loses answers fails."""
    answers = dev_report["answers"]
    assert dev_report["retrieval"]["hit@3"] >= GATE["hit@3"], dev_report["retrieval"]
    assert answers["fact_recall"] >= GATE["fact_recall"], answers
    assert answers["resolution"] >= GATE["resolution"], answers
    assert answers["handoff_recall"] >= GATE["handoff_recall"], answers
    assert answers["out_of_scope_ok"] == 1.0, answers
    cross = dev_report["by_category"]["cross_lingual"]["answers"]["fact_recall"]
    assert cross >= GATE["cross_lingual"], cross


def test_nothing_hostile_is_repeated_on_real_pages(
    dev_report: dict[str, Any], heldout_report: dict[str, Any], heldout2_report: dict[str, Any]
) -> None:
    for item in dev_report["items"] + heldout_report["items"] + heldout2_report["items"]:
        assert not item["forbidden_found"], item


def test_the_first_held_out_pages_now_a_development_set_hold_up(heldout_report: dict[str, Any]) -> None:
    answers = heldout_report["answers"]
    assert answers["fact_recall"] >= FIRST_HELD_OUT["fact_recall"], answers
    assert answers["handoff_recall"] >= FIRST_HELD_OUT["handoff_recall"], answers
    assert answers["out_of_scope_ok"] >= FIRST_HELD_OUT["out_of_scope_ok"], answers


def test_held_out_pages_hold_up(heldout2_report: dict[str, Any]) -> None:
    """Never tuned on: a looser floor, to notice a change that only fits the development pages."""
    answers = heldout2_report["answers"]
    assert heldout2_report["retrieval"]["hit@3"] >= HELD_OUT["hit@3"], heldout2_report["retrieval"]
    assert answers["fact_recall"] >= HELD_OUT["fact_recall"], answers
    assert answers["handoff_recall"] >= HELD_OUT["handoff_recall"], answers
    assert answers["out_of_scope_ok"] >= HELD_OUT["out_of_scope_ok"], answers
    cross = heldout2_report["by_category"]["cross_lingual"]["answers"]["fact_recall"]
    assert cross >= HELD_OUT["cross_lingual"], cross


# Measured 2026-12-05, third session (docs/evaluation.md): development hit@3 0.95, fact recall 0.86,
# resolution 0.98, handoff recall 1.0, cross-lingual 0.78; first held-out set fact recall 0.86, handoff
# 1.0, out of scope 7 of 7; held out (heldout2) hit@3 1.0, fact recall 0.87, cross-lingual 0.86, handoff
# 1.0 (0.85 before three of its items were read), out of scope 12 of 12. The bars sit a few points
# below, so a real regression fails CI and a one-question wobble does not.
GATE = {"hit@3": 0.90, "fact_recall": 0.82, "resolution": 0.95, "handoff_recall": 0.95, "cross_lingual": 0.72}
FIRST_HELD_OUT = {"fact_recall": 0.78, "handoff_recall": 0.90, "out_of_scope_ok": 0.85}
HELD_OUT = {"hit@3": 0.90, "fact_recall": 0.78, "cross_lingual": 0.75, "handoff_recall": 0.80, "out_of_scope_ok": 0.85}
