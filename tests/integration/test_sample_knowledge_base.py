"""The shipped sample knowledge base through the real model, embedded Chroma, BM25 and SQLite."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.services import SAMPLE_KNOWLEDGE_DIR, Services
from bot.evaluation.harness import build_report, evaluate
from bot.evaluation.questions import load_questions
from knowledge.ingest import IngestReport
from retrieval.filters import SearchFilters

pytestmark = pytest.mark.integration
DEV_SET = Path(__file__).resolve().parents[2] / "evaluation" / "dev_questions.jsonl"


def test_every_sample_file_is_ingested(real_services: tuple[Services, IngestReport]) -> None:
    services, report = real_services
    assert report.ok, report.failed
    # 8 files + 11 catalog entries (5 calls, 4 missions, 2 reimbursement rules)
    assert report.counts()["added"] == 19
    kinds = {doc.kind for doc in services.manifest.documents()}
    assert kinds == {"call", "mission", "reimbursement", "faq", "glossary", "other"}
    assert services.manifest.last_run() is not None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Entro quando devo iscrivermi alla missione in Giappone?", "missione-giappone-2027"),
        (
            "Quali documenti servono per chiedere il rimborso delle spese di viaggio?",
            "rimborso-missioni-eu-alliance-2027",
        ),
        ("Articolo del regolamento sulla revoca del rimborso", "regolamento-rimborsi.pdf"),
        ("Cos'è il regime de minimis?", "glossario.docx"),
        ("Do I need a visa for the Japan mission?", "mission-japan-briefing.md"),
        ("How much is reimbursed for accommodation per night?", "rimborso-missioni-eu-alliance-2027"),
        ("Quels sont les horaires d'ouverture du guichet ?", "contatti-sportello.txt"),
        ("Combien coûte la participation à la mission en Indonésie ?", "missione-indonesia-2027"),
    ],
)
def test_questions_in_three_languages_find_their_source(
    real_services: tuple[Services, IngestReport], query: str, expected: str
) -> None:
    services, _ = real_services
    sources = [p.source for p in services.searcher.search(query, k=3).passages]
    assert any(s.endswith(expected) for s in sources), sources


def test_open_calls_at_the_sample_date(real_services: tuple[Services, IngestReport]) -> None:
    services, _ = real_services
    filters = SearchFilters(kinds=("call",), status="open")
    found = {p.source.rpartition("#")[2] for p in services.searcher.search("bando", k=30, filters=filters).passages}
    assert found == {"smp-voucher-cluster-go-international-2027", "finanziamento-fiere-missioni-2027"}


def test_closed_calls_never_come_back_as_open(real_services: tuple[Services, IngestReport]) -> None:
    services, _ = real_services
    filters = SearchFilters(kinds=("call", "mission"), status="open")
    passages = services.searcher.search(
        "voucher internazionalizzazione Piemonte Canada", k=30, filters=filters
    ).passages
    assert passages
    closed = {"voucher-internazionalizzazione-piemonte-2026", "eic-accelerator-ottobre-2026", "missione-canada-2026"}
    assert not closed & {p.source.rpartition("#")[2] for p in passages}


def test_reingesting_unchanged_samples_embeds_nothing(real_services: tuple[Services, IngestReport]) -> None:
    services, _ = real_services
    before = services.embedder.misses
    report = services.ingest_pipeline().run([SAMPLE_KNOWLEDGE_DIR])
    assert report.counts()["unchanged"] == 19
    assert report.chunks_indexed == 0
    assert services.embedder.misses == before


def test_dev_question_set_meets_the_retrieval_target(real_services: tuple[Services, IngestReport]) -> None:
    services, _ = real_services
    report = build_report(evaluate(load_questions(DEV_SET), lambda q: services.searcher.search(q, k=10).passages))
    assert report["retrieval"]["hit@3"] >= 0.9, report["retrieval"]


def test_eval_command_with_corpus_uses_a_fresh_index(
    real_services: tuple[Services, IngestReport], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services, _ = real_services
    # The main data directory only lends its embedding cache; the corpus gets its own index.
    monkeypatch.setenv("SPORTELLO_DATA_DIR", str(services.settings.data_dir))
    # A temporary folder of its own, so another evaluation running on the machine is not counted.
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    out = tmp_path / "report.json"
    scratch_before = set(Path(tempfile.gettempdir()).glob("sportello-eval-*"))
    documents_before = len(services.manifest.documents())

    result = CliRunner().invoke(app, ["eval", str(DEV_SET), "--corpus", str(SAMPLE_KNOWLEDGE_DIR), "--json", str(out)])

    assert result.exit_code == 0, result.output
    assert "hit@3" in result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["n"] == len(load_questions(DEV_SET))
    assert report["retrieval"]["hit@3"] >= 0.9
    assert report["answers"]["resolution"] >= 0.9  # the assistant answered over the fresh index too
    assert "Assistant" in result.output
    # removed afterwards (the index and the evaluation's conversations)
    assert set(Path(tempfile.gettempdir()).glob("sportello-eval-*")) == scratch_before
    assert len(services.manifest.documents()) == documents_before  # the main index was not touched
