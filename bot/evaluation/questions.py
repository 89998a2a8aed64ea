"""The question-set format (JSON Lines), validated with errors that name the line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class QuestionSetError(ValueError):
    """A question file that cannot be used; the message names the file and line."""


class EvalQuestion(BaseModel):
    """One evaluation question."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    lang: Literal["it", "en", "fr"]
    question: str
    answerable: bool
    expected_doc: str | None = None
    alternate_docs: list[str] = Field(
        default_factory=list,
        description="Other documents that state the same expected facts; a hit on any of them counts.",
    )
    expected_facts: list[str] = Field(default_factory=list)
    forbidden: list[str] = Field(
        default_factory=list, description="Text that must not appear in the reply (what an injection asked for)."
    )
    category: str = "general"
    """For unanswerable questions: ``needs_human`` (must be handed off), ``out_of_scope``,
    ``not_in_catalog`` or ``adversarial`` (must be refused or redirected)."""


def load_questions(path: Path) -> list[EvalQuestion]:
    """Every question in ``path``; blank lines are skipped, ids must be unique."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionSetError(f"{path}: cannot read the question file ({exc})") from exc
    questions: list[EvalQuestion] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            question = EvalQuestion.model_validate(json.loads(line))
        except json.JSONDecodeError as exc:
            raise QuestionSetError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
        except ValidationError as exc:
            error = exc.errors()[0]
            field = ".".join(str(p) for p in error["loc"]) or "(line)"
            raise QuestionSetError(f"{path}:{number}: {field}: {error['msg']}") from exc
        if question.answerable and not question.expected_doc:
            raise QuestionSetError(f"{path}:{number}: an answerable question needs expected_doc")
        if question.id in seen:
            raise QuestionSetError(f"{path}:{number}: duplicate id {question.id!r}")
        seen.add(question.id)
        questions.append(question)
    if not questions:
        raise QuestionSetError(f"{path}: no questions in the file")
    return questions
