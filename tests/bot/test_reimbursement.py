"""Reimbursement estimates from stated expenses, on the sample 2027 rule (50%, caps, max 5 nights, € 2.500)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bot.answers.reimbursement import estimate_reimbursement, parse_expenses
from knowledge.catalog import ReimbursementRule, load_catalog

SAMPLE = Path(__file__).resolve().parents[2] / "knowledge" / "sample" / "catalog" / "eu-alliance.yaml"


@pytest.fixture(scope="module")
def rule() -> ReimbursementRule:
    found = load_catalog(SAMPLE).rule("rimborso-missioni-eu-alliance-2027")
    assert found is not None
    return found


def reimbursed(rule: ReimbursementRule, text: str) -> dict[str, Decimal]:
    estimate = estimate_reimbursement(rule, parse_expenses(text, rule).expenses)
    return {line.category.name: line.reimbursed for line in estimate.lines} | {"total": estimate.total}


def test_the_example_from_the_issue(rule: ReimbursementRule) -> None:
    assert reimbursed(rule, "volo 1.200 €, hotel 3 notti 450 €") == {
        "travel": Decimal("600.00"),
        "accommodation": Decimal("225.00"),
        "total": Decimal("825.00"),
    }


def test_the_regulation_example_flight_to_japan(rule: ReimbursementRule) -> None:
    # Regolamento, art. 3, example 1: "Volo 1.450 euro: rimborso 725 euro".
    assert reimbursed(rule, "volo 1.450 euro")["travel"] == Decimal("725.00")


def test_english_and_french_expenses(rule: ReimbursementRule) -> None:
    assert reimbursed(rule, "flight EUR 1,000 and taxi 60")["total"] == Decimal("530.00")
    assert reimbursed(rule, "billet d'avion 800 €; hôtel 2 nuits 300 €")["total"] == Decimal("550.00")


def test_category_caps_and_the_rule_cap(rule: ReimbursementRule) -> None:
    estimate = estimate_reimbursement(
        rule,
        parse_expenses("volo 1.800 €, hotel 5 notti 1.000 €, fiera 3.000 €, taxi 400, visto 150", rule).expenses,
    )
    lines = {line.category.name: line for line in estimate.lines}
    assert lines["travel"].reimbursed == Decimal("800")
    assert str(lines["travel"].steps[-1]) == "capped at 800"
    assert estimate.subtotal == Decimal("2525.00")
    assert estimate.total == Decimal("2500")
    assert estimate.rule_cap_applied


def test_only_the_maximum_nights_count(rule: ReimbursementRule) -> None:
    estimate = estimate_reimbursement(rule, parse_expenses("hotel 7 notti 980 €", rule).expenses)
    [line] = estimate.lines
    assert line.eligible == Decimal("700.00")
    assert line.cap == Decimal("500")
    assert line.reimbursed == Decimal("350.00")


def test_missing_nights_are_asked_not_guessed(rule: ReimbursementRule) -> None:
    estimate = estimate_reimbursement(rule, parse_expenses("volo 1200, hotel 450", rule).expenses)
    assert not estimate.complete
    assert estimate.questions == ["units:accommodation"]
    assert [line.category.name for line in estimate.lines] == ["travel"]


@pytest.mark.parametrize(
    "text", ["pranzi 200 €", "'; DROP TABLE expenses; --", "<script>alert(1)</script> 500", "volo"]
)
def test_what_is_not_understood_is_returned(rule: ReimbursementRule, text: str) -> None:
    parsed = parse_expenses(text, rule)
    assert parsed.expenses == []
    assert "".join(parsed.not_understood).replace(" ", "") == text.replace(";", "").replace(" ", "")
