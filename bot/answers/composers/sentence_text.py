"""The text analysis grounding checks rest on: splitting an answer into sentences (abbreviations,
list numbers, citation markers), and the content words, names, URLs and echoes of a sentence."""

from __future__ import annotations

import re
import unicodedata

from retrieval.text_analysis import STOPWORDS, words

_MARKERS = re.compile(r"(?:[ \t]*\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\])*")
_OPEN_MARKER = re.compile(r"[ \t]*\[[\d\s,;]*$")
_LIST_NUMBER = re.compile(r"^([ \t]*(?:[-*][ \t]+)?)\d{1,2}[.)](?=[ \t])", re.MULTILINE)
_BREAK = re.compile(r"\n|[.!?…]+[\"'»”’)]*|(?<=\])[ \t]*[,;]")
_PARAGRAPH = re.compile(r"\n[ \t]*\n")
_GAP = re.compile(r"[ \t]*")
_ABBREVIATIONS = frozenset(
    "dott dr sig sigg prof ing avv geom rag mr mrs ms mme st es ecc etc cfr cf p pp pag n nr art vs ca spa srl "
    "e.g i.e".split()
)
_ITEM_START = re.compile(r"[ \t]*(?:[-*•][ \t]+)?\d{1,2}")
URL = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]\"'«»]+", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*|[^\w\s]")
CONNECTORS = frozenset(
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
MARKER = re.compile(r"\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")


def strip_citations(text: str) -> str:
    """``text`` without its ``[n]`` markers (whose numbers are not facts)."""
    return MARKER.sub(" ", text)


def split_sentences(text: str, final: bool) -> tuple[list[tuple[int, int, int]], int]:
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


def plain(sentence: str) -> str:
    """The sentence without markers, list numbering, bullets and Markdown emphasis."""
    text = _LIST_NUMBER.sub(r"\1", strip_citations(sentence))
    return re.sub(r"^[ \t]*[-*•#>]+[ \t]*|\*\*|__|`", " ", text, flags=re.MULTILINE)


def content_words(body: str) -> set[str]:
    """The words that make a sentence a claim: not stopwords, fillers, numbers, months or days."""
    return {
        w for w in words(body)
        if len(w) > 2 and not any(c.isdigit() for c in w) and w not in _FILLER and w not in _NOT_NAMES
    }  # fmt: skip


def names_in(body: str) -> list[str]:
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
        if capital or (run and (token.isdigit() or token.casefold() in CONNECTORS)):
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


def urls_in(text: str) -> list[str]:
    return [url.rstrip(".,;:!?") for url in URL.findall(text)]


def url_key(url: str) -> str:
    """``https://WWW.Example.it/Path/`` → ``example.it/Path``: the host compared without case."""
    rest = re.sub(r"^(?:https?://)?(?:www\.)?", "", url.strip(), flags=re.IGNORECASE).rstrip("/")
    host, slash, path = rest.partition("/")
    return f"{host.casefold()}{slash}{path}"


def folded_words(text: str) -> str:
    """Lower-case words without accents, one space apart: "Camera di Commercio" matches "CAMERA DI COMMERCIO"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join(re.findall(r"\w+", "".join(ch for ch in decomposed if not unicodedata.combining(ch))))


def without_echoes(missing: set[str]) -> list[str]:
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
