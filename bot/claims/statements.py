"""A bank statement is many payments: one line each, dated, with its euro amount.

The claim's checks convert a foreign-currency receipt with the euro amount of the payment that
settled it (the regulation: the bank's rate as the statement shows it). A statement read as one
document has no single amount; its dated lines are the proofs. A line is "DD/MM/YYYY description
amount", the amount last, a debit written with a minus sign, as Italian, French and English
statements print them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from bot.claims.documents import ReadDocument
from knowledge.facts import parse_number

_LINE = re.compile(
    r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s+(.+?)\s*[-−]?\s*(\d{1,3}(?:[.\s]\d{3})*,\d{2}|\d+[.,]\d{2})\s*(?:EUR|€)?\s*$"
)
MAX_LINES = 500


def statement_lines(document: ReadDocument) -> list[ReadDocument]:
    """The statement's dated payment lines as proofs of their own (name "file (line N)"), or
    ``[document]`` when its text has no such lines (a transfer receipt is one payment)."""
    if document.kind != "payment_proof" or document.readable == "unreadable":
        return [document]
    lines: list[ReadDocument] = []
    for number, line in enumerate(document.text.splitlines()[:MAX_LINES], start=1):
        match = _LINE.match(line)
        if match is None:
            continue
        day, month, year, _description, raw = match.groups()
        amount = parse_number(raw.replace(" ", "."))
        try:
            date = dt.date(int(year), int(month), int(day))
        except ValueError:
            continue
        if amount is None or amount <= 0:
            continue
        name = f"{document.name} (riga {number})"
        lines.append(dataclasses.replace(document, name=name, date=date, amount=amount, currency="EUR", text=line))
    return lines if len(lines) >= 2 else [document]
