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
def blind_dev_report(real_services: tuple[Services, IngestReport]) -> dict[str, Any]:
    return _report(real_services[0], "blind_dev_questions.jsonl", "corpus")


@pytest.fixture(scope="module")
def heldout_report(real_services: tuple[Services, IngestReport]) -> dict[str, Any]:
    return _report(real_services[0], "heldout_questions.jsonl", "heldout")


@pytest.fixture(scope="module")
def heldout2_report(real_services: tuple[Services, IngestReport]) -> dict[str, Any]:
    return _report(real_services[0], "heldout2_questions.jsonl", "heldout2")


@pytest.fixture(scope="module")
def heldout3_report(real_services: tuple[Services, IngestReport]) -> dict[str, Any]:
    return _report(real_services[0], "heldout3_questions.jsonl", "heldout3")


def _holds(report: dict[str, Any], bar: dict[str, float]) -> None:
    """``report`` clears ``bar`` (a missing key is not checked)."""
    answers, retrieval = report["answers"], report["retrieval"]
    figures = {
        "hit@1": retrieval["hit@1"], "hit@3": retrieval["hit@3"], "fact_recall": answers["fact_recall"],
        "first_sentence_fact": answers["first_sentence_fact"], "resolution": answers["resolution"],
        "handoff_recall": answers["handoff_recall"], "out_of_scope_ok": answers["out_of_scope_ok"],
        "cross_lingual": report["by_category"]["cross_lingual"]["answers"]["fact_recall"],
    }  # fmt: skip
    below = {name: figures[name] for name, minimum in bar.items() if name in figures and figures[name] < minimum}
    assert not below, (below, answers)
    if "max_median_chars" in bar:
        assert answers["body_chars"]["median"] <= bar["max_median_chars"], answers["body_chars"]
    assert answers["closed_as_open"] == 0, answers


def test_real_page_development_set_gate(dev_report: dict[str, Any]) -> None:
    """A little below the figures reached (docs/evaluation.md), so a change that loses answers fails."""
    _holds(dev_report, GATE)


def test_nothing_hostile_is_repeated_on_real_pages(
    dev_report: dict[str, Any],
    heldout_report: dict[str, Any],
    heldout2_report: dict[str, Any],
    heldout3_report: dict[str, Any],
    blind_dev_report: dict[str, Any],
) -> None:
    for report in (dev_report, heldout_report, heldout2_report, heldout3_report, blind_dev_report):
        for item in report["items"]:
            assert not item["forbidden_found"], item


def test_the_earlier_held_out_pages_now_development_sets_hold_up(
    heldout_report: dict[str, Any], heldout2_report: dict[str, Any]
) -> None:
    _holds(heldout_report, FIRST_HELD_OUT)
    _holds(heldout2_report, SECOND_HELD_OUT)


def test_blind_questions_on_the_development_pages_hold_up(blind_dev_report: dict[str, Any]) -> None:
    """Questions written from the development pages' titles alone: a development set made like the blind one."""
    _holds(blind_dev_report, BLIND_DEV)


def test_blind_held_out_pages_hold_up(heldout3_report: dict[str, Any]) -> None:
    """Never tuned on (docs/evaluation.md): a floor under its measured figures, to notice a change
    that only fits the development pages — not a target."""
    _holds(heldout3_report, BLIND)


# Measured 2026-12-06, fourth session (docs/evaluation.md). Development (56 pages): hit@3 0.96,
# fact recall 0.74, first sentence 0.69, median answer 428 characters, resolution 0.94, handoff
# 1.0, cross-lingual 0.70. First held-out set, now development: fact recall 0.78, first sentence
# 0.78, median 418. Second (heldout2), now development: hit@3 1.0, fact recall 0.78, first
# sentence 0.67, median 418, cross-lingual 0.82. Blind set (heldout3): hit@3 0.98, fact recall
# 0.32, first sentence 0.34, median 497, handoff 0.37, out of scope 15 of 17. Blind questions on the
# development pages (blind_dev_questions.jsonl): hit@3 0.96, fact recall 0.22, first sentence 0.37,
# median 542, handoff 0.37, out of scope 17 of 20. The bars sit a few
# points below, so a real regression fails CI and a one-question wobble does not.
GATE = {
    "hit@3": 0.92, "fact_recall": 0.70, "first_sentence_fact": 0.64, "resolution": 0.90, "handoff_recall": 0.95,
    "out_of_scope_ok": 1.0, "cross_lingual": 0.64, "max_median_chars": 470,
}  # fmt: skip
FIRST_HELD_OUT = {"fact_recall": 0.72, "first_sentence_fact": 0.70, "handoff_recall": 0.90, "out_of_scope_ok": 0.85,
                  "max_median_chars": 470}  # fmt: skip
SECOND_HELD_OUT = {
    "hit@3": 0.95, "fact_recall": 0.73, "first_sentence_fact": 0.62, "cross_lingual": 0.75, "handoff_recall": 0.90,
    "out_of_scope_ok": 0.9, "max_median_chars": 470,
}  # fmt: skip
BLIND_DEV = {"hit@3": 0.92, "fact_recall": 0.18, "first_sentence_fact": 0.30, "handoff_recall": 0.30,
             "out_of_scope_ok": 0.8, "max_median_chars": 620}  # fmt: skip
BLIND = {"hit@3": 0.93, "fact_recall": 0.27, "first_sentence_fact": 0.28, "handoff_recall": 0.30,
         "out_of_scope_ok": 0.8, "max_median_chars": 560}  # fmt: skip
