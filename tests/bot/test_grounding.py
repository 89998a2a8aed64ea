"""Grounding checks: citations in range, and every fact of the answer in the cited passages."""

from __future__ import annotations

import pytest

from bot.composers.grounding import check_grounding, citation_numbers, strip_citations
from retrieval.passages import Passage


def passage(
    text: str, title: str = "Bando Export 2027", section: tuple[str, ...] = (), page: int | None = None
) -> Passage:
    """A retrieved passage with only what the checks read."""
    return Passage(
        chunk_id=f"c-{abs(hash(text))}", doc_id="d1", source="bando.pdf", title=title, section=section, page=page,
        kind="call", language="it", programme=None, countries=(), url=None, opens=None, deadline=None, text=text,
    )  # fmt: skip


DEADLINE = passage("Le domande si presentano entro il 15 marzo 2027 alle ore 17:00.")
GRANT = passage("Il contributo copre il 50% delle spese, fino a € 3.000 per impresa.")


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("No markers here.", []),
        ("A [1]. B [2]. A again [1].", [1, 2]),
        ("Both [2, 1] and [3; 2].", [2, 1, 3]),
        ("Adjacent [1][2].", [1, 2]),
        ("Spaced [ 4 ].", [4]),
    ],
)
def test_citation_numbers_in_order_of_first_use(text: str, numbers: list[int]) -> None:
    assert citation_numbers(text) == numbers


def test_strip_citations_removes_the_markers_only() -> None:
    assert strip_citations("Entro il 15 marzo [1, 2].").split() == ["Entro", "il", "15", "marzo", "."]


def test_a_grounded_answer_has_no_problems() -> None:
    answer = "La scadenza è il 15 marzo 2027 alle 17:00 [1]. Il contributo è del 50%, fino a 3.000 euro [2]."
    assert check_grounding(answer, [DEADLINE, GRANT]) == []


def test_an_answer_without_citation() -> None:
    assert check_grounding("La scadenza è il 15 marzo 2027.", [DEADLINE]) == ["no citation"]


@pytest.mark.parametrize("marker", ["[0]", "[3]", "[7]"])
def test_a_citation_out_of_range(marker: str) -> None:
    n = marker.strip("[]")
    assert check_grounding(f"Entro il 15 marzo 2027 [1]{marker}.", [DEADLINE, GRANT]) == [
        f"citation [{n}] points to no passage"
    ]


@pytest.mark.parametrize(
    "answer",
    [
        "La scadenza è il 15 marzo 2027 [1].",
        "The deadline is March 15, 2027 [1].",
        "The deadline is 15th March 2027 [1].",
        "La date limite est le 15 mars 2027 [1].",
        "Scadenza: 15/03/2027 [1].",
        "Deadline: 2027-03-15 [1].",
    ],
)
def test_the_same_date_matches_across_languages_and_formats(answer: str) -> None:
    assert check_grounding(answer, [DEADLINE]) == []


def test_a_date_one_day_off_is_one_problem() -> None:
    assert check_grounding("The deadline is March 16, 2027 [1].", [DEADLINE]) == [
        "fact date:2027-03-16 is not in the cited passages"
    ]


def test_a_fact_must_be_in_a_cited_passage_not_just_any_passage() -> None:
    # The amount is in passage 2, but the answer only cites passage 1.
    assert check_grounding("Fino a € 3.000 entro il 15 marzo 2027 [1].", [DEADLINE, GRANT]) == [
        "fact money:3000 is not in the cited passages"
    ]


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ("Il contributo è del 60% [1].", "fact pct:60 is not in the cited passages"),
        ("Fino a 5.000 euro [1].", "fact money:5000 is not in the cited passages"),
        ("Servono 4 preventivi [1].", "fact num:4 is not in the cited passages"),
        ("Entro le 18:00 [1].", "fact time:18:00 is not in the cited passages"),
        # The passage's 50 is a percentage, not an amount in euro.
        ("Copre 50 euro [1].", "fact money:50 is not in the cited passages"),
    ],
)
def test_each_kind_of_invented_fact(answer: str, problem: str) -> None:
    assert check_grounding(answer, [GRANT]) == [problem]


def test_amounts_match_whatever_their_format() -> None:
    assert check_grounding("Up to EUR 3,000, that is 50 % of the costs [1].", [GRANT]) == []


def test_a_number_from_the_question_is_allowed() -> None:
    question = "Abbiamo speso 8.000 euro: quanto ci rimborsate?"
    answer = "Su 8.000 euro di spese, il contributo copre il 50%, fino a € 3.000 [1]."
    assert check_grounding(answer, [GRANT], question=question) == []
    assert check_grounding(answer, [GRANT]) == ["fact money:8000 is not in the cited passages"]


def test_list_numbering_and_markers_are_not_facts() -> None:
    answer = "Per partecipare:\n1. registrarsi [1];\n2) presentare la domanda entro il 15 marzo 2027 [1]."
    assert check_grounding(answer, [DEADLINE]) == []


def test_numbers_spelled_out_in_the_passage_ground_digits() -> None:
    quotes = passage("Servono tre preventivi di fornitori diversi.")
    assert check_grounding("You need 3 quotes [1].", [quotes]) == []
    assert check_grounding("You need 4 quotes [1].", [quotes]) == ["fact num:4 is not in the cited passages"]


def test_the_page_and_title_of_a_cited_passage_may_be_quoted() -> None:
    cited = passage("Le spese ammissibili sono elencate qui.", title="Bando Export 2027", page=12)
    assert check_grounding("See the Bando Export 2027, p. 12 [1].", [cited]) == []


def test_problems_add_up() -> None:
    problems = check_grounding("Entro il 16 marzo 2027 [1][4].", [DEADLINE])
    assert problems == [
        "citation [4] points to no passage",
        "fact date:2027-03-16 is not in the cited passages",
    ]
