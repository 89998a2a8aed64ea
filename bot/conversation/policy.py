"""The decision policy: when to answer, when to ask, when to hand off — and the thresholds.

The thresholds were calibrated on the development question set with the bundled model
(``scripts/calibrate_assistant.py``; figures and reasoning in docs/assistant.md). They
are settings, because another model or another knowledge base moves them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.conversation.state import Topic
from knowledge.countries import countries_in, country_name, replace_countries
from retrieval.passages import Passage
from retrieval.text_analysis import coverage, passage_terms, query_terms, words

POLICY_TOPICS: dict[str, re.Pattern[str]] = {
    "legal": re.compile(
        r"\b(avvocat\w*|consulenza\s+legale|parere\s+legale|ricorso|ricorrere|diffida|causa\s+legale|tribunale|"
        r"lawyer|attorney|legal\s+advice|lawsuit|sue\s+(you|the)|court|avocat|conseil\s+juridique|tribunal|"
        r"poursuivre\s+en\s+justice)\b",
        re.IGNORECASE,
    ),
    "disputes": re.compile(
        r"\b(contestar\w*|contest[oiaà]\s+(la|il|l['’])|contestazion\w*|reclamo\s+formale|impugnar\w*|dispute[ds]?|"
        r"contest(s|ed|ing)?\s+(the|a|an|our|this|their)|appeal(ed|ing)?\s+(the|a|against|our)|"
        r"formal\s+complaint|contest(er|ons|ez|ent|é|ée|és|ées)|litige|réclamation\s+formelle)\b"
        # A penalty, cut or revocation the SME disagrees with ("non siamo d'accordo", "we disagree").
        r"|\b(penal[ei]|sanzion\w*|decurtazion\w*|riduzion\w*|revoca\w*|penalt\w*|cut|reduction|pénalit\w*|"
        r"sanction\w*|réduction)\b[^.?!]{0,100}\b(non\s+(siamo|sono)\s+d['’]accordo|disagree|not\s+fair|unfair|"
        r"ingiust\w*|pas\s+d['’]accord|injuste)",
        re.IGNORECASE,
    ),
    "tax": re.compile(
        r"\b(ai\s+fini\s+(fiscali|irap|ires|iva)|contabilizz\w*|irap|ires|detrazion\w*|deducibil\w*|"
        r"trattamento\s+fiscale|tax\s+(treatment|advice|deductible|purposes)|accounting\s+treatment|"
        r"comptabilis\w*|traitement\s+fiscal|déductib\w*|fiscalement)\b",
        re.IGNORECASE,
    ),
}
"""Topics staff keep for themselves (``SPORTELLO_ASSISTANT__POLICY_TOPICS``)."""

_FOLLOW_UP_START = re.compile(
    r"^\s*(e|ed|and|et|anche|also|aussi|what\s+about|how\s+about|e\s+per|and\s+for|et\s+pour|invece|"
    r"e\s+se|and\s+if|et\s+si)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Thresholds:
    """Calibrated cut-offs (see docs/assistant.md)."""

    answer: float = 0.45
    """Retrieval confidence below which the assistant does not answer from the documents."""
    answer_cross_lingual: float = 0.38
    """The same when the best passage is in another language than the question: e5 scores such
    pairs lower and fewer of the question's words are found, for the same relevance."""
    faq: float = 0.93
    """Similarity to a FAQ question above which its curated answer is given as written."""
    faq_margin: float = 0.02
    """…and by how much it must beat the next FAQ question."""
    faq_coverage: float = 0.6
    """…and the share of the message's words its question or answer must hold."""
    router_strong: float = 0.1
    """Router margin that decides the intent on its own (over a retrieval answer)."""
    router_weak: float = 0.0
    """Router margin that decides the intent when retrieval found nothing confident."""

    def needed(self, language: str, passages: Sequence[Passage]) -> float:
        """The confidence needed to answer a question in ``language`` from these passages."""
        if passages and passages[0].language and passages[0].language != language:
            return min(self.answer, self.answer_cross_lingual)
        return self.answer


def policy_topic(text: str, topics: Sequence[str]) -> str | None:
    """The configured policy topic the message touches, if any."""
    return next((name for name in topics if name in POLICY_TOPICS and POLICY_TOPICS[name].search(text)), None)


def retrieval_confidence(query: str, passages: Sequence[Passage]) -> float:
    """How well the best passages cover the question, in [0, 1].

    Half the top passage's dense similarity, rescaled from e5's narrow band
    (0.78 → 0, 0.90 → 1), and half the share of the question's words found in the top
    three passages (``text_analysis.coverage``: a word counts in any of its forms, its
    translations included). Either alone misleads: dense
    similarity is high for any on-topic chatter, word overlap for questions that share
    words with the documents but ask something they do not say.
    """
    if not passages:
        return 0.0
    dense = passages[0].dense_score
    dense_part = min(1.0, max(0.0, ((dense or 0.78) - 0.78) / 0.12))
    passage_stems: set[str] = set()
    for passage in passages[:3]:
        passage_stems.update(passage_terms(passage.search_text, passage.language))
    covered = coverage(query, passage_stems)
    return round(0.5 * dense_part + 0.5 * covered, 4)


_NAME = re.compile(r"\b[A-Z][A-Z0-9&]*[A-Z](?:\s+(?!(?:19|20)\d\d\b)\d{3,5}\b)?")
"""An acronym or a standard's name ("ISO 9001", "HACCP", "IRAP", "EORI"), as written in the question."""


def unknown_names(query: str, passages: Sequence[Passage]) -> list[str]:
    """Acronyms and standards the question names that none of ``passages`` mentions, in any form
    or translation ("ISO 9001" when no document speaks of it: whatever else they say does not answer).

    A question written in capitals names nothing this way.
    """
    found = [m.group(0) for m in _NAME.finditer(query)]
    letters = re.findall(r"[^\W\d_]+", query)
    if not found or sum(1 for w in letters if w.isupper()) * 2 > len(letters):
        return []
    text = " ".join(p.search_text for p in passages).casefold()
    stems: set[str] = set()
    for passage in passages:
        stems.update(passage_terms(passage.search_text, passage.language))
    unknown: list[str] = []
    for name in found:
        own = query_terms(name, expand=False)
        if name.casefold() in text or len(query_terms(name)) > len(own):
            continue  # mentioned, or vocabulary the lexicon translates (PMI, SME, PME), not a thing's name
        if not set(own) & stems:
            unknown.append(name)
    return unknown


_YEAR = re.compile(r"\b(19[89]\d|20\d\d)\b")


_APPLY_NOW = re.compile(
    r"\b((posso|possiamo|si\s+può|si\s+puo)\s+(ancora\s+)?(fare|presentare|inviare|mandare)\s+(la\s+)?domand\w*\s+"
    r"(oggi|adesso|ora|ancora)|(posso|possiamo)\s+ancora\s+(candidar\w*|partecipare|iscriver\w*|aderire|fare\s+domanda)|"
    r"(can|could)\s+(we|i)\s+(still\s+)?(apply|register|submit|sign\s+up)\s+(today|now|still)|"
    r"(can|could)\s+(we|i)\s+still\s+(apply|register|submit|sign\s+up)|"
    r"(peut-on|pouvons-nous|puis-je)\s+(candidater|postuler|déposer|s['’]inscrire|nous\s+inscrire)[^?.!]{0,40}"
    r"(aujourd['’]hui|maintenant)|(peut-on|pouvons-nous|puis-je)\s+encore)",
    re.IGNORECASE,
)


def asks_to_apply_now(text: str) -> bool:
    """The message asks whether the SME can still apply or register now ("possiamo fare domanda oggi?")."""
    return bool(_APPLY_NOW.search(text))


def past_edition(question: str, passages: Sequence[Passage], year: int) -> str | None:
    """The year of the call a question is about when it is over: the latest year the question names,
    or else the best page's title names, if before ``year`` (``None`` otherwise)."""
    named = years_in(question) or (years_in(passages[0].title) if passages else set())
    latest = max((int(y) for y in named), default=None)
    return str(latest) if latest is not None and latest < year else None


def years_in(text: str) -> set[str]:
    """The years a text names ("Fondo PMI 2021", "edizione 2027")."""
    return set(_YEAR.findall(text))


def editions_first(question: str, passages: Sequence[Passage]) -> list[Passage]:
    """When the question names a year, passages whose title names only other years go last
    (the 2022 page of a fund for a question on its 2021 edition)."""
    asked = years_in(question)
    if not asked:
        return list(passages)

    def other_edition(passage: Passage) -> bool:
        titled = years_in(passage.title)
        return bool(titled) and not titled & asked

    return sorted(passages, key=other_edition)


def resolve_follow_up(text: str, countries: list[str], topic: Topic) -> str:
    """The question to search for, with the conversation's topic filled in.

    "e per il Canada?" after a question on Japan becomes that question with Canada in
    place of Japan; a short question without a subject ("how much is it?") gets the
    previous topic appended. Anything else stands on its own.
    """
    if not topic.query:
        return text
    short = len(text.split()) <= 6
    if countries and topic.countries and (short or _FOLLOW_UP_START.match(text)):
        if not countries_in(topic.query):
            return f"{topic.query} {text}"
        return replace_countries(topic.query, text_country(text))
    if short and _no_subject(text):
        return f"{text} ({topic.subject or topic.query})"
    if short and not countries and _FOLLOW_UP_START.match(text):
        # "e il visto?" brings its own subject: only where it applies (the country) carries over,
        # or the previous mission's sheet would outrank the passage about the visa.
        where = ", ".join(country_name(code, "it") for code in topic.countries)
        return f"{text} ({where or topic.subject or topic.query})"
    return text


def text_country(text: str) -> str:
    """The country as the user wrote it (first mention), for substituting into a previous question."""
    stripped = _FOLLOW_UP_START.sub("", text).strip(" ?!.")
    stripped = re.sub(r"^(per|for|pour|in|au|en|aux|negli|nel)\s+", "", stripped, flags=re.IGNORECASE)
    return re.sub(r"^((il|la|le|lo|gli|les|the)\s+|l['’]\s*)", "", stripped, flags=re.IGNORECASE)


_GENERIC_ASKS = frozenset(
    "costa costo costi prezzo quota scade scadenza quando dove durata dura posti rimborso rimborsa quanto "
    "cost costs price fee deadline when where long places much many refund reimbursed "
    "coût coute coûte prix quand où limite combien places remboursement remboursé".split()
)


def _no_subject(text: str) -> bool:
    """A question made only of generic words ("quanto costa?", "how much is it?", "et la date limite ?")."""
    return all(word in _GENERIC_ASKS for word in words(text))
