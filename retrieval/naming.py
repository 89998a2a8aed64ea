"""What a question names, matched against what each page is called.

An SME names the chamber, the region, the fair, the programme ("la Camera di Como-Lecco",
"the Bergamo chamber", "FIHAV", "Euroclusters"); the page about it carries that name in
its title, its address or its file name, whatever language the rest of the question is
in. Dense vectors and BM25 weigh such a word like any other, so a page in the question's
language about something else can win. ``name_matches`` counts, for each candidate, the
question's words that its names carry — only words that tell the candidates apart (found
in the names of some documents, not of most), so "bando" or "call" decide nothing.

Matching is on folded words: equal, or for words of six letters or more, one name word
containing it or both opening with the same six letters ("Bergame" = "Bergamo"); a
five-letter word only inside a longer name ("lecco" in "comolecco").
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Set
from pathlib import PurePath
from typing import Any

from retrieval.text_analysis import STOPWORDS

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
PREFIX = 6
"""Letters two long words must share at the start to name the same thing."""
MOST = 0.34
"""A word mentioned by more than this share of the candidate documents names nothing in particular."""


def _fold(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(ch))


@functools.lru_cache(maxsize=8192)
def name_words(text: str) -> frozenset[str]:
    """The folded words of ``text`` that can name something (no stopwords, no numbers, 3+ letters).

    Cached: every search reads the names and words of the same indexed passages again."""
    return frozenset(w for w in _WORD.findall(_fold(text)) if len(w) >= 3 and not w.isdigit() and w not in STOPWORDS)


def names_of(metadata: Mapping[str, Any]) -> frozenset[str]:
    """The words a page is called by: its title, address, file name and programme."""
    source = str(metadata.get("source") or "").split("#", 1)[0]
    parts = [str(metadata.get(key) or "") for key in ("title", "url", "programme")]
    parts.append(PurePath(source).stem)
    return name_words(" ".join(parts))


def _matches(word: str, names: Set[str]) -> bool:
    if word in names:
        return True
    if len(word) < PREFIX - 1:
        return False
    if any(word in name for name in names):
        return True
    return len(word) >= PREFIX and any(len(name) >= PREFIX and name[:PREFIX] == word[:PREFIX] for name in names)


_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-ZÀ-Ý][\w'’.-]*[\w])|\b([A-Z]{2,}[\w.+-]*)|\b(\w+-\w+)")


_PLACE = re.compile(
    r"\b(?:camera|cciaa|camcom|chambre|chamber|cci|regione|r[ée]gion|provincia|province|comune|citt[àa]|ville|city)"
    r"(?:\s+(?:di|de|del|della|of|d['’]|du))?(?:\s+(?:commercio|commerce)(?:\s+(?:di|de|d['’]|of))?)?\s*([^\W\d_][\w-]+)",
    re.IGNORECASE,
)
"""The place after "camera di (commercio di)", "chambre de commerce de", "regione", "province of"… in any case."""


GENERIC = frozenset({
    "sme", "smes", "pmi", "pme", "tpe", "eti", "ue", "eur", "euro", "trade", "commerce", "commercio", "industry",
    "industria", "industrie", "artigianato", "agricoltura", "european", "europe", "europa", "européen", "europeenne",
    "italy", "italia", "italie", "france", "francia", "faq", "b2b", "pec", "iva", "vat", "tva", "pdf",
})  # fmt: skip
"""Words written in capitals that name no one page: the kind of company, the Union, a country, a format."""


def named_in(question: str) -> set[str]:
    """The words the question names something by: capitalised inside a sentence ("la Camera di
    Sassari"), acronyms ("FIHAV", "SIMEST"), hyphenated names ("Côme-Lecco") and the place after
    "camera di", "chambre de commerce de", "regione"… even when typed in lower case."""
    found: set[str] = set()
    for match in _CAPITALISED.finditer(question.strip()):
        found |= name_words(next(g for g in match.groups() if g))
    for match in _PLACE.finditer(question):
        found |= name_words(match.group(1))
    return found - GENERIC


def name_matches(question: str, candidates: Iterable[tuple[str, str, str, Mapping[str, Any]]]) -> dict[str, int]:
    """For each ``(chunk_id, doc_id, text, metadata)``, how many of the words the question names
    something by its names carry."""
    listed = list(candidates)
    names_by_doc: dict[str, frozenset[str]] = {}
    words_by_doc: dict[str, set[str]] = {}
    for _, doc_id, text, metadata in listed:
        names = names_by_doc.setdefault(doc_id, names_of(metadata))
        words_by_doc.setdefault(doc_id, set(names)).update(name_words(text))
    if len(names_by_doc) < 2:
        return {}
    most = max(1.0, MOST * len(names_by_doc))
    telling: dict[str, set[str]] = {}
    for word in named_in(question):
        named = {doc for doc, names in names_by_doc.items() if _matches(word, names)}
        if named and sum(1 for words in words_by_doc.values() if _matches(word, words)) <= most:
            telling[word] = named
    if not telling:
        return {}
    return {
        chunk_id: count
        for chunk_id, doc_id, _, _ in listed
        if (count := sum(1 for docs in telling.values() if doc_id in docs))
    }
