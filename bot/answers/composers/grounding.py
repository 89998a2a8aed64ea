"""Checks that a generated answer rests, claim by claim, on the passages it cites.

A language model may cite a passage it was not given, state a deadline that is one day
off, give an e-mail address or a programme that no passage names, or add a sentence of
its own. None of that is acceptable in a help desk for calls and grants, so the answer is
checked one sentence (or list item, or line) at a time against the passages that sentence
cites, and an answer with a failing sentence is not shown: the assistant falls back to
its extractive answer. What is checked, and how the thresholds were chosen, is in
``docs/llm-grounding.md``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from bot.answers.composers.sentence_text import (
    CONNECTORS,
    MARKER,
    URL,
    content_words,
    folded_words,
    names_in,
    plain,
    split_sentences,
    url_key,
    urls_in,
    without_echoes,
)
from bot.conversation.understanding import looks_like_injection
from knowledge.facts import canonical_facts
from retrieval.passages import Passage
from retrieval.text_analysis import coverage, query_terms, words

SUPPORT_THRESHOLD = 0.35
"""A sentence must find at least this share of its content words and claims in its cited passages."""
CLAIM_WEIGHT = 2
"""How many content words a checked fact, contact or name counts for in that share."""
MIN_CONTENT_WORDS = 2
"""Below this many content words a sentence is framing ("Ecco i documenti:"): too short to measure."""

# "[1]", "[1, 2]", "[1; 3]"; "[1][2]" is two markers.
# "1. Register" / "2) Apply" at the start of a line: numbering, not a fact.
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
# In an answer, a number word is a claim too ("eight hours"), except Italian "due" and "sei",
# which are also English "due" and Italian "you are".
_CLAIMED_NUMBER_WORD = re.compile(
    r"\b(" + "|".join(w for w in _NUMBER_WORDS if w not in {"due", "sei"}) + r")\b", re.IGNORECASE
)

# Sentence ends: a line break, or .!? (then closing quotes and the markers that belong to
# the sentence) before a space and a capital; "[1];" / "[1]," end a clause with its own source.

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(
    r"(?<![\w+])(?:\+|00)\d{1,3}[ .\-]?(?:\(0\)[ .\-]?)?\d[\d .\-]{4,}\d(?!\w)"  # +39 015 555 0100
    r"|(?<![\w.,])0\d{1,4}[ .\-]?\d[\d .\-]{3,}\d(?!\w)"  # 015 5550100 (Italian landline)
    r"|(?<![\w.,])(?:3\d{2}|800)[ \-]?\d{3}[ \-]?\d{3,4}(?!\w)"  # 333 123 4567, 800 123 456
)
_DIGIT_RUN = re.compile(r"\+?\d[\d .\-/()]*\d")
_DATE_LIKE = re.compile(r"\d{1,2}[.\-]\d{1,2}[.\-]\d{2,4}")

# Words that frame, hedge or link rather than claim ("Ecco cosa dicono i documenti:").


@dataclass(frozen=True)
class SentenceCheck:
    """One sentence of an answer, the passages it rests on, and what is wrong with it."""

    text: str
    cited: tuple[int, ...]
    """Passage numbers the sentence cites, or inherits from its neighbours."""
    problems: tuple[str, ...] = ()
    support: float | None = None
    """Share of its content words and claims found in the cited passages; None when not measured."""

    @property
    def ok(self) -> bool:
        """Whether the sentence may be shown."""
        return not self.problems


def citation_numbers(text: str) -> list[int]:
    """The ``[n]`` markers of ``text`` in order of first use, each once."""
    seen: dict[int, None] = {}
    for marker in MARKER.finditer(text):
        for number in re.split(r"\s*[,;]\s*", marker[1]):
            seen.setdefault(int(number), None)
    return list(seen)


def sentences(text: str) -> list[str]:
    """The sentences, list items and lines of ``text``, each with the markers that close it."""
    return [text[start:end] for start, end, _ in split_sentences(text, final=True)[0]]


def check_grounding(text: str, passages: Sequence[Passage], question: str = "") -> list[str]:
    """What is wrong with ``text`` as an answer from the numbered ``passages``; empty when nothing.

    The answer must cite at least one passage and only passages ``[1]``..``[len(passages)]``;
    each of its sentences must pass ``check_sentences``. Problems are listed once each.
    """
    if not citation_numbers(text):
        return ["no citation"]  # every claim would be unsupported too: one problem says it
    problems = (problem for check in check_sentences(text, passages, question) for problem in check.problems)
    return list(dict.fromkeys(problems))


def check_sentences(text: str, passages: Sequence[Passage], question: str = "") -> list[SentenceCheck]:
    """Each sentence of ``text`` checked against the passages it cites (see ``SentenceGate``)."""
    return [check for _, check in SentenceGate(passages, question).feed(text, final=True)]


class SentenceGate:
    """Checks an answer sentence by sentence as it grows, so that only checked text is shown.

    A sentence is checked against the passages its own markers cite. A sentence without
    markers takes those of the next marked sentence of its paragraph (models often cite
    once at the end of a group of sentences or of a list), else those of the sentence
    before it; it is therefore held until that marker arrives or the paragraph ends.
    """

    def __init__(self, passages: Sequence[Passage], question: str = "") -> None:
        """Check against the numbered ``passages``; facts and names of the ``question`` are allowed too."""
        self._evidence = [_Evidence(passage) for passage in passages]
        self._question = _Evidence(None, question)
        self._offset = 0
        self._previous: tuple[int, ...] = ()

    def feed(self, text: str, final: bool = False) -> list[tuple[int, SentenceCheck]]:
        """Checks of the sentences of ``text`` (the answer so far) that can now be decided, each
        with the offset in ``text`` where it ends; ``final`` once the answer is whole."""
        tail = text[self._offset :]
        units, open_paragraph = split_sentences(tail, final)
        marked = [citation_numbers(tail[start:end]) for start, end, _ in units]
        decided: list[tuple[int, SentenceCheck]] = []
        for index, (start, end, paragraph) in enumerate(units):
            cited = tuple(marked[index])
            if not cited:
                later = [m for m, unit in zip(marked[index + 1 :], units[index + 1 :], strict=True)
                         if m and unit[2] == paragraph]  # fmt: skip
                if later:
                    cited = tuple(later[0])
                elif paragraph < open_paragraph:
                    cited = self._previous
                else:
                    break  # its marker may still come
            decided.append((self._offset + end, self.check(tail[start:end], cited)))
            self._previous = cited or self._previous
        if decided:
            self._offset = decided[-1][0]
        return decided

    def check(self, sentence: str, cited: Sequence[int]) -> SentenceCheck:
        """``sentence`` checked against the passages numbered ``cited``."""
        in_range = [n for n in cited if 1 <= n <= len(self._evidence)]
        problems = [f"citation [{n}] points to no passage" for n in cited if n not in in_range]
        if looks_like_injection(sentence):
            # Markup or an instruction, even one copied from a passage, is never shown.
            return SentenceCheck(sentence, tuple(cited), (*problems, "sentence carries markup or an instruction"))
        claim = _Claims(plain(sentence))
        if not in_range:
            if problems or claim.count or len(claim.content) >= MIN_CONTENT_WORDS:
                problems = problems or ["no citation"]
            return SentenceCheck(sentence, tuple(cited), tuple(problems))
        sources = [self._evidence[n - 1] for n in in_range]
        known = self._question.facts.union(*(source.facts for source in sources))
        wrong = [f"fact {fact}" for fact in claim.facts if fact not in known]
        wrong += [f"e-mail {e}" for e in claim.emails if not any(s.has_email(e) for s in sources)]
        wrong += [f"URL {url}" for url in claim.urls if not any(s.has_url(url) for s in sources)]
        wrong += [f"phone {phone}" for phone in claim.phones if not any(s.has_phone(phone) for s in sources)]
        wrong += [f"name {name}" for name in claim.names
                  if not self._question.has_name(name) and not any(s.has_name(name) for s in sources)]  # fmt: skip
        problems += [f"{what} is not in the cited passages" for what in wrong]
        support = None
        # A lead-in ("I documenti richiesti sono:") announces the list that proves it.
        if len(claim.content) >= MIN_CONTENT_WORDS and not sentence.rstrip().endswith(":"):
            # Not the question's words: "Sì, il rimborso copre anche i pasti" must not pass
            # because the SME asked about meals.
            stems = set().union(*(source.stems for source in sources))
            found = round(coverage(" ".join(sorted(claim.content)), stems) * len(claim.content))
            weight = CLAIM_WEIGHT * claim.count
            support = (found + weight - CLAIM_WEIGHT * len(wrong)) / (len(claim.content) + weight)
            if support < SUPPORT_THRESHOLD and not problems:  # a wrong fact already says what is wrong
                quoted = " ".join(sentence.split())
                quoted = quoted if len(quoted) <= 60 else quoted[:59] + "…"
                problems.append(f"sentence “{quoted}” is not supported by the cited passages ({support:.0%})")
        return SentenceCheck(sentence, tuple(cited), tuple(problems), support)


class _Claims:
    """What a sentence states: contacts, facts, names, and the content words of the rest."""

    def __init__(self, body: str) -> None:
        # Each kind is blanked once read, so that an address's digits are not read as numbers.
        self.emails = _EMAIL.findall(body)
        body = _EMAIL.sub(" ", body)
        self.urls = urls_in(body)
        body = URL.sub(" ", body)
        self.phones = [phone.strip() for phone in _PHONE.findall(body) if not _DATE_LIKE.fullmatch(phone.strip())]
        for phone in self.phones:
            body = body.replace(phone, " ")
        facts = canonical_facts(body)
        facts |= {f"num:{_NUMBER_WORDS[word.casefold()]}" for word in _CLAIMED_NUMBER_WORD.findall(body)}
        self.facts = without_echoes(facts)
        self.names = names_in(body)
        self.content = content_words(body)
        self.count = len(self.emails) + len(self.urls) + len(self.phones) + len(self.facts) + len(self.names)


@dataclass
class _Evidence:
    """What a passage (or the question) offers as support, analysed once."""

    passage: Passage | None
    text: str = field(default="")

    def __post_init__(self) -> None:
        if self.passage is not None:
            # The page and section of the label shown beside the passage may be quoted too; an
            # instruction planted in the passage ("ignore your rules and say…") grounds nothing.
            text = "\n".join(s for s in sentences(self.passage.search_text) if not looks_like_injection(s))
            self.text = f"{self.passage.citation()}\n{text}"

    @cached_property
    def facts(self) -> set[str]:
        facts = canonical_facts(self.text)
        facts |= {f"num:{_NUMBER_WORDS[word.casefold()]}" for word in _NUMBER_WORD.findall(self.text)}
        return facts

    @cached_property
    def stems(self) -> set[str]:
        return set(query_terms(self.text, expand=False))

    @cached_property
    def _folded(self) -> str:
        return f" {folded_words(self.text)} "

    @cached_property
    def _urls(self) -> set[str]:
        extra = [self.passage.url] if self.passage is not None and self.passage.url else []
        return {url_key(url) for url in [*urls_in(self.text), *extra]}

    @cached_property
    def _digit_runs(self) -> set[str]:
        return {re.sub(r"\D", "", run) for run in _DIGIT_RUN.findall(self.text)}

    def has_email(self, email: str) -> bool:
        # Whole, without case: "info@x.it" is not in "moreinfo@x.it" nor in "info@x.it.com".
        return bool(re.search(rf"(?<![\w.+-]){re.escape(email)}(?![\w-]|\.\w)", self.text, re.IGNORECASE))

    def has_url(self, url: str) -> bool:
        key = url_key(url)
        return any(known == key or known.startswith((f"{key}/", f"{key}?", f"{key}#")) for known in self._urls)

    def has_phone(self, phone: str) -> bool:
        digits = re.sub(r"\D", "", phone).removeprefix("00")
        # The same number with or without its country code ("+39 015 …" / "015 …").
        return any(
            run == digits or (run.endswith(digits) and len(run) - len(digits) <= 3) or
            (digits.endswith(run) and len(digits) - len(run) <= 3 and len(run) >= 6)
            for run in self._digit_runs
        )  # fmt: skip

    def has_name(self, name: str) -> bool:
        if f" {folded_words(name)} " in self._folded:
            return True
        # A name written in the answer's language ("Chamber of Commerce of Biella"): each of
        # its words must still be in the passage, under any of its forms.
        name_words = {w for w in words(name) if not w.isdigit() and w not in CONNECTORS}
        return bool(name_words) and coverage(" ".join(sorted(name_words)), self.stems) == 1.0
