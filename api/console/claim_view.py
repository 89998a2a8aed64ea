"""What the console shows of a reimbursement claim, built from ``ClaimDesk.dossier``: who sent it,
a queue row, each file beside what the checks made of it, and each check said in the staff
member's language with the rule's clause it rests on.

A check holds codes and figures (``bot.claims.checks``); its sentence is written here, for the
staff (the SME's sentences are ``bot.claims.checklist``'s). What the SME or a receipt wrote (file
names, suppliers, read text) and what the catalog says (clauses, titles) reach the templates as
plain values: autoescaping makes them text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from api.console.translations import Message, translate
from bot.claims.checks import Check, ClaimItem
from bot.claims.desk import Dossier
from bot.claims.documents import DOCUMENT_KINDS
from bot.claims.stored import StoredClaimFile
from bot.conversation.contact_details import Details
from bot.conversation.phrases import say
from bot.conversation.records import StoredConversation
from bot.desk.words import word
from knowledge.catalog_text import format_amount, format_date

STATUS_ORDER = {"missing": 0, "refused": 1, "doubtful": 2, "ok": 3}
"""What the staff act on first."""
_VERIFIED_TYPES = ((b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))


@dataclass(frozen=True)
class Who:
    """Who sent the claim, from what the SME wrote in the conversation (any part may be missing)."""

    company: str | None
    person: str | None
    email: str | None
    phone: str | None

    @property
    def label(self) -> str | None:
        """``Tessitura Valle Cervo S.r.l. · Giulia Bianchi``, or whichever of the two is known."""
        return " · ".join(part for part in (self.company, self.person) if part) or None


@dataclass(frozen=True)
class QueueRow:
    """A claim as the queue lists it."""

    dossier: Dossier
    who: Who
    since: dt.datetime
    """When it was sent to the staff (or opened, while the SME is still sending files)."""


@dataclass(frozen=True)
class FileView:
    """A file of the claim, what the checks made of it, and the checks that name it."""

    file: StoredClaimFile
    item: ClaimItem | None
    """``None`` for a file not in the checks: unread, rejected, or no mission yet."""
    category: str | None
    """The rule's words for the item's category (``Alloggio (massimo 5 notti)``)."""
    checks: list[Check]


def who(conversation: StoredConversation) -> Who:
    """The company, person, e-mail and phone the SME gave in any message, else the contact's name."""
    given = (conversation.state or {}).get("details")
    details = Details.from_dict(
        {k: v for k, v in given.items() if isinstance(v, str)} if isinstance(given, dict) else {}
    )
    return Who(details.company, details.name or conversation.contact_name, details.email, details.phone)


def queue_row(dossier: Dossier) -> QueueRow:
    """The dossier as a row of the queue."""
    claim = dossier.claim
    return QueueRow(dossier, who(dossier.conversation), claim.submitted_at or claim.created_at)


def file_views(dossier: Dossier) -> list[FileView]:
    """Each file with its item of the review; the review's items come in the order of the files that
    were read and not rejected (``ClaimStore.documents``)."""
    review = dossier.review
    counted = [f for f in dossier.files if f.reading is not None and f.decision != "rejected"]
    items = dict(zip((f.id for f in counted), review.items, strict=False)) if review else {}
    labels = {c.name: c.label for c in dossier.rule.categories} if dossier.rule else {}
    checks = review.checks if review else ()
    views = []
    for file in dossier.files:
        item = items.get(file.id)
        category = None if item is None or item.category is None else labels.get(item.category, item.category)
        name = file.reading.name if file.reading else file.name
        mine = [c for c in sorted(checks, key=_rank) if c.document == name and c.status != "ok"]
        views.append(FileView(file, item, category, mine))
    return views


def findings(dossier: Dossier) -> list[Check]:
    """The review's checks, what to act on first."""
    return sorted(dossier.review.checks, key=_rank) if dossier.review else []


def anchors(dossier: Dossier) -> dict[str, int]:
    """A document's name (as the checks name it) → the id of the first file that has it."""
    found: dict[str, int] = {}
    for file in dossier.files:
        found.setdefault(file.reading.name if file.reading else file.name, file.id)
    return found


def verified_type(data: bytes) -> str | None:
    """The media type the bytes prove (PDF, JPEG, PNG), else ``None``: never what the SME declared."""
    return next((media for magic, media in _VERIFIED_TYPES if data.startswith(magic)), None)


class ClaimWords:
    """A claim's codes, figures and checks in one language: what the templates call to show them."""

    def __init__(self, language: str) -> None:
        self.language = language

    def sentence(self, check: Check) -> str:
        """What the check found, for the staff, with its figures."""
        builder = _SENTENCES.get(check.code)
        message = (
            builder(self, check) if builder else Message("{what}.", what=self.word(check.code, "check").capitalize())
        )
        return translate(message, self.language)

    def clause(self, check: Check) -> tuple[str, bool]:
        """What the check rests on, and whether it is the rule's own words (quoted) or a field of it
        said in the staff's language; ``("", False)`` when it rests on the file alone."""
        text = check.clause
        if text.startswith("claim_deadline_days: "):
            days = text.removeprefix("claim_deadline_days: ")
            return translate(
                Message("Domande entro {n} giorni dalla fine della missione.", n=days), self.language
            ), False
        if text.startswith("cap: "):
            cap = self.money(text.removeprefix("cap: "))
            return translate(Message("Massimale per impresa e per missione: {cap}.", cap=cap), self.language), False
        return text, bool(text)

    def day(self, value: dt.date | str | None) -> str:
        """A date (or an ISO date of a check's values) as the language writes it."""
        if isinstance(value, str):
            try:
                return format_date(dt.date.fromisoformat(value), self.language)
            except ValueError:
                return value
        return "—" if value is None else format_date(value, self.language)

    def money(self, value: Decimal | str | None, currency: str | None = "EUR") -> str:
        """An amount with its currency (``€ 1.452,97``, ``€1,452.97``, ``1 452,97 €``)."""
        try:
            amount = value if isinstance(value, Decimal) else Decimal(value or "")
        except InvalidOperation:
            return str(value or "—")
        return format_amount(amount, currency or "EUR", self.language) if amount.is_finite() else str(value)

    def number(self, value: Decimal | None) -> str:
        """An amount without its currency (the currency has its own line)."""
        if value is None or not value.is_finite():
            return "—"
        return self.money(value, "X").replace("X", "").strip()

    def size(self, size: int) -> str:
        """``1,8 kB``, ``893 kB``, ``1,2 MB``."""
        value, unit = (size / 1_000_000, "MB") if size >= 1_000_000 else (size / 1000, "kB")
        text = f"{value:.1f}" if value < 10 else f"{value:.0f}"
        return f"{text.replace('.', ',') if self.language != 'en' else text} {unit}"

    def problem(self, code: str) -> str:
        """A doubt of the reader (``no_date``) or why it refused the file (``refused:corrupt``)."""
        if code.startswith("refused:"):
            return translate(Message("rifiutato: {why}", why=self.word(code.removeprefix("refused:"), "refusal")),
                             self.language)  # fmt: skip
        return self.word(code, "problem")

    def kind(self, kind: str) -> str:
        """A document kind, as the SME's messages name it too."""
        return say(f"claim_kind_{kind}", self.language) if kind in DOCUMENT_KINDS else kind

    def word(self, value: str | None, group: str) -> str:
        """The word for a code."""
        return word(value or "", group, self.language)


def _missing(words: ClaimWords, check: Check) -> Message:
    leg = check.values.get("leg")
    if leg:
        return Message("Manca la carta d'imbarco: {leg}.", leg=words.word(leg, "leg"))
    return Message("Nessun file di questo tipo.")


def _not_eligible(words: ClaimWords, check: Check) -> Message:
    topic = words.word(check.values.get("topic"), "topic")
    if check.status == "refused":
        return Message("Spesa esclusa dalla regola ({topic}).", topic=topic)
    if check.values.get("partial") == "yes":
        return Message("Comprende una parte esclusa ({topic}): togli quella parte dall'importo.", topic=topic)
    return Message("Forse esclusa dalla regola ({topic}): decidi tu.", topic=topic)


def _outside_dates(words: ClaimWords, check: Check) -> Message:
    values = check.values
    starts, ends = words.day(values.get("starts")), words.day(values.get("ends"))
    if check.status == "doubtful":
        return Message("Senza data: non si può dire se cade nelle date della missione ({starts} – {ends}).",
                       starts=starts, ends=ends)  # fmt: skip
    return Message("Del {date}: fuori dalle date ammesse per la missione ({starts} – {ends}).",
                   date=words.day(values.get("date")), starts=starts, ends=ends)  # fmt: skip


_SENTENCES: dict[str, Callable[[ClaimWords, Check], Message]] = {
    "document_present": lambda w, c: Message("Presente."),
    "document_missing": _missing,
    "document_to_check": lambda w, c: Message("Nessun tipo di documento riconosce questa voce: verificala tu."),
    "document_too_old": lambda w, c: Message(
        "Del {date}: più vecchio del {oldest}.", date=w.day(c.values.get("date")), oldest=w.day(c.values.get("oldest"))
    ),
    "unreadable": lambda w, c: (
        Message(
            "Rifiutato dal lettore (non è un documento leggibile): non aprirlo; se serve, chiedi un PDF all'impresa."
        )
        if c.values.get("refused") == "true"
        else Message("Testo non leggibile: apri il file e correggi la lettura.")
    ),
    "doubtful_reading": lambda w, c: Message(
        "Lettura incerta: {problem}.", problem=w.word(c.values.get("problem"), "problem")
    ),
    "unknown_category": lambda w, c: Message("Categoria di spesa non riconosciuta: correggi il tipo di documento."),
    "claimed_before": lambda w, c: Message(
        "Già presentato nella pratica #{n} («{other}»): fuori dalla stima, verifica che non sia pagato due volte.",
        n=c.values.get("claim", "?"), other=c.values.get("other") or "—",
    ),
    "duplicate": lambda w, c: Message(
        "Sembra un doppione di «{other}»: contato una volta.", other=c.values.get("other") or "—"
    ),
    "nights_unknown": lambda w, c: Message("Numero di notti non letto: correggilo."),
    "nights_over_max": lambda w, c: Message(
        "{units} notti, la regola ne conta al massimo {counted}: scegli quali.",
        units=c.values.get("units", "?"), counted=c.values.get("counted", "?"),
    ),
    "not_eligible": _not_eligible,
    "outside_dates": _outside_dates,
    "currency_unconverted": lambda w, c: Message(
        "{amount} senza una riga dell'estratto conto in euro che lo paghi: da convertire.",
        amount=w.money(c.values.get("amount"), c.values.get("currency")),
    ),
    "currency_converted": lambda w, c: Message(
        "{amount} pagati {euros} (da «{proof}»).", amount=w.money(c.values.get("amount"), c.values.get("currency")),
        euros=w.money(c.values.get("eur")), proof=c.values.get("proof") or "—",
    ),
    "late_claim": lambda w, c: Message(
        "Inviata il {submitted}, oltre la scadenza del {due}: l'intera domanda non è ammessa.",
        submitted=w.day(c.values.get("submitted")), due=w.day(c.values.get("due")),
    ),
    "over_nights": lambda w, c: Message(
        "{units} notti, la regola ne conta {counted}: {eligible} ammissibili su {claimed}.",
        units=c.values.get("units", "?"), counted=c.values.get("counted", "?"),
        eligible=w.money(c.values.get("eligible")), claimed=w.money(c.values.get("claimed")),
    ),
    "over_cap": lambda w, c: (
        Message("Totale ammissibile {subtotal}: si rimborsa al massimo {cap}.",
                subtotal=w.money(c.values.get("subtotal")), cap=w.money(c.values.get("cap")))
        if "subtotal" in c.values
        else Message("Chiesti {claimed}: la categoria ammette al massimo {cap}.",
                     claimed=w.money(c.values.get("claimed")), cap=w.money(c.values.get("cap")))
    ),
}  # fmt: skip
"""Each check's sentence; a check not listed is named by its word."""


def _rank(check: Check) -> int:
    return STATUS_ORDER.get(check.status, len(STATUS_ORDER))
