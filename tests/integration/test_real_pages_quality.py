"""The assistant on real public pages (chambers of commerce, regions, ICE, EU bodies; it/en/fr)
with the real model: the development set's gate, and the held-out set measured apart.

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


@pytest.fixture(scope="module")
def heldout_report(real_services: tuple[Services, IngestReport]) -> dict[str, Any]:
    questions = load_questions(REAL_PAGES / "heldout_questions.jsonl")
    run = run_evaluation(real_services[0], questions, REAL_PAGES / "heldout")
    assert run.corpus_ingest is not None and run.corpus_ingest.ok
    return run.report


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


def test_nothing_hostile_is_repeated_on_real_pages(dev_report: dict[str, Any], heldout_report: dict[str, Any]) -> None:
    for item in dev_report["items"] + heldout_report["items"]:
        assert not item["forbidden_found"], item


def test_held_out_pages_hold_up(heldout_report: dict[str, Any]) -> None:
    """Never tuned on: a looser floor, to notice a change that only fits the development pages."""
    answers = heldout_report["answers"]
    assert answers["fact_recall"] >= HELD_OUT["fact_recall"], answers
    assert answers["handoff_recall"] >= HELD_OUT["handoff_recall"], answers
    assert answers["out_of_scope_ok"] >= HELD_OUT["out_of_scope_ok"], answers


# Measured 2026-12-05, second session (docs/evaluation.md): development hit@3 0.93, fact recall 0.84,
# resolution 0.98, handoff recall 1.0, cross-lingual fact recall 0.76; held out fact recall 0.73,
# resolution 0.98, handoff 0.90, out of scope 6 of 7. The bars sit a few points below, so a real
# regression fails CI and a one-question wobble does not.
GATE = {"hit@3": 0.88, "fact_recall": 0.80, "resolution": 0.95, "handoff_recall": 0.95, "cross_lingual": 0.70}
HELD_OUT = {"fact_recall": 0.65, "handoff_recall": 0.85, "out_of_scope_ok": 0.85}
