"""The desk's words for the codes the data holds (for the console's pages and the staff
notices): statuses, reasons, channels, kinds,
decisions, roles, outcomes, audit actions, an escalation's detail fields, the web sources' modes,
sync outcomes and a run's page counts, and country
names, in each language the console speaks (the staff member's, ``StaffAccount.language``).

A page never shows a code to staff (``open``, ``user_request``, ``reimbursement_rule``,
``IT``); a code with no word yet shows as itself rather than disappearing. Each code has its
words in Italian, English and French, in that order (as ``knowledge.countries`` writes
country names); some are spelt like their code ("approved", "mission") because that is the
right word, not a leak.
"""

from __future__ import annotations

from knowledge.countries import country_name

LANGUAGE_ORDER = ("it", "en", "fr")
"""The order of the three words of each code."""

WORDS: dict[str, dict[str, tuple[str, str, str]]] = {
    "status": {
        "open": ("da prendere", "to take", "à prendre"),
        "assigned": ("presa in carico", "taken", "prise en charge"),
        "answered": ("risposta inviata", "reply sent", "réponse envoyée"),
        "resolved": ("chiusa", "closed", "clôturée"),
        "approved": ("approvata", "approved", "approuvée"),
        "needs_review": ("da rivedere", "to review", "à revoir"),
        "retired": ("ritirata", "withdrawn", "retirée"),
    },
    "reason": {
        "user_request": ("chiesta dall'impresa", "asked for by the company", "demandée par l'entreprise"),
        "low_confidence": ("risposta incerta", "uncertain answer", "réponse incertaine"),
        "personal_case": ("pratica personale", "personal case", "dossier personnel"),
        "staff_task": ("compito dello staff", "task for staff", "tâche pour l'équipe"),
        "frustration": ("impresa insoddisfatta", "dissatisfied company", "entreprise mécontente"),
        "policy_topic": ("questione legale o fiscale", "legal or tax question", "question juridique ou fiscale"),
        "error": ("errore tecnico", "technical error", "erreur technique"),
        "expense_claim": ("pratica di rimborso", "reimbursement claim", "demande de remboursement"),
        "no_source": ("nessuna fonte", "no source", "aucune source"),
    },
    "channel": {
        "web": ("chat del sito", "website chat", "chat du site"),
        "telegram": ("Telegram", "Telegram", "Telegram"),
        "email": ("e-mail", "e-mail", "e-mail"),
    },
    "kind": {
        "call": ("bando", "call for proposals", "appel à projets"),
        "mission": ("missione", "mission", "mission"),
        "reimbursement": ("rimborsi", "reimbursements", "remboursements"),
        "reimbursement_rule": ("regola di rimborso", "reimbursement rule", "règle de remboursement"),
        "faq": ("FAQ", "FAQ", "FAQ"),
        "glossary": ("glossario", "glossary", "glossaire"),
        "other": ("altro", "other", "autre"),
        "catalog": ("catalogo", "catalogue", "catalogue"),
        "documents": ("documenti", "documents", "documents"),
        "answer": ("risposta", "answer", "réponse"),
        "staff_faq": ("FAQ dello staff", "staff FAQ", "FAQ de l'équipe"),
        "clarify": ("domanda di chiarimento", "clarifying question", "question de clarification"),
        "handoff": ("passata allo staff", "passed to staff", "transmise à l'équipe"),
        "no_source": ("nessuna fonte", "no source", "aucune source"),
        "refused": ("rifiutata", "refused", "refusée"),
        "details_requested": ("dettagli chiesti", "details requested", "détails demandés"),
        "deescalate": ("tornata all'assistente", "back to the assistant", "rendue à l'assistant"),
        "not_found": ("non trovata", "not found", "introuvable"),
        "answered": ("risposta", "answer", "réponse"),
    },
    "decision": {
        "answer": ("risposta", "answer", "réponse"),
        "clarify": ("domanda di chiarimento", "clarifying question", "question de clarification"),
        "handoff": ("passata allo staff", "passed to staff", "transmise à l'équipe"),
    },
    "role": {
        "admin": ("amministratore", "administrator", "administrateur"),
        "staff": ("staff", "staff", "équipe"),
    },
    "state": {
        "upcoming": ("non ancora aperto", "not open yet", "pas encore ouvert"),
        "open": ("aperto", "open", "ouvert"),
        "closing_soon": ("in scadenza", "closing soon", "bientôt clos"),
        "closed": ("chiuso", "closed", "clos"),
    },
    "outcome": {
        "resolved": ("risolta", "resolved", "résolue"),
        "handed_back": ("restituita all'assistente", "handed back to the assistant", "rendue à l'assistant"),
        "erased": ("dati cancellati", "data erased", "données effacées"),
    },
    "action": {
        "login": ("accesso", "sign-in", "connexion"),
        "login_failed": ("accesso non riuscito", "failed sign-in", "connexion échouée"),
        "login_throttled": ("accessi bloccati", "sign-ins blocked", "connexions bloquées"),
        "logout": ("uscita", "sign-out", "déconnexion"),
        "claim": ("presa in carico", "taken", "prise en charge"),
        "assign": ("assegnazione", "assignment", "attribution"),
        "reply": ("risposta", "reply sent", "réponse envoyée"),
        "resolve": ("chiusura", "closure", "clôture"),
        "hand_back": ("restituita all'assistente", "handed back to the assistant", "rendue à l'assistant"),
        "note": ("nota", "internal note", "note interne"),
        "upload": ("caricamento", "file upload", "téléversement"),
        "upload_refused": ("caricamento rifiutato", "upload refused", "téléversement refusé"),
        "reingest": ("reindicizzazione", "re-indexing", "réindexation"),
        "reingest_refused": ("reindicizzazione rifiutata", "re-indexing refused", "réindexation refusée"),
        "faq_create": ("FAQ creata", "FAQ created", "FAQ créée"),
        "faq_edit": ("FAQ modificata", "FAQ edited", "FAQ modifiée"),
        "faq_update": ("FAQ modificata", "FAQ edited", "FAQ modifiée"),
        "faq_approve": ("FAQ approvata", "FAQ approved", "FAQ approuvée"),
        "faq_retire": ("FAQ ritirata", "FAQ withdrawn", "FAQ retirée"),
        "faq_flagged": ("FAQ da rivedere", "FAQ to review", "FAQ à revoir"),
        "account_add": ("account creato", "account created", "compte créé"),
        "account_update": ("account modificato", "account changed", "compte modifié"),
        "contact_erase": ("dati cancellati", "data erased", "données effacées"),
        "contact_export": ("dati esportati", "data exported", "données exportées"),
        "analytics_export": ("esportazione analisi", "analytics export", "export des analyses"),
        "purge": ("conservazione applicata", "retention applied", "conservation appliquée"),
        "webhook_retry": ("webhook rimesso in coda", "webhook queued again", "webhook remis en file"),
        "source_added": ("fonte web aggiunta", "web source added", "source web ajoutée"),
        "source_removed": ("fonte web rimossa", "web source removed", "source web retirée"),
        "source_paused": ("fonte web sospesa", "web source paused", "source web suspendue"),
        "source_resumed": ("fonte web ripresa", "web source resumed", "source web reprise"),
        "source_synced": ("fonte web sincronizzata", "web source synced", "source web synchronisée"),
        "proposal_confirmed": ("proposta confermata", "proposal confirmed", "proposition confirmée"),
        "proposal_dismissed": ("proposta scartata", "proposal dismissed", "proposition écartée"),
        "claim_correct": ("lettura corretta", "reading corrected", "lecture corrigée"),
        "claim_download": ("documento scaricato", "document downloaded", "document téléchargé"),
        "claim_decide": (
            "documento accettato o rifiutato",
            "document accepted or rejected",
            "document accepté ou refusé",
        ),
        "claim_mission": ("missione della pratica", "claim's mission set", "mission du dossier"),
        "claim_resolve": (
            "pratica di rimborso chiusa",
            "reimbursement claim closed",
            "demande de remboursement clôturée",
        ),
    },
    "mode": {
        "page": ("pagina e link", "page and its links", "page et ses liens"),
        "sitemap": ("mappa del sito", "sitemap", "plan du site"),
        "feed": ("feed RSS o Atom", "RSS or Atom feed", "flux RSS ou Atom"),
    },
    "sync": {
        "added": ("aggiunta", "added", "ajoutée"),
        "changed": ("cambiata", "changed", "modifiée"),
        "unchanged": ("invariata", "unchanged", "inchangée"),
        "failed": ("non riuscita", "failed", "échec"),
        "refused": ("rifiutata", "refused", "refusée"),
        "missing": ("mancante", "missing", "manquante"),
        "retired": ("ritirata", "retired", "retirée"),
        "ok": ("riuscita", "done", "réussie"),
        "busy": (
            "rimandata: indicizzazione in corso",
            "postponed: indexing under way",
            "reportée : indexation en cours",
        ),
        "not_published": ("non pubblicata", "not published", "non publiée"),
    },
    "counts": {
        "fetched": ("scaricate", "fetched", "récupérées"),
        "added": ("aggiunte", "added", "ajoutées"),
        "changed": ("cambiate", "changed", "modifiées"),
        "unchanged": ("invariate", "unchanged", "inchangées"),
        "failed": ("non riuscite", "failed", "en échec"),
        "refused": ("rifiutate", "refused", "refusées"),
        "missing": ("mancanti", "missing", "manquantes"),
        "retired": ("ritirate", "retired", "retirées"),
    },
    "page": {
        "live": ("online", "live", "en ligne"),
        "missing": ("mancante", "missing", "manquante"),
    },
    "event": {
        "conversation.started": ("conversazione iniziata", "conversation started", "conversation commencée"),
        "handoff.requested": ("richiesta allo staff", "handoff requested", "demande à l'équipe"),
        "request.assigned": ("richiesta presa in carico", "request assigned", "demande attribuée"),
        "staff.replied": ("risposta dello staff", "staff replied", "réponse de l'équipe"),
        "request.resolved": ("richiesta chiusa", "request resolved", "demande clôturée"),
        "feedback.given": ("valutazione ricevuta", "feedback given", "avis reçu"),
        "knowledge.updated": ("conoscenza aggiornata", "knowledge updated", "connaissances mises à jour"),
    },
    "delivery": {
        "pending": ("in attesa", "waiting", "en attente"),
        "sent": ("consegnato", "delivered", "livré"),
        "undeliverable": ("non consegnabile", "given up", "abandonné"),
    },
    "language": {
        "it": ("italiano", "Italian", "italien"),
        "en": ("inglese", "English", "anglais"),
        "fr": ("francese", "French", "français"),
    },
    "detail": {
        "name": ("nome", "name", "nom"),
        "company": ("impresa", "company", "entreprise"),
        "email": ("e-mail", "e-mail", "e-mail"),
        "phone": ("telefono", "phone", "téléphone"),
        "claim": ("pratica di rimborso", "reimbursement claim", "demande de remboursement"),
    },
    # Reimbursement claims (the console's dossier, bot/claims/).
    "claim_status": {
        "open": ("in compilazione", "being filled in", "en cours de constitution"),
        "submitted": ("inviata allo staff", "sent to staff", "envoyée à l'équipe"),
        "resolved": ("chiusa", "closed", "clôturée"),
    },
    "check_status": {
        "ok": ("a posto", "fine", "conforme"),
        "missing": ("manca", "missing", "manquant"),
        "doubtful": ("da verificare", "to check", "à vérifier"),
        "refused": ("non ammessa", "not allowed", "non admise"),
    },
    "check": {
        "document_present": ("documento presente", "document present", "document présent"),
        "document_missing": ("documento mancante", "document missing", "document manquant"),
        "document_to_check": ("documento da verificare", "document to verify", "document à vérifier"),
        "document_too_old": ("documento troppo vecchio", "document too old", "document trop ancien"),
        "unreadable": ("file non leggibile", "unreadable file", "fichier illisible"),
        "doubtful_reading": ("lettura incerta", "uncertain reading", "lecture incertaine"),
        "unknown_category": ("categoria non riconosciuta", "category not recognised", "catégorie non reconnue"),
        "duplicate": ("possibile doppione", "possible duplicate", "doublon possible"),
        "nights_unknown": ("notti non lette", "nights not read", "nuits non lues"),
        "nights_over_max": ("notti oltre il massimo", "nights over the maximum", "nuits au-delà du maximum"),
        "not_eligible": ("spesa non ammissibile", "ineligible cost", "dépense non admissible"),
        "outside_dates": ("fuori dalle date", "outside the dates", "hors des dates"),
        "currency_unconverted": ("valuta da convertire", "currency to convert", "devise à convertir"),
        "currency_converted": ("valuta convertita", "currency converted", "devise convertie"),
        "late_claim": ("domanda in ritardo", "late claim", "demande tardive"),
        "over_nights": ("notti oltre il massimo", "nights over the maximum", "nuits au-delà du maximum"),
        "over_cap": ("massimale raggiunto", "cap reached", "plafond atteint"),
    },
    "problem": {
        "no_date": ("data non letta", "date not read", "date non lue"),
        "no_amount": ("importo non letto", "amount not read", "montant non lu"),
        "no_currency": ("valuta non letta", "currency not read", "devise non lue"),
        "several_totals": ("più totali possibili", "several possible totals", "plusieurs totaux possibles"),
        "nights_mismatch": ("notti e date non coincidono", "nights and dates disagree", "nuits et dates discordantes"),
        "image_without_ocr": (
            "foto non letta (OCR spento)",
            "photo not read (OCR off)",
            "photo non lue (OCR désactivé)",
        ),
        "no_text_found": ("nessun testo trovato", "no text found", "aucun texte trouvé"),
        "encrypted": ("protetto da password", "password-protected", "protégé par mot de passe"),
        "scanned_pdf": ("scansione senza testo", "scan without text", "scan sans texte"),
        "gone": ("file cancellato", "file erased", "fichier effacé"),
    },
    "refusal": {
        "corrupt": ("file danneggiato", "damaged file", "fichier endommagé"),
        "empty": ("file vuoto", "empty file", "fichier vide"),
        "over_memory": ("immagine troppo pesante", "image too heavy", "image trop lourde"),
        "too_large": ("file troppo grande", "file too large", "fichier trop volumineux"),
        "too_slow": ("lettura troppo lenta", "reading too slow", "lecture trop lente"),
        "unsupported_type": ("tipo di file non ammesso", "file type not allowed", "type de fichier non admis"),
    },
    "topic": {
        "meals": ("pasti", "meals", "repas"),
        "hotel_extras": ("extra alberghieri", "hotel extras", "extras hôteliers"),
        "business_class": ("classe business", "business class", "classe affaires"),
        "car_rental": ("noleggio auto", "car rental", "location de voiture"),
        "participation_fee": ("quota di partecipazione", "participation fee", "frais de participation"),
        "cancellation": ("penale di cancellazione", "cancellation fee", "frais d'annulation"),
        "cash": ("pagamento in contanti", "cash payment", "paiement en espèces"),
    },
    "leg": {
        "outward": ("andata", "outward", "aller"),
        "return": ("ritorno", "return", "retour"),
    },
    "file_decision": {
        "accepted": ("accettato", "accepted", "accepté"),
        "rejected": ("rifiutato", "rejected", "refusé"),
    },
}
"""Every group's codes and their words (Italian, English, French)."""


def word(code: object, group: str, language: str) -> str:
    """The word for ``code`` in ``group`` in ``language`` (the code itself when there is none)."""
    text = "" if code is None else str(code)
    words = WORDS.get(group, {}).get(text)
    return words[_position(language)] if words else text


def country(code: object, language: str) -> str:
    """A country's name from its ISO code, in ``language``."""
    return country_name(str(code), language)


def _position(language: str) -> int:
    return LANGUAGE_ORDER.index(language) if language in LANGUAGE_ORDER else 0
