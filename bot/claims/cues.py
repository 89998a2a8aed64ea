"""The words a claim's checks recognise: which document kinds a required-documents line asks for,
which ineligible costs a receipt shows, and the categories document kinds fall in. Word lists in
Italian, English and French (and a few Japanese receipt words), matched on the text, never followed."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.claims.documents import DocumentKind

COST_KINDS: frozenset[DocumentKind] = frozenset(
    {"invoice", "ticket", "hotel_bill", "registration_fee", "local_transport"}
)
CATEGORY_OF_KIND: dict[DocumentKind, str] = {
    "hotel_bill": "accommodation",
    "ticket": "travel",
    "local_transport": "local_transport",
    "registration_fee": "event_fees",
}
EARLY_CATEGORIES = frozenset({"event_fees", "visa_insurance"})
TOLERANT_CATEGORIES = frozenset({"travel", "local_transport", "accommodation"})


def cues(*words: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)")


# Most specific first: "prove di pagamento (… ricevuta di bonifico …)" is a payment proof, not a receipt.
REQUIREMENTS: tuple[tuple[frozenset[DocumentKind], re.Pattern[str]], ...] = (
    (frozenset({"de_minimis"}), cues("de minimis", "allegato c", "annex c", "annexe c")),
    (frozenset({"expense_form"}), cues("allegato b", "annex b", "annexe b", "modulo", "claim form", "formulaire")),
    (frozenset({"bank_details"}), cues("iban", "coordinate bancarie", "bank details", "coordonnées bancaires", "rib")),
    (frozenset({"company_register"}), cues("visura", "camerale", "chamber of commerce", "company register",
                                            "registre du commerce", "kbis")),
    (frozenset({"attendance"}), cues("attestato di partecipazione", "certificate of attendance", "attendance",
                                      "attestation de participation", "attestation de présence")),
    (frozenset({"payment_proof"}), cues("prove di pagamento", "prova di pagamento", "estratto conto",
                                         "proof of payment", "proofs of payment", "bank statement",
                                         "preuve de paiement", "preuves de paiement", "relevé bancaire")),
    (frozenset({"boarding_pass"}), cues("carte d'imbarco", "carta d'imbarco", "boarding pass", "boarding passes",
                                         "carte d'embarquement", "cartes d'embarquement", "biglietti del treno")),
    (COST_KINDS, cues("fatture", "fattura", "ricevute", "invoices", "receipts", "factures", "reçus",
                        "justificatifs")),
)  # fmt: skip
BOTH_LEGS = cues("andata e ritorno", "a/r", "outward and return", "round trip", "round-trip", "aller et retour",
                   "aller-retour")  # fmt: skip
MAX_AGE = re.compile(r"(?:non anteriore a|not older than|de moins de)\s+(\d+)\s+(?:mesi|months|mois)")


@dataclass(frozen=True)
class Topic:
    """An ineligible cost recognisable on a receipt: the rule's line is found by ``line``."""

    name: str
    line: re.Pattern[str]
    text: re.Pattern[str]
    kinds: frozenset[DocumentKind]
    partial_on_hotel_bill: bool = False
    doubtful: bool = False


ANY_COST: frozenset[DocumentKind] = frozenset({*COST_KINDS, "other"})
TOPICS: tuple[Topic, ...] = (
    Topic("meals", cues("pasti", "pasto", "meals", "repas"),
           cues("ristorante", "trattoria", "osteria", "pizzeria", "pranzo", "cena", "pasto", "pasti", "bevande",
                 "restaurant", "lunch", "dinner", "meal", "meals", "drinks", "déjeuner", "dîner", "repas",
                 "boissons", "izakaya", "レストラン", "居酒屋"),
           frozenset({"invoice", "other", "hotel_bill"}), partial_on_hotel_bill=True),
    Topic("hotel_extras", cues("minibar", "extra alberghieri", "hotel extras", "extras hôteliers"),
           cues("minibar", "lavanderia", "laundry", "room service", "servizio in camera", "servizi in camera",
                 "blanchisserie", "service en chambre"),
           frozenset({"invoice", "other", "hotel_bill"}), partial_on_hotel_bill=True),
    Topic("business_class", cues("business", "classe business", "business class", "classe affaires"),
           re.compile(r"\b(?:business|first)\s+class\b|\bclass[e]?\s*:?\s*(?:business|first|affaires)\b|"
                      r"\bcabin\s*:?\s*(?:business|first)\b"),
           frozenset({"ticket", "invoice", "other"})),
    Topic("car_rental", cues("noleggio", "car rental", "car hire", "location de voiture"),
           cues("noleggio auto", "autonoleggio", "car rental", "car hire", "rent a car", "rental car",
                 "location de voiture", "location de véhicule", "hertz", "europcar", "sixt"),
           frozenset({"invoice", "other", "local_transport"})),
    Topic("participation_fee", cues("quota di partecipazione", "participation fee", "frais de participation"),
           cues("quota di partecipazione", "participation fee", "mission fee", "frais de participation"),
           frozenset({"registration_fee", "invoice", "other"})),
    Topic("cancellation", cues("penali", "penale", "cancellation", "annulation"),
           cues("penale", "penali", "cancellation fee", "cancellation penalty", "no-show", "no show",
                 "frais d'annulation", "pénalité"),
           ANY_COST, doubtful=True),
)  # fmt: skip
CASH_LINE = cues("contanti", "cash", "espèces")
CASH_TEXT = cues("contanti", "in contanti", "cash", "espèces", "現金")
CASH_LIMIT = re.compile(r"(\d+)\s*(?:euro|eur|€)")
