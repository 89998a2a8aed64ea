"""Call fields read from real-looking call, mission, news and FAQ pages in Italian, English and French."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from knowledge.web.call_fields import detect_call_fields

D = dt.date

# (title, text, language, kind, opens, deadline)
PAGES = [
    pytest.param(
        "Bando Voucher Export 2026",
        "Le domande possono essere presentate dal 1 marzo 2026 ed entro il 30 giugno 2026 alle ore 12:00.",
        "it", "call", D(2026, 3, 1), D(2026, 6, 30),
        id="it opening and closing in one sentence",
    ),
    pytest.param(
        "Voucher fiere 2026",
        "Pubblicato il 10/02/2026. Aggiornato il 15 luglio 2026.\n\nScadenza: 30/06/2026 ore 12:00.",
        "it", "call", None, D(2026, 6, 30),
        id="it publication and update dates are not the deadline",
    ),
    pytest.param(
        "Call for proposals: Export Booster",
        "Applications are evaluated in rounds. Cut-off dates: 15 March 2026, 15 June 2026 and 15 September 2026.",
        "en", "call", None, D(2026, 9, 15),
        id="en several cut-offs give the latest",
    ),
    pytest.param(
        "Appel à projets Export 2026",
        "Ouverture le 1er mars 2026, date limite : 30 juin 2026 à 17h.",
        "fr", "call", D(2026, 3, 1), D(2026, 6, 30),
        id="fr ouverture and date limite",
    ),
    pytest.param(
        "Salon Batimat 2026 — Pavillon régional",
        "Le cluster organise un pavillon collectif. Inscriptions jusqu'au 15/05/2026.",
        "fr", "mission", None, D(2026, 5, 15),
        id="fr salon with jusqu'au",
    ),
    pytest.param(
        "Trade fair in Toronto",
        "Join the regional pavilion. Registration closes on May 15, 2026. The fair runs from 10 to 12 October 2026.",
        "en", "mission", None, D(2026, 5, 15),
        id="en the event's days are not the deadline",
    ),
    pytest.param(
        "Missione imprenditoriale in Giappone",
        "Missione a Tokyo dal 12 al 16 ottobre 2026, con incontri B2B. Iscrizioni entro il 15 luglio 2026.",
        "it", "mission", None, D(2026, 7, 15),
        id="it mission with registration deadline",
    ),
    pytest.param(
        "Grande successo alla fiera di Hannover",
        "Pubblicato il 10 aprile 2026. Oltre 30 imprese del cluster hanno partecipato alla fiera: 200 incontri B2B.",
        "it", None, None, None,
        id="it news about a fair is no mission",
    ),
    pytest.param(
        "Domande frequenti",
        "Come posso associarmi al cluster? Compila il modulo online. Quanto costa la quota? 300 euro l'anno.",
        "it", None, None, None,
        id="it FAQ without a call",
    ),
    pytest.param(
        "Voucher digitalizzazione",
        "| Apertura | Chiusura |\n|---|---|\n| 01/03/2026 | 30/06/2026 |\n\nContributo del 50% per progetti ICT.",
        "it", "call", D(2026, 3, 1), D(2026, 6, 30),
        id="it dates under table headers",
    ),
    pytest.param(
        "Bando internazionalizzazione",
        "Domande dal 15 gennaio al 28 febbraio 2026 tramite lo sportello online.",
        "it", "call", D(2026, 1, 15), D(2026, 2, 28),
        id="it range with the year written once",
    ),
    pytest.param(
        "Grant for market studies",
        "Applications must be submitted by 30 June 2026. Deadline extended: Monday, July 31, 2026.",
        "en", "call", None, D(2026, 7, 31),
        id="en by, weekday and month-first date",
    ),
    pytest.param(
        "Avviso contributi",
        "Termine ultimo: ore 12:00 del 30.06.2026. Scadenza prima finestra: 2026-05-31.",
        "it", "call", None, D(2026, 6, 30),
        id="it dotted and ISO dates",
    ),
    pytest.param(
        "Bando export",
        "Le domande si presentano a partire dal 1° aprile 2026 fino al 31/05/26.",
        "it", "call", D(2026, 4, 1), D(2026, 5, 31),
        id="it a partire dal and a two-digit year",
    ),
    pytest.param(
        "Voucher",
        "Candidature dal 1 marzo 2026 – 30 giugno 2026.",
        "it", "call", D(2026, 3, 1), D(2026, 6, 30),
        id="it a dashed range",
    ),
    pytest.param(
        "Bando fiere",
        "Il bando è aperto dal 1 marzo 2026. Il progetto va concluso entro 12 mesi. La fiera è il 10 ottobre 2026.",
        "it", "call", D(2026, 3, 1), None,
        id="it a phrase of another sentence does not reach a date",
    ),
    pytest.param(
        "Voucher export",
        "Scadenze delle domande:\n\n- 31 marzo 2026\n- 30 settembre 2026\n\nLa fiera è aperta dal 10 ottobre 2026.",
        "it", "call", None, D(2026, 9, 30),
        id="it a list of deadlines under its label",
    ),
    pytest.param(
        "About the cluster",
        "Founded on 12 May 2012, the cluster gathers 120 companies. Our mission is to help them grow abroad.",
        "en", None, None, None,
        id="en about page",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("title", "text", "language", "kind", "opens", "deadline"), PAGES)
def test_kind_and_dates(
    title: str, text: str, language: str, kind: str | None, opens: dt.date | None, deadline: dt.date | None
) -> None:
    fields = detect_call_fields(title, text, language)
    assert (fields.kind, fields.opens, fields.deadline) == (kind, opens, deadline)


def test_the_language_is_only_a_hint() -> None:
    text = "Le domande possono essere presentate dal 1 marzo 2026 ed entro il 30 giugno 2026."
    assert detect_call_fields("Bando", text).deadline == D(2026, 6, 30)
    assert detect_call_fields("Bando", text, "de").deadline == D(2026, 6, 30)


def test_amounts_are_kept_as_written_deduplicated() -> None:
    text = (
        "Contributo a fondo perduto del 50% fino a 5.000 euro; stand fino a € 2.500. "
        "Massimo EUR 60,000 per progetto. Ancora: 5.000 euro e il 50%. Anno 2026, 12 imprese."
    )
    assert detect_call_fields("Bando", text, "it").amounts == ("50%", "5.000 euro", "€ 2.500", "EUR 60,000")


def test_amounts_are_capped() -> None:
    text = " ".join(f"{n}.000 euro" for n in range(1, 20))
    assert len(detect_call_fields("Bando", text).amounts) == 8


def test_countries_in_three_languages() -> None:
    text = "Missioni in Giappone e Canada; la mission aux États-Unis suit en juin."
    assert detect_call_fields("Missioni", text).countries == ("JP", "CA", "US")


def test_sectors_are_canonical_english_names_in_order_of_mention() -> None:
    text = "Per imprese del settore tessile e della moda, dell'agroalimentare, dell'ICT e dell'aerospazio."
    assert detect_call_fields("Bando", text, "it").sectors == ("textile", "fashion", "agrifood", "ICT", "aerospace")
    french = "Pour les entreprises de la santé, de l'énergie et de la mécanique."
    assert detect_call_fields("Appel", french, "fr").sectors == ("health", "energy", "mechanics")


def test_a_date_that_does_not_exist_is_ignored() -> None:
    assert detect_call_fields("Bando", "Scadenza: 31/02/2026. Entro il 30 febbraio 2026.").deadline is None


@pytest.mark.parametrize(
    "text",
    [
        "1234567890" * 100_000,
        "scadenza 30/06/2026 " * 50_000,
        "123 " * 250_000,
        "1 marzo " * 130_000,
        " ".join(
            random.Random(7).choice(["entro il", "30 giugno 2026", "dal", "€", "5.000", "2026-06-30", "al", "%"])
            for _ in range(150_000)
        ),
    ],
    ids=["digits", "dates", "spaced numbers", "yearless dates", "shuffled"],
)
def test_hostile_long_input_returns(text: str) -> None:
    fields = detect_call_fields("Bando", text)
    assert len(fields.amounts) <= 8
