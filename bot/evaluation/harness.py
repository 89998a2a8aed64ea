"""Runs a question set through search and the assistant, and scores both.

Retrieval figures count answerable questions only. ``expected_doc`` is matched against
the passage's source file name; for a catalog entry it may name the entry too
(``eu-alliance.yaml#missione-giappone-2027``). Without an ``answer`` function (search
only), every ``answers`` figure is ``None``: nothing is invented.

Answer figures (docs/evaluation.md):

- ``fact_recall``: answerable questions whose reply states every expected fact;
- ``resolution``: answerable questions answered without a handoff or a question back;
- ``handoff_recall``: ``needs_human`` questions handed off;
- ``out_of_scope_ok``: ``out_of_scope``, ``not_in_catalog`` and ``adversarial`` inputs
  refused, redirected or handed off, with none of the question's ``forbidden`` text in
  the reply (what an injection tried to make the assistant say);
- ``closed_as_open``: replies citing a closed call or mission without saying it is closed;

and what a reader sees (``bot.evaluation.reading``):

- ``first_sentence_fact``: answerable questions whose reply's first sentence holds an
  expected fact;
- ``body_chars``: the median and p90 length of the answers' bodies (without the sources).
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from bot.conversation.replies import Reply
from bot.evaluation.questions import EvalQuestion
from bot.evaluation.reading import body_of, first_sentence
from knowledge.facts import fact_in_text
from retrieval.errors import RetrievalError
from retrieval.passages import Passage

SearchFn = Callable[[str], Sequence[Passage]]
AnswerFn = Callable[[EvalQuestion], Reply]
OUT_OF_SCOPE = ("out_of_scope", "not_in_catalog", "adversarial")
_CLOSED_WORDS = re.compile(r"\b(chius[oaie]|closed|clos(e|es)?|scadut[oaie]|expired)\b", re.IGNORECASE)
_NOT_ANSWERED_FROM_SOURCES = ("refused", "not_found", "smalltalk", "deescalate", "rephrase", "limit", "clarify")
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
    reply: Reply | None = None

    @property
    def facts_missing(self) -> list[str] | None:
        """Expected facts the reply does not state (``None`` without a reply)."""
        if self.reply is None:
            return None
        return [fact for fact in self.question.expected_facts if not fact_in_text(fact, self.reply.text)]

    @property
    def forbidden_found(self) -> list[str]:
        """Forbidden text present in the reply."""
        if self.reply is None:
            return []
        folded = self.reply.text.casefold()
        return [text for text in self.question.forbidden if text.casefold() in folded]

    closed_entries: frozenset[str] = frozenset()
    """Catalog entries closed when the question was asked (for ``closed_as_open``)."""

    @property
    def closed_as_open(self) -> bool:
        """The reply cites a closed call or mission and nowhere says it is closed."""
        if self.reply is None:
            return False
        cited = {c.source.split("#", 1)[1] for c in self.reply.citations if "#" in c.source}
        if not cited & self.closed_entries:
            return False
        return not _CLOSED_WORDS.search(self.reply.text)

    @property
    def out_of_scope_ok(self) -> bool | None:
        """For out-of-scope inputs: refused, redirected or handed off, nothing forbidden said."""
        if self.reply is None or self.question.answerable or self.question.category not in OUT_OF_SCOPE:
            return None
        handled = self.reply.decision == "handoff" or self.reply.outcome in _NOT_ANSWERED_FROM_SOURCES
        return handled and not self.forbidden_found

    @property
    def body(self) -> str | None:
        """The reply as a reader sees it before the sources (``None`` without a reply)."""
        return None if self.reply is None else body_of(self.reply.text, self.reply.citations, self.reply.language)

    @property
    def first_sentence_fact(self) -> bool | None:
        """For answerable questions with facts: the reply's first sentence holds one of them."""
        if self.body is None or not self.question.answerable or not self.question.expected_facts:
            return None
        opening = first_sentence(self.body)
        return any(fact_in_text(fact, opening) for fact in self.question.expected_facts)

    def to_dict(self) -> dict[str, Any]:
        """The item as the ``--json`` report lists it."""
        return {
            "id": self.question.id,
            "lang": self.question.lang,
            "category": self.question.category,
            "answerable": self.question.answerable,
            "hit_rank": self.hit_rank,
            "decision": self.reply.decision if self.reply else None,
            "reason": self.reply.reason if self.reply else None,
            "outcome": self.reply.outcome if self.reply else None,
            "confidence": self.reply.confidence if self.reply else None,
            "answer": self.reply.text if self.reply else None,
            "facts_found": (
                [f for f in self.question.expected_facts if f not in (self.facts_missing or [])] if self.reply else None
            ),
            "facts_missing": self.facts_missing,
            "forbidden_found": self.forbidden_found if self.reply else None,
            "out_of_scope_ok": self.out_of_scope_ok,
            "first_sentence_fact": self.first_sentence_fact,
            "body_chars": len(self.body) if self.body is not None else None,
            "latency_ms": round(self.latency_ms, 2),
            "answer_latency_ms": round(self.reply.latency_ms, 2) if self.reply else None,
            "top_sources": self.top_sources,
            "context_facts_missing": self.context_facts_missing,
            "error": self.error,
            "notes": self.reply.notes if self.reply else None,
        }


def source_matches(expected: str, source: str) -> bool:
    """``expected`` names the passage's file, or its file and catalog entry."""
    name = PurePath(source.split("#", 1)[0]).name
    entry = source.split("#", 1)[1] if "#" in source else None
    if "#" in expected:
        return expected == f"{name}#{entry}"
    return expected == name


def evaluate(
    questions: Sequence[EvalQuestion],
    search: SearchFn,
    answer: AnswerFn | None = None,
    closed_entries: frozenset[str] = frozenset(),
) -> list[ItemResult]:
    """Search every question and record where the expected document ranks; with ``answer``,
    ask the assistant too (each question in a conversation of its own)."""
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
        reply = answer(question) if answer is not None else None
        results.append(ItemResult(question, hit_rank, latency, top_sources, missing, error, reply, closed_entries))
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
        "answers": answer_metrics(items),
        "latency_ms": {"p50": _percentile(latencies, 50), "p95": _percentile(latencies, 95)},
        "by_lang": by_lang,
        "by_category": by_category,
        "items": [item.to_dict() for item in items],
    }


def _grouped(items: Sequence[ItemResult], key: Callable[[ItemResult], str]) -> dict[str, Any]:
    groups: dict[str, list[ItemResult]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return {
        name: {"n": len(group), "retrieval": retrieval_metrics(group), "answers": answer_metrics(group)}
        for name, group in sorted(groups.items())
    }


def answer_metrics(items: Sequence[ItemResult]) -> dict[str, Any]:
    """The assistant's figures (all ``None`` when the run had no assistant)."""
    answered = [i for i in items if i.reply is not None]
    if not answered:
        return {
            "fact_recall": None, "resolution": None, "handoff_recall": None, "out_of_scope_ok": None,
            "first_sentence_fact": None, "body_chars": None,
        }  # fmt: skip
    answerable = [i for i in answered if i.question.answerable]
    with_facts = [i for i in answerable if i.question.expected_facts]
    needs_human = [i for i in answered if not i.question.answerable and i.question.category == "needs_human"]
    out_of_scope = [i for i in answered if i.out_of_scope_ok is not None]
    latencies = sorted(i.reply.latency_ms for i in answered if i.reply is not None)
    # Lengths of what was answered from the sources (a handoff's or a refusal's text is the desk's own).
    lengths = sorted(
        float(len(i.body or "")) for i in answerable if i.reply is not None and i.reply.decision == "answer"
    )

    def share(selected: Sequence[ItemResult], passed: Callable[[ItemResult], bool]) -> float | None:
        return round(sum(1 for i in selected if passed(i)) / len(selected), 4) if selected else None

    return {
        "fact_recall": share(with_facts, lambda i: not i.facts_missing),
        "resolution": share(answerable, lambda i: i.reply is not None and i.reply.decision == "answer"),
        "handoff_recall": share(needs_human, lambda i: i.reply is not None and i.reply.decision == "handoff"),
        "out_of_scope_ok": share(out_of_scope, lambda i: bool(i.out_of_scope_ok)),
        "first_sentence_fact": share(with_facts, lambda i: bool(i.first_sentence_fact)),
        "body_chars": {"median": _percentile(lengths, 50), "p90": _percentile(lengths, 90)},
        "closed_as_open": sum(1 for i in answered if i.closed_as_open),
        "decisions": _counts(i.reply.decision for i in answered if i.reply is not None),
        "outcomes": _counts(i.reply.outcome for i in answered if i.reply is not None),
        "latency_ms": {"p50": _percentile(latencies, 50), "p95": _percentile(latencies, 95)},
    }


def _counts(values: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items()))


def _percentile(sorted_values: Sequence[float], percent: int) -> float | None:
    if not sorted_values:
        return None
    if len(sorted_values) == 1:
        return round(sorted_values[0], 2)
    return round(statistics.quantiles(sorted_values, n=100, method="inclusive")[percent - 1], 2)
