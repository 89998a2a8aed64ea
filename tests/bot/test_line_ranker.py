"""The learned line ranker: committed weights that load, and a composer that follows them."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from bot.answers.composers.extractive import ExtractiveComposer
from bot.answers.composers.line_ranker import BUNDLED, FEATURES, LineRanker
from tests.bot.test_extractive import passage


def test_the_committed_weights_load_and_say_how_they_were_trained() -> None:
    ranker = LineRanker.bundled()
    assert ranker is not None and len(ranker.weights) == len(FEATURES)
    trained = json.loads(BUNDLED.read_text(encoding="utf-8"))["trained"]
    assert trained["sets"] and "heldout3" not in trained["sets"]  # never the blind set
    left_out = trained["leave_one_set_out_lead_holds_a_fact"]
    assert sum(s["learned"] * s["questions"] for s in left_out.values()) > sum(
        s["rules"] * s["questions"] for s in left_out.values()
    )  # kept because it beat the rules on the sets it never saw


def test_weights_for_other_features_are_refused() -> None:
    data = {**LineRanker.bundled().to_dict(), "features": ["rules_score"]}  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="retrain"):
        LineRanker.from_dict(data)


def only(feature: str, weight: float) -> LineRanker:
    """A ranker that looks at one feature only."""
    weights = tuple(weight if name == feature else 0.0 for name in FEATURES)
    return LineRanker(weights=weights, bias=0.0, means=(0.0,) * len(FEATURES), scales=(1.0,) * len(FEATURES))


def test_the_composer_leads_with_the_line_its_ranker_finds_likeliest() -> None:
    text = (
        "Il bando sostiene la partecipazione delle imprese a fiere e missioni all'estero.\n"
        "Il contributo è pari al 50% delle spese ammissibili.\n"
        "Le domande si presentano sulla piattaforma Restart."
    )
    question = "bando fiere: come si presenta la domanda?"
    by_facts = ExtractiveComposer(ranker=only("hard_fact", 5.0)).compose(question, "it", [passage(text)])
    assert by_facts.text.startswith("Il contributo è pari al 50%")
    by_words = ExtractiveComposer(ranker=only("overlap", 5.0)).compose(question, "it", [passage(text)])
    assert not by_words.text.startswith("Il contributo è pari al 50%")


def test_probabilities_are_bounded_whatever_the_features() -> None:
    ranker = only("length", 1.0)
    huge = [0.0] * len(FEATURES)
    huge[FEATURES.index("length")] = 1e9
    assert 0.0 < ranker.probability(huge) <= 1.0
    huge[FEATURES.index("length")] = -1e9
    assert 0.0 <= ranker.probability(huge) < 1.0


def test_no_line_likely_enough_marks_the_composition_unsupported() -> None:
    text = "Il bando sostiene la partecipazione delle imprese a fiere all'estero.\nLe domande si presentano online."
    doubtful = replace(only("hard_fact", 5.0), answer_floor=0.9)
    composition = ExtractiveComposer(ranker=doubtful).compose("quanto costa lo stand?", "it", [passage(text)])
    assert composition.unsupported and composition.lead_likelihood is not None
    assert composition.lead_likelihood < 0.9
    trusting = ExtractiveComposer(ranker=only("hard_fact", 5.0)).compose(
        "quanto costa lo stand?", "it", [passage(text)]
    )
    assert not trusting.unsupported
