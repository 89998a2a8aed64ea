"""``sportello eval``: a question set against the configured index, or against a folder alone."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from api.services import Services, build_assistant, build_services, migrate
from bot.answers.catalog_status import entry_status
from bot.conversation.replies import Reply
from bot.conversation.store import ConversationStore
from bot.evaluation.harness import build_report, evaluate
from bot.evaluation.questions import EvalQuestion
from knowledge.catalog import Call, Mission
from knowledge.database import make_engine, session_factory
from knowledge.ingest import IngestReport

RANK_DEPTH = 10


@dataclass(frozen=True)
class EvaluationRun:
    """The report, and the ingest report when a corpus was ingested for it."""

    report: dict[str, Any]
    corpus_ingest: IngestReport | None


def run_evaluation(
    services: Services, questions: list[EvalQuestion], corpus: Path | Sequence[Path] | None = None
) -> EvaluationRun:
    """Evaluate on ``services``' index, or on ``corpus`` (a folder, or files and folders)
    ingested into a throw-away index.

    The throw-away index has its own database, Chroma and BM25 in a temporary directory
    (removed afterwards) but shares the model and the embedding cache, so texts embedded
    before are not embedded again.
    """
    if corpus is None:
        return EvaluationRun(_report(services, questions), None)
    with tempfile.TemporaryDirectory(prefix="sportello-eval-") as tmp:
        settings = services.settings.model_copy(
            update={
                "data_dir": Path(tmp),
                "database_url": None,
                "chroma": services.settings.chroma.model_copy(update={"url": None}),
            }
        )
        scratch = build_services(
            settings, embedder=services.embedder.inner, vector_cache=services.embedder.cache, now=services.now
        )
        try:
            ingest = scratch.ingest_pipeline().run([corpus] if isinstance(corpus, Path) else list(corpus))
            return EvaluationRun(_report(scratch, questions), ingest)
        finally:
            scratch.close()


def _report(services: Services, questions: list[EvalQuestion]) -> dict[str, Any]:
    """Search and assistant figures; the assistant's conversations go to a throw-away database."""
    with tempfile.TemporaryDirectory(prefix="sportello-eval-chat-") as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'conversations.db'}")
        try:
            migrate(engine)
            store = ConversationStore(session_factory(engine), services.now)
            assistant = build_assistant(services, store=store)

            def answer(question: EvalQuestion) -> Reply:
                return assistant.reply(assistant.start("eval", question.id), question.question)

            now = services.now()
            closed = frozenset(
                r.entry.id
                for r in services.manifest.catalog_entries()
                if isinstance(r.entry, Call | Mission) and entry_status(r.entry, now).state == "closed"
            )
            items = evaluate(questions, lambda q: services.searcher.search(q, k=RANK_DEPTH).passages, answer, closed)
            return build_report(items)
        finally:
            engine.dispose()
