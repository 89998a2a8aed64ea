"""The quality bar an evaluation must clear, and what a new knowledge base lost against the live one.

``sportello eval --min-…`` exits non-zero below the bar; an ingest or a console upload with
golden questions configured evaluates the knowledge base it would publish against the one
that is live, and refuses to publish when a figure drops or a golden question that was
answered no longer is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

FIGURES: dict[str, tuple[str, str]] = {
    "fact_recall": ("answers", "fact recall"),
    "resolution": ("answers", "resolution"),
    "handoff_recall": ("answers", "handoff recall"),
    "out_of_scope_ok": ("answers", "out of scope handled"),
    "hit_at_3": ("retrieval", "hit@3"),
    "hit_at_1": ("retrieval", "hit@1"),
    "first_sentence_fact": ("answers", "first sentence holds a fact"),
}
"""Each figure the bar can hold from below: where it is in a report, and its name in a message."""
PUBLISHING_FIGURES = ("fact_recall", "resolution", "handoff_recall", "out_of_scope_ok", "hit_at_3")
"""The figures a new knowledge base may not lose against the live one (which page comes first and
how an answer opens shift with every new document; what is answered must not)."""


@dataclass(frozen=True)
class QualityBar:
    """Minimum figures (``None``: not checked) and the most closed calls presented as open."""

    fact_recall: float | None = None
    resolution: float | None = None
    handoff_recall: float | None = None
    out_of_scope_ok: float | None = None
    hit_at_3: float | None = None
    hit_at_1: float | None = None
    first_sentence_fact: float | None = None
    max_median_chars: float | None = None
    """The longest median answer body, in characters."""
    max_closed_as_open: int | None = 0

    @property
    def empty(self) -> bool:
        """Nothing to check."""
        return all(getattr(self, f.name) is None for f in fields(self))


def figure(report: Mapping[str, Any], name: str) -> float | None:
    """One figure of a report (``hit_at_3`` is retrieval's ``hit@3``)."""
    section, _ = FIGURES[name]
    key = name.replace("hit_at_", "hit@")
    value = report.get(section, {}).get(key)
    return None if value is None else float(value)


def shortfalls(report: Mapping[str, Any], bar: QualityBar) -> list[str]:
    """Why ``report`` is below ``bar``, one line per figure ("fact recall 0.712 < 0.85"); empty when it clears it."""
    problems: list[str] = []
    for name, (_, label) in FIGURES.items():
        minimum = getattr(bar, name)
        if minimum is None:
            continue
        value = figure(report, name)
        if value is None:
            problems.append(f"{label} not measured (needed ≥ {minimum})")
        elif value < minimum:
            problems.append(f"{label} {value:.3f} < {minimum}")
    median = (report.get("answers", {}).get("body_chars") or {}).get("median")
    if bar.max_median_chars is not None and median is not None and median > bar.max_median_chars:
        problems.append(f"median answer {median:.0f} characters > {bar.max_median_chars:.0f}")
    closed = report.get("answers", {}).get("closed_as_open")
    if bar.max_closed_as_open is not None and closed is not None and closed > bar.max_closed_as_open:
        problems.append(f"closed calls presented as open: {closed} > {bar.max_closed_as_open}")
    return problems


def regressions(candidate: Mapping[str, Any], baseline: Mapping[str, Any], tolerance: float) -> list[str]:
    """What ``candidate`` lost against ``baseline``: each figure down by more than ``tolerance``,
    and each question that passed and now fails (by id)."""
    problems: list[str] = []
    for name in PUBLISHING_FIGURES:
        label = FIGURES[name][1]
        before, after = figure(baseline, name), figure(candidate, name)
        if before is not None and after is not None and after < before - tolerance:
            problems.append(f"{label} {before:.3f} → {after:.3f}")
    passed_before = {item["id"] for item in baseline.get("items", []) if item_passes(item)}
    now_failing = [item["id"] for item in candidate.get("items", []) if not item_passes(item)]
    lost = [question_id for question_id in now_failing if question_id in passed_before]
    if lost:
        problems.append("no longer right: " + ", ".join(lost[:10]) + (" …" if len(lost) > 10 else ""))
    return problems


def item_passes(item: Mapping[str, Any]) -> bool:
    """One evaluated question is right: answered with every expected fact, or handed off / refused
    as its category asks, with nothing forbidden in the reply."""
    if item.get("forbidden_found"):
        return False
    if item.get("answerable"):
        return item.get("decision") == "answer" and not item.get("facts_missing")
    if item.get("category") == "needs_human":
        return item.get("decision") == "handoff"
    return bool(item.get("out_of_scope_ok"))
