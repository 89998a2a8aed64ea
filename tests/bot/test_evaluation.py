"""The evaluation harness: question files, matching, metrics and the report shape."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.evaluation.harness import build_report, evaluate, source_matches
from bot.evaluation.questions import EvalQuestion, QuestionSetError, load_questions
from retrieval.errors import EmptyQueryError
from retrieval.passages import Passage

DEV_SET = Path(__file__).resolve().parents[2] / "evaluation" / "dev_questions.jsonl"


def passage(source: str, text: str = "") -> Passage:
    return Passage(
        chunk_id=source, doc_id=source, source=source, title="T", section=(), page=None, kind="other",
        language="it", programme=None, countries=(), url=None, opens=None, deadline=None, text=text,
    )  # fmt: skip


def question(qid: str, expected: str | None, facts: Sequence[str] = (), **extra: object) -> EvalQuestion:
    return EvalQuestion(
        id=qid,
        lang="it",
        question=f"domanda {qid}",
        answerable=expected is not None,
        expected_doc=expected,
        expected_facts=list(facts),
        **extra,  # type: ignore[arg-type]
    )


def test_source_matches_file_name_and_catalog_entry() -> None:
    assert source_matches("faq.md", "/srv/kb/faq.md")
    assert source_matches("eu.yaml", "/srv/kb/catalog/eu.yaml#missione-giappone")
    assert source_matches("eu.yaml#missione-giappone", "/srv/kb/catalog/eu.yaml#missione-giappone")
    assert not source_matches("eu.yaml#missione-usa", "/srv/kb/catalog/eu.yaml#missione-giappone")
    assert not source_matches("faq.md", "/srv/kb/old-faq.md")


def test_metrics_count_answerable_questions_only() -> None:
    results = {
        "domanda q1": [passage("/kb/faq.md", "Il rimborso è di € 3.000")],
        "domanda q2": [passage("/kb/a.md"), passage("/kb/b.md"), passage("/kb/guide.pdf")],
        "domanda q3": [passage("/kb/a.md")],
        "domanda q4": [passage("/kb/faq.md")],
    }
    questions = [
        question("q1", "faq.md", ["3.000 euro"]),
        question("q2", "guide.pdf", ["30/06/2024"]),
        question("q3", "missing.md"),
        question("q4", None, category="unanswerable"),
    ]

    report = build_report(evaluate(questions, lambda q: results[q]))

    retrieval = report["retrieval"]
    assert retrieval["n"] == 3
    assert retrieval["hit@1"] == pytest.approx(1 / 3, abs=1e-4)
    assert retrieval["hit@3"] == pytest.approx(2 / 3, abs=1e-4)
    assert retrieval["mrr"] == pytest.approx((1 + 1 / 3) / 3, abs=1e-4)
    assert retrieval["context_fact_recall"] == pytest.approx(0.5)
    items = {item["id"]: item for item in report["items"]}
    assert items["q2"]["hit_rank"] == 3
    assert items["q3"]["hit_rank"] is None
    assert items["q1"]["context_facts_missing"] == []


def test_alternate_documents_count_as_hits() -> None:
    q = question("q1", "faq.md", alternate_docs=["guide.pdf"])
    [item] = evaluate([q], lambda _: [passage("/kb/x.md"), passage("/kb/guide.pdf")])
    assert item.hit_rank == 2


def test_report_has_the_documented_shape_and_no_invented_answer_figures() -> None:
    report = build_report(evaluate([question("q1", "faq.md")], lambda _: [passage("/kb/faq.md")]))

    assert set(report) >= {"n", "retrieval", "answers", "latency_ms", "by_lang", "by_category", "items"}
    assert set(report["retrieval"]) >= {"hit@1", "hit@3", "hit@5", "mrr"}
    assert report["answers"] == {
        "fact_recall": None,
        "resolution": None,
        "handoff_recall": None,
        "out_of_scope_ok": None,
    }
    assert set(report["latency_ms"]) == {"p50", "p95"}
    item = report["items"][0]
    assert set(item) >= {"id", "hit_rank", "decision", "answer", "facts_found", "facts_missing", "latency_ms"}
    assert item["decision"] is None and item["answer"] is None
    json.dumps(report)


def test_a_refused_query_is_recorded_not_fatal() -> None:
    def search(_: str) -> list[Passage]:
        raise EmptyQueryError("the question is empty")

    [item] = evaluate([question("q1", "faq.md")], search)
    assert item.hit_rank is None
    assert item.error is not None and item.error.startswith("empty_query")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json}\n", ":1: not valid JSON"),
        ('{"id": "a", "lang": "de", "question": "x", "answerable": false}\n', ":1: lang"),
        ('{"id": "a", "lang": "it", "question": "x", "answerable": true}\n', "needs expected_doc"),
        (
            '{"id": "a", "lang": "it", "question": "x", "answerable": false}\n'
            '{"id": "a", "lang": "it", "question": "y", "answerable": false}\n',
            ":2: duplicate id",
        ),
        ('{"id": "a", "lang": "it", "question": "x", "answerable": false, "oops": 1}\n', ":1: oops"),
        ("\n\n", "no questions"),
    ],
)
def test_bad_question_files_name_the_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(QuestionSetError, match=message):
        load_questions(path)


def test_the_shipped_dev_set_is_valid_and_covers_what_the_issue_asks() -> None:
    questions = load_questions(DEV_SET)
    langs = {q.lang for q in questions}
    categories = {q.category for q in questions}

    assert len(questions) >= 60
    assert langs == {"it", "en", "fr"}
    assert {"cross_lingual", "unanswerable", "adversarial"} <= categories
    assert sum(not q.answerable for q in questions) >= 8
