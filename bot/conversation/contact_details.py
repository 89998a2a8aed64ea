"""Who the SME is, from what she wrote: her name, company, e-mail and phone (Italian, English, French).

Every message is read (details often come with the question, or before the request for a
person), so the rules would rather miss a detail than invent one: a company needs a legal form
("Textiles Lyon SARL") or a label ("azienda: Filati Bianchi"), a name an introduction ("je
m'appelle", "sono", "my name is", "Nome:") or a signature ("— Claire Dubois"), a phone the shape
of a phone number. A country, a month, a mission or a question is never taken for a name or a
company ("de mars", "du Japon", "from Italy" and "di Milano" name none).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.countries import countries_in

MAX_CHARS = 4000
"""Longer text is read up to here (the assistant refuses messages much shorter than this)."""
_UPPER, _LOWER = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ"
_NAME_WORD = (
    rf"(?:[{_UPPER}](?:['’][{_UPPER}])?[{_LOWER}]+(?:[{_UPPER}][{_LOWER}]+)?(?:-[{_UPPER}][{_LOWER}]+)?"
    rf"|[{_UPPER}]{{2,}}(?:-[{_UPPER}]{{2,}})?)"
)
_NAME_RUN = rf"{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,4}}(?![\w'’-])"
"""Capitalised words ("Claire Dubois", "Jean-Pierre D'Angelo", "Claire DUBOIS"); cut to a name in code."""
_ANY_RUN = r"[^\W\d_][\w'’-]*(?:[ \t]+[^\W\d_][\w'’-]*){0,4}"
"""Words of any case, after an introduction that leaves no doubt ("mi chiamo mario rossi")."""
_TITLE = (
    r"(?:(?i:dott\.?(?:ssa)?|dr\.?|ing\.?|avv\.?|prof\.?(?:ssa)?|sig\.?(?:ra)?|signor[ae]?|mrs?\.?|ms\.?|miss|"
    r"mme|mlle|m\.|madame|monsieur)[ \t]+)?"
)
_SURE_INTRO = re.compile(
    r"(?i:\b(?:mi\s+chiamo|il\s+mio\s+nome\s+(?:è|e['’])|my\s+name\s+is|my\s+name['’]s|je\s+m['’]appelle|"
    r"mon\s+nom\s+est|moi\s+c['’]est)[ \t]+)" + _TITLE + rf"(?P<name>{_ANY_RUN})"
)
_FIELD_INTRO = re.compile(
    r"(?:^|(?<=[\n,;(])|(?<=[.!?][ \t]))[ \t]*(?i:nome(?:\s+e\s+cognome)?|cognome\s+e\s+nome|(?:full\s+)?name|"
    r"nom(?:\s+et\s+prénom)?|prénom\s+et\s+nom|referente|contact\s+person|persona\s+di\s+contatto)[ \t]*:[ \t]*"
    + _TITLE
    + rf"(?P<name>{_ANY_RUN})",
    re.MULTILINE,
)
_WEAK_INTRO = re.compile(
    r"(?i:\b(?:io\s+sono|sono|i['’]m|i\s+am|this\s+is|je\s+suis)[ \t]+)" + _TITLE + rf"(?P<name>{_NAME_RUN})"
)
_SIGNATURE = re.compile(
    r"(?:(?:^|\n)[ \t]*(?:—|–|--|-)|(?:[.!?]|\s)[ \t]*(?:—|–|--)|(?i:\b(?:cordialement|bien\s+(?:à|a)\s+vous|"
    r"salutations(?:\s+distinguées)?|(?:cordiali|distinti)\s+saluti|saluti|a\s+presto|(?:best|kind|warm)\s+regards|"
    r"regards|sincerely|grazie(?:\s+mille)?|merci(?:\s+beaucoup)?|thanks|thank\s+you))[ \t]*[,.!]?)[ \t]*\n?[ \t]*"
    + _TITLE
    + rf"(?P<name>{_NAME_RUN})[ \t]*(?=\n|$)"
)
_LEGAL_FORM = re.compile(
    r"(?<![\w.&])(?:(?i:s\.?r\.?l\.?s?|s\.p\.a\.?|spa|s\.?n\.?c\.?|s\.?a\.?s\.?|s\.a\.p\.a\.?|sapa|s\.?a\.?r\.?l\.?|"
    r"eurl|sasu|ltd\.?|plc|llc|llp|inc\.?|gmbh|soc\.\s*coop\.?|società\s+cooperativa)|SA|S\.A\.|AG|KG|BV|"
    r"Limited|Corp\.?|Corporation)(?![\w&])"
)
_COMPANY_FIELD = re.compile(
    r"(?:^|(?<=[\n,;(])|(?<=[.!?][ \t]))[ \t]*(?i:azienda|impresa|ditta|società|ragione\s+sociale|"
    r"company(?:\s+name)?|firm|entreprise|soci[ée]t[ée]|raison\s+sociale|nom\s+de\s+l['’]entreprise)[ \t]*[:\-][ \t]*"
    r"(?P<company>[^,;\n()?]{1,120})",
    re.MULTILINE,
)
_COMPANY_NAMED = re.compile(
    r"(?i:\b(?:azienda|impresa|ditta|società|company|firm|entreprise|soci[ée]t[ée])(?:[ \t]+(?:si\s+chiama|è|"
    r"is\s+called|is\s+named|is|s['’]appelle|est|called|named))?[ \t]+)(?P<company>[" + _UPPER + r"0-9][\w'’&.-]*"
    r"(?:[ \t]+(?:(?:di|de|del|della|e|and|et|of|&)[ \t]+)?[" + _UPPER + r"0-9][\w'’&.-]*){0,5})"
)
_EMAIL = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
_PHONE = re.compile(r"(?<![\w/])(?:\+|00)?\d[\d \t./-]{6,20}\d(?![\w/])")
_PHONE_MARK = re.compile(
    r"(?i:\b(?:tel|tél|telefono|téléphone|phone|cell|cellulare|mobile|portable|whatsapp)\b\.?\s*:?\s*)$"
)
_NOT_A_PHONE = re.compile(
    r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}[./-]\d{1,2}[./-]\d{1,2}|(?:19|20)\d\d\s*[-/]\s*(?:19|20)\d\d|"
    r"\d{1,3}(?:[.,]\d{3})+"
)
_NUMBERED = re.compile(
    r"(?i:(?:\b(?:n|nr|no|num|numero|number|prot|protocollo|p\.?\s?iva|partita\s+iva|vat|tva|siret|siren|"
    r"codice\s+fiscale|c\.?f|iban)|#))\.?\s*:?\s*$"
)
"""A file, VAT or bank number's label: the number after it is no phone."""
_DECLINE = re.compile(
    r"^\s*(no|non|nope|no\s+grazie|no\s+thanks?|non\s+merci|preferisco\s+(di\s+)?no|preferisco\s+non\w*|"
    r"i'?d\s+rather\s+not|rather\s+not|je\s+pr[ée]f[èe]re\s+pas|je\s+pr[ée]f[èe]re\s+ne\s+pas\w*|pas\s+maintenant)"
    r"\b[\s.!]*",
    re.IGNORECASE,
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_MONTHS_AND_DAYS = _words(
    "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre january february "
    "march april may june july august september october november december janvier février mars avril mai juin "
    "juillet août septembre octobre novembre décembre lunedì martedì mercoledì giovedì venerdì sabato domenica "
    "monday tuesday wednesday thursday friday saturday sunday lundi mardi mercredi jeudi vendredi samedi dimanche"
)
_SELF = _words("pmi pme sme smes pmes mpmi")
"""What the SME calls itself ("notre PME"): never part of her company's name."""
_GREETINGS = _words("ciao salve buongiorno buonasera hello hi hey bonjour bonsoir salut")
_GENERIC = _words("azienda impresa ditta società company firm entreprise société")
_CONNECTORS = _words("di de del della dei degli des du d' e ed and et & of")
_ROLES = _words(
    "titolare owner responsabile direttore direttrice director manager ceo cfo amministratore gérant gérante "
    "directeur directrice président presidente fondateur founder consulente consultant conseiller export"
)
_ASKING = _words(
    "what when how which who why where can could may is are does do posso possiamo può potete come quando quale "
    "quali chi perché dove cosa comment quand quel quelle pourquoi où est-ce peut pouvez puis-je peut-on"
)
_NATIONALITIES = _words(
    "italiano italiana italiani italiane italian italien italienne francese français française french inglese "
    "english anglais anglaise tedesco tedesca german allemand allemande spagnolo spagnola spanish espagnol "
    "espagnole europeo europea european européen européenne"
)
_SPEAKING = _words(
    "i io je j' we noi nous vorrei vorremmo voglio would like want need voudrais voudrions aimerais ho abbiamo "
    "have has ai avons sono siamo am suis sommes è e' est ma mais but my mon mio mia our notre nostra nostro your "
    "votre vostra"
)
"""What follows a name in "my name is john and i would like…": the sentence going on."""
_NOT_A_NAME = _MONTHS_AND_DAYS | _SELF | _GREETINGS | _GENERIC | _CONNECTORS | _ROLES | _ASKING | _NATIONALITIES
_NOT_A_NAME |= _SPEAKING
_NOT_A_NAME |= _words(
    "missione mission missioni missions bando bandi call calls fiera fair salon voucher sportello desk guichet "
    "staff team équipe grazie thanks merci mille beaucoup much again encore ancora infiniment interessato "
    "interessata interested intéressé intéressée here qui ici the la le il lo les from da chez at for per pour "
    "with con avec"
)
"""Words that are never part of a person's name (a nationality, a month, a role, a mission...)."""
_NOT_IN_COMPANY = _NOT_A_NAME - _CONNECTORS
"""…nor of a company named without its legal form ("la società Italiana" names none)."""
_STOP = _SELF | _GREETINGS | _ROLES | _ASKING
_STOP |= _words(
    "sono siamo io noi lavoro lavoriamo rappresento je suis sommes nous travaille travaillons représente i i'm "
    "i’m am we we're work represent our my notre ma mon nostra nostro mia mio votre your vostra vostro per for "
    "pour from chez at presso da with con avec by par in à"
)
_STOP_LOWERCASE = _GENERIC | _words("la le il lo les l the a an un une una uno")
"""Words that end a company's name read backwards from its legal form ("…de Textiles Lyon SARL"); the
second set only when written in lower case ("La Fabbrica srl", "Trading Company Ltd" keep theirs)."""


@dataclass(frozen=True)
class Details:
    """What the SME told us for staff: her name, company, e-mail and phone (any may be missing)."""

    company: str | None = None
    email: str | None = None
    phone: str | None = None
    declined: bool = False
    name: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> Details:
        """Details stored with the conversation."""
        return cls(company=data.get("company"), email=data.get("email"), phone=data.get("phone"), name=data.get("name"))

    def as_dict(self) -> dict[str, str]:
        """The details that were given, for the escalation."""
        given = {"name": self.name, "company": self.company, "email": self.email, "phone": self.phone}
        return {key: value for key, value in given.items() if value}

    def merged(self, other: Details) -> Details:
        """These details completed by ``other``'s."""
        return Details(
            company=self.company or other.company,
            email=self.email or other.email,
            phone=self.phone or other.phone,
            declined=self.declined or other.declined,
            name=self.name or other.name,
        )


def parse_details(text: str, topic_words: tuple[str, ...] = ()) -> Details:
    """Name, company, e-mail and phone from a message like ``"Je m'appelle Claire Dubois, de Textiles
    Lyon SARL (claire.dubois@textiles-lyon.fr)"`` or a reply like ``"Tessile Rossi srl, mario@rossi.it"``.

    ``topic_words`` are the mission or call the SME named (never a company). "no" alone means the SME
    prefers not to say.
    """
    text = text[:MAX_CHARS]
    if _DECLINE.fullmatch(text.strip()) or (_DECLINE.match(text) and len(text.split()) <= 4):
        return Details(declined=True)
    email = next((found for found in _EMAIL.findall(text) if len(found) <= 254), None)
    rest = _EMAIL.sub(" , ", text)
    phone, rest = _phone(rest)
    name, rest = _introduced_name(rest)
    company = _company(rest, tuple(w.casefold() for w in topic_words if w))
    if name is None and company is not None and (email or phone):
        name = _listed_name(rest.replace(company, ","))  # "Claire Dubois, Textiles Lyon SARL, claire@…"
    return Details(company=company, email=email, phone=phone, name=name)


def _phone(text: str) -> tuple[str | None, str]:
    """The first number written like a phone (not a date, an amount or a file number); the text without it."""
    for match in _PHONE.finditer(text):
        raw = match.group(0)
        digits = re.sub(r"\D", "", raw)
        marked = bool(_PHONE_MARK.search(text[max(0, match.start() - 16) : match.start()]))
        numbered = _NUMBERED.search(text[max(0, match.start() - 24) : match.start()])
        if _NOT_A_PHONE.fullmatch(raw.strip()) or numbered or not 8 <= len(digits) <= 15:
            continue
        shaped = raw.startswith(("+", "00")) or (digits[0] in "03" and len(digits) >= 9 and "/" not in raw)
        if marked or shaped:
            return " ".join(raw.split()), text[: match.start()] + " , " + text[match.end() :]
    return None, text


def _introduced_name(text: str) -> tuple[str | None, str]:
    """A name the SME introduced or signed with; the text without the introduction and the name."""
    for pattern, sure in ((_SURE_INTRO, True), (_FIELD_INTRO, True), (_WEAK_INTRO, False), (_SIGNATURE, False)):
        for match in pattern.finditer(text):
            words = list(re.finditer(r"\S+", match.group("name")))
            taken = _name_words([w.group(0) for w in words])
            end = match.start("name") + words[len(taken) - 1].end() if taken else match.end()
            if taken and _is_name(taken, text[end:], sure=sure):
                name = " ".join(taken)
                return (name.title() if name.islower() else name), text[: match.start()] + " , " + text[end:]
    return None, text


def _name_words(words: list[str]) -> list[str]:
    """The first words that can be part of a person's name (up to a role, a month, "de", "from"…)."""
    taken: list[str] = []
    for raw in words:
        word = raw.rstrip("'’-")
        folded = word.casefold()
        if {folded, folded.split("-")[0]} & _NOT_A_NAME or countries_in(word):
            break
        if not re.fullmatch(r"[^\W\d_][\w'’-]*", word):
            break
        taken.append(word)
        if word != raw:
            break  # "Bob');": the name ends with its quote
    return taken


def _is_name(words: list[str], after: str, *, sure: bool) -> bool:
    """One to four words, capitalised unless the introduction leaves no doubt, and not a company's."""
    after = after.lstrip()
    if (
        not 1 <= len(words) <= 4
        or len(" ".join(words)) > 80
        or any(_LEGAL_FORM.fullmatch(w) for w in words)
        or _LEGAL_FORM.match(after)
    ):
        return False  # "je suis Textiles Lyon SARL": a company
    if after.startswith("?"):
        return False  # "Nom : pouvez-vous m'aider ?" asks, it names no one
    return sure or all(w[0].isupper() for w in words)


def _listed_name(text: str) -> str | None:
    """A name listed on its own beside the company and the contact ("Claire Dubois, Textiles Lyon SARL, …")."""
    for raw in re.split(r"[,;\n]", text):
        piece = raw.strip(" .:-")
        words = piece.split()
        listed = re.fullmatch(rf"{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{1,2}}", piece) and not _LEGAL_FORM.search(piece)
        if listed and _name_words(words) == words:
            return piece
    return None


def _company(text: str, topic_words: tuple[str, ...]) -> str | None:
    """The company: labelled ("azienda: …"), written with its legal form, or named after "our company"."""
    for match in _COMPANY_FIELD.finditer(text):
        company, legal = _bounded(match.group("company")), bool(_LEGAL_FORM.search(match.group("company")))
        asked = text[match.end() :].lstrip().startswith("?")  # "azienda: possiamo partecipare?"
        written_as_a_name = legal or company[:1].isupper() or company[:1].isdigit()
        if company and not asked and written_as_a_name and _plausible(company, topic_words, legal=legal):
            return company
    for piece in re.split(r"[,;\n]", text):
        for match in _LEGAL_FORM.finditer(piece):
            run = _run_before(piece[: match.start()])
            if run:
                return _bounded(f"{run} {match.group(0)}")
    for match in _COMPANY_NAMED.finditer(text):
        words = []
        for word in match.group("company").split():
            if word.casefold().strip(".") in _NOT_IN_COMPANY or countries_in(word):
                break
            words.append(word)
        company = _bounded(" ".join(words).strip(" ."))
        if company and _plausible(company, topic_words, legal=False):
            return company
    return None


def _run_before(text: str) -> str:
    """The name in front of a legal form, read backwards until a word that is not part of it."""
    taken: list[str] = []
    for token in reversed(text.split()):
        bare = token.strip("\"'«»“”")
        folded = bare.casefold().strip(".,")
        sentence_end = re.search(r"[!?:]$|[^\W\d_]{3,}\.$", token) and not bare.isupper()
        if token.endswith((")", "]")) or sentence_end or folded in _STOP or len(taken) >= 8:
            break
        if folded in _STOP_LOWERCASE and bare[:1].islower():
            break
        if token.startswith(("(", "[")):
            taken.append(token[1:])
            break
        if re.fullmatch(r"[^\W\d_]+(?:['’][^\W\d_]+)?", bare) and bare[0].islower() and folded not in _CONNECTORS:
            break
        taken.append(token)
    while taken and taken[-1].casefold() in _CONNECTORS:
        taken.pop()  # "de Textiles Lyon SARL": the company starts after "de"
    return " ".join(reversed(taken)).strip()


def _plausible(company: str, topic_words: tuple[str, ...], *, legal: bool) -> bool:
    """Not a question, not the mission or country she asked about (unless its legal form says so)."""
    folded = company.casefold()
    if "?" in company or not any(ch.isalpha() for ch in company):
        return False
    if legal:
        return True
    named_topic = any(word in folded for word in topic_words)
    return not (named_topic or countries_in(company) or set(folded.split()) & _MONTHS_AND_DAYS)


def _bounded(value: str) -> str:
    """Whitespace collapsed, at most 120 characters, no trailing punctuation (but "S.r.l." keeps its dot)."""
    value = " ".join(value.split())[:120].strip(" :-")
    words = value.split()
    return value if words and _LEGAL_FORM.fullmatch(words[-1]) else value.rstrip(" .")
