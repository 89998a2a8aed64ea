"""The catalog: schema errors name the file and field; entries render to text per language."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge.catalog import (
    Call,
    Catalog,
    CatalogEntry,
    Mission,
    ReimbursementRule,
    entry_from_json,
    load_catalog,
    parse_catalog,
)
from knowledge.catalog_text import entry_document, format_amount, format_date, format_deadline, format_percent
from knowledge.documents import Document, document_id
from knowledge.errors import CatalogError, KnowledgeError
from knowledge.facts import canonical_facts

ROME_WINTER = dt.timezone(dt.timedelta(hours=1))
ORIGIN = "catalog/test.yaml"

CATALOG: dict[str, Any] = {
    "calls": [
        {
            "id": "bando-export-2027",
            "title": "Bando export 2027",
            "programme": "PR FESR Piemonte",
            "organiser": "Regione Piemonte",
            "url": "https://example.org/bando-export-2027",
            "language": "it",
            "summary": "Contributi per partecipare a fiere all'estero.",
            "countries": ["IT", "jp"],
            "sectors": ["tessile", "meccanica"],
            "opens": dt.date(2027, 1, 10),
            "deadline": dt.datetime(2027, 3, 15, 17, 0, tzinfo=ROME_WINTER),
            "budget": 1_200_000,
            "funding_rate": 50,
            "max_amount": 1200,
            "eligibility": ["PMI con sede in Piemonte"],
            "eligible_costs": ["area espositiva"],
            "ineligible_costs": ["IVA"],
            "required_documents": ["domanda firmata"],
            "how_to_apply": "Domanda online con firma digitale.",
            "contact": {"name": "Sportello", "email": "bandi@example.org", "phone": "+39 015 555 0100"},
        }
    ],
    "missions": [
        {
            "id": "missione-giappone-2027",
            "title": "Missione in Giappone 2027",
            "programme": "EU-ALLIANCE",
            "organiser": "Cluster tessile",
            "language": "it",
            "summary": "Missione commerciale a Tokyo e Osaka.",
            "country": "JP",
            "cities": ["Tokyo", "Osaka"],
            "sectors": ["tessile tecnico"],
            "starts": dt.date(2027, 6, 14),
            "ends": dt.date(2027, 6, 18),
            "registration_opens": dt.date(2026, 12, 1),
            "registration_deadline": dt.datetime(2027, 3, 15, 17, 0, tzinfo=ROME_WINTER),
            "places": 10,
            "participation_fee": 0,
            "organiser_covers": ["interprete", "incontri B2B"],
            "reimbursement_rule": "rimborso-missioni-2027",
            "b2b_meetings": "Almeno cinque incontri per impresa.",
        }
    ],
    "reimbursement_rules": [
        {
            "id": "rimborso-missioni-2027",
            "title": "Rimborso missioni 2027",
            "programme": "EU-ALLIANCE",
            "language": "it",
            "summary": "Il programma rimborsa metà delle spese.",
            "rate": 50,
            "cap": 2500,
            "categories": [
                {"name": "travel", "label": "Volo A/R", "cap": 800, "cap_per": "trip"},
                {"name": "accommodation", "label": "Alloggio", "cap": 100, "cap_per": "night", "rate": 40},
            ],
            "ineligible_costs": ["pasti"],
            "required_documents": ["carte d'imbarco"],
            "claim_deadline_days": 60,
            "payment_timing": "Entro 90 giorni.",
        }
    ],
}


def catalog_yaml(edit: Callable[[dict[str, Any]], None] | None = None) -> str:
    raw = copy.deepcopy(CATALOG)
    if edit is not None:
        edit(raw)
    return yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)


def catalog(edit: Callable[[dict[str, Any]], None] | None = None) -> Catalog:
    return parse_catalog(catalog_yaml(edit), ORIGIN)


def call(edit: Callable[[dict[str, Any]], None] | None = None) -> Call:
    return catalog(edit).calls[0]


def sample_catalogs(sample_dir: Path) -> dict[str, Catalog]:
    return {path.name: load_catalog(path) for path in sorted((sample_dir / "catalog").glob("*.yaml"))}


def in_french(raw: dict[str, Any]) -> None:
    raw["calls"][0]["language"] = "fr"


# --- The sample catalogs -------------------------------------------------------------------


def test_sample_catalogs_validate(sample_dir: Path) -> None:
    catalogs = sample_catalogs(sample_dir)

    assert set(catalogs) == {"bandi-europa.yaml", "eu-alliance.yaml"}
    assert len(catalogs["bandi-europa.yaml"].calls) == 5
    assert len(catalogs["eu-alliance.yaml"].missions) == 4
    assert len(catalogs["eu-alliance.yaml"].reimbursement_rules) == 2
    ids = [entry.id for c in catalogs.values() for entry in c.entries()]
    assert len(ids) == len(set(ids))
    # Every mission's reimbursement rule exists somewhere in the sample.
    rules = {rule.id for c in catalogs.values() for rule in c.reimbursement_rules}
    missions = [m for c in catalogs.values() for m in c.missions]
    assert all(m.reimbursement_rule in rules for m in missions if m.reimbursement_rule)


def test_every_sample_entry_renders_and_round_trips(sample_dir: Path) -> None:
    for name, parsed in sample_catalogs(sample_dir).items():
        for entry in parsed.entries():
            document = entry_document(entry, name)

            assert document.sections
            assert document.record_json is not None
            assert entry_from_json(entry.kind, document.record_json) == entry
            translated = [s.language for s in document.sections if s.language]
            assert sorted(translated) == sorted({"it", "en", "fr"} - {entry.language})


# --- Schema errors name the file and the field ---------------------------------------------


def _set(path: str, value: object) -> Callable[[dict[str, Any]], None]:
    """An edit that sets (or, with ``...``, deletes) a dotted path like ``calls.0.deadline``."""

    def edit(raw: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = raw
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        key: Any = int(last) if last.isdigit() else last
        if value is ...:
            del node[key]
        else:
            node[key] = value

    return edit


def _duplicate_id(raw: dict[str, Any]) -> None:
    raw["missions"][0]["id"] = raw["calls"][0]["id"]


SCHEMA_ERRORS = [
    ("missing deadline", _set("calls.0.deadline", ...), "calls[0].deadline", "Field required"),
    ("deadline without timezone", _set("calls.0.deadline", "2027-03-15T17:00:00"), "calls[0].deadline", "timezone"),
    ("deadline as a bare date", _set("calls.0.deadline", dt.date(2027, 3, 15)), "calls[0].deadline", "timezone"),
    ("funding rate 150", _set("calls.0.funding_rate", 150), "calls[0].funding_rate", "less than or equal to 100"),
    ("country 'Japan'", _set("calls.0.countries.1", "Japan"), "calls[0].countries[1]", "'Japan'"),
    ("mission country 'ITA'", _set("missions.0.country", "ITA"), "missions[0].country", "ISO 3166-1"),
    ("duplicate ids", _duplicate_id, "(top level)", "duplicate id 'bando-export-2027'"),
    ("opens after deadline", _set("calls.0.opens", dt.date(2027, 4, 1)), "calls[0]", "opens must not be after"),
    ("unknown extra key", _set("calls.0.colour", "red"), "calls[0].colour", "Extra inputs are not permitted"),
    ("unknown top-level key", _set("bandi", []), "bandi", "Extra inputs are not permitted"),
    ("bad id", _set("calls.0.id", "Bando Export!"), "calls[0].id", "pattern"),
    ("unsupported language", _set("calls.0.language", "de"), "calls[0].language", "'it', 'en' or 'fr'"),
    (
        "negative cap",
        _set("reimbursement_rules.0.categories.0.cap", -1),
        "reimbursement_rules[0].categories[0].cap",
        "greater than or equal to 0",
    ),
    (
        "rule without categories",
        _set("reimbursement_rules.0.categories", []),
        "reimbursement_rules[0].categories",
        "at least 1",
    ),
    (
        "registration after the mission starts",
        _set("missions.0.registration_deadline", dt.datetime(2027, 7, 1, 12, 0, tzinfo=ROME_WINTER)),
        "missions[0]",
        "registration_deadline must not be after the mission starts",
    ),
    (
        "mission ends before it starts",
        _set("missions.0.ends", dt.date(2027, 6, 1)),
        "missions[0]",
        "starts must not be after ends",
    ),
]


@pytest.mark.parametrize(
    ("edit", "field", "message"), [case[1:] for case in SCHEMA_ERRORS], ids=[case[0] for case in SCHEMA_ERRORS]
)
def test_schema_error_names_the_file_and_the_field(
    edit: Callable[[dict[str, Any]], None], field: str, message: str
) -> None:
    with pytest.raises(CatalogError) as caught:
        parse_catalog(catalog_yaml(edit), ORIGIN)

    error = caught.value
    assert error.source == ORIGIN
    assert error.field == field
    assert str(error).startswith(f"{ORIGIN}: {field}: ")
    assert message in error.reason


def test_schema_error_counts_the_other_errors() -> None:
    def two_errors(raw: dict[str, Any]) -> None:
        raw["calls"][0]["funding_rate"] = 150
        del raw["calls"][0]["deadline"]

    with pytest.raises(CatalogError) as caught:
        parse_catalog(catalog_yaml(two_errors), ORIGIN)

    assert caught.value.reason.endswith("(and 1 more)")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("calls:\n  - id: [unclosed\n", "not valid YAML"),
        ("calls: [\n\tbad", "not valid YAML"),
        ("", "the file is empty"),
        ("# solo commenti\n\n", "the file is empty"),
        ("- a\n- b\n", "top level must be a mapping"),
        ("just a string\n", "top level must be a mapping"),
    ],
    ids=["yaml syntax", "tab indentation", "empty", "comments only", "top-level list", "top-level scalar"],
)
def test_unreadable_catalog_names_the_file(text: str, message: str) -> None:
    with pytest.raises(CatalogError) as caught:
        parse_catalog(text, ORIGIN)

    assert caught.value.source == ORIGIN
    assert str(caught.value).startswith(f"{ORIGIN}: {message}")
    assert caught.value.field is None


def test_load_catalog_names_the_path(tmp_path: Path) -> None:
    path = tmp_path / "bandi.yaml"
    path.write_text(catalog_yaml(_set("calls.0.funding_rate", 150)), encoding="utf-8")

    with pytest.raises(CatalogError) as caught:
        load_catalog(path)

    assert caught.value.source == str(path)
    assert caught.value.field == "calls[0].funding_rate"


def test_load_catalog_of_non_utf8_text_fails_by_name(tmp_path: Path) -> None:
    path = tmp_path / "bandi.yaml"
    path.write_bytes(catalog_yaml().replace("metà", "met\xe0").encode("latin-1"))

    with pytest.raises(KnowledgeError) as caught:
        load_catalog(path)

    assert caught.value.source == str(path)


def test_valid_catalog_normalises_its_values() -> None:
    parsed = catalog()

    assert parsed.calls[0].countries == ["IT", "JP"]
    assert parsed.calls[0].deadline == dt.datetime(2027, 3, 15, 16, 0, tzinfo=dt.UTC)
    assert parsed.calls[0].funding_rate == Decimal(50)
    assert parsed.rule("rimborso-missioni-2027") is parsed.reimbursement_rules[0]
    assert parsed.rule("nessuna") is None
    assert [e.kind for e in parsed.entries()] == ["call", "mission", "reimbursement_rule"]


# --- Rendering to documents ----------------------------------------------------------------


def section(document: Document, *path: str) -> str:
    return next(s.text for s in document.sections if s.heading_path == (document.title, *path))


def test_call_document_carries_the_record_metadata() -> None:
    entry = call()
    document = entry_document(entry, ORIGIN)

    assert document.source == f"{ORIGIN}#bando-export-2027"
    assert document.origin == ORIGIN
    assert document.doc_id == document_id(document.source)
    assert document.title == "Bando export 2027"
    assert document.kind == "call"
    assert document.language == "it"
    assert document.programme == "PR FESR Piemonte"
    assert document.countries == ("IT", "JP")
    assert document.url == "https://example.org/bando-export-2027"
    assert document.opens == dt.date(2027, 1, 10)
    assert document.deadline == dt.datetime(2027, 3, 15, 17, 0, tzinfo=ROME_WINTER)
    assert document.extra == {"entry_id": "bando-export-2027", "entry_kind": "call"}


def test_call_is_written_the_way_an_italian_reader_expects() -> None:
    document = entry_document(call(), ORIGIN)
    overview = section(document)

    assert overview.startswith("Contributi per partecipare a fiere all'estero.\nBando: Bando export 2027\n")
    assert "Paesi: Italia, Giappone" in overview
    assert "Apertura: 10 gennaio 2027" in overview
    assert "Scadenza: 15 marzo 2027, ore 17:00 (UTC+01:00)" in overview
    assert "Dotazione complessiva: € 1.200.000" in overview
    assert "Contributo: 50%" in overview
    assert "Importo massimo per impresa: € 1.200" in overview
    assert section(document, "Chi può partecipare") == "- PMI con sede in Piemonte"
    assert section(document, "Spese non ammissibili") == "- IVA"
    assert section(document, "Contatti") == "Sportello, bandi@example.org, +39 015 555 0100"
    assert all(
        s.language is None
        for s in document.sections
        if len(s.heading_path) < 2 or s.heading_path[1] not in ("EN", "FR")
    )


def test_italian_call_has_english_and_french_overviews() -> None:
    document = entry_document(call(), ORIGIN)
    english = next(s for s in document.sections if s.heading_path == (document.title, "EN"))
    french = next(s for s in document.sections if s.heading_path == (document.title, "FR"))

    assert english.language == "en"
    assert french.language == "fr"
    assert english.text.startswith("Call: Bando export 2027")
    assert "Deadline: 15 March 2027, at 17:00 (UTC+01:00)" in english.text
    assert "Maximum amount per company: €1,200" in english.text
    assert "Countries: Italy, Japan" in english.text
    assert french.text.startswith("Appel: Bando export 2027")
    assert "Date limite: 15 mars 2027, à 17:00 (UTC+01:00)" in french.text
    assert "Montant maximal par entreprise: 1 200 €" in french.text
    assert "Pays: Italie, Japon" in french.text
    # The free-text summary is not translated, so it is not repeated there.
    assert "fiere" not in english.text
    assert "fiere" not in french.text
    # The rendered deadline is one the facts checker reads back.
    assert {"date:2027-03-15", "time:17:00"} <= canonical_facts(english.text)


def test_french_call_is_written_in_french_with_italian_and_english_overviews() -> None:
    document = entry_document(call(in_french), ORIGIN)

    assert document.language == "fr"
    assert "Date limite: 15 mars 2027, à 17:00 (UTC+01:00)" in section(document)
    assert "Montant maximal par entreprise: 1 200 €" in section(document)
    assert "Budget total: 1 200 000 €" in section(document)
    assert section(document, "Qui peut candidater") == "- PMI con sede in Piemonte"
    assert [s.language for s in document.sections if s.language] == ["it", "en"]
    assert "Scadenza: 15 marzo 2027, ore 17:00 (UTC+01:00)" in section(document, "IT")


def test_mission_document_uses_the_registration_window() -> None:
    entry = catalog().missions[0]
    document = entry_document(entry, ORIGIN)
    overview = section(document)

    assert document.kind == "mission"
    assert document.countries == ("JP",)
    assert document.opens == dt.date(2026, 12, 1)
    assert document.deadline == entry.registration_deadline
    assert "Date della missione: dal 14 giugno 2027 al 18 giugno 2027" in overview
    assert "Scadenza iscrizioni: 15 marzo 2027, ore 17:00 (UTC+01:00)" in overview
    assert "Quota di partecipazione: gratuita" in overview
    assert "Posti disponibili: 10" in overview
    assert "Rimborso: vedi la regola rimborso-missioni-2027" in overview
    assert section(document, "L'organizzazione copre") == "- interprete\n- incontri B2B"
    assert "Mission dates: from 14 June 2027 to 18 June 2027" in section(document, "EN")
    assert "Frais de participation: gratuite" in section(document, "FR")


def test_reimbursement_rule_document_lists_categories_in_every_language() -> None:
    document = entry_document(catalog().reimbursement_rules[0], ORIGIN)

    assert document.kind == "reimbursement"
    assert document.countries == ()
    assert document.opens is None
    assert document.deadline is None
    assert "Percentuale di rimborso delle spese ammissibili: 50%" in section(document)
    assert "Tetto massimo per impresa: € 2.500" in section(document)
    assert "entro 60 giorni dalla fine della missione" in section(document)
    assert section(document, "Categorie di spesa e massimali") == (
        "- Volo A/R — max € 800 per missione\n- Alloggio — 40% — max € 100 per notte"
    )
    assert "- Alloggio — 40% — max €100 per night" in section(document, "EN")
    assert "- Alloggio — 40% — max 100 € par nuit" in section(document, "FR")


@pytest.mark.parametrize(
    "entry",
    [call(), call(in_french), catalog().missions[0], catalog().reimbursement_rules[0]],
    ids=["call", "french call", "mission", "rule"],
)
def test_record_json_round_trips(entry: CatalogEntry) -> None:
    document = entry_document(entry, ORIGIN)

    assert document.record_json is not None
    rebuilt = entry_from_json(entry.kind, document.record_json)
    assert rebuilt == entry
    assert type(rebuilt) is type(entry)
    assert isinstance(rebuilt, Call | Mission | ReimbursementRule)


# --- Formatting helpers --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (Decimal(1200), "it", "€ 1.200"),
        (Decimal(1200), "en", "€1,200"),
        (Decimal(1200), "fr", "1 200 €"),
        (Decimal("1200.5"), "it", "€ 1.200,50"),
        (Decimal("1200.5"), "en", "€1,200.50"),
        (Decimal("1200.5"), "fr", "1 200,50 €"),
        (Decimal(300), "it", "€ 300"),
        (Decimal(2_500_000), "it", "€ 2.500.000"),
    ],
)
def test_format_amount_per_language(value: Decimal, lang: str, expected: str) -> None:
    assert format_amount(value, "EUR", lang) == expected


def test_format_amount_writes_other_currencies_by_code() -> None:
    assert format_amount(Decimal(1200), "USD", "it") == "USD 1.200"
    assert format_amount(Decimal(1200), "JPY", "fr") == "1 200 JPY"


@pytest.mark.parametrize(
    ("lang", "expected"), [("it", "1 agosto 2027"), ("en", "1 August 2027"), ("fr", "1 août 2027")]
)
def test_format_date_per_language(lang: str, expected: str) -> None:
    assert format_date(dt.date(2027, 8, 1), lang) == expected


def test_format_deadline_keeps_the_utc_offset() -> None:
    new_york = dt.timezone(dt.timedelta(hours=-5))
    india = dt.timezone(dt.timedelta(hours=5, minutes=30))

    assert (
        format_deadline(dt.datetime(2027, 3, 15, 12, 0, tzinfo=new_york), "en") == "15 March 2027, at 12:00 (UTC-05:00)"
    )
    assert format_deadline(dt.datetime(2027, 3, 15, 9, 5, tzinfo=india), "fr") == "15 mars 2027, à 09:05 (UTC+05:30)"
    assert (
        format_deadline(dt.datetime(2027, 3, 15, 23, 59, tzinfo=dt.UTC), "it") == "15 marzo 2027, ore 23:59 (UTC+00:00)"
    )


@pytest.mark.parametrize(("value", "expected"), [("50", "50%"), ("12.50", "12.5%"), ("100", "100%"), ("0", "0%")])
def test_format_percent(value: str, expected: str) -> None:
    assert format_percent(Decimal(value)) == expected
