"""A passage as quotable units: clean sentences and list items, with what each one carries.

Real pages come with their noise — menus, breadcrumbs, "ultimo aggiornamento" lines,
cookie banners, front matter, Markdown tables and links, chunks cut mid-sentence by the
splitter. None of that is ever quoted: a unit is a whole sentence or list item, with its
markup turned into text, its facts (dates, amounts…), the kinds of fact it carries
(contact, procedure, documents…) and whether it speaks of costs that are NOT eligible
(its own words, the line that introduces its list, or its section's heading).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.answers.composers.asked import NOT_ELIGIBLE, FactKind, Polarity
from bot.conversation.understanding import looks_like_injection
from knowledge.facts import canonical_facts
from retrieval.passages import Passage
from retrieval.text_analysis import passage_terms

BULLET = re.compile(r"^\s*(?:[-*•·▪◦–]|\d+[.)]|[A-Za-z][.)])\s+")
LABEL = re.compile(r"^[A-ZÀ-Ý][\w'’ ()./-]{1,40}\s?:\s")
"""``Scadenza: 15 marzo 2027`` — a field of a catalog entry: one line, never joined to the next."""
_URL_LINE = re.compile(r"^(url|link|sito|website|site)\s*:\s*\S+$", re.IGNORECASE)
_PAGE_FOOTER = re.compile(r"^(pagina|page|pag\.|p\.)\s*\d+(\s*(di|of|sur|/)\s*\d+)?$", re.IGNORECASE)
"""``Pagina 1 di 5``: a PDF's running footer, not the source's words."""
_FRONT_MATTER = re.compile(
    r"^(title|kind|programme|countries|language|lang|layout|tags|slug|permalink|licen[cs]e|publisher|retrieved|"
    r"description|author|categories)\s*:\s", re.IGNORECASE)  # fmt: skip
_PAGE_CHROME = re.compile(
    r"^(ultimo\s+aggiornamento|ultima\s+modifica|aggiornat[oa]\s+(il|al)|data\s+di\s+(pubblicazione|aggiornamento)|"
    r"pubblicato\s+(il|in|da)|last\s+(updated|modified|update|reviewed|change)|page\s+last|published(\s+on)?\b|"
    r"date\s+(published|modified)|dernière\s+(mise\s+à\s+jour|modification)|mis\s+à\s+jour\s+le|publié\s+le|"
    r"date\s+(de\s+)?(début\s+|fin\s+)?de\s+(publication|mise\s+en\s+ligne)|publication\s+date|"
    r"data\s+(di\s+)?(inizio|fine)\s+pubblicazione|identifiant\s+juridique|"
    r"home\b|homepage|ti\s+trovi\s+in|you\s+are\s+here|vous\s+êtes\s+ici|sei\s+qui|breadcrumb|"
    r"condividi|share\b|partager|stampa\b|print\b|imprimer|torna\s+(su|indietro|all['’]inizio)|back\s+to\s+top|"
    r"vai\s+al|salta\s+al|skip\s+to|aller\s+au|menu\b|cerca\b|search\b|rechercher|tag\b|tags\b|leggi\s+(anche|tutto)|"
    r"read\s+more|en\s+savoir\s+plus|lire\s+la\s+suite|scarica\b|download\b|télécharger|allegati\s*:?$|"
    r"seguici|follow\s+us|suivez-nous|iscriviti\s+alla\s+newsletter|newsletter)",
    re.IGNORECASE,
)
_SITE_NOISE = re.compile(
    r"\bcookies?\b|\bjavascript\b|©|\bcopyright\b|tutti\s+i\s+diritti|all\s+rights\s+reserved|"
    r"tous\s+droits\s+réservés|note\s+legali|privacy\s+policy|mappa\s+del\s+sito|\bsitemap\b|"
    r"go\s+to\s+home\s*page|torna\s+alla\s+home|retour\s+à\s+l['’]accueil|motore\s+di\s+ricerca\s+intern|"
    r"\b(facebook|twitter|linkedin|instagram|youtube|whatsapp|telegram)\b.*\b(facebook|twitter|linkedin|instagram|"
    r"youtube|whatsapp|telegram|x)\b|"
    # a news page's byline: "News article29 March 2023 … 4 min read", "Submitted by … on 22 October 2021"
    r"\d\s*(min|minutes?)\s+read\b|\bminut[oi]\s+di\s+lettura\b|\bmin(utes?)?\s+de\s+lecture\b|"
    r"^(submitted|posted)\s+by\b",
    re.IGNORECASE,
)
_RECORD_REFERENCE = re.compile(r"\b(see\s+rule|vedi\s+la\s+regola|voir\s+la\s+règle)\s+[\w-]+\.?$", re.I)
"""``Rimborso: vedi la regola rimborso-missioni-2027``: a catalog record's pointer to another, not an answer."""
_NAV_SEPARATORS = re.compile(r"\s(?:>|»|›|\||/)\s")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-ZÀ-Ý0-9«\"(])")
_ABBREVIATION = re.compile(
    r"(?:^|\s|\(|['’])(n|nr|art|artt|pag|pagg|p|pp|lett|c|co|comma|es|ecc|etc|dott|dr|sig|sigg|prof|ing|avv|on|"
    r"d\.lgs|d\.l|l|d\.p\.r|dpr|reg|cap|par|vol|cfr|ca|approx|no|nos|fig|e\.g|i\.e|vs|st|mr|mrs|ms|"
    r"m|mme|mmes|av|bd|cf|éd|env|tel|tél|fax|cell|int|[a-z])\.$",
    re.IGNORECASE,
)
"""``n. 601/22``, ``art. 3``, ``D.Lgs. 82/2005``: a full stop that ends no sentence."""
_ENDS_WHOLE = (".", "!", "?", ";", ":", ")", "»", '"', "”")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+|mailto:[^)\s]+|[^)\s]*)\)")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])|`([^`]+)`")
_TAG = re.compile(r"</?[a-zA-Z][^>]{0,200}>")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")

_SIGNALS: dict[FactKind, re.Pattern[str]] = {
    # Contact data, not the mention of an office: an address, a phone number, a web form.
    "contact": re.compile(
        r"[\w.+-]+@[\w-]+\.[\w.-]+|\b(tel\.?|telefono|phone|téléphone|fax|numero\s+verde)\s*:?\s*\+?\d|"
        r"\+\d{2}[\d .]{6,}\d|\b0\d{1,3}[ ./-]?\d{5,8}\b|https?://\S+", re.I),
    "procedure": re.compile(
        r"\b(domand[ae]|richiest[ae]|candidatur[ae]|istanz[ae]|application|proposal|demande|dossier)\b.*"
        r"\b(present\w*|inviat\w*|inviare|trasmess\w*|trasmettere|compilat\w*|caricat\w*|submit\w*|sent|send|"
        r"filed|déposé\w*|déposer|envoy\w*|transmis\w*)\b"
        r"|\b(pec|piattaforma|portale|sportello\s+telematico|telemaco|restart|online|on-line|portal|platform|"
        r"plateforme|en\s+ligne|via\s+e-?mail|firma\s+digitale|digital\s+signature|signature\s+électronique|"
        r"registrazione|register|login|spid|eu\s+login)\b", re.I),
    "documents": re.compile(
        r"\b(allegat\w*|allegare|documentazione|documenti|dichiarazion\w*|modulo|modello|fattur\w*|quietanz\w*|"
        r"attach\w*|documents?|invoices?|declaration|form|certificate|certificat\w*|justificatif\w*|pièces?|"
        r"facture\w*|attestation\w*|formulaire)\b", re.I),
    "eligibility": re.compile(
        r"\b(possono\s+(partecipare|presentare|beneficiare|accedere)|beneficiar\w*|destinatar\w*|requisit\w*|"
        r"ammess[ei]|micro|pmi|piccole\s+e\s+medie|imprese\s+con\s+sede|iscritt[ei]|"
        r"eligible|eligibility|sme|smes|applicants?|can\s+apply|open\s+to|peuvent|bénéficiaires|éligibles?|"
        r"entreprises?)\b", re.I),
    "costs": re.compile(
        r"\b(spes[ae]|cost[oi]|costs?|expenses?|expenditure|dépenses?|frais|coûts?|rimbors\w*|reimburs\w*|"
        r"rembours\w*|ammissibil\w*|eligible)\b", re.I),
}  # fmt: skip


_INHERITED: frozenset[FactKind] = frozenset({"documents", "eligibility", "costs"})
"""What a list item is about when the line introducing its list says so."""


@dataclass(frozen=True)
class Unit:
    """A sentence or list item a composer may quote."""

    passage: int
    position: int
    text: str
    bullet: bool
    terms: frozenset[str]
    facts: frozenset[str]
    signals: frozenset[FactKind]
    polarity: Polarity | None
    """``not_eligible`` when the unit, its list's lead-in or its section speak of excluded costs."""
    lead_in: str = ""
    """The line that introduces the list this item belongs to ("Sono ammissibili le spese per:")."""
    asks: bool = False
    """The unit is itself a question (a FAQ's): what follows it answers it."""
    under: frozenset[str] = frozenset()
    """Stems of the question line this unit answers, if it follows one."""


def units_of(index: int, passage: Passage, under: frozenset[str] = frozenset()) -> list[Unit]:
    """The passage's quotable units, in reading order.

    ``under``: the stems of a FAQ question the previous chunk ended with, when this chunk
    opens with its answer.
    """
    units = _units(passage.text, passage.section[-1:], passage.language, under)
    return [unit if unit.passage == index else replace(unit, passage=index) for unit in units]


@functools.lru_cache(maxsize=4096)
def _units(text: str, section: tuple[str, ...], language: str | None, under: frozenset[str]) -> tuple[Unit, ...]:
    """A passage's units (numbered as passage 0), cached: the same indexed passages come back
    turn after turn, and splitting and reading them was a third of a turn's own time."""
    units: list[Unit] = []
    index = 0
    section_negative = any(NOT_ELIGIBLE.search(heading) for heading in section)
    lead_in = ""
    lines = logical_lines(text)
    for number, line in enumerate(lines):
        if line.startswith("#"):
            lead_in = line.lstrip("# ")
            continue
        text = readable(line)
        if not text or _is_noise(text) or looks_like_injection(line):
            continue
        bullet = bool(BULLET.match(text))
        pieces = [text] if bullet else sentences(text)
        if not bullet and number == 0 and _starts_mid_sentence(pieces[0]):
            pieces = pieces[1:]  # the splitter cut here: that sentence is whole in the previous chunk
        if not bullet and pieces and number == len(lines) - 1 and _ends_mid_sentence(pieces[-1]):
            pieces = pieces[:-1]  # ...or in the next one (or the page itself stops there)
        if not pieces:
            continue
        if not bullet:
            lead_in = text
        for piece in pieces:
            terms = passage_terms(piece, language)
            # "• Grants" under "The programme is implemented through:" is an item, not a menu entry.
            listed = bullet and lead_in.endswith(":")
            if len(terms) < (1 if listed else 2) or (not bullet and _is_heading_like(piece, terms)):
                continue
            context = lead_in if bullet else ""
            negative = bool(NOT_ELIGIBLE.search(piece) or (context and NOT_ELIGIBLE.search(context)))
            polarity: Polarity | None = "not_eligible" if negative or section_negative else None
            signals = frozenset(kind for kind, pattern in _SIGNALS.items() if pattern.search(piece))
            if bullet:  # "- Scheda di adesione;" under "…è costituita dai seguenti documenti:"
                signals |= _signals_of(context) & _INHERITED
            if polarity is None and "costs" in signals | _signals_of(context):
                polarity = "eligible"
            asks = piece.rstrip().endswith("?")
            unit = Unit(index, len(units), piece, bullet, frozenset(terms), frozenset(canonical_facts(piece)),
                        signals, polarity, context, asks, frozenset() if asks else under)  # fmt: skip
            units.append(unit)
            if asks:
                under = frozenset(terms)
    return tuple(units)


def sentences(text: str) -> list[str]:
    """The text's sentences; a full stop after an abbreviation ("Delibera n. 601/22") ends none."""
    pieces: list[str] = []
    for piece in _SENTENCE_END.split(text):
        if not piece:
            continue
        if pieces and _ABBREVIATION.search(pieces[-1]):
            pieces[-1] = f"{pieces[-1]} {piece}"
        else:
            pieces.append(piece)
    return pieces


def _signals_of(text: str) -> frozenset[FactKind]:
    return frozenset(kind for kind, pattern in _SIGNALS.items() if text and pattern.search(text))


def logical_lines(text: str) -> list[str]:
    """Logical lines: a paragraph wrapped over several lines (Markdown, PDF) is joined back."""
    lines: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if _PAGE_FOOTER.match(line) or line in ("---", "***"):
            continue
        if not line:
            lines.append("")
            continue
        previous = lines[-1] if lines else ""
        # An indented line continues a list item; under a plain line it is a sub-item of its own.
        indented = raw.startswith(("  ", "\t")) and bool(BULLET.match(previous))
        # A line that opens like "Label: value" is a field of its own, unless it goes on a sentence
        # wrapped mid-way ("…prévu par le règlement" / "EU-ALLIANCE (édition 2027) : 50 %…").
        mid_sentence = len(previous) >= 60 and (previous[-1].islower() or previous.endswith(","))
        wrapped = (
            (not LABEL.match(line) or mid_sentence)
            and not LABEL.match(previous)
            and not previous.endswith((".", "!", "?", ";"))
            and not (previous.endswith(":") and not line[0].islower())
            and (line[0].islower() or line[0].isdigit() or len(previous) >= 60)
        )
        continues = (
            previous
            and not BULLET.match(line)
            and not line.startswith(("#", ">", "|"))
            and not previous.startswith(("#", "|"))
            and (indented or wrapped)
        )
        if _is_value_of(line, previous):
            lines[-1] = f"{previous}: {line}"  # a flattened table: "Postazione in open space" / "Gratuita"
        elif continues:
            lines[-1] = f"{previous} {line}"
        else:
            lines.append(line)
    return [line for line in lines if line]


_VALUE = re.compile(
    r"(gratuit[oaei]?|gratis|free(\s+of\s+charge)?|included|incluso|inclusa|compris|non\s+previst[oa]|n\.?\s*d\.?|"
    r"[€$£]\s*[\d.,]+.*|[\d.,]+\s*(€|eur|euro)\b.*|\d{1,3}(?:[.,]\d+)?\s*%)",
    re.IGNORECASE,
)


def _is_value_of(line: str, previous: str) -> bool:
    """A bare value ("GRATUITO", "€2.700,00+IVA") under a short label line: a table's row, flattened."""
    if not previous or len(line.split()) > 4 or not _VALUE.fullmatch(line.rstrip(".;")):
        return False
    label = previous.lstrip("-*• ")
    return (
        len(label.split()) <= 12
        and not label.endswith((".", "!", "?", ";", ":"))
        and not _VALUE.fullmatch(label)
        and not label.startswith(("#", "|"))
        and not LABEL.match(previous)
    )


def readable(line: str) -> str:
    """The line as text: a table row's cells joined, links as their text, no emphasis marks or tags."""
    if line.startswith(">"):
        line = line.lstrip("> ")
    if line.count("|") >= 2:
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if all(re.fullmatch(r":?-{2,}:?|", cell) for cell in cells):
            return ""  # the row under a table's header
        line = " – ".join(cell for cell in cells if cell)
    line = _IMAGE.sub("", line)
    line = _LINK.sub(lambda m: m.group(1) if m.group(1) == m.group(2) or not m.group(2).startswith("http")
                     else f"{m.group(1)} ({m.group(2)})", line)  # fmt: skip
    line = _EMPHASIS.sub(lambda m: m.group(2) or m.group(3) or m.group(4) or "", line)
    line = _TAG.sub(" ", line)
    line = _ESCAPE.sub(r"\1", line)
    return " ".join(line.split())


def _is_noise(text: str) -> bool:
    """Page chrome: navigation, breadcrumbs, update stamps, banners, front matter, bare URLs."""
    if _FRONT_MATTER.match(text) or _URL_LINE.match(text) or set(text) <= set("-|:=_*# "):
        return True
    if re.fullmatch(r"\w+(?:[-_]\w+){2,}", text):
        return True  # a slug or tracking code left by the page's markup ("SME-fund-2023-tracking-code")
    if _SITE_NOISE.search(text) or _RECORD_REFERENCE.search(text):
        return True
    short = len(text) < 90
    if short and _PAGE_CHROME.match(text) and not text.endswith((".", "!", "?")):
        return True
    if _PAGE_CHROME.match(text) and re.search(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\b(19|20)\d\d\b", text[:60]):
        return True  # "Ultimo aggiornamento: 12/03/2024 ..." whatever follows
    return len(_NAV_SEPARATORS.findall(text)) >= 2 and not text.rstrip().endswith(_ENDS_WHOLE[:3])


def _is_heading_like(text: str, terms: Sequence[str]) -> bool:
    """A short line with no verb-like ending or fact: a menu entry or a page's subtitle."""
    return len(text.split()) <= 3 and not re.search(r"\d|@", text) and not text.endswith(_ENDS_WHOLE[:3])


def _starts_mid_sentence(text: str) -> bool:
    return text[0].islower() or text[0] in ",;)"


def _ends_mid_sentence(text: str) -> bool:
    """The splitter cut the chunk at a comma or a space, or the page itself stops mid-word.

    A chunk that ends at a line break ends with a whole line, even without a full stop
    (a price, a heading), so only a trailing comma, an open bracket or a long line
    stopping on a lowercase word counts as cut.
    """
    if LABEL.match(text) or text.endswith(_ENDS_WHOLE):
        return False
    if re.search(r"(@[\w-]+(\.[\w-]+)+|https?://\S+)$", text):
        return False  # "e-mail: commercio.estero@…camcom.it" or a web address at the end: whole as it is
    opened = text.count("(") > text.count(")") or text.count("[") > text.count("]") or text.count("**") % 2 == 1
    stops_on_a_word = text[-1].islower() and (len(text.split()) >= 12 or text[0].islower())
    return opened or text.endswith((",", "-", "–", "(")) or stops_on_a_word
