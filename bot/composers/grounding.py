"""Checks that a generated answer rests on the passages it cites.

A language model may cite a passage it was not given or state a deadline that is one
day off. Neither is acceptable in a help desk for calls and grants, so an answer that
fails these checks is not shown: the assistant falls back to its extractive answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from knowledge.facts import canonical_facts
from retrieval.passages import Passage

# "[1]", "[1, 2]", "[1; 3]"; "[1][2]" is two markers.
_MARKER = re.compile(r"\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")
# "1. Register" / "2) Apply" at the start of a line: numbering, not a fact.
_LIST_NUMBER = re.compile(r"^([ \t]*(?:[-*][ \t]+)?)\d{1,2}[.)](?=[ \t])", re.MULTILINE)
# Sources often spell small numbers out ("due preventivi", "three quotes") while a model
# writes digits; these words count as the number when they appear in a cited passage.
# "one"/"un"/"une"/"uno" are left out: as articles they would make "1" always grounded.
_NUMBER_WORDS: dict[str, int] = {}
for _words in (
    ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"),
    ("due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove", "dieci", "undici", "dodici"),
    ("deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze"),
):
    for _value, _word in enumerate(_words, start=2):
        _NUMBER_WORDS[_word] = _value
_NUMBER_WORD = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b", re.IGNORECASE)


def citation_numbers(text: str) -> list[int]:
    """The ``[n]`` markers of ``text`` in order of first use, each once."""
    seen: dict[int, None] = {}
    for marker in _MARKER.finditer(text):
        for number in re.split(r"\s*[,;]\s*", marker[1]):
            seen.setdefault(int(number), None)
    return list(seen)


def strip_citations(text: str) -> str:
    """``text`` without its ``[n]`` markers (whose numbers are not facts)."""
    return _MARKER.sub(" ", text)


def check_grounding(text: str, passages: Sequence[Passage], question: str = "") -> list[str]:
    """What is wrong with ``text`` as an answer from the numbered ``passages``; empty when nothing.

    The answer must cite at least one passage, cite only passages ``[1]``..``[len(passages)]``,
    and state no date, time, amount, percentage or number that is in neither the passages
    it cites nor the ``question`` (an SME may quote its own figures back).
    """
    cited = citation_numbers(text)
    if not cited:
        return ["no citation"]  # every fact would be unsupported too: one problem says it
    in_range = [n for n in cited if 1 <= n <= len(passages)]
    problems = [f"citation [{n}] points to no passage" for n in cited if n not in in_range]
    known = _facts_of(question)
    for n in in_range:
        passage = passages[n - 1]
        # The page and section of the label shown beside the passage may be quoted too.
        known |= _facts_of(f"{passage.citation()}\n{passage.search_text}")
    missing = canonical_facts(_LIST_NUMBER.sub(r"\1", strip_citations(text))) - known
    problems += [f"fact {fact} is not in the cited passages" for fact in _without_echoes(missing)]
    return problems


def _facts_of(source: str) -> set[str]:
    facts = canonical_facts(source)
    facts |= {f"num:{_NUMBER_WORDS[word.casefold()]}" for word in _NUMBER_WORD.findall(source)}
    return facts


def _without_echoes(missing: set[str]) -> list[str]:
    """One problem per wrong fact: a wrong date also misses its ``md:`` key, a wrong amount
    its ``num:`` key, and reporting those again says nothing new."""
    echoes = set()
    for fact in missing:
        kind, _, value = fact.partition(":")
        if kind == "date":
            echoes |= {f"md:{value[5:]}", f"num:{int(value[:4])}"}
        elif kind in {"money", "pct"}:
            echoes.add(f"num:{value}")
    return sorted(missing - echoes)
