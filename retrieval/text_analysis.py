"""Keyword analysis for BM25 in Italian, English and French: tokens, stopwords, stems.

Passages are stemmed in their own language. A query's language is often unclear
("visura camerale ATECO"), so its words are stemmed in all three and the stems pooled:
a query term then meets a passage term whichever language's rules made the stem. The
query is also expanded with the translations of its help-desk words (``lexicon``), so a
French question can match an Italian passage by keywords too.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import cache

import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS, STOPWORDS_FRENCH, STOPWORDS_ITALIAN

from retrieval.lexicon import CONCEPTS

_LANGUAGES = {"it": "italian", "en": "english", "fr": "french"}
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
STOPWORDS = frozenset(w.casefold() for w in (*STOPWORDS_ITALIAN, *STOPWORDS_FRENCH, *STOPWORDS_EN_PLUS))
_local = threading.local()


def _stemmer(language: str) -> Stemmer.Stemmer:
    # PyStemmer objects are not thread-safe; one per thread and language.
    stemmers: dict[str, Stemmer.Stemmer] | None = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    if language not in stemmers:
        stemmers[language] = Stemmer.Stemmer(_LANGUAGES[language])
    return stemmers[language]


def words(text: str) -> list[str]:
    """Lower-cased word tokens without stopwords (elisions like dell'impresa are split)."""
    return [w for w in _TOKEN.findall(text.casefold()) if w not in STOPWORDS]


@cache
def _fold(stem: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", stem) if not unicodedata.combining(ch))


def passage_terms(text: str, language: str | None) -> list[str]:
    """Terms of a passage, stemmed with its language's rules (English if unknown)."""
    stemmer = _stemmer(language if language in _LANGUAGES else "en")
    return [_fold(stem) for stem in stemmer.stemWords(words(text))]


def _all_stems(tokens: list[str]) -> list[str]:
    stems: dict[str, None] = {}
    for language in _LANGUAGES:
        for stem in _stemmer(language).stemWords(tokens):
            stems[_fold(stem)] = None
    return list(stems)


@cache
def _lexicon() -> tuple[dict[str, frozenset[int]], tuple[tuple[str, ...], ...]]:
    """stem -> concept ids, and each concept's stems in all three languages."""
    concept_stems = tuple(tuple(_all_stems([w.casefold() for w in group])) for group in CONCEPTS)
    by_stem: dict[str, set[int]] = {}
    for concept_id, stems in enumerate(concept_stems):
        for stem in stems:
            by_stem.setdefault(stem, set()).add(concept_id)
    return {stem: frozenset(ids) for stem, ids in by_stem.items()}, concept_stems


def query_terms(text: str, expand: bool = True) -> list[str]:
    """Terms of a query: each word's stems in it/en/fr, plus (``expand``) the stems of
    its translations from the lexicon, deduplicated, in order."""
    terms = dict.fromkeys(_all_stems(words(text)))
    if expand:
        by_stem, concept_stems = _lexicon()
        for stem in list(terms):
            for concept_id in sorted(by_stem.get(stem, ())):
                terms.update(dict.fromkeys(concept_stems[concept_id]))
    return list(terms)


_ASKING_WORDS = frozenset(
    "quali quale qual chi cosa come dove quando quanto quanta quanti quante perché essere va bene "
    "what which who how where when why quoi quel quelle quels quelles qui comment où quand pourquoi combien".split()
)
"""Words that ask rather than say what about: they are in no answer, so coverage ignores them."""


def coverage(query: str, stems: set[str]) -> float:
    """Share of the query's words found among ``stems`` (a passage's terms), each word counted
    in any of its forms — its stems in it/en/fr and its lexicon translations — so an English
    question on an Italian page is measured like an Italian one. 0.0 for a query without words."""
    query_words = set(words(query)) - _ASKING_WORDS
    if not query_words:
        return 0.0
    prefixes = cognate_prefixes(stems)

    def found(word: str) -> bool:
        terms = query_terms(word)
        if set(terms) & stems:
            return True
        # Cognates across it/en/fr ("prospection" / "prospezione", "certificates" / "certificati")
        # share their first letters though no stemmer makes them one stem.
        return len(word) > COGNATE_PREFIX and any(t[:COGNATE_PREFIX] in prefixes for t in terms if len(t) >= 5)

    return sum(1 for word in query_words if found(word)) / len(query_words)


COGNATE_PREFIX = 5
"""Letters two stems of different languages share to count as cognates ("riservata"/"reserved").
(BM25 asks for six: ``keyword_index.COGNATE_PREFIX``, where a looser match costs ranking precision.)"""


def cognate_prefixes(terms: Iterable[str]) -> set[str]:
    """The first ``COGNATE_PREFIX`` letters of each term long enough to have them."""
    return {t[:COGNATE_PREFIX] for t in terms if len(t) >= COGNATE_PREFIX}
