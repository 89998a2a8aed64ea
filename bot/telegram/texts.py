"""What only the Telegram bot says (commands, buttons, confirmations), in Italian, English and French.

The assistant's own words are in ``bot.conversation.phrases``; these frame the Telegram interface.
"""

from __future__ import annotations

from typing import Any

LANGUAGES = ("it", "en", "fr")

COMMANDS: dict[str, tuple[str, str, str]] = {
    "start": ("Inizia e leggi l'informativa", "Start and read the privacy notice", "Commencer et lire la notice"),
    "help": ("Cosa posso fare", "What I can do", "Ce que je sais faire"),
    "bandi": ("Bandi e missioni aperti", "Open calls and missions", "Appels et missions ouverts"),
    "operatore": ("Parla con una persona", "Talk to a person", "Parler à une personne"),
    "avvisi": ("Avvisi su nuovi bandi e scadenze", "Alerts on new calls and deadlines",
               "Alertes sur les nouveaux appels et échéances"),
    "pratica": ("Pratica di rimborso: verifica i documenti", "Reimbursement claim: check your documents",
                "Dossier de remboursement : vérifier vos documents"),
    "lingua": ("Cambia lingua", "Change language", "Changer de langue"),
    "privacy": ("Informativa privacy", "Privacy notice", "Confidentialité"),
    "cancella": ("Cancella i miei dati", "Erase my data", "Effacer mes données"),
}  # fmt: skip
"""Command → description per language (``set_my_commands``); the order is the menu's."""

_TEXTS: dict[str, tuple[str, str, str]] = {
    "privacy_policy": ("Informativa privacy completa", "Full privacy notice", "Politique de confidentialité"),
    "welcome": (
        "Benvenuto allo sportello per l'internazionalizzazione! Rispondo su bandi aperti, missioni all'estero e "
        "rimborsi, citando i documenti dello sportello; quando serve, passo la domanda a una persona.",
        "Welcome to the internationalisation help desk! I answer questions on open calls, trade missions abroad "
        "and reimbursements, citing the desk's documents; when needed, I pass your question to a person.",
        "Bienvenue au guichet international ! Je réponds sur les appels ouverts, les missions à l'étranger et les "
        "remboursements, en citant les documents du guichet ; si besoin, je transmets votre question à une "
        "personne.",
    ),
    "consent_ask": (
        "Per continuare, accetta l'informativa.",
        "To go on, please accept the privacy notice.",
        "Pour continuer, veuillez accepter la notice de confidentialité.",
    ),
    "consent_button": ("✅ Accetto", "✅ I accept", "✅ J'accepte"),
    "consent_done": (
        "Grazie! Scrivimi la tua domanda, oppure usa /bandi per vedere cosa è aperto.",
        "Thank you! Write me your question, or use /bandi to see what is open.",
        "Merci ! Écrivez-moi votre question, ou utilisez /bandi pour voir ce qui est ouvert.",
    ),
    "consent_then_answer": (
        "Grazie! Ecco la risposta alla tua domanda.",
        "Thank you! Here is the answer to your question.",
        "Merci ! Voici la réponse à votre question.",
    ),
    "help": (
        "Scrivimi una domanda, per esempio «Entro quando mi iscrivo alla missione in Giappone?».\n\n"
        "Dopo una missione, mandami qui le ricevute per il rimborso (PDF, DOCX o foto): le leggo e ti dico cosa "
        "manca prima di passarle allo staff.\n\n"
        "/bandi – bandi e missioni aperti\n/operatore – parla con una persona dello sportello\n"
        "/avvisi – avvisi su nuovi bandi e scadenze\n/pratica – verifica la pratica di rimborso\n"
        "/lingua – cambia lingua\n/privacy – informativa\n/cancella – cancella i tuoi dati",
        'Write me a question, for example "When does registration close for the Japan mission?".\n\n'
        "After a mission, send me your receipts for the reimbursement here (PDF, DOCX or photos): I read them "
        "and tell you what is missing before passing them to the staff.\n\n"
        "/bandi – open calls and missions\n/operatore – talk to a person at the desk\n"
        "/avvisi – alerts on new calls and deadlines\n/pratica – check your reimbursement claim\n"
        "/lingua – change language\n/privacy – privacy notice\n/cancella – erase your data",
        "Écrivez-moi une question, par exemple « Quelle est la date limite pour la mission au Japon ? ».\n\n"
        "Après une mission, envoyez-moi ici vos justificatifs pour le remboursement (PDF, DOCX ou photos) : je "
        "les lis et vous dis ce qui manque avant de les transmettre à l'équipe.\n\n"
        "/bandi – appels et missions ouverts\n/operatore – parler à une personne du guichet\n"
        "/avvisi – alertes sur les nouveaux appels et échéances\n/pratica – vérifier votre dossier de "
        "remboursement\n/lingua – changer de langue\n/privacy – confidentialité\n/cancella – effacer vos données",
    ),
    "offers": (
        "Bandi e missioni aperti o in arrivo: tocca per i dettagli.",
        "Calls and missions open or coming up: tap one for details.",
        "Appels et missions ouverts ou à venir : touchez-en un pour les détails.",
    ),
    "no_offers": (
        "Al momento non ci sono bandi o missioni aperti.",
        "There are no open calls or missions at the moment.",
        "Aucun appel ni mission ouvert pour le moment.",
    ),
    "about_entry": ("Mi parli di {title}?", "Tell me about {title}?", "Parlez-moi de {title} ?"),
    "choose_language": ("Scegli la lingua:", "Choose your language:", "Choisissez la langue :"),
    "language_set": (
        "Da ora ti scrivo in italiano.",
        "From now on I'll write in English.",
        "Désormais je vous écris en français.",
    ),
    "privacy_stored": (
        "Conserviamo: i messaggi di questa chat, i documenti mandati per le pratiche di rimborso, il tuo nome "
        "Telegram, la lingua, le valutazioni e gli avvisi scelti. Con /cancella li elimini tutti.",
        "We keep: the messages of this chat, the documents you sent for reimbursement claims, your Telegram name, "
        "your language, your ratings and the alerts you chose. /cancella erases all of it.",
        "Nous conservons : les messages de ce chat, les documents envoyés pour les dossiers de remboursement, votre "
        "nom Telegram, la langue, vos évaluations et les alertes choisies. /cancella efface tout.",
    ),
    "erase_confirm": (
        "Vuoi davvero cancellare tutti i tuoi dati (conversazioni, richieste allo sportello, avvisi)? Non si può "
        "annullare.",
        "Do you really want to erase all your data (conversations, requests to the desk, alerts)? This cannot be "
        "undone.",
        "Voulez-vous vraiment effacer toutes vos données (conversations, demandes au guichet, alertes) ? C'est "
        "irréversible.",
    ),
    "erase_yes": ("🗑 Sì, cancella", "🗑 Yes, erase", "🗑 Oui, effacer"),
    "erase_no": ("No", "No", "Non"),
    "erase_done": (
        "Fatto: i tuoi dati sono stati cancellati. Se mi scrivi di nuovo, ripartiamo da zero.",
        "Done: your data has been erased. If you write again, we start from scratch.",
        "C'est fait : vos données ont été effacées. Si vous m'écrivez à nouveau, nous repartons de zéro.",
    ),
    "erase_kept": (
        "Va bene, non ho cancellato nulla.",
        "All right, nothing was erased.",
        "D'accord, rien n'a été effacé.",
    ),
    "alerts_intro": (
        "Ti avviso quando arriva un bando o una missione che ti interessa e qualche giorno prima della scadenza.",
        "I'll tell you when a call or mission you care about comes out, and a few days before its deadline.",
        "Je vous préviens quand un appel ou une mission qui vous intéresse paraît, et quelques jours avant la date "
        "limite.",
    ),
    "alerts_none": ("Non hai avvisi attivi.", "You have no alerts.", "Vous n'avez aucune alerte."),
    "alerts_yours": (
        "I tuoi avvisi (tocca per toglierne uno):",
        "Your alerts (tap one to remove it):",
        "Vos alertes (touchez-en une pour la retirer) :",
    ),
    "alerts_by_country": ("➕ Per paese", "➕ By country", "➕ Par pays"),
    "alerts_by_sector": ("➕ Per settore", "➕ By sector", "➕ Par secteur"),
    "alerts_by_programme": ("➕ Per programma", "➕ By programme", "➕ Par programme"),
    "alerts_remove_all": ("🔕 Togli tutti", "🔕 Remove all", "🔕 Tout retirer"),
    "alerts_pick": ("Scegli:", "Choose:", "Choisissez :"),
    "alerts_added": (
        "Fatto: ti avviserò per «{topic}».",
        'Done: I\'ll alert you about "{topic}".',
        "C'est fait : je vous alerterai pour « {topic} ».",
    ),
    "alerts_already": ("Hai già questo avviso.", "You already have this alert.", "Vous avez déjà cette alerte."),
    "alerts_open_now": ("Aperti o in arrivo ora:", "Open or coming up now:", "Ouverts ou à venir :"),
    "alerts_removed": ("Avviso tolto.", "Alert removed.", "Alerte retirée."),
    "alerts_removed_all": (
        "Tutti gli avvisi sono stati tolti.",
        "All alerts removed.",
        "Toutes les alertes ont été retirées.",
    ),
    "feedback_up": ("👍", "👍", "👍"),
    "feedback_down": ("👎", "👎", "👎"),
    "feedback_thanks": ("Grazie del riscontro!", "Thanks for the feedback!", "Merci pour votre avis !"),
    "person_button": ("🙋 Parla con una persona", "🙋 Talk to a person", "🙋 Parler à une personne"),
    "follow_up_deadline": ("Entro quando?", "What is the deadline?", "Quelle est la date limite ?"),
    "follow_up_documents": (
        "Quali documenti servono?",
        "Which documents are needed?",
        "Quels documents faut-il ?",
    ),
    "follow_up_costs": (
        "Quanto costa e cosa è coperto?",
        "How much does it cost and what is covered?",
        "Combien ça coûte et qu'est-ce qui est couvert ?",
    ),
    "expired_button": (
        "Questa scelta non è più valida: scrivimi la domanda.",
        "This choice is no longer valid: please write your question.",
        "Ce choix n'est plus valable : écrivez-moi votre question.",
    ),
    "claim_file_not_kept": (
        "Non ho conservato il file: prima accetta l'informativa qui sotto, poi mandamelo di nuovo.",
        "I have not kept the file: please accept the privacy notice below first, then send it again.",
        "Je n'ai pas conservé le fichier : acceptez d'abord la notice ci-dessous, puis renvoyez-le.",
    ),
    "staff_reply_heading": ("{author} (sportello)", "{author} (help desk)", "{author} (guichet)"),
    "error": (
        "Scusa, qualcosa è andato storto da parte nostra. Riprova tra poco.",
        "Sorry, something went wrong on our side. Please try again shortly.",
        "Désolé, un problème est survenu de notre côté. Réessayez dans un instant.",
    ),
    "staff_sent": (
        "✅ Inviato all'impresa (richiesta #{id}).",
        "✅ Sent to the company (request #{id}).",
        "✅ Envoyé à l'entreprise (demande #{id}).",
    ),
    "staff_claimed": ("🙋 Presa in carico da {who}.", "🙋 Taken by {who}.", "🙋 Prise en charge par {who}."),
    "staff_resolved": ("✅ Risolta da {who}.", "✅ Resolved by {who}.", "✅ Résolue par {who}."),
    "staff_claim_button": ("🙋 Prendo io", "🙋 I'll take it", "🙋 Je m'en occupe"),
    "staff_resolve_button": ("✅ Risolta", "✅ Resolved", "✅ Résolue"),
    "staff_not_allowed": (
        "Solo il personale dello sportello può farlo.",
        "Only the desk's staff can do this.",
        "Seul le personnel du guichet peut le faire.",
    ),
    "staff_failed": ("⚠️ Non inviato: {error}", "⚠️ Not sent: {error}", "⚠️ Non envoyé : {error}"),
}


def text(key: str, language: str, **values: Any) -> str:
    """The Telegram text ``key`` in ``language`` (Italian when the language is not offered)."""
    it, en, fr = _TEXTS[key]
    chosen = {"it": it, "en": en, "fr": fr}.get(language, it)
    return chosen.format(**values) if values else chosen


def command_description(command: str, language: str) -> str:
    """The command's description for the menu."""
    return COMMANDS[command][LANGUAGES.index(language) if language in LANGUAGES else 0]
