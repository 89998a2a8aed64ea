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
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from bot.conversation.understanding import looks_like_injection
from knowledge.facts import canonical_facts
from retrieval.passages import Passage
from retrieval.text_analysis import STOPWORDS, coverage, query_terms, words

SUPPORT_THRESHOLD = 0.35
"""A sentence must find at least this share of its content words and claims in its cited passages."""
CLAIM_WEIGHT = 2
"""How many content words a checked fact, contact or name counts for in that share."""
MIN_CONTENT_WORDS = 2
"""Below this many content words a sentence is framing ("Ecco i documenti:"): too short to measure."""

# "[1]", "[1, 2]", "[1; 3]"; "[1][2]" is two markers.
_MARKER = re.compile(r"\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")
_MARKERS = re.compile(r"(?:[ \t]*\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\])*")
_OPEN_MARKER = re.compile(r"[ \t]*\[[\d\s,;]*$")
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
# In an answer, a number word is a claim too ("eight hours"), except Italian "due" and "sei",
# which are also English "due" and Italian "you are".
_CLAIMED_NUMBER_WORD = re.compile(
    r"\b(" + "|".join(w for w in _NUMBER_WORDS if w not in {"due", "sei"}) + r")\b", re.IGNORECASE
)

# Sentence ends: a line break, or .!? (then closing quotes and the markers that belong to
# the sentence) before a space and a capital; "[1];" / "[1]," end a clause with its own source.
_BREAK = re.compile(r"\n|[.!?…]+[\"'»”’)]*|(?<=\])[ \t]*[,;]")
_PARAGRAPH = re.compile(r"\n[ \t]*\n")
_GAP = re.compile(r"[ \t]*")
_ABBREVIATIONS = frozenset(
    "dott dr sig sigg prof ing avv geom rag mr mrs ms mme st es ecc etc cfr cf p pp pag n nr art vs ca spa srl "
    "e.g i.e".split()
)
_ITEM_START = re.compile(r"[ \t]*(?:[-*•][ \t]+)?\d{1,2}")

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]\"'«»]+", re.IGNORECASE)
_PHONE = re.compile(
    r"(?<![\w+])(?:\+|00)\d{1,3}[ .\-]?(?:\(0\)[ .\-]?)?\d[\d .\-]{4,}\d(?!\w)"  # +39 015 555 0100
    r"|(?<![\w.,])0\d{1,4}[ .\-]?\d[\d .\-]{3,}\d(?!\w)"  # 015 5550100 (Italian landline)
    r"|(?<![\w.,])(?:3\d{2}|800)[ \-]?\d{3}[ \-]?\d{3,4}(?!\w)"  # 333 123 4567, 800 123 456
)
_DIGIT_RUN = re.compile(r"\+?\d[\d .\-/()]*\d")
_DATE_LIKE = re.compile(r"\d{1,2}[.\-]\d{1,2}[.\-]\d{2,4}")

_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*|[^\w\s]")
_CONNECTORS = frozenset(
    # Not "e"/"and"/"et": "Italian and French citizens" is two adjectives, not one name.
    "di del della delle dei degli dello dell all nell sull d per in of the for de des du la le l pour von van".split()
)
_NOT_NAMES = frozenset(
    "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre "
    "january february march april may june july august september october november december "
    "janvier février fevrier mars avril mai juin juillet août aout septembre octobre novembre décembre "
    "lunedì martedì mercoledì giovedì venerdì sabato domenica monday tuesday wednesday thursday friday "
    "saturday sunday lundi mardi mercredi jeudi vendredi samedi dimanche".split()
)
_COMMON_ACRONYMS = frozenset("OK PDF FAQ NB PS UE EU EUR USD CET CEST UTC GMT".split())
_ROMAN = re.compile(r"^(?=[IVXLC]{2,}$)C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$")
# Words that frame, hedge or link rather than claim ("Ecco cosa dicono i documenti:").
_FILLER = frozenset(
    "ecco cosa dicono indicano riportano prevede prevedono secondo seguenti seguente inoltre tuttavia quindi poi "
    "può possono puoi potete posso deve devono devi dovete serve servono occorre occorrono bisogna necessario "
    "necessaria necessari fare avere nota attenzione importante pure ancora sempre solo soltanto certo bene "
    "ogni molto informazioni dettagli fonti passaggi attention "
    "following according says say need needs needed could must may might would get make also additionally "
    "note important please still always certainly well information details sources passages "
    "voici voilà selon disent indiquent prévoient prévoit peut peuvent pouvez doit doivent devez faut fait "
    "faire avoir aussi également seulement cependant donc ensuite tous chaque très détails informations "
    "quali quale qual chi come dove quando quanto quanta quanti quante perché essere what which who how where "
    "when why quoi quel quelle quels quelles qui comment où quand pourquoi combien sì yes oui ok "
    "euro euros eur fino entro until jusqu ore hours heures heure".split()  # the words around a checked fact
)


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
    for marker in _MARKER.finditer(text):
        for number in re.split(r"\s*[,;]\s*", marker[1]):
            seen.setdefault(int(number), None)
    return list(seen)


def strip_citations(text: str) -> str:
    """``text`` without its ``[n]`` markers (whose numbers are not facts)."""
    return _MARKER.sub(" ", text)


def sentences(text: str) -> list[str]:
    """The sentences, list items and lines of ``text``, each with the markers that close it."""
    return [text[start:end] for start, end, _ in _split(text, final=True)[0]]


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
        units, open_paragraph = _split(tail, final)
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
        claim = _Claims(_plain(sentence))
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
        self.urls = _urls(body)
        body = _URL.sub(" ", body)
        self.phones = [phone.strip() for phone in _PHONE.findall(body) if not _DATE_LIKE.fullmatch(phone.strip())]
        for phone in self.phones:
            body = body.replace(phone, " ")
        facts = canonical_facts(body)
        facts |= {f"num:{_NUMBER_WORDS[word.casefold()]}" for word in _CLAIMED_NUMBER_WORD.findall(body)}
        self.facts = _without_echoes(facts)
        self.names = _names(body)
        self.content = _content_words(body)
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
        return f" {_folded_words(self.text)} "

    @cached_property
    def _urls(self) -> set[str]:
        extra = [self.passage.url] if self.passage is not None and self.passage.url else []
        return {_url_key(url) for url in [*_urls(self.text), *extra]}

    @cached_property
    def _digit_runs(self) -> set[str]:
        return {re.sub(r"\D", "", run) for run in _DIGIT_RUN.findall(self.text)}

    def has_email(self, email: str) -> bool:
        # Whole, without case: "info@x.it" is not in "moreinfo@x.it" nor in "info@x.it.com".
        return bool(re.search(rf"(?<![\w.+-]){re.escape(email)}(?![\w-]|\.\w)", self.text, re.IGNORECASE))

    def has_url(self, url: str) -> bool:
        key = _url_key(url)
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
        if f" {_folded_words(name)} " in self._folded:
            return True
        # A name written in the answer's language ("Chamber of Commerce of Biella"): each of
        # its words must still be in the passage, under any of its forms.
        name_words = {w for w in words(name) if not w.isdigit() and w not in _CONNECTORS}
        return bool(name_words) and coverage(" ".join(sorted(name_words)), self.stems) == 1.0


def _split(text: str, final: bool) -> tuple[list[tuple[int, int, int]], int]:
    """``(start, end, paragraph)`` of each complete sentence of ``text``, and the number of
    the paragraph still open (sentences of earlier paragraphs can gain no later marker).

    A sentence is complete once what follows it shows that it ended; the rest of ``text``
    waits for more, unless ``final``.
    """
    bounds: list[int] = []
    position = 0
    while match := _BREAK.search(text, position):
        position = end = match.end()
        if match[0] == "\n":
            bounds.append(match.start())
            continue
        if match[0][-1] not in ",;":
            end = _MARKERS.match(text, end).end()  # type: ignore[union-attr]  # it matches "" at least
            if not final and _OPEN_MARKER.match(text, end):
                break  # a marker is being written
            if match[0][0] == "." and _abbreviation(text, match.start()):
                continue
        gap = _GAP.match(text, end).end()  # type: ignore[union-attr]
        if gap == len(text):
            break  # what comes next is not known yet
        if text[gap] == "\n" or (gap > end and _starts_sentence(text[gap], match[0])):
            bounds.append(end)
            position = gap
    if final:
        bounds.append(len(text))
    units: list[tuple[int, int, int]] = []
    last = 0
    for bound in bounds:
        piece = text[last:bound]
        if piece.strip():
            begin = last + len(piece) - len(piece.lstrip())
            units.append((begin, begin + len(piece.strip()), len(_PARAGRAPH.findall(text, 0, begin))))
        last = bound
    return units, (1 << 30) if final else len(_PARAGRAPH.findall(text))


def _abbreviation(text: str, dot: int) -> bool:
    """Whether the full stop at ``dot`` closes an abbreviation, an initial or a list number."""
    line = text[text.rfind("\n", 0, dot) + 1 : dot]
    if _ITEM_START.fullmatch(line):
        return True
    word = re.search(r"[\w.]*$", line)
    token = word[0].casefold().strip(".") if word else ""
    return token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha())


def _starts_sentence(char: str, ending: str) -> bool:
    if ending[-1] in ",;":
        return char != "["  # "[1], [2]": one group of markers
    return not (char.islower() or char.isdigit())  # "ecc. e", "p. 12": the sentence goes on


def _plain(sentence: str) -> str:
    """The sentence without markers, list numbering, bullets and Markdown emphasis."""
    text = _LIST_NUMBER.sub(r"\1", strip_citations(sentence))
    return re.sub(r"^[ \t]*[-*•#>]+[ \t]*|\*\*|__|`", " ", text, flags=re.MULTILINE)


def _content_words(body: str) -> set[str]:
    """The words that make a sentence a claim: not stopwords, fillers, numbers, months or days."""
    return {
        w for w in words(body)
        if len(w) > 2 and not any(c.isdigit() for c in w) and w not in _FILLER and w not in _NOT_NAMES
    }  # fmt: skip


def _names(body: str) -> list[str]:
    """Acronyms ("EISMEA", "H2020") and capitalised names of two or more words or with a number
    ("Enterprise Europe Network", "Sfinge 2020"); a sentence's capitalised first word does not count."""
    names: list[str] = []
    run: list[str] = []

    def close() -> None:
        while run and not run[-1][0].isupper() and not run[-1].isdigit():
            run.pop()  # a trailing connector
        capitals = [token for token in run if token[0].isupper() and len(token) > 1]  # not "Allegato B"
        if len(capitals) >= 2 or (capitals and any(token.isdigit() for token in run)):
            names.append(" ".join(run))
        run.clear()

    initial = True
    for token in _WORD.findall(re.sub(r"['’]", " ", body)):
        if not token[0].isalnum():
            close()
            initial = initial or token in ".:!?;"
            continue
        acronym = _acronym(token)
        if acronym:
            names.append(token)
        capital = token[0].isupper() and token.casefold() not in _NOT_NAMES and token not in _COMMON_ACRONYMS
        if initial:
            initial = False
            if capital and not acronym:
                continue  # the first word of a sentence is capitalised whatever it is
        if capital or (run and (token.isdigit() or token.casefold() in _CONNECTORS)):
            run.append(token)
        else:
            close()
    close()
    return list(dict.fromkeys(names))


def _acronym(token: str) -> bool:
    core = token[:-1] if token.endswith("s") and token[:-1].isupper() else token
    letters = sum(c.isalpha() for c in core)
    return (
        len(core) >= 2 and core.isupper() and (letters >= 2 or any(c.isdigit() for c in core))
        and core not in _COMMON_ACRONYMS and not _ROMAN.match(core)
        and core.casefold() not in _FILLER and core.casefold() not in STOPWORDS  # "NOTA:", "NO", "IN"
    )  # fmt: skip


def _urls(text: str) -> list[str]:
    return [url.rstrip(".,;:!?") for url in _URL.findall(text)]


def _url_key(url: str) -> str:
    """``https://WWW.Example.it/Path/`` → ``example.it/Path``: the host compared without case."""
    rest = re.sub(r"^(?:https?://)?(?:www\.)?", "", url.strip(), flags=re.IGNORECASE).rstrip("/")
    host, slash, path = rest.partition("/")
    return f"{host.casefold()}{slash}{path}"


def _folded_words(text: str) -> str:
    """Lower-case words without accents, one space apart: "Camera di Commercio" matches "CAMERA DI COMMERCIO"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join(re.findall(r"\w+", "".join(ch for ch in decomposed if not unicodedata.combining(ch))))


def _without_echoes(missing: set[str]) -> list[str]:
    """One key per fact: a date also has its ``md:`` and ``num:`` keys, an amount its
    ``num:`` key, and checking or reporting those again says nothing new."""
    echoes = set()
    for fact in missing:
        kind, _, value = fact.partition(":")
        if kind == "date":
            echoes |= {f"md:{value[5:]}", f"num:{int(value[:4])}"}
        elif kind in {"money", "pct"}:
            echoes.add(f"num:{value}")
    return sorted(missing - echoes)
