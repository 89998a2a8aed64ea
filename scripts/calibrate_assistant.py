"""Print the figures the assistant's thresholds were chosen from (docs/assistant.md).

Run from the repository root, after ``sportello init`` (it reads the index of
``SPORTELLO_DATA_DIR``, default ``./data``)::

    .venv/bin/python scripts/calibrate_assistant.py [--questions evaluation/dev_questions.jsonl]

For every question of the set that is not adversarial or out of scope it computes the
retrieval confidence (``bot.conversation.policy.retrieval_confidence``) over the passages the
assistant would see, and the nearest FAQ entry's similarity, margin and word coverage.
It then prints, for a range of answer thresholds, how many answerable questions would
be handed off and how many needs-human questions would be answered.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from api.services import build_services
from api.settings import Settings
from bot.answers.knowledge_view import KnowledgeView
from bot.conversation.assistant import AssistantConfig
from bot.conversation.policy import retrieval_confidence
from bot.evaluation.questions import load_questions

ROOT = Path(__file__).resolve().parent.parent
NOW = dt.datetime(2026, 11, 21, 10, 0, tzinfo=dt.UTC)  # the sample catalog's documented day


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--questions", type=Path, default=ROOT / "evaluation" / "dev_questions.jsonl")
    args = parser.parse_args()

    services = build_services(Settings(), now=lambda: NOW)
    searcher = services.searcher
    curated = KnowledgeView(services.index, services.manifest).snapshot().curated
    passages_seen = AssistantConfig().passages
    rows: list[tuple[str, bool, float]] = []
    print("id     answerable  confidence  faq(score, margin, coverage)")
    for question in load_questions(args.questions):
        if question.category in ("adversarial", "out_of_scope"):
            continue
        vector = searcher.embed(question.question)
        passages = searcher.search(question.question, k=passages_seen, vector=vector).passages
        confidence = retrieval_confidence(question.question, passages)
        match = curated.best(question.question, vector)
        faq = f"{match.score:.3f} {match.margin:+.3f} {match.coverage:.2f}" if match else "-"
        print(f"{question.id:6} {question.answerable!s:10}  {confidence:10.3f}  {faq}")
        if question.answerable or question.category == "needs_human":
            rows.append((question.id, question.answerable, confidence))
    answerable = [c for _, a, c in rows if a]
    uncovered = [c for _, a, c in rows if not a]
    print(f"\n{'threshold':>9}  answerable handed off  needs-human answered (before rules and router)")
    for threshold in (0.30, 0.35, 0.40, 0.45, 0.50, 0.55):
        off = sum(1 for c in answerable if c < threshold)
        through = sum(1 for c in uncovered if c >= threshold)
        print(f"{threshold:9.2f}  {off:3} / {len(answerable):<18} {through:3} / {len(uncovered)}")
    services.close()


if __name__ == "__main__":
    main()
