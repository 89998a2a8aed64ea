"""Curated FAQ answers: a match needs the words to agree, not only the vectors."""

from __future__ import annotations

from bot.answers.curated import CuratedAnswer, CuratedAnswers
from retrieval.embeddings import HashingEmbedder


def entry(question: str, answer: str) -> CuratedAnswer:
    return CuratedAnswer(
        question=question, answer=answer, title="FAQ", source="faq.md", url=None, language="it", chunk_id=question,
    )  # fmt: skip


EMBEDDER = HashingEmbedder()
FAQ = CuratedAnswers(
    EMBEDDER,
    [
        entry("Entro quando devo inviare la domanda di rimborso?", "Entro 30 giorni dalla fine della missione."),
        entry("Possono partire due persone della stessa impresa?", "Sì, ma il rimborso spetta a un solo partecipante."),
    ],
)


def best(question: str) -> tuple[str, float]:
    match = FAQ.best(question, EMBEDDER.embed_query(question))
    assert match is not None
    return match.answer.question, match.coverage


def test_a_paraphrase_is_covered_by_the_entry_s_words() -> None:
    question, covered = best("Entro quando va inviata la domanda di rimborso?")
    assert question.startswith("Entro quando devo inviare") and covered >= 0.6


def test_a_question_on_the_same_topic_asking_something_else_is_not() -> None:
    """ "How is the claim sent, is a normal e-mail fine?" shares "domanda di rimborso" and nothing more."""
    _, covered = best("Come si manda la domanda di rimborso? va bene una mail normale?")
    assert covered < 0.6


def test_no_entries_no_match() -> None:
    assert CuratedAnswers(EMBEDDER, []).best("ciao", EMBEDDER.embed_query("ciao")) is None
