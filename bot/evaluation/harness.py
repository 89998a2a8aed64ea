"""Runs a question set through search (and, once it exists, the assistant) and scores it.

Retrieval figures count answerable questions only. ``expected_doc`` is matched against
the passage's source file name; for a catalog entry it may name the entry too
(``eu-alliance.yaml#missione-giappone-2027``). Until the assistant lands, every
``answers`` figure is ``None``: nothing is invented.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from bot.evaluation.questions import EvalQuestion
from knowledge.facts import fact_in_text
from retrieval.errors import RetrievalError
from retrieval.passages import Passage

SearchFn = Callable[[str], Sequence[Passage]]
RANK_DEPTH = 10
CONTEXT_DEPTH = 3


@dataclass(frozen=True)
class ItemResult:
    """The outcome for one question."""

    question: EvalQuestion
    hit_rank: int | None
    latency_ms: float
    top_sources: list[str]
    context_facts_missing: list[str]
    error: str | None

    def to_dict(self) -> dict[str, Any]:
        """The item as the ``--json`` report lists it."""
        return {
            "id": self.question.id,
            "lang": self.question.lang,
            "category": self.question.category,
            "answerable": self.question.answerable,
            "hit_rank": self.hit_rank,
            "decision": None,
            "answer": None,
            "facts_found": None,
            "facts_missing": None,
            "latency_ms": round(self.latency_ms, 2),
            "top_sources": self.top_sources,
            "context_facts_missing": self.context_facts_missing,
            "error": self.error,
        }


def source_matches(expected: str, source: str) -> bool:
    """``expected`` names the passage's file, or its file and catalog entry."""
    name = PurePath(source.split("#", 1)[0]).name
    entry = source.split("#", 1)[1] if "#" in source else None
    if "#" in expected:
        return expected == f"{name}#{entry}"
    return expected == name


def evaluate(questions: Sequence[EvalQuestion], search: SearchFn) -> list[ItemResult]:
    """Search every question and record where the expected document ranks."""
    results: list[ItemResult] = []
    for question in questions:
        started = time.perf_counter()
        error: str | None = None
        try:
            passages = list(search(question.question))[:RANK_DEPTH]
        except RetrievalError as exc:
            passages, error = [], f"{exc.code}: {exc}"
        latency = (time.perf_counter() - started) * 1000
        hit_rank = None
        if question.expected_doc:
            accepted = [question.expected_doc, *question.alternate_docs]
            hit_rank = next(
                (
                    rank
                    for rank, p in enumerate(passages, 1)
                    if any(source_matches(expected, p.source) for expected in accepted)
                ),
                None,
            )
        context = "\n".join(p.search_text for p in passages[:CONTEXT_DEPTH])
        missing = [fact for fact in question.expected_facts if not fact_in_text(fact, context)]
        top_sources = [PurePath(p.source.split("#", 1)[0]).name + _entry(p.source) for p in passages[:3]]
        results.append(ItemResult(question, hit_rank, latency, top_sources, missing, error))
    return results


def _entry(source: str) -> str:
    return "#" + source.split("#", 1)[1] if "#" in source else ""


def retrieval_metrics(items: Sequence[ItemResult]) -> dict[str, float | int | None]:
    """hit@1/3/5 and MRR over answerable questions, plus facts found in the top passages."""
    scored = [item for item in items if item.question.answerable]
    if not scored:
        return {"n": 0, "hit@1": None, "hit@3": None, "hit@5": None, "mrr": None, "context_fact_recall": None}

    def hit_at(k: int) -> float:
        return sum(1 for i in scored if i.hit_rank is not None and i.hit_rank <= k) / len(scored)

    facts = sum(len(i.question.expected_facts) for i in scored)
    found = facts - sum(len(i.context_facts_missing) for i in scored)
    return {
        "n": len(scored),
        "hit@1": round(hit_at(1), 4),
        "hit@3": round(hit_at(3), 4),
        "hit@5": round(hit_at(5), 4),
        "mrr": round(sum(1 / i.hit_rank for i in scored if i.hit_rank) / len(scored), 4),
        "context_fact_recall": round(found / facts, 4) if facts else None,
    }


def build_report(items: Sequence[ItemResult]) -> dict[str, Any]:
    """The ``--json`` report (see the issue's schema; extra keys are additive)."""
    latencies = sorted(item.latency_ms for item in items)
    by_lang = _grouped(items, lambda i: i.question.lang)
    by_category = _grouped(items, lambda i: i.question.category)
    return {
        "n": len(items),
        "retrieval": retrieval_metrics(items),
        "answers": {"fact_recall": None, "resolution": None, "handoff_recall": None, "out_of_scope_ok": None},
        "latency_ms": {"p50": _percentile(latencies, 50), "p95": _percentile(latencies, 95)},
        "by_lang": by_lang,
        "by_category": by_category,
        "items": [item.to_dict() for item in items],
    }


def _grouped(items: Sequence[ItemResult], key: Callable[[ItemResult], str]) -> dict[str, Any]:
    groups: dict[str, list[ItemResult]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return {name: {"n": len(group), "retrieval": retrieval_metrics(group)} for name, group in sorted(groups.items())}


def _percentile(sorted_values: Sequence[float], percent: int) -> float | None:
    if not sorted_values:
        return None
    if len(sorted_values) == 1:
        return round(sorted_values[0], 2)
    return round(statistics.quantiles(sorted_values, n=100, method="inclusive")[percent - 1], 2)
