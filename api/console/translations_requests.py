"""English and French of the console's request pages: the queue, one request, the FAQs and the
FAQ form (the rules are in ``api.console.translations``)."""

from __future__ import annotations

REQUESTS: dict[str, dict[str, str]] = {
    # queue.html
    "dedotto": {"en": "inferred", "fr": "déduit"},
    "(dedotto dalla conversazione, non nominato dall'impresa)": {
        "en": "(inferred from the conversation, not named by the company)",
        "fr": "(déduit de la conversation, pas nommé par l'entreprise)",
    },
    # escalation.html: the transcript and the SME's details
    "Fonti": {"en": "Sources", "fr": "Sources"},
    "Recapiti": {"en": "Contact details", "fr": "Coordonnées"},
    "l'impresa ha preferito non lasciarli": {
        "en": "the company preferred not to give them",
        "fr": "l'entreprise a préféré ne pas les donner",
    },
    "Richieste allo staff": {"en": "Requests to staff", "fr": "Demandes à l'équipe"},
    "Filtro": {"en": "Filter", "fr": "Filtre"},
    "Aperte": {"en": "Open", "fr": "Ouvertes"},
    "Mie": {"en": "Mine", "fr": "Les miennes"},
    "Chiuse": {"en": "Closed", "fr": "Clôturées"},
    "Tempo di risposta previsto: {hours} ore. Verde: in tempo · giallo: oltre metà · rosso: scaduto · grigio: "
    "risposta data.": {
        "en": "Expected response time: {hours} hours. Green: on time · amber: past halfway · red: overdue · grey: "
        "answered.",
        "fr": "Délai de réponse prévu : {hours} heures. Vert : dans les temps · jaune : plus de la moitié écoulée · "
        "rouge : dépassé · gris : réponse donnée.",
    },
    "Nessuna richiesta.": {"en": "No requests.", "fr": "Aucune demande."},
    "Canale": {"en": "Channel", "fr": "Canal"},
    "Motivo": {"en": "Reason", "fr": "Motif"},
    "Bando o missione": {"en": "Call or mission", "fr": "Appel ou mission"},
    "Contatto": {"en": "Contact", "fr": "Contact"},
    "Età": {"en": "Age", "fr": "Attente"},
    "Assegnata a": {"en": "Assigned to", "fr": "Attribuée à"},
    # escalation.html
    "Richiesta #{n}": {"en": "Request #{n}", "fr": "Demande #{n}"},
    "Conversazione": {"en": "Conversation", "fr": "Conversation"},
    "Impresa": {"en": "Company", "fr": "Entreprise"},
    "Assistente": {"en": "Assistant", "fr": "Assistant"},
    "Sistema": {"en": "System", "fr": "Système"},
    "confidenza {value}": {"en": "confidence {value}", "fr": "confiance {value}"},
    "Risposta all'impresa (arriva su {channel})": {
        "en": "Reply to the company (it arrives on {channel})",
        "fr": "Réponse à l'entreprise (elle arrive sur {channel})",
    },
    "Invia risposta": {"en": "Send reply", "fr": "Envoyer la réponse"},
    "{n} messaggio/i in attesa di consegna su {channel}.": {
        "en": "{n} message(s) waiting to be delivered on {channel}.",
        "fr": "{n} message(s) en attente de livraison sur {channel}.",
    },
    "Aperta": {"en": "Opened", "fr": "Ouverte"},
    "Risposta": {"en": "Answer", "fr": "Réponse"},
    "Chiusa": {"en": "Closed", "fr": "Clôturée"},
    "Prendi in carico": {"en": "Take it", "fr": "Prendre en charge"},
    "Assegna a": {"en": "Assign to", "fr": "Attribuer à"},
    "Assegna": {"en": "Assign", "fr": "Attribuer"},
    "Chiudi": {"en": "Close", "fr": "Clôturer"},
    "Chiude e avvisa l'impresa che risponde di nuovo l'assistente": {
        "en": "Closes it and tells the company that the assistant answers again",
        "fr": "Clôture la demande et prévient l'entreprise que l'assistant répond de nouveau",
    },
    "Restituisci all'assistente": {"en": "Hand back to the assistant", "fr": "Rendre à l'assistant"},
    "Promuovi a FAQ": {"en": "Promote to FAQ", "fr": "Promouvoir en FAQ"},
    "nasce da questa richiesta.": {"en": "comes from this request.", "fr": "est issue de cette demande."},
    "Note interne": {"en": "Internal notes", "fr": "Notes internes"},
    "Nessuna nota.": {"en": "No notes.", "fr": "Aucune note."},
    "Nuova nota (non arriva all'impresa)": {
        "en": "New note (the company never sees it)", "fr": "Nouvelle note (l'entreprise ne la voit pas)",
    },
    "Salva nota": {"en": "Save note", "fr": "Enregistrer la note"},
    "Esporta i dati del contatto (JSON)": {
        "en": "Export the contact's data (JSON)", "fr": "Exporter les données du contact (JSON)",
    },
    "Cancellare tutti i dati di questo contatto? Non si può annullare.": {
        "en": "Erase all of this contact's data? This cannot be undone.",
        "fr": "Effacer toutes les données de ce contact ? C'est irréversible.",
    },
    "Cancella i dati del contatto": {"en": "Erase the contact's data", "fr": "Effacer les données du contact"},
    # faq_form.html
    "Da rivedere: {reason}. Salvando la approvi di nuovo sul contenuto attuale della fonte.": {
        "en": "To review: {reason}. Saving approves it again against the source's current content.",
        "fr": "À revoir : {reason}. En l'enregistrant, vous l'approuvez de nouveau sur le contenu actuel de la source.",
    },
    "Nuova FAQ dalla richiesta #{n}": {
        "en": "New FAQ from request #{n}", "fr": "Nouvelle FAQ à partir de la demande #{n}",
    },
    "Scrivi la domanda come la farebbe un'altra impresa, senza dati personali: l'assistente la userà da subito per "
    "domande simili.": {
        "en": "Write the question as another company would ask it, without personal data: the assistant will use "
        "it right away for similar questions.",
        "fr": "Écrivez la question comme une autre entreprise la poserait, sans données personnelles : l'assistant "
        "l'utilisera dès maintenant pour les questions semblables.",
    },
    "Fonte da cui dipende (se cambia, la FAQ torna da rivedere)": {
        "en": "Source it depends on (if it changes, the FAQ goes back to review)",
        "fr": "Source dont elle dépend (si elle change, la FAQ repasse à revoir)",
    },
    "nessuna": {"en": "none", "fr": "aucune"},
    "Salva e approva": {"en": "Save and approve", "fr": "Enregistrer et approuver"},
    # faqs.html
    "FAQ dello sportello": {"en": "The desk's FAQs", "fr": "FAQ du guichet"},
    'Nascono dalle richieste chiuse ("Promuovi a FAQ"). Quando la fonte collegata cambia, la FAQ non viene più '
    "usata finché non la approvi di nuovo.": {
        "en": 'They come from closed requests ("Promote to FAQ"). When the linked source changes, the FAQ is no '
        "longer used until you approve it again.",
        "fr": "Elles naissent des demandes clôturées (« Promouvoir en FAQ »). Quand la source liée change, la FAQ "
        "n'est plus utilisée tant que vous ne l'approuvez pas de nouveau.",
    },
    "Ancora nessuna FAQ.": {"en": "No FAQs yet.", "fr": "Pas encore de FAQ."},
    "fonte: {title}": {"en": "source: {title}", "fr": "source : {title}"},
    "da": {"en": "from", "fr": "issue de"},
    "Approva": {"en": "Approve", "fr": "Approuver"},
    "Ritira": {"en": "Withdraw", "fr": "Retirer"},
}  # fmt: skip
"""Italian source text → {"en": …, "fr": …}."""
