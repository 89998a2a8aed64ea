"""Catalog entries rendered to text, so calls and missions are found by search like any page.

Labels follow the entry's language; dates and amounts are written the way a reader of
that language expects ("15 marzo 2027, ore 17:00"; "€ 1.200"), because those are the
strings an SME's question and the answer checker will look for.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from knowledge.catalog import Call, CatalogEntry, Contact, CostCategory, Mission, ReimbursementRule
from knowledge.countries import country_name
from knowledge.documents import Document, Kind, Section, document_id

_MONTHS = {
    "it": ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
           "settembre", "ottobre", "novembre", "dicembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
}  # fmt: skip

_LANG_INDEX = {"it": 0, "en": 1, "fr": 2}

_LABELS: dict[str, dict[str, str]] = {
    "it": {
        "call": "Bando", "mission": "Missione", "rule": "Regola di rimborso",
        "programme": "Programma", "organiser": "Organizzatore", "countries": "Paesi",
        "country": "Paese", "cities": "Città", "sectors": "Settori", "opens": "Apertura",
        "deadline": "Scadenza", "budget": "Dotazione complessiva", "rate": "Contributo",
        "max_amount": "Importo massimo per impresa", "eligibility": "Chi può partecipare",
        "eligible_costs": "Spese ammissibili", "ineligible_costs": "Spese non ammissibili",
        "documents": "Documenti richiesti", "apply": "Come presentare domanda",
        "contact": "Contatti", "dates": "Date della missione", "from": "dal", "to": "al",
        "registration_opens": "Apertura iscrizioni", "registration": "Scadenza iscrizioni",
        "places": "Posti disponibili", "fee": "Quota di partecipazione",
        "covers": "L'organizzazione copre", "reimbursement": "Rimborso",
        "b2b": "Incontri B2B", "rule_rate": "Percentuale di rimborso delle spese ammissibili",
        "cap": "Tetto massimo per impresa", "categories": "Categorie di spesa e massimali",
        "per_trip": "per missione", "per_night": "per notte", "per_day": "per giorno",
        "units_night": "al massimo {n} notti", "units_day": "al massimo {n} giorni",
        "claim": "Termine per la richiesta di rimborso",
        "claim_days": "entro {days} giorni dalla fine della missione",
        "payment": "Tempi di pagamento", "time": "ore", "see_rule": "vedi la regola",
        "summary": "In sintesi", "free": "gratuita",
    },
    "en": {
        "call": "Call", "mission": "Mission", "rule": "Reimbursement rule",
        "programme": "Programme", "organiser": "Organiser", "countries": "Countries",
        "country": "Country", "cities": "Cities", "sectors": "Sectors", "opens": "Opens",
        "deadline": "Deadline", "budget": "Total budget", "rate": "Funding rate",
        "max_amount": "Maximum amount per company", "eligibility": "Who can apply",
        "eligible_costs": "Eligible costs", "ineligible_costs": "Ineligible costs",
        "documents": "Required documents", "apply": "How to apply", "contact": "Contact",
        "dates": "Mission dates", "from": "from", "to": "to",
        "registration_opens": "Registration opens", "registration": "Registration deadline",
        "places": "Places available", "fee": "Participation fee",
        "covers": "The organiser covers", "reimbursement": "Reimbursement",
        "b2b": "B2B meetings", "rule_rate": "Share of eligible costs reimbursed",
        "cap": "Maximum per company", "categories": "Cost categories and caps",
        "per_trip": "per mission", "per_night": "per night", "per_day": "per day",
        "units_night": "at most {n} nights", "units_day": "at most {n} days",
        "claim": "Claim deadline", "claim_days": "within {days} days of the end of the mission",
        "payment": "Payment timing", "time": "at", "see_rule": "see rule",
        "summary": "Summary", "free": "free",
    },
    "fr": {
        "call": "Appel", "mission": "Mission", "rule": "Règle de remboursement",
        "programme": "Programme", "organiser": "Organisateur", "countries": "Pays",
        "country": "Pays", "cities": "Villes", "sectors": "Secteurs", "opens": "Ouverture",
        "deadline": "Date limite", "budget": "Budget total", "rate": "Taux de financement",
        "max_amount": "Montant maximal par entreprise", "eligibility": "Qui peut candidater",
        "eligible_costs": "Dépenses éligibles", "ineligible_costs": "Dépenses non éligibles",
        "documents": "Documents requis", "apply": "Comment candidater", "contact": "Contact",
        "dates": "Dates de la mission", "from": "du", "to": "au",
        "registration_opens": "Ouverture des inscriptions",
        "registration": "Date limite d'inscription", "places": "Places disponibles",
        "fee": "Frais de participation", "covers": "L'organisateur prend en charge",
        "reimbursement": "Remboursement", "b2b": "Rendez-vous B2B",
        "rule_rate": "Part des dépenses éligibles remboursée", "cap": "Plafond par entreprise",
        "categories": "Catégories de dépenses et plafonds", "per_trip": "par mission",
        "per_night": "par nuit", "per_day": "par jour",
        "units_night": "{n} nuits au maximum", "units_day": "{n} jours au maximum", "claim": "Délai de demande",
        "claim_days": "dans les {days} jours suivant la fin de la mission",
        "payment": "Délai de paiement", "time": "à", "see_rule": "voir la règle",
        "summary": "En bref", "free": "gratuite",
    },
}  # fmt: skip

_KIND_OF: dict[str, Kind] = {"call": "call", "mission": "mission", "reimbursement_rule": "reimbursement"}


def entry_document(entry: CatalogEntry, origin: str) -> Document:
    """One catalog entry as a Document whose sections mirror the record's parts."""
    source = f"{origin}#{entry.id}"
    lang = entry.language
    if isinstance(entry, Call):
        sections = _call_sections(entry, lang)
        countries: tuple[str, ...] = tuple(entry.countries)
        opens: dt.date | None = entry.opens
        deadline: dt.datetime | None = entry.deadline
    elif isinstance(entry, Mission):
        sections = _mission_sections(entry, lang)
        countries = (entry.country,)
        opens, deadline = entry.registration_opens, entry.registration_deadline
    else:
        sections = _rule_sections(entry, lang)
        countries, opens, deadline = (), None, None
    return Document(
        doc_id=document_id(source),
        origin=origin,
        source=source,
        title=entry.title,
        sections=(
            *(Section(text=text, heading_path=(entry.title, *path)) for path, text in sections if text),
            *_translated_overviews(entry),
        ),
        kind=_KIND_OF[entry.kind],
        language=lang,
        programme=entry.programme,
        countries=countries,
        url=entry.url,
        opens=opens,
        deadline=deadline,
        extra={"entry_id": entry.id, "entry_kind": entry.kind},
        record_json=entry.model_dump_json(),
    )


def _translated_overviews(entry: CatalogEntry) -> list[Section]:
    """The record's facts (dates, amounts, places) also in the two other languages.

    Free-text fields stay in the source language, but the structured part can be
    written in any language, so a French or English question finds an Italian entry.
    """
    sections = []
    for lang in _LANG_INDEX:
        if lang == entry.language:
            continue
        if isinstance(entry, Call):
            parts = _call_sections(entry, lang)
        elif isinstance(entry, Mission):
            parts = _mission_sections(entry, lang)
        else:
            parts = _rule_sections(entry, lang)
        overview = _overview_only(parts[0][1], entry.summary)
        categories = parts[1][1] if isinstance(entry, ReimbursementRule) else ""
        text = "\n".join(filter(None, [overview, categories]))
        sections.append(Section(text=text, heading_path=(entry.title, lang.upper()), language=lang))
    return sections


def _overview_only(overview: str, summary: str) -> str:
    """The labelled facts without the (untranslated) summary."""
    return overview.removeprefix(summary.strip()).strip()


def format_date(value: dt.date, lang: str) -> str:
    """``15 marzo 2027`` / ``15 March 2027`` / ``15 mars 2027``."""
    return f"{value.day} {_MONTHS[lang][value.month - 1]} {value.year}"


def format_deadline(value: dt.datetime, lang: str) -> str:
    """Date, time and UTC offset: a deadline without its time zone is a trap."""
    offset = value.strftime("%z")
    zone = f"UTC{offset[:3]}:{offset[3:]}" if offset else ""
    return f"{format_date(value.date(), lang)}, {_LABELS[lang]['time']} {value:%H:%M} ({zone})"


def format_amount(value: Decimal, currency: str, lang: str) -> str:
    """``€ 1.200`` in Italian, ``€1,200`` (``JPY 1,200``) in English, ``1 200 €`` in French."""
    whole = value == value.to_integral_value()
    text = f"{value:,.0f}" if whole else f"{value:,.2f}"
    symbol = "€" if currency == "EUR" else currency
    if lang == "it":
        return f"{symbol} {text.replace(',', 'X').replace('.', ',').replace('X', '.')}"
    if lang == "fr":
        return f"{text.replace(',', ' ').replace('.', ',')} {symbol}"
    return f"{symbol}{text}" if symbol == "€" else f"{symbol} {text}"


def format_percent(value: Decimal) -> str:
    """``50%``."""
    return f"{value.normalize():f}%"


def _lines(pairs: list[tuple[str, str | None]]) -> str:
    return "\n".join(f"{label}: {value}" for label, value in pairs if value)


def _bullets(items: list[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def _contact(contact: Contact | None) -> str:
    if contact is None:
        return ""
    return ", ".join(part for part in (contact.name, contact.email, contact.phone) if part)


def field_label(key: str, lang: str) -> str:
    """How a record's field is called in ``lang`` ("max_amount" → "Importo massimo per impresa")."""
    return _LABELS[lang][key]


def category_text(category: CostCategory, rule: ReimbursementRule, lang: str) -> str:
    """``Alloggio (massimo 5 notti) — max € 100 per notte (al massimo 5 notti)``."""
    t = _LABELS[lang]
    parts = [category.label]
    if category.rate is not None:
        parts.append(format_percent(category.rate))
    if category.cap is not None:
        cap = f"max {format_amount(category.cap, rule.currency, lang)} {t['per_' + category.cap_per]}"
        if category.max_units and category.cap_per != "trip":
            cap += f" ({t['units_' + category.cap_per].format(n=category.max_units)})"
        parts.append(cap)
    return " — ".join(parts)


def _call_sections(call: Call, lang: str) -> list[tuple[tuple[str, ...], str]]:
    t = _LABELS[lang]
    overview = _lines([
        (t["call"], call.title),
        (t["programme"], call.programme),
        (t["organiser"], call.organiser),
        (t["countries"], ", ".join(country_name(c, lang) for c in call.countries)),
        (t["sectors"], ", ".join(call.sectors)),
        (t["opens"], format_date(call.opens, lang)),
        (t["deadline"], format_deadline(call.deadline, lang)),
        (t["budget"], format_amount(call.budget, call.currency, lang) if call.budget is not None else None),
        (t["rate"], format_percent(call.funding_rate) if call.funding_rate is not None else None),
        (t["max_amount"], format_amount(call.max_amount, call.currency, lang) if call.max_amount is not None else None),
        ("URL", call.url),
    ])  # fmt: skip
    return [
        ((), "\n".join(filter(None, [call.summary.strip(), overview]))),
        ((t["eligibility"],), _bullets(call.eligibility)),
        ((t["eligible_costs"],), _bullets(call.eligible_costs)),
        ((t["ineligible_costs"],), _bullets(call.ineligible_costs)),
        ((t["documents"],), _bullets(call.required_documents)),
        ((t["apply"],), call.how_to_apply.strip()),
        ((t["contact"],), _contact(call.contact)),
    ]


def _mission_sections(mission: Mission, lang: str) -> list[tuple[tuple[str, ...], str]]:
    t = _LABELS[lang]
    fee = mission.participation_fee
    overview = _lines([
        (t["mission"], mission.title),
        (t["programme"], mission.programme),
        (t["organiser"], mission.organiser),
        (t["country"], country_name(mission.country, lang)),
        (t["cities"], ", ".join(mission.cities)),
        (t["sectors"], ", ".join(mission.sectors)),
        (t["dates"], f"{t['from']} {format_date(mission.starts, lang)} {t['to']} {format_date(mission.ends, lang)}"),
        (t["registration_opens"],
         format_date(mission.registration_opens, lang) if mission.registration_opens else None),
        (t["registration"], format_deadline(mission.registration_deadline, lang)),
        (t["places"], str(mission.places) if mission.places is not None else None),
        (t["fee"], (format_amount(fee, mission.currency, lang) if fee else t["free"]) if fee is not None else None),
        (t["reimbursement"], f"{t['see_rule']} {mission.reimbursement_rule}" if mission.reimbursement_rule else None),
        ("URL", mission.url),
    ])  # fmt: skip
    return [
        ((), "\n".join(filter(None, [mission.summary.strip(), overview]))),
        ((t["covers"],), _bullets(mission.organiser_covers)),
        ((t["b2b"],), mission.b2b_meetings.strip()),
        ((t["contact"],), _contact(mission.contact)),
    ]


def _rule_sections(rule: ReimbursementRule, lang: str) -> list[tuple[tuple[str, ...], str]]:
    t = _LABELS[lang]
    overview = _lines([
        (t["rule"], rule.title),
        (t["programme"], rule.programme),
        (t["rule_rate"], format_percent(rule.rate)),
        (t["cap"], format_amount(rule.cap, rule.currency, lang) if rule.cap is not None else None),
        (t["claim"], t["claim_days"].format(days=rule.claim_deadline_days) if rule.claim_deadline_days else None),
        (t["payment"], rule.payment_timing.strip() or None),
        ("URL", rule.url),
    ])  # fmt: skip
    categories = [category_text(category, rule, lang) for category in rule.categories]
    return [
        ((), "\n".join(filter(None, [rule.summary.strip(), overview]))),
        ((t["categories"],), _bullets(categories)),
        ((t["ineligible_costs"],), _bullets(rule.ineligible_costs)),
        ((t["documents"],), _bullets(rule.required_documents)),
        ((t["contact"],), _contact(rule.contact)),
    ]
