"""The console's words for the codes the data holds: statuses, reasons, channels, kinds,
decisions, roles and audit actions, and country names. A page never shows a code to staff
(``open``, ``user_request``, ``reimbursement_rule``, ``IT``); a code with no word yet shows as
itself rather than disappearing.
"""

from __future__ import annotations

from knowledge.countries import country_name

WORDS: dict[str, dict[str, str]] = {
    "status": {
        "open": "da prendere", "assigned": "presa in carico", "answered": "risposta inviata", "resolved": "chiusa",
        "approved": "approvata", "needs_review": "da rivedere", "retired": "ritirata",
    },
    "reason": {
        "user_request": "chiesta dall'impresa", "low_confidence": "risposta incerta",
        "personal_case": "pratica personale", "staff_task": "compito dello staff",
        "frustration": "impresa insoddisfatta",
        "policy_topic": "questione legale o fiscale", "error": "errore tecnico", "no_source": "nessuna fonte",
    },
    "channel": {"web": "chat del sito", "telegram": "Telegram", "email": "e-mail"},
    "kind": {
        "call": "bando", "mission": "missione", "reimbursement": "rimborsi", "reimbursement_rule": "regola di rimborso",
        "faq": "FAQ", "glossary": "glossario", "other": "altro", "catalog": "catalogo", "answer": "risposta",
        "staff_faq": "FAQ dello staff", "clarify": "domanda di chiarimento", "handoff": "passata allo staff",
        "no_source": "nessuna fonte", "refused": "rifiutata", "details_requested": "dettagli chiesti",
        "deescalate": "tornata all'assistente", "not_found": "non trovata", "answered": "risposta",
    },
    "decision": {"answer": "risposta", "clarify": "domanda di chiarimento", "handoff": "passata allo staff"},
    "role": {"admin": "amministratore", "staff": "staff"},
    "state": {"upcoming": "non ancora aperto", "open": "aperto", "closing_soon": "in scadenza", "closed": "chiuso"},
    "outcome": {"resolved": "risolta", "handed_back": "restituita all'assistente", "erased": "dati cancellati"},
    "action": {
        "login": "accesso", "login_failed": "accesso non riuscito", "login_throttled": "accessi bloccati",
        "logout": "uscita", "claim": "presa in carico", "assign": "assegnazione", "reply": "risposta",
        "resolve": "chiusura", "hand_back": "restituita all'assistente", "note": "nota", "upload": "caricamento",
        "upload_refused": "caricamento rifiutato", "reingest": "reindicizzazione",
        "reingest_refused": "reindicizzazione rifiutata", "faq_create": "FAQ creata", "faq_update": "FAQ modificata",
        "faq_approve": "FAQ approvata", "faq_retire": "FAQ ritirata", "faq_flagged": "FAQ da rivedere",
        "account_add": "account creato", "account_update": "account modificato", "contact_erase": "dati cancellati",
        "contact_export": "dati esportati", "analytics_export": "esportazione analisi",
        "purge": "conservazione applicata",
    },
}  # fmt: skip


def word(code: object, group: str) -> str:
    """The word for ``code`` in ``group`` (the code itself when there is none)."""
    text = "" if code is None else str(code)
    return WORDS.get(group, {}).get(text, text)


def country(code: object) -> str:
    """A country's name from its ISO code (Italian: the desk's language)."""
    return country_name(str(code), "it")
