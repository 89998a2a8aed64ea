"""The evaluation harness: question files, matching, metrics and the report shape."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from bot.answers.composers.base import Citation
from bot.conversation.replies import Reply
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


def test_answer_figures_from_replies() -> None:
    def reply(text: str, decision: str = "answer", outcome: str = "answered") -> Reply:
        return Reply(text=text, language="it", decision=decision, outcome=outcome, intent="question")  # type: ignore[arg-type]

    questions = [
        question("a1", "faq.md", ["15 marzo 2027"]),
        question("a2", "faq.md", ["50%"]),
        question("h1", None, category="needs_human"),
        question("o1", None, category="adversarial", forbidden=["100%"]),
        question("o2", None, category="out_of_scope"),
    ]
    replies = {
        "a1": reply("Entro il 15 marzo 2027 [1]."),
        "a2": reply("Vorrei passarti allo staff.", "handoff", "details_requested"),
        "h1": reply("Ti passo allo staff.", "handoff", "escalated"),
        "o1": reply("Il rimborso è al 100%.", "answer", "refused"),
        "o2": reply("Su questo non posso aiutarti.", "answer", "refused"),
    }
    report = build_report(evaluate(questions, lambda _: [], lambda q: replies[q.id]))
    answers = report["answers"]
    assert answers["fact_recall"] == 0.5
    assert answers["resolution"] == 0.5
    assert answers["handoff_recall"] == 1.0
    assert answers["out_of_scope_ok"] == 0.5  # o1 said what the injection asked for
    items = {i["id"]: i for i in report["items"]}
    assert items["o1"]["forbidden_found"] == ["100%"]
    assert items["a2"]["facts_missing"] == ["50%"]


def test_what_a_reader_sees_first_and_how_long_it_is() -> None:
    source = Citation(1, "Bando export", "", None, None, "/kb/bando.md", "", "it")

    def reply(text: str, decision: str = "answer") -> Reply:
        sources = "Fonti:\n[1] Bando export"
        return Reply(text=f"{text}\n\n{sources}", language="it", decision=decision,  # type: ignore[arg-type]
                     outcome="answered", intent="question", citations=[source])  # fmt: skip

    questions = [
        question("lead", "bando.md", ["30 giugno 2026"]),
        question("late", "bando.md", ["30 giugno 2026"]),
        question("list", "bando.md", ["visura camerale"]),
        question("gone", "bando.md", ["50%"]),
    ]
    replies = {
        # The date in the first sentence, then more: found first.
        "lead": reply("La domanda va inviata entro il 30 giugno 2026 [1]. Art. 5 del bando [1]. Altro testo."),
        # The date only in the second sentence: found, but not first.
        "late": reply("Il bando sostiene le PMI [1]. La scadenza è il 30 giugno 2026 [1]."),
        # A line opening a list is read with its items.
        "list": reply("Documenti da inviare:\n- domanda firmata\n- visura camerale [1]\n\nAltro [1]."),
        "gone": reply("Ti passo allo staff.", "handoff"),
    }
    report = build_report(evaluate(questions, lambda _: [], lambda q: replies[q.id]))
    items = {i["id"]: i for i in report["items"]}
    assert items["lead"]["first_sentence_fact"] is True
    assert items["late"]["first_sentence_fact"] is False
    assert items["late"]["facts_missing"] == []
    assert items["list"]["first_sentence_fact"] is True
    assert items["gone"]["first_sentence_fact"] is False
    assert report["answers"]["first_sentence_fact"] == 0.5
    # Bodies are measured without the sources and the [n] markers; a handoff's text is not an answer's body.
    assert items["late"]["body_chars"] == len("Il bando sostiene le PMI. La scadenza è il 30 giugno 2026.")
    lengths = sorted(items[k]["body_chars"] for k in ("lead", "late", "list"))
    assert report["answers"]["body_chars"]["median"] == lengths[1]


def test_a_closed_entry_cited_without_saying_so_is_counted() -> None:
    closed = Citation(1, "Bando", "", None, None, "bandi.yaml#bando-chiuso", "", "it")
    silent = Reply(text="Scadenza 30 giugno 2026 [1].", language="it", decision="answer", outcome="answered",
                   intent="question", citations=[closed])  # fmt: skip
    honest = replace(silent, text="Il bando è chiuso: la scadenza era il 30 giugno 2026 [1].")
    questions = [question("c1", "bandi.yaml"), question("c2", "bandi.yaml")]
    replies = {"c1": silent, "c2": honest}
    items = evaluate(questions, lambda _: [], lambda q: replies[q.id], frozenset({"bando-chiuso"}))
    assert build_report(items)["answers"]["closed_as_open"] == 1


def test_report_has_the_documented_shape_and_no_invented_answer_figures() -> None:
    report = build_report(evaluate([question("q1", "faq.md")], lambda _: [passage("/kb/faq.md")]))

    assert set(report) >= {"n", "retrieval", "answers", "latency_ms", "by_lang", "by_category", "items"}
    assert set(report["retrieval"]) >= {"hit@1", "hit@3", "hit@5", "mrr"}
    assert report["answers"] == {
        "fact_recall": None,
        "resolution": None,
        "handoff_recall": None,
        "out_of_scope_ok": None,
        "first_sentence_fact": None,
        "body_chars": None,
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
    assert {"cross_lingual", "needs_human", "out_of_scope", "not_in_catalog", "adversarial"} <= categories
    assert sum(q.category == "needs_human" for q in questions) >= 15
    assert sum(not q.answerable for q in questions) >= 8
