"""Golden questions before publishing: the knowledge base an ingest would make, evaluated
against the live one, and refused when it answers worse.

The candidate is built in a throw-away index (its own database, Chroma and BM25 in a
temporary directory) from every file the live index was built from that still exists,
plus the files being ingested. It shares the model and the embedding cache, so what is
embedded for the check is not embedded again when the ingest goes ahead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from api.evaluation import run_evaluation
from api.services import Services
from api.settings import QualitySettings
from bot.evaluation.gate import QualityBar, regressions, shortfalls
from bot.evaluation.questions import EvalQuestion, load_questions


@dataclass(frozen=True)
class QualityGate:
    """The golden questions and what they must keep."""

    questions: list[EvalQuestion]
    bar: QualityBar = field(default_factory=QualityBar)
    tolerance: float = 0.02
    """How much a figure may drop against the live index (sampling noise on a small set)."""

    @classmethod
    def from_settings(cls, settings: QualitySettings) -> QualityGate | None:
        """The configured gate, or ``None`` when no golden questions are configured."""
        if settings.golden_questions is None:
            return None
        bar = QualityBar(
            fact_recall=settings.min_fact_recall, resolution=settings.min_resolution,
            handoff_recall=settings.min_handoff_recall, out_of_scope_ok=settings.min_out_of_scope,
            hit_at_3=settings.min_hit_at_3,
        )  # fmt: skip
        return cls(load_questions(settings.golden_questions), bar, settings.max_drop)


@dataclass(frozen=True)
class GateVerdict:
    """Whether the candidate may be published, why not, and both reports."""

    problems: list[str]
    live: dict[str, Any]
    candidate: dict[str, Any]

    @property
    def ok(self) -> bool:
        """Nothing was lost and the bar is cleared."""
        return not self.problems

    def summary(self) -> str:
        """One line per problem, or the figures when it passed."""
        if self.problems:
            return "; ".join(self.problems)
        answers = self.candidate["answers"]
        return f"fact recall {answers['fact_recall']}, handoff recall {answers['handoff_recall']}"


def check_candidate(
    services: Services, gate: QualityGate, paths: Sequence[Path], replacing: Sequence[Path] = ()
) -> GateVerdict:
    """Evaluate the knowledge base ``paths`` would make against the live one; ``replacing`` are
    files of the live one that ``paths`` take the place of (an upload under the same name)."""
    live = run_evaluation(services, gate.questions).report
    replaced = {p.resolve() for p in replacing}
    sources = [Path(origin) for origin in services.manifest.file_hashes()]
    kept = [p for p in sources if p.exists() and p.resolve() not in replaced]
    candidate_paths = _without_nested([*kept, *paths])
    run = run_evaluation(services, gate.questions, candidate_paths)
    candidate = run.report
    problems = shortfalls(candidate, gate.bar) + regressions(candidate, live, gate.tolerance)
    return GateVerdict(problems, live, candidate)


def _without_nested(paths: Sequence[Path]) -> list[Path]:
    """Each file or folder once, and no file that a folder in the list already holds."""
    resolved = list(dict.fromkeys(p.resolve() for p in paths))
    folders = [p for p in resolved if p.is_dir()]
    return [p for p in resolved if not any(p != f and f in p.parents for f in folders)]
