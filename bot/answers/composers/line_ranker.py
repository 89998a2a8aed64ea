"""A learned step where the rules stop: which line of the sources holds what was asked.

The rules (``bot.answers.composers.line_scoring``) add up hand-set weights: a shared rare word, a
date when a date is asked, a FAQ heading that asks the same. New wording moves those
sums in ways no weight was set for. ``LineRanker`` is a logistic regression over the same
signals — the rules' own score among them — trained by ``scripts/train_line_ranker.py`` on
the development sets to say whether a line holds an expected fact. Its weights are
committed beside this module (``line_ranker.json``) with the data they came from, so a run
is reproducible and needs nothing downloaded. Inference is a dot product: no dependency.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.answers.composers.line_scoring import LineScorer
from bot.answers.composers.source_lines import LABEL, Unit
from bot.answers.composers.unit_facts import HARD_KINDS, carries, states

BUNDLED = Path(__file__).with_name("line_ranker.json")

FEATURES: tuple[str, ...] = (
    "rules_score", "overlap", "kinds", "counted", "signals", "listed", "polarity", "section", "defines",
    "foreign", "rank", "dated_otherwise", "opening", "asks", "bullet", "hard_fact", "other_fact",
    "facts", "length", "label", "top_document", "neighbour", "no_overlap", "kinds_asked", "missing_kind",
    "overlap_x_kinds", "overlap_x_signals", "date_asked_and_given", "money_asked_and_given", "pct_asked_and_given",
    "contact_asked_and_given", "list_asked_and_item", "own_words", "lead_in", "top_passage",
)  # fmt: skip
"""The signals each line is described by, in the order the weights follow."""


def line_features(scorer: LineScorer, unit: Unit, ranked: int) -> list[float]:
    """``unit`` as the ranker sees it, for ``scorer``'s question (``ranked``: passages before neighbours)."""
    parts = scorer.parts(unit)
    standing = scorer.standing
    asked_hard = [k for k in scorer.kinds if k in HARD_KINDS]
    carried_hard = [k for k in HARD_KINDS if carries(unit, k)]
    first = min(standing.rank, key=lambda i: (standing.rank[i], i))
    own = len((unit.terms & scorer.own_terms) - standing.title_terms[unit.passage]) / max(1, len(scorer.own_terms))
    return [
        parts.score,
        parts.overlap,
        float(parts.kinds),
        float(parts.counted),
        parts.signals,
        parts.listed,
        parts.polarity,
        parts.section,
        parts.defines,
        float(parts.foreign),
        float(parts.rank),
        float(parts.dated_otherwise),
        1.0 / (1 + unit.position),
        float(unit.asks),
        float(unit.bullet),
        float(bool(carried_hard)),
        float(bool(carried_hard) and not set(carried_hard) & set(asked_hard)),
        min(len(unit.facts), 5) / 5,
        math.log1p(len(unit.text)),
        float(bool(LABEL.match(unit.text))),
        float(standing.doc_ids[unit.passage] == standing.doc_ids[first]),
        float(unit.passage >= ranked),
        float(parts.overlap == 0),
        float(len(asked_hard)),
        float(bool(asked_hard) and not set(carried_hard) & set(asked_hard)),
        parts.overlap * parts.kinds,
        parts.overlap * parts.signals,
        float("date" in scorer.kinds and carries(unit, "date")),
        float("money" in scorer.kinds and (carries(unit, "money") or states(unit, "money"))),
        float("pct" in scorer.kinds and carries(unit, "pct")),
        float("contact" in scorer.kinds and "contact" in unit.signals),
        float("list" in scorer.kinds and unit.bullet),
        own,
        float(unit.text.endswith(":")),
        float(unit.passage == first),
    ]


@dataclass(frozen=True)
class LineRanker:
    """The probability that a line holds what the question asks, from its features."""

    weights: tuple[float, ...]
    bias: float
    means: tuple[float, ...]
    scales: tuple[float, ...]
    lead_floor: float = 0.0
    """Below this probability no line is a better lead than the rules' choice."""
    support_floor: float = 0.35
    """A supporting line must be at least this likely to hold what was asked."""
    answer_floor: float = 0.0
    """Below this, not even the likeliest line holds what was asked: the documents do not say it."""

    def probability(self, features: Sequence[float]) -> float:
        """P(the line holds an asked fact)."""
        z = self.bias + sum(
            w * (x - m) / s for w, x, m, s in zip(self.weights, features, self.means, self.scales, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LineRanker:
        """From the committed JSON; refuses weights made for other features."""
        if tuple(data["features"]) != FEATURES:
            raise ValueError("line ranker weights were trained on other features; retrain them")
        return cls(
            weights=tuple(float(w) for w in data["weights"]), bias=float(data["bias"]),
            means=tuple(float(m) for m in data["means"]), scales=tuple(float(s) for s in data["scales"]),
            lead_floor=float(data.get("lead_floor", 0.0)), support_floor=float(data.get("support_floor", 0.35)),
            answer_floor=float(data.get("answer_floor", 0.0)),
        )  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (the training script adds how it was trained)."""
        return {
            "features": list(FEATURES), "weights": list(self.weights), "bias": self.bias,
            "means": list(self.means), "scales": list(self.scales),
            "lead_floor": self.lead_floor, "support_floor": self.support_floor, "answer_floor": self.answer_floor,
        }  # fmt: skip

    @classmethod
    def bundled(cls) -> LineRanker | None:
        """The committed weights, or ``None`` when none are committed (the rules alone then)."""
        if not BUNDLED.is_file():
            return None
        return cls.from_dict(json.loads(BUNDLED.read_text(encoding="utf-8")))
