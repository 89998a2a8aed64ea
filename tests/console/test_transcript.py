"""The request page's transcript: answers as the SME saw them, sources once, never a server path."""

from __future__ import annotations

from api.console.transcript import body_without_sources, rendered, sources

ANSWER = """Rimborso parziale delle spese — Massimali:
- volo: fino a 600 € [1]
- hotel: fino a **150 € a notte** [1]

| Voce | Massimale |
|---|---|
| Volo | 600 € |
| Hotel | 150 € |

Fonti:
[1] Regolamento rimborsi – https://www.sportello-esempio.it/eu-alliance/regolamento-rimborsi
[2] Regolamento rimborsi (documento in francese)"""

CITATIONS = [
    {"n": 1, "title": "Regolamento rimborsi", "section": "Massimali", "page": 3,
     "url": "https://www.sportello-esempio.it/eu-alliance/regolamento-rimborsi",
     "source": "/srv/sportello/knowledge/catalog/eu-alliance.yaml#rimborso"},
    {"n": 1, "title": "Regolamento rimborsi", "section": "Massimali", "source": "/srv/duplicate"},
    {"n": 2, "title": "Règlement", "section": "", "url": "javascript:alert(1)", "source": "/srv/docs/reg.pdf"},
    "not a citation",
]  # fmt: skip


def test_the_sources_block_is_taken_off_the_answer_in_each_language() -> None:
    assert body_without_sources(ANSWER).endswith("| Hotel | 150 € |")
    english = "Flights up to €600 [1]\n\nSources:\n[1] Rules – https://x.example/r"
    assert body_without_sources(english) == "Flights up to €600 [1]"
    french = "Vols jusqu'à 600 € [1]\n\nSources :\n[1] Règlement"
    assert body_without_sources(french) == "Vols jusqu'à 600 € [1]"
    # A body that merely mentions the word keeps it.
    assert body_without_sources("Fonti: le FAQ del cluster.") == "Fonti: le FAQ del cluster."


def test_lists_tables_and_emphasis_render_as_the_sme_saw_them() -> None:
    html = str(rendered(ANSWER, "assistant"))
    assert "<ul>" in html and html.count("<li>") == 2
    assert "<strong>150 € a notte</strong>" in html
    assert "<table>" in html and "<td>600 €</td>" in html
    assert "Fonti" not in html and "/srv/" not in html


def test_sources_are_listed_once_with_public_links_only() -> None:
    listed = sources(CITATIONS)
    assert [(s.n, s.label, s.url) for s in listed] == [
        (
            1,
            "Regolamento rimborsi — Massimali, p. 3",
            "https://www.sportello-esempio.it/eu-alliance/regolamento-rimborsi",
        ),
        (2, "Règlement", None),  # a javascript: address is not a link
    ]


def test_hostile_text_stays_text() -> None:
    hostile = "<script>alert(1)</script> [click](javascript:alert(1)) "
    hostile += "![x](https://evil.example/pixel.png) <img src=x onerror=alert(1)>"
    for role in ("user", "assistant", "staff"):
        html = str(rendered(hostile, role))
        assert "<script>" not in html and "<img" not in html and 'href="javascript' not in html
    sme = str(rendered("Riga uno\nRiga due & <b>tre</b>", "user"))
    assert sme == "<p>Riga uno<br>\nRiga due &amp; &lt;b&gt;tre&lt;/b&gt;</p>"
    linked = str(rendered("Vedi [il bando](https://bandi.example.eu/x).", "staff"))
    assert '<a target="_blank" rel="noopener noreferrer" href="https://bandi.example.eu/x">il bando</a>' in linked
