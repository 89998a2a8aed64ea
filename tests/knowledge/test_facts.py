"""Facts: the same date, amount, percentage or time matches however a source writes it."""

from __future__ import annotations

from decimal import Decimal
from itertools import permutations

import pytest

from knowledge.facts import canonical_facts, fact_in_text, parse_number

EQUIVALENT_GROUPS = {
    "amount": ["€ 3.000", "EUR 3,000", "3.000 euro", "3 000 €", "€3,000", "3000 EUR", "3\u202f000 €"],
    "date": [
        "30 giugno 2024",
        "30 June 2024",
        "June 30, 2024",
        "30/06/2024",
        "30.06.2024",
        "30 juin 2024",
        "2024-06-30",
    ],
    "percent": ["50%", "50 %", "50 per cento", "50 percent", "50 pour cent", "50\u00a0%"],
    "time": ["17:00", "ore 17.00", "17h00"],
    "decimal": ["1.200,50", "1,200.50"],
    "decimal amount": ["€ 1.200,50", "1 200,50 €", "EUR 1,200.50"],
    "first of the month": ["1° marzo 2027", "1er mars 2027", "1st March 2027", "01/03/2027"],
}


@pytest.mark.parametrize(
    ("fact", "text"),
    [pair for group in EQUIVALENT_GROUPS.values() for pair in permutations(group, 2)],
)
def test_equivalent_writings_match_each_other(fact: str, text: str) -> None:
    assert fact_in_text(fact, f"Secondo il bando: {text}.")


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("€ 3.000", {"money:3000", "num:3000"}),
        ("30 giugno 2024", {"date:2024-06-30", "md:06-30", "num:2024"}),
        ("50 per cento", {"pct:50", "num:50"}),
        ("entro le 9:05", {"time:09:05"}),
        ("1.200,50", {"num:1200.5"}),
        ("3,5", {"num:3.5"}),
        ("dal 1° al 30 settembre 2027", {"num:1", "date:2027-09-30", "md:09-30", "num:2027"}),
        ("Nessun numero qui.", set()),
    ],
)
def test_canonical_facts_keys(text: str, keys: set[str]) -> None:
    assert canonical_facts(text) == keys


@pytest.mark.parametrize(
    ("fact", "text"),
    [
        ("€ 3.000", "Il contributo massimo è di € 3.500."),
        ("€ 3.000", "Il contributo massimo è di € 300."),
        ("1.200,50", "Importo: 1.200,05 euro."),
        ("30 giugno 2024", "Scadenza: 30 giugno 2025."),
        ("30 giugno 2024", "Scadenza: 29 giugno 2024."),
        ("30/06/2024", "Scadenza: 06/30/2024."),
        ("50%", "Contributo del 40%."),
        ("ore 17:00", "entro le 12:00"),
        ("30 giugno 2024, ore 17:00", "Scadenza: 30 giugno 2024, ore 12:00."),
        ("€ 800 e € 100", "Volo fino a € 800."),
    ],
)
def test_different_facts_do_not_match(fact: str, text: str) -> None:
    assert not fact_in_text(fact, text)


def test_a_fact_with_several_values_needs_all_of_them() -> None:
    text = "Il rimborso copre il 50% delle spese, fino a € 2.500, entro il 30 giugno 2027."

    assert fact_in_text("50% fino a 2.500 euro", text)
    assert fact_in_text("2500 EUR entro 30/06/2027", text)
    assert not fact_in_text("50% fino a 3.000 euro", text)


def test_a_bare_number_is_found_in_amounts_and_percentages_but_not_the_reverse() -> None:
    assert fact_in_text("10", "I posti disponibili sono il 10% delle domande.")
    assert fact_in_text("2.500", "fino a € 2.500 per impresa")
    # "50%" is a percentage: fifty companies do not state it, nor does the year 2500 an amount.
    assert not fact_in_text("50%", "Hanno partecipato 50 PMI.")
    assert not fact_in_text("€ 2.500", "Nel 2500 d.C.")


def test_day_and_month_without_year_match_a_full_date() -> None:
    assert fact_in_text("30 giugno", "Scadenza: 2024-06-30 alle 12:00.")
    assert fact_in_text("June 30", "Scadenza: 30/06/2024.")
    assert fact_in_text("30 juin", "Date limite : 30 giugno 2025.")
    assert not fact_in_text("30 giugno", "Scadenza: 2024-07-30.")
    # A full date is more than its day and month.
    assert not fact_in_text("30 giugno 2024", "Scadenza: 30 giugno.")


def test_invalid_dates_are_not_facts() -> None:
    assert "date:2024-02-30" not in canonical_facts("30 febbraio 2024")
    assert not any(key.startswith("date:") for key in canonical_facts("31/04/2024"))


@pytest.mark.parametrize(
    ("fact", "text"),
    [
        ("Città Studi Biella", "organizzato da CITTA STUDI BIELLA e partner"),
        ("citta studi", "Po.in.tex – Città Studi, Biella"),
        ("Ufficio Missioni", "Scrivi all'ufficio   missioni."),
        ("Pays-Bas", "organisé avec NDIV (pays bas)"),
        ("débarquement", "carte de DEBARQUEMENT"),
    ],
)
def test_plain_text_facts_match_case_and_accent_insensitively(fact: str, text: str) -> None:
    assert fact_in_text(fact, text)


def test_plain_text_fact_absent_from_the_text_does_not_match() -> None:
    assert not fact_in_text("Ufficio Rimborsi", "Scrivi all'Ufficio Missioni.")
    assert not fact_in_text("Studi Città", "Città Studi Biella")


def test_plain_text_fact_must_match_whole_words() -> None:
    assert not fact_in_text("IVA", "Tecnologie derivative per la difesa.")
    assert not fact_in_text("PEC", "Un tessuto specifico.")


def test_dotted_decimal_amounts_are_numbers_not_times() -> None:
    assert fact_in_text("€ 12.50", "Il costo è di 12,50 €.")
    assert fact_in_text("2.50%", "Un tasso del 2,5%.")


def test_ordinal_indicator_date_is_a_date() -> None:
    assert "date:2027-03-01" in canonical_facts("1º marzo 2027")


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1.200,50", Decimal("1200.50")),
        ("1,200.50", Decimal("1200.50")),
        ("1.234.567", Decimal(1234567)),
        ("1,234,567", Decimal(1234567)),
        ("3.000", Decimal(3000)),
        ("3,000", Decimal(3000)),
        ("3 000", Decimal(3000)),
        ("3\u00a0000", Decimal(3000)),
        ("3,5", Decimal("3.5")),
        ("3.5", Decimal("3.5")),
        ("12,50", Decimal("12.5")),
        ("800", Decimal(800)),
        (" 42 ", Decimal(42)),
    ],
)
def test_parse_number(raw: str, value: Decimal) -> None:
    assert parse_number(raw) == value


@pytest.mark.parametrize("raw", ["", "   ", "abc", "1.2.x"])
def test_parse_number_rejects_non_numbers(raw: str) -> None:
    assert parse_number(raw) is None
