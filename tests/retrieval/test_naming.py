"""What a question names decides among pages about the same thing (retrieval.naming)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from api.services import Services
from retrieval.hybrid import HybridSearcher, SearchConfig
from retrieval.naming import name_matches, named_in
from tests.retrieval.test_hybrid_search import indexed


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("À la chambre de commerce de Côme-Lecco, à quelles heures ?", {"lecco"}),
        ("camera di sassari fondo fiere: posso mettere una fattura?", {"sassari"}),
        ("Is the Turin chamber of commerce 2024 voucher still open?", {"turin"}),
        ("la collettiva ICE alla FIHAV 2022", {"ice", "fihav"}),
        ("What do SMEs in the EU get from the PMI fund?", set()),  # kinds of company, the Union: no page's name
        ("quanto costa lo stand?", set()),
    ],
)
def test_what_a_question_names(question: str, names: set[str]) -> None:
    assert named_in(question) == names


def page(doc: str, title: str, url: str, text: str) -> tuple[str, str, str, dict[str, str]]:
    return (f"{doc}:0", doc, text, {"title": title, "url": url, "source": f"/kb/{doc}"})


def test_only_words_that_name_a_page_count() -> None:
    candidates = [
        page("sassari.md", "Fondo fiere 2025", "https://trasparenza.ss.camcom.it/sassari-fiere", "Voucher per fiere."),
        page("bergamo.md", "Voucher fiere", "https://www.bg.camcom.it/voucher", "Voucher per fiere a Bergamo."),
        page("prato.md", "Bando fiere", "https://www.po.camcom.it/fiere", "Voucher per fiere."),
        page("genova.md", "Fiere estere", "https://www.ge.camcom.it/fiere", "Voucher per le imprese."),
    ]
    # "Sassari" is in one page's address: it counts; "voucher" is in every page's text: it does not.
    assert name_matches("camera di Sassari: il Voucher per le fiere", candidates) == {"sassari.md:0": 1}
    # "Bergame" is Bergamo in French: the same six first letters name the same page.
    assert name_matches("la chambre de commerce de Bergame", candidates) == {"bergamo.md:0": 1}
    assert name_matches("quanto costa lo stand?", candidates) == {}


def test_the_page_of_the_chamber_named_comes_first(make_services: Callable[..., Services], tmp_path: Path) -> None:
    services = indexed(make_services, tmp_path, "named", {
        "voucher-bergamo.md": "---\ntitle: Export voucher of the Bergamo chamber of commerce\n---\n"
                              "The export voucher for trade fairs abroad: how much is it? Up to 3,000 euro.\n",
        "contributi-sassari.md": "---\ntitle: Contributi fiere Camera di commercio di Sassari\n---\n"
                                 "Contributo per la partecipazione a fiere: fino a 2.000 euro.\n",
        "voucher-prato.md": "---\ntitle: Voucher export Camera di commercio di Prato\n---\n"
                            "Le imprese hanno un voucher export per fiere e missioni all'estero.\n",
    })  # fmt: skip
    question = "the Sassari chamber's export voucher for trade fairs abroad: how much is it?"
    # Without names, the page sharing the most words wins though it is another chamber's…
    plain = HybridSearcher(services.index, SearchConfig(name_weight=0.0), now=services.now)
    assert plain.search(question, k=3).passages[0].source.endswith("voucher-bergamo.md")
    # …with them, the page of the chamber the question names.
    named = HybridSearcher(services.index, SearchConfig(name_weight=0.5), now=services.now)
    assert named.search(question, k=3).passages[0].source.endswith("contributi-sassari.md")
