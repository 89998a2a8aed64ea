"""English and French of the console's management pages: the knowledge base, analytics, staff
accounts and the action log (the rules are in ``api.console.translations``)."""

from __future__ import annotations

MANAGEMENT: dict[str, dict[str, str]] = {
    # knowledge.html
    "Base di conoscenza": {"en": "Knowledge base", "fr": "Base de connaissances"},
    "Carica un documento": {"en": "Upload a document", "fr": "Téléverser un document"},
    "File ({suffixes}; al massimo {mb} MB). Un file con lo stesso nome viene sostituito.": {
        "en": "File ({suffixes}; at most {mb} MB). A file with the same name is replaced.",
        "fr": "Fichier ({suffixes} ; {mb} Mo au maximum). Un fichier du même nom est remplacé.",
    },
    "Carica e indicizza": {"en": "Upload and index", "fr": "Téléverser et indexer"},
    "Reindicizza tutto": {"en": "Re-index everything", "fr": "Tout réindexer"},
    "Legge:": {"en": "Reads:", "fr": "Lit :"},
    "nessuna cartella": {"en": "no folder", "fr": "aucun dossier"},
    "Solo ciò che è cambiato viene ricalcolato.": {
        "en": "Only what changed is computed again.", "fr": "Seul ce qui a changé est recalculé.",
    },
    "Ultima indicizzazione": {"en": "Last indexing", "fr": "Dernière indexation"},
    "Terminata {when}: aggiunti {added}, aggiornati {updated}, rimossi {removed}, invariati {unchanged}, "
    "falliti {failed}.": {
        "en": "Finished {when}: {added} added, {updated} updated, {removed} removed, {unchanged} unchanged, "
        "{failed} failed.",
        "fr": "Terminée le {when} : {added} ajoutés, {updated} mis à jour, {removed} supprimés, {unchanged} "
        "inchangés, {failed} en échec.",
    },
    "Mai eseguita.": {"en": "Never run.", "fr": "Jamais exécutée."},
    "Bandi e missioni": {"en": "Calls and missions", "fr": "Appels et missions"},
    "Titolo": {"en": "Title", "fr": "Titre"},
    "Tipo": {"en": "Kind", "fr": "Type"},
    "Scadenza": {"en": "Deadline", "fr": "Échéance"},
    "Programma": {"en": "Programme", "fr": "Programme"},
    "Documenti ({n})": {"en": "Documents ({n})", "fr": "Documents ({n})"},
    "Passaggi": {"en": "Passages", "fr": "Passages"},
    "File": {"en": "File", "fr": "Fichier"},
    # analytics.html
    "Periodo": {"en": "Period", "fr": "Période"},
    "ultimi 7 giorni": {"en": "last 7 days", "fr": "7 derniers jours"},
    "ultimi 30 giorni": {"en": "last 30 days", "fr": "30 derniers jours"},
    "ultimi 90 giorni": {"en": "last 90 days", "fr": "90 derniers jours"},
    "ultimo anno": {"en": "last year", "fr": "dernière année"},
    "dall'inizio": {"en": "since the start", "fr": "depuis le début"},
    "Mostra": {"en": "Show", "fr": "Afficher"},
    "Scarica CSV": {"en": "Download CSV", "fr": "Télécharger le CSV"},
    "Indicatori per impresa, missione e paese (CSV)": {
        "en": "Figures per company, mission and country (CSV)",
        "fr": "Indicateurs par entreprise, mission et pays (CSV)",
    },
    "… con i referenti (dati personali)": {
        "en": "… with contact persons (personal data)", "fr": "… avec les personnes de contact (données personnelles)",
    },
    "conversazioni": {"en": "conversations", "fr": "conversations"},
    "contatti": {"en": "contacts", "fr": "contacts"},
    "messaggi delle imprese": {"en": "messages from companies", "fr": "messages des entreprises"},
    "risolte senza operatore ({resolved}/{engaged})": {
        "en": "resolved without staff ({resolved}/{engaged})", "fr": "résolues sans opérateur ({resolved}/{engaged})",
    },
    "passaggi allo staff": {"en": "handoffs to staff", "fr": "transmissions à l'équipe"},
    "mediana alla prima risposta dello staff": {
        "en": "median time to the first staff reply", "fr": "délai médian de la première réponse de l'équipe",
    },
    "in attesa di risposta": {"en": "awaiting a reply", "fr": "en attente de réponse"},
    "valutazioni": {"en": "ratings", "fr": "évaluations"},
    "Domande senza risposta o incerte, raggruppate": {
        "en": "Unanswered or uncertain questions, grouped", "fr": "Questions sans réponse ou incertaines, regroupées",
    },
    "{n} domande nel periodo. Ogni gruppo è un candidato per una FAQ o un documento.": {
        "en": "{n} questions in the period. Each group is a candidate for a FAQ or a document.",
        "fr": "{n} questions sur la période. Chaque groupe peut devenir une FAQ ou un document.",
    },
    "Volte": {"en": "Times", "fr": "Fois"},
    "Lingue": {"en": "Languages", "fr": "Langues"},
    "Ultima": {"en": "Latest", "fr": "Dernière"},
    "{unanswered} senza risposta, {uncertain} incerte": {
        "en": "{unanswered} unanswered, {uncertain} uncertain",
        "fr": "{unanswered} sans réponse, {uncertain} incertaines",
    },
    "Nessuna.": {"en": "None.", "fr": "Aucune."},
    "Risposte per tipo": {"en": "Answers by kind", "fr": "Réponses par type"},
    "Passaggi allo staff per motivo": {"en": "Handoffs to staff by reason", "fr": "Transmissions à l'équipe par motif"},
    "Nessuno.": {"en": "None.", "fr": "Aucun."},
    "Per canale": {"en": "By channel", "fr": "Par canal"},
    "Per paese": {"en": "By country", "fr": "Par pays"},
    # staff.html
    "Account dello staff": {"en": "Staff accounts", "fr": "Comptes de l'équipe"},
    "Ruolo · attivo · Telegram · lingua · nuova password": {
        "en": "Role · active · Telegram · language · new password",
        "fr": "Rôle · actif · Telegram · langue · nouveau mot de passe",
    },
    "Ultimo accesso": {"en": "Last sign-in", "fr": "Dernière connexion"},
    "Ruolo di {email}": {"en": "Role of {email}", "fr": "Rôle de {email}"},
    "Attivo {email}": {"en": "Active {email}", "fr": "Actif {email}"},
    "attivo": {"en": "active", "fr": "actif"},
    "disattivato": {"en": "disabled", "fr": "désactivé"},
    "id Telegram": {"en": "Telegram id", "fr": "id Telegram"},
    "Id Telegram di {email}": {"en": "Telegram id of {email}", "fr": "Id Telegram de {email}"},
    "Lingua della console di {email}": {"en": "Console language of {email}", "fr": "Langue de la console de {email}"},
    "nuova password": {"en": "new password", "fr": "nouveau mot de passe"},
    "Nuova password di {email}": {"en": "New password of {email}", "fr": "Nouveau mot de passe de {email}"},
    "Salva": {"en": "Save", "fr": "Enregistrer"},
    "Nuovo account": {"en": "New account", "fr": "Nouveau compte"},
    "Ruolo": {"en": "Role", "fr": "Rôle"},
    "Password (almeno 10 caratteri)": {
        "en": "Password (at least 10 characters)", "fr": "Mot de passe (10 caractères au moins)",
    },
    "Id Telegram (per rispondere dal gruppo staff)": {
        "en": "Telegram id (to answer from the staff group)",
        "fr": "Id Telegram (pour répondre depuis le groupe de l'équipe)",
    },
    "Crea": {"en": "Create", "fr": "Créer"},
    "Conservazione dei dati": {"en": "Data retention", "fr": "Conservation des données"},
    "Applicare adesso il periodo di conservazione?": {
        "en": "Apply the retention period now?", "fr": "Appliquer maintenant la durée de conservation ?",
    },
    "Applica ora la conservazione": {"en": "Apply retention now", "fr": "Appliquer la conservation maintenant"},
    # webhooks.html (its strings as that page had them when this catalogue was written)
    "Webhook": {"en": "Webhooks", "fr": "Webhooks"},
    "Webhook: eventi inviati ad altri sistemi": {
        "en": "Webhooks: events sent to other systems", "fr": "Webhooks : événements envoyés à d'autres systèmes",
    },
    "Nessun webhook configurato (SPORTELLO_WEBHOOKS__ENDPOINTS, vedi docs/webhooks.md).": {
        "en": "No webhook is configured (SPORTELLO_WEBHOOKS__ENDPOINTS, see docs/webhooks.md).",
        "fr": "Aucun webhook n'est configuré (SPORTELLO_WEBHOOKS__ENDPOINTS, voir docs/webhooks.md).",
    },
    "Indirizzo": {"en": "Address", "fr": "Adresse"},
    "Eventi": {"en": "Events", "fr": "Événements"},
    "sì": {"en": "yes", "fr": "oui"},
    "no": {"en": "no", "fr": "non"},
    "Consegne": {"en": "Deliveries", "fr": "Livraisons"},
    "Nessuna consegna.": {"en": "No deliveries.", "fr": "Aucune livraison."},
    "Evento": {"en": "Event", "fr": "Événement"},
    "Destinatario": {"en": "Recipient", "fr": "Destinataire"},
    "Tentativi": {"en": "Attempts", "fr": "Tentatives"},
    "Creato": {"en": "Created", "fr": "Créé"},
    "Prossimo tentativo": {"en": "Next attempt", "fr": "Prochaine tentative"},
    "Ultimo errore": {"en": "Last error", "fr": "Dernière erreur"},
    "Invia di nuovo": {"en": "Send again", "fr": "Renvoyer"},
    # audit.html
    "Registro delle azioni": {"en": "Action log", "fr": "Journal des actions"},
    "Quando": {"en": "When", "fr": "Quand"},
    "Chi": {"en": "Who", "fr": "Qui"},
    "Azione": {"en": "Action", "fr": "Action"},
    "Su": {"en": "On", "fr": "Sur"},
}  # fmt: skip
"""Italian source text → {"en": …, "fr": …}."""
