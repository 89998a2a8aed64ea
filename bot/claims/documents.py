"""What a claim is made of: the documents an SME sends, as read from their files."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

DocumentKind = Literal[
    "invoice",  # a supplier's invoice or receipt made out to the company
    "boarding_pass",  # a boarding pass or a train ticket: proof of the journey
    "ticket",  # a flight or train booking / e-ticket receipt with its fare
    "hotel_bill",  # a hotel's bill (nights, dates)
    "registration_fee",  # a fair's or event's registration or stand invoice
    "local_transport",  # a taxi, transfer or local train receipt
    "payment_proof",  # a bank statement line, a transfer or card receipt
    "expense_form",  # the programme's claim form (e.g. "Allegato B")
    "de_minimis",  # the de minimis declaration (e.g. "Allegato C")
    "attendance",  # the certificate of attendance issued by the organiser
    "company_register",  # the chamber of commerce extract (visura camerale)
    "bank_details",  # the company's IBAN on letterhead
    "other",
]
DOCUMENT_KINDS: tuple[DocumentKind, ...] = (
    "invoice", "boarding_pass", "ticket", "hotel_bill", "registration_fee", "local_transport", "payment_proof",
    "expense_form", "de_minimis", "attendance", "company_register", "bank_details", "other",
)  # fmt: skip
Readable = Literal["text", "ocr", "staff", "unreadable"]


@dataclass(frozen=True)
class ReadDocument:
    """One file of a claim and what was read from it. Every field may be ``None``: what could not
    be read is said so, never guessed."""

    name: str
    kind: DocumentKind
    readable: Readable
    """How the text was obtained: the file's own text layer, OCR, or not at all (a photo without
    OCR, a scan, an encrypted PDF): an unreadable file goes to the staff as it is. ``staff``: the
    staff read an unreadable file themselves and corrected its reading (``records.corrected``)."""
    date: dt.date | None = None
    """The date of the expense: the invoice's date, the flight's, the first night's."""
    end_date: dt.date | None = None
    """For a stay or a multi-day document: its last day (the check-out)."""
    amount: Decimal | None = None
    """The total to pay, in ``currency`` (VAT included as written)."""
    currency: str | None = None
    """ISO 4217 ("EUR", "USD", "JPY", "IDR")."""
    supplier: str | None = None
    nights: int | None = None
    language: str | None = None
    text: str = ""
    """The text read (bounded), shown to the staff beside the file."""
    problems: tuple[str, ...] = field(default_factory=tuple)
    """Why a reading is doubtful, as codes the checks word in the SME's language (e.g. "no_date",
    "several_totals", "image_without_ocr", "encrypted")."""

    @property
    def refusal(self) -> str | None:
        """Why the reader refused the file (``refused:<code>`` among the problems: not a document,
        damaged, a bomb), or ``None``. Such a file is kept for the staff but useless to the claim."""
        return next((p.removeprefix("refused:") for p in self.problems if p.startswith("refused:")), None)
