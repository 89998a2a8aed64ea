"""Answers from the catalog's records: status with dates, what is open, reimbursement estimates."""

from __future__ import annotations

import datetime as dt

import pytest

from api.services import SAMPLE_KNOWLEDGE_DIR
from bot.answers.catalog_answers import CatalogDesk
from knowledge.catalog import load_catalog
from knowledge.countries import countries_in
from knowledge.store import CatalogRecord

TODAY = dt.datetime(2026, 11, 21, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def desk() -> CatalogDesk:
    records = [
        CatalogRecord(entry, f"catalog/{path.name}#{entry.id}")
        for path in sorted((SAMPLE_KNOWLEDGE_DIR / "catalog").glob("*.yaml"))
        for entry in load_catalog(path).entries()
    ]
    return CatalogDesk(records, TODAY)


def ask(desk: CatalogDesk, text: str, language: str = "it") -> tuple[str, str, list[str]]:
    reply = desk.answer(text, countries_in(text), language)
    assert reply is not None, text
    return reply.kind, reply.text, [c.source for c in reply.citations]


def test_an_open_mission_with_its_deadline_and_days_left(desk: CatalogDesk) -> None:
    kind, text, sources = ask(desk, "Entro quando posso iscrivermi alla missione negli USA?")
    assert kind == "status"
    assert "iscrizioni aperte" in text and "29 gennaio 2027, ore 17:00" in text and "mancano 69 giorni" in text
    assert sources == ["catalog/eu-alliance.yaml#missione-usa-2027"]


def test_a_closed_mission_is_said_closed_on_its_date(desk: CatalogDesk) -> None:
    _, text, _ = ask(desk, "Posso ancora iscrivermi alla missione in Canada?")
    assert "iscrizioni chiuse" in text and "15 aprile 2026" in text
    assert "aperte" not in text


def test_can_we_still_apply_asks_the_status(desk: CatalogDesk) -> None:
    kind, text, _ = ask(desk, "can we still apply to the Japan mission?", "en")
    assert kind == "status" and "15 March 2027" in text
    kind, text, _ = ask(desk, "possiamo ancora iscriverci alla missione in Canada?")
    assert kind == "status" and "iscrizioni chiuse" in text


def test_a_closed_call_in_english_and_an_upcoming_one_in_french(desk: CatalogDesk) -> None:
    _, text, _ = ask(desk, "Is the EIC Accelerator October cut-off still open?", "en")
    assert "closed, the deadline was 1 October 2026" in text
    _, text, _ = ask(desk, "L'appel SMART-TEX est-il déjà ouvert ?", "fr")
    assert "pas encore ouvert, ouverture le 18 janvier 2027" in text


def test_what_is_open_never_lists_a_closed_entry(desk: CatalogDesk) -> None:
    kind, text, _ = ask(desk, "Quali missioni sono aperte?")
    assert kind == "list"
    assert "Stati Uniti" in text and "Giappone" in text and "Indonesia" in text
    assert "Canada" not in text


def test_open_calls_for_a_sector(desk: CatalogDesk) -> None:
    _, text, _ = ask(desk, "Which calls are open for textiles?", "en")
    assert "Voucher Cluster Go International 2027" in text
    assert "Piemonte" not in text  # closed in June 2026


def test_a_country_without_missions_is_said_so_with_what_exists(desk: CatalogDesk) -> None:
    kind, text, _ = ask(desk, "C'è una missione in Brasile nel 2027?")
    assert kind == "not_in_catalog"
    assert "nessuna missione o bando per Brasile" in text and "Missione EU-ALLIANCE in Giappone 2027" in text


def test_a_reimbursement_estimate_shows_its_computation(desk: CatalogDesk) -> None:
    kind, text, sources = ask(desk, "volo 1.200 €, hotel 3 notti 450 € per il Giappone, quanto mi rimborsate?")
    assert kind == "estimate"
    assert "€ 1.200 → € 600" in text
    assert "massimale € 100 × 3 = € 300" in text
    assert "Totale rimborsabile: € 825." in text
    assert sources == ["catalog/eu-alliance.yaml#rimborso-missioni-eu-alliance-2027"]


def test_a_capped_flight_and_the_missing_nights_are_asked_for(desk: CatalogDesk) -> None:
    _, text, _ = ask(desk, "Il volo per Boston l'ho pagato 1400 euro, quanto mi torna indietro?")
    assert "€ 1.400 → € 700" in text
    kind, text, _ = ask(desk, "hotel 450 euro, quanto rimborsate?")
    assert kind == "ask"
    assert "numero di notti" in text


def test_a_general_reimbursement_question_is_left_to_the_documents(desk: CatalogDesk) -> None:
    assert desk.answer("Come funziona il rimborso?", [], "it") is None
    assert desk.answer("Se prendo il volo in business me lo rimborsate?", [], "it") is None


def test_what_the_rule_pays_for_a_category_comes_from_the_rule(desk: CatalogDesk) -> None:
    kind, text, citations = ask(desk, "quanto mi rimborsate del volo?")
    assert kind == "facts"
    assert "50%" in text and "max € 800 per missione" in text and "€ 2.500" in text
    assert "Alloggio" not in text  # only the category asked about
    assert citations == ["catalog/eu-alliance.yaml#rimborso-missioni-eu-alliance-2027"]
    kind, text, _ = ask(desk, "For the Japan trip how much of the hotel do you pay back?", "en")
    assert kind == "facts" and "max €100 per night (at most 5 nights)" in text


def test_the_rule_lists_the_documents_for_a_claim(desk: CatalogDesk) -> None:
    kind, text, _ = ask(desk, "Quali documenti servono per il rimborso?")
    assert kind == "facts"
    assert "Documenti richiesti:" in text and "- fatture o ricevute intestate all'impresa" in text


@pytest.mark.parametrize(
    ("question", "language", "expected", "absent"),
    [
        ("Quanto dà al massimo il voucher Cluster Go International e che percentuale copre?", "it",
         ["Importo massimo per impresa: € 8.000", "Contributo: 75%"], ["Dotazione"]),
        ("Quali paesi copre il voucher TEX-DEF?", "it", ["Corea del Sud", "Regno Unito"], ["Contributo"]),
        ("How much is the participation fee for the Japan mission and how many places are there?", "en",
         ["Participation fee: €350", "Places available: 10"], []),
        ("Cosa è compreso nella quota della missione in Giappone?", "it", ["interprete"], []),
    ],
)  # fmt: skip
def test_a_named_record_answers_the_fields_asked_for(
    desk: CatalogDesk, question: str, language: str, expected: list[str], absent: list[str]
) -> None:
    kind, text, _ = ask(desk, question, language)
    assert kind == "facts"
    for part in expected:
        assert part in text
    for part in absent:
        assert part not in text


def test_a_closed_call_s_fields_say_it_is_closed(desk: CatalogDesk) -> None:
    kind, text, _ = ask(desk, "Quanto dà al massimo il voucher per l'internazionalizzazione del Piemonte?")
    assert kind == "facts"
    assert "€ 10.000" in text and "chiuso" in text and "30 giugno 2026" in text


def test_a_field_the_record_does_not_hold_is_left_to_the_documents(desk: CatalogDesk) -> None:
    assert desk.answer("Cosa devo allegare alla candidatura per la missione USA?", ["US"], "it") is None
    assert desk.answer("Quanto ci mette il treno da Giacarta a Bandung?", ["ID"], "it") is None


def test_the_mission_without_saying_which_offers_the_open_ones(desk: CatalogDesk) -> None:
    options = desk.options_for("Quanto costa la missione?")
    assert [o.entry_id for o in options] == ["missione-usa-2027", "missione-giappone-2027", "missione-indonesia-2027"]
    assert desk.options_for("Una micro impresa può partecipare alle missioni?") == []


def test_the_claim_deadline_is_the_missions_end_plus_the_rules_days(desk: CatalogDesk) -> None:
    kind, text, sources = ask(desk, "entro quando devo mandare la richiesta di rimborso dopo la missione in Giappone?")
    assert kind == "status"
    assert "entro 30 giorni dalla fine della missione (18 giugno 2027), cioè entro il 18 luglio 2027" in text
    assert sources == ["catalog/eu-alliance.yaml#rimborso-missioni-eu-alliance-2027"]
    assert "iscrizioni" not in text  # not the registration deadline


def test_when_and_where_a_mission_takes_place(desk: CatalogDesk) -> None:
    _, text, _ = ask(desk, "Quali città visitiamo negli Stati Uniti e fino a quando dura la missione?")
    assert "dal 19 aprile 2027 al 23 aprile 2027, a Boston, Washington D.C." in text


def test_the_category_cap_is_shown_even_when_not_reached(desk: CatalogDesk) -> None:
    _, text, _ = ask(desk, "Il volo per Boston l'ho pagato 1400 euro, quanto mi torna indietro?")
    assert "massimale € 800" in text


def test_open_closing_soon_and_not_yet_open_are_listed_apart(desk: CatalogDesk) -> None:
    _, text, _ = ask(desk, "quali bandi sono aperti?")
    opened, upcoming = text.index("Aperti:"), text.index("Non ancora aperti:")
    smart_tex = text.index("SMART-TEX")
    assert opened < upcoming < smart_tex  # the call that opens in January is not under "open"
    assert "Ecco cosa è aperto" not in text


def test_the_price_of_something_else_is_not_the_mission_fee(desk: CatalogDesk) -> None:
    assert desk.answer("Quanto costa il visto per il Giappone?", ["JP"], "it") is None
    _, text, _ = ask(desk, "Quanto costa la missione in Giappone?")
    assert "Quota di partecipazione" in text


def test_which_costs_are_reimbursed_is_every_category_of_the_current_rule(desk: CatalogDesk) -> None:
    kind, text, sources = ask(desk, "quali spese sono rimborsate?")
    assert kind == "facts" and sources == ["catalog/eu-alliance.yaml#rimborso-missioni-eu-alliance-2027"]
    for category in ("Viaggio A/R", "Alloggio", "Trasporti locali", "Quote di iscrizione", "Visto d'ingresso"):
        assert category in text
    assert desk.answer("quali spese non sono rimborsate?", [], "it") is None  # the documents list those


def test_a_rule_only_past_missions_use_is_a_past_edition(desk: CatalogDesk) -> None:
    assert desk.is_past("rimborso-missione-canada-2026")
    assert not desk.is_past("rimborso-missioni-eu-alliance-2027")
    assert desk.is_past("missione-canada-2026") and not desk.is_past("missione-giappone-2027")


def test_a_call_page_outside_the_catalog_that_names_the_question_better_is_left_to_the_documents(
    desk: CatalogDesk,
) -> None:
    pages = ("Voucher Fiere Internazionali 2027 — Cluster Tessile Toscano", "Missione in Canada 2027 — Cluster Tessile")
    with_pages = CatalogDesk(desk.records, TODAY, page_titles=pages)
    question = "Entro quando si presenta la domanda per il Voucher Fiere Internazionali 2027?"
    assert desk.answer(question, [], "it") is not None  # the catalog's fairs call shares "fiere"
    assert with_pages.answer(question, [], "it") is None  # the page carries more of the question's words
    canada = "Fino a quando ci si iscrive alla missione in Canada del Cluster Tessile Toscano?"
    assert with_pages.answer(canada, countries_in(canada), "it") is None
    # A question naming the catalog's own entry still gets it, page or not.
    japan = "Entro quando devo iscrivermi alla missione in Giappone?"
    reply = with_pages.answer(japan, countries_in(japan), "it")
    assert reply is not None and "15 marzo 2027" in reply.text
