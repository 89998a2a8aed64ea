"""Everything the assistant says in its own words, in Italian, English and French.

Sources are quoted as written; these are only the framing around them. Keys are stable;
``say`` fills ``{placeholders}``. The catalog answers' phrases are in ``phrases_catalog``.
"""

from __future__ import annotations

from typing import Any

from bot.claims.desk_phrases import CLAIM_DESK_PHRASES
from bot.claims.phrases import CLAIM_PHRASES
from bot.conversation.phrases_catalog import CATALOG_PHRASES

_PHRASES: dict[str, tuple[str, str, str]] = {
    "empty": (
        "Ciao! Come posso aiutarti? Puoi chiedermi di bandi aperti, missioni all'estero e rimborsi.",
        "Hello! How can I help? You can ask me about open calls, trade missions abroad and reimbursements.",
        "Bonjour ! Comment puis-je vous aider ? Posez-moi vos questions sur les appels ouverts, les missions à "
        "l'étranger et les remboursements.",
    ),
    "too_long": (
        "Il messaggio è troppo lungo per me ({length} caratteri, al massimo {limit}). Puoi scrivere la domanda in "
        "poche righe?",
        "Your message is too long for me ({length} characters, {limit} at most). Could you put the question in a "
        "few lines?",
        "Votre message est trop long pour moi ({length} caractères, {limit} au maximum). Pouvez-vous formuler la "
        "question en quelques lignes ?",
    ),
    "privacy_notice": (
        "Questa chat è gestita dallo sportello. Conserviamo i messaggi per rispondere e migliorare il servizio, "
        "secondo l'informativa privacy; puoi chiederne la cancellazione in ogni momento. Non scrivere dati "
        "sensibili.",
        "This chat is run by the help desk. We keep the messages to answer you and improve the service, under our "
        "privacy notice; you can ask us to erase them at any time. Please do not write sensitive data.",
        "Ce chat est géré par le guichet. Nous conservons les messages pour vous répondre et améliorer le service, "
        "selon notre politique de confidentialité ; vous pouvez en demander l'effacement à tout moment. N'écrivez "
        "pas de données sensibles.",
    ),
    "ask_for_person": (
        "Vorrei parlare con una persona dello sportello.",
        "I would like to talk to a person at the help desk.",
        "Je voudrais parler à une personne du guichet.",
    ),
    "greeting": (
        "Ciao! Sono l'assistente dello sportello. Chiedimi pure di bandi, missioni all'estero e rimborsi.",
        "Hello! I am the help desk's assistant. Ask me about calls, trade missions abroad and reimbursements.",
        "Bonjour ! Je suis l'assistant du guichet. Posez-moi vos questions sur les appels, les missions à "
        "l'étranger et les remboursements.",
    ),
    "thanks": (
        "Prego! Se hai altre domande, sono qui.",
        "You're welcome! If you have other questions, I'm here.",
        "Avec plaisir ! Si vous avez d'autres questions, je suis là.",
    ),
    "off_topic": (
        "Su questo non posso aiutarti: rispondo su bandi, missioni all'estero, rimborsi e servizi dello sportello.",
        "I can't help with that: I answer questions about calls, trade missions abroad, reimbursements and the "
        "help desk's services.",
        "Je ne peux pas vous aider sur ce point : je réponds aux questions sur les appels, les missions à "
        "l'étranger, les remboursements et les services du guichet.",
    ),
    "past_edition": (
        "Le pagine che ho su questo bando riguardano l'edizione {year}, non una in corso.",
        "The pages I have on this call are about its {year} edition, not a current one.",
        "Les pages dont je dispose sur cet appel concernent l'édition {year}, pas une édition en cours.",
    ),
    "others_data": (
        "Non posso dare dati di altre imprese o persone (elenchi di richiedenti, contatti, importi ricevuti): "
        "restano riservati. Sui bandi, le missioni e i rimborsi rispondo volentieri.",
        "I can't give out other companies' or people's data (lists of applicants, contacts, amounts received): "
        "they stay confidential. I'm glad to answer about calls, missions and reimbursements.",
        "Je ne peux pas communiquer les données d'autres entreprises ou personnes (listes de candidats, "
        "coordonnées, montants reçus) : elles restent confidentielles. Je réponds volontiers sur les appels, "
        "les missions et les remboursements.",
    ),
    "injection": (
        "Non posso farlo. Rispondo solo con le informazioni dei documenti dello sportello, e le mie istruzioni non "
        "cambiano. Se hai una domanda su bandi, missioni o rimborsi, chiedi pure.",
        "I can't do that. I only answer with the information in the help desk's documents, and my instructions do "
        "not change. If you have a question about calls, missions or reimbursements, just ask.",
        "Je ne peux pas faire cela. Je réponds uniquement avec les informations des documents du guichet, et mes "
        "instructions ne changent pas. Pour une question sur les appels, les missions ou les remboursements, "
        "n'hésitez pas.",
    ),
    "abuse": (
        "Capisco che la situazione possa essere frustrante e voglio aiutarti. Dimmi cosa ti serve su bandi, "
        "missioni o rimborsi, oppure chiedimi di passarti a una persona dello staff.",
        "I understand this may be frustrating, and I want to help. Tell me what you need about calls, missions or "
        "reimbursements, or ask me to pass you to a member of staff.",
        "Je comprends que la situation puisse être frustrante et je veux vous aider. Dites-moi ce qu'il vous faut "
        "sur les appels, les missions ou les remboursements, ou demandez-moi de vous passer un membre de l'équipe.",
    ),
    "abuse_stop": (
        "Preferisco fermarmi qui. Quando vorrai, riprendiamo con una domanda su bandi, missioni o rimborsi.",
        "I'll stop here. Whenever you like, we can start again with a question about calls, missions or "
        "reimbursements.",
        "Je préfère m'arrêter ici. Quand vous le souhaitez, nous reprenons avec une question sur les appels, les "
        "missions ou les remboursements.",
    ),
    "rephrase": (
        "Non sono sicuro di aver capito. Puoi riformulare la domanda? Ad esempio: «Entro quando mi iscrivo alla "
        "missione in Giappone?»",
        "I'm not sure I understood. Could you rephrase? For example: \"When does registration for the Japan "
        'mission close?"',
        "Je ne suis pas sûr d'avoir compris. Pouvez-vous reformuler ? Par exemple : « Jusqu'à quand puis-je "
        "m'inscrire à la mission au Japon ? »",
    ),
    "from_sources": (
        "Dai documenti dello sportello:",
        "From the help desk's documents:",
        "D'après les documents du guichet :",
    ),
    "sources": ("Fonti:", "Sources:", "Sources :"),
    "documents_say": (
        "Nei documenti dello sportello invece:",
        "The help desk's documents do say this:",
        "Les documents du guichet disent en revanche :",
    ),
    "quoted_in_language": (
        "(Le righe sono citate nella lingua della fonte: {name}.)",
        "(Quoted in the source's own language: {name}.)",
        "(Citation dans la langue de la source : {name}.)",
    ),
    "not_stated": (
        "Nei documenti dello sportello non trovo {what} per questa domanda. Ecco cosa dicono:",
        "I can't find {what} for this in the help desk's documents. This is what they say:",
        "Je ne trouve pas {what} pour cette question dans les documents du guichet. Voici ce qu'ils disent :",
    ),
    "offer_person": (
        "Se ti serve una risposta precisa, scrivi «operatore» e passo la domanda allo staff.",
        'If you need a precise answer, write "operator" and I\'ll pass the question to the staff.',
        "Si vous avez besoin d'une réponse précise, écrivez « conseiller » et je transmets la question à l'équipe.",
    ),
    "missing_date": ("la data", "the date", "la date"),
    "missing_money": ("l'importo", "the amount", "le montant"),
    "missing_pct": ("la percentuale", "the percentage", "le pourcentage"),
    "missing_time": ("l'orario", "the time", "l'heure"),
    "missing_excluded_costs": (
        "l'elenco delle spese escluse",
        "the list of excluded costs",
        "la liste des dépenses exclues",
    ),
    "excluded_costs_query": (
        "spese non ammissibili non rimborsabili escluse",
        "costs not eligible not reimbursed excluded",
        "dépenses non éligibles non remboursées exclues",
    ),
    "source_in": ("(fonte in {name})", "(source in {name})", "(source en {name})"),
    "faq_intro": ("Dalle domande frequenti:", "From the FAQ:", "D'après la FAQ :"),
    "escalation_still_open": (
        "La tua richiesta n. {id} allo staff resta aperta.",
        "Your request no. {id} to the staff is still open.",
        "Votre demande n° {id} à l'équipe reste ouverte.",
    ),
    "handed_back": (
        "Un operatore ha chiuso la tua richiesta: da ora ti risponde di nuovo l'assistente automatico. Se ti serve "
        "ancora una persona, chiedilo pure.",
        "A member of staff has closed your request: from now on the automatic assistant answers you again. If you "
        "still need a person, just ask.",
        "Un membre de l'équipe a clôturé votre demande : c'est de nouveau l'assistant automatique qui vous répond. "
        "Si vous avez encore besoin d'une personne, n'hésitez pas à le demander.",
    ),
    # Handoff openers: said before the request exists (its details may still be asked), so they
    # promise nothing; the confirmation with the request's number says it was passed on.
    "handoff_user_request": (
        "Certo, una persona dello staff dello sportello può seguirti.",
        "Of course, a member of the help desk staff can help you with this.",
        "Bien sûr, une personne de l'équipe du guichet peut vous aider.",
    ),
    "handoff_personal_case": (
        "Per una pratica personale serve lo staff, che può vedere la tua posizione.",
        "A personal case needs the staff, who can look at your file.",
        "Un dossier personnel nécessite l'équipe, qui peut consulter votre situation.",
    ),
    "handoff_staff_task": (
        "Questo può farlo o deciderlo solo lo staff dello sportello, che vede la tua situazione.",
        "Only the help desk staff can do or decide this, as they can look at your situation.",
        "Seule l'équipe du guichet peut faire ou décider cela, car elle peut examiner votre situation.",
    ),
    "handoff_frustration": (
        "Mi dispiace per il disagio. Una persona dello staff può seguirti.",
        "I'm sorry about this. A member of staff can take this up with you.",
        "Je suis désolé pour ce désagrément. Un membre de l'équipe peut s'en occuper avec vous.",
    ),
    "handoff_policy_topic": (
        "Su questioni legali, fiscali o contestazioni non posso dare indicazioni: le valuta lo staff.",
        "I can't advise on legal or tax matters or disputes: the staff handle them.",
        "Je ne peux pas conseiller sur les questions juridiques, fiscales ou les litiges : l'équipe s'en charge.",
    ),
    "handoff_low_confidence": (
        "Non ho trovato una risposta sicura nei documenti dello sportello, e preferisco non tirare a indovinare.",
        "I couldn't find a reliable answer in the help desk's documents, and I'd rather not guess.",
        "Je n'ai pas trouvé de réponse fiable dans les documents du guichet, et je préfère ne pas deviner.",
    ),
    "handoff_error": (
        "Ho avuto un problema tecnico nel preparare la risposta.",
        "I had a technical problem preparing the answer.",
        "J'ai rencontré un problème technique en préparant la réponse.",
    ),
    "ask_details": (
        "Per passare la domanda allo staff mi servono: {missing}. Se preferisci non indicarli, scrivi «no» e la "
        "inoltro comunque.",
        "To pass your question to the staff I need: {missing}. If you'd rather not say, write \"no\" and I'll "
        "forward it anyway.",
        "Pour transmettre votre question à l'équipe, il me faut : {missing}. Si vous préférez ne pas les donner, "
        "écrivez « non » et je la transmets quand même.",
    ),
    "detail_company": ("il nome dell'azienda", "your company's name", "le nom de votre entreprise"),
    "detail_contact": ("un'e-mail o un telefono", "an e-mail address or phone number", "un e-mail ou un téléphone"),
    "detail_topic": (
        "la missione o il bando di cui si tratta",
        "which mission or call it is about",
        "la mission ou l'appel concerné",
    ),
    "and": ("e", "and", "et"),
    "handoff_created": (
        "Ho passato la tua richiesta allo staff (richiesta n. {id}). {when} La risposta arriverà qui.",
        "I've passed your request to the staff (request no. {id}). {when} The reply will arrive here.",
        "J'ai transmis votre demande à l'équipe (demande n° {id}). {when} La réponse arrivera ici.",
    ),
    "handoff_joined": (
        "Ho aggiunto il messaggio alla tua richiesta n. {id}: lo staff lo leggerà insieme al resto. {when}",
        "I've added your message to request no. {id}: the staff will read it with the rest. {when}",
        "J'ai ajouté votre message à la demande n° {id} : l'équipe le lira avec le reste. {when}",
    ),
    "office_open": (
        "Lo sportello è aperto ora (fino alle {until}): di solito si risponde in giornata.",
        "The help desk is open now (until {until}): replies usually come the same day.",
        "Le guichet est ouvert maintenant (jusqu'à {until}) : la réponse arrive en général dans la journée.",
    ),
    "office_closed": (
        "Lo sportello ora è chiuso: riapre {when}, e da lì ti risponderanno.",
        "The help desk is closed now: it reopens {when}, and you'll get a reply from then.",
        "Le guichet est fermé pour le moment : il rouvre {when}, et vous aurez une réponse à partir de là.",
    ),
    # Clarification
    "clarify_mission": (
        "Di quale missione parli? {options}",
        "Which mission do you mean? {options}",
        "De quelle mission parlez-vous ? {options}",
    ),
    "clarify_call": (
        "Di quale bando parli? {options}",
        "Which call do you mean? {options}",
        "De quel appel parlez-vous ? {options}",
    ),
    # Alerts (subscriptions by country, sector or programme)
    "alert_new": (
        "🔔 Novità per «{topic}»:",
        '🔔 New for "{topic}":',
        "🔔 Nouveau pour « {topic} » :",
    ),
    "alert_deadline": (
        "⏰ Scadenza vicina per «{topic}»:",
        '⏰ Deadline coming up for "{topic}":',
        "⏰ Date limite proche pour « {topic} » :",
    ),
    "alert_unsubscribe": (
        "Gestisci o disattiva gli avvisi con /avvisi.",
        "Manage or stop alerts with /avvisi.",
        "Gérez ou arrêtez les alertes avec /avvisi.",
    ),
    # Staff notices (the desk works in Italian; only the "it" text is used today)
    "staff_notice": (
        "🆘 Richiesta #{id} ({channel}, motivo: {reason})",
        "🆘 Request #{id} ({channel}, reason: {reason})",
        "🆘 Demande #{id} ({channel}, motif : {reason})",
    ),
    "staff_notice_howto": (
        "Rispondi a questo messaggio per scrivere all'impresa.",
        "Reply to this message to write to the company.",
        "Répondez à ce message pour écrire à l'entreprise.",
    ),
    "staff_followup": (
        "💬 Richiesta #{id}, nuovo messaggio dell'impresa:\n{text}",
        "💬 Request #{id}, new message from the company:\n{text}",
        "💬 Demande #{id}, nouveau message de l'entreprise :\n{text}",
    ),
    "staff_reminder": (
        "⏰ Promemoria: la richiesta #{id} ({channel}, motivo: {reason}) aspetta una risposta da oltre {hours} h.",
        "⏰ Reminder: request #{id} ({channel}, reason: {reason}) has been waiting for a reply for over {hours} h.",
        "⏰ Rappel : la demande #{id} ({channel}, motif : {reason}) attend une réponse depuis plus de {hours} h.",
    ),
    "staff_reminder_assignee": ("In carico a: {assignee}", "Assigned to: {assignee}", "Prise en charge : {assignee}"),
    # Staff e-mail (subjects carry only ids and fixed words: nothing an SME wrote)
    "email_subject_notice": (
        "[Sportello] Nuova richiesta #{id} ({channel}, {reason})",
        "[Sportello] New request #{id} ({channel}, {reason})",
        "[Sportello] Nouvelle demande #{id} ({channel}, {reason})",
    ),
    "email_subject_reminder": (
        "[Sportello] Promemoria: richiesta #{id} senza risposta ({channel}, {reason})",
        "[Sportello] Reminder: request #{id} unanswered ({channel}, {reason})",
        "[Sportello] Rappel : demande #{id} sans réponse ({channel}, {reason})",
    ),
    "email_subject_escalation": (
        "[Sportello] Richiesta #{id}",
        "[Sportello] Request #{id}",
        "[Sportello] Demande #{id}",
    ),
    "email_subject_other": (
        "[Sportello] Messaggio dello sportello",
        "[Sportello] Message from the help desk",
        "[Sportello] Message du guichet",
    ),
    "email_subject_source": (
        "[Sportello] Una pagina seguita è cambiata",
        "[Sportello] A followed web page changed",
        "[Sportello] Une page suivie a changé",
    ),
    "source_deadline_changed": (
        "La pagina «{title}» ({url}) indica ora la scadenza {new} (prima: {old}). Controlla il bando o la missione "
        "nel catalogo.",
        "The page “{title}” ({url}) now states the deadline {new} (before: {old}). Check the call or mission in "
        "the catalog.",
        "La page « {title} » ({url}) indique désormais la date limite {new} (avant : {old}). Vérifiez l'appel ou "
        "la mission dans le catalogue.",
    ),
    "source_page_gone": (
        "La pagina «{title}» ({url}) non è più disponibile ({reason}). Se non torna, esce dalla base di "
        "conoscenza il {retire}.",
        "The page “{title}” ({url}) is no longer available ({reason}). Unless it comes back, it leaves the "
        "knowledge base on {retire}.",
        "La page « {title} » ({url}) n'est plus disponible ({reason}). Si elle ne revient pas, elle quitte la base "
        "de connaissances le {retire}.",
    ),
    "email_answer_in_console": (
        "Rispondi dalla console dello sportello.",
        "Reply from the help desk's console.",
        "Répondez depuis la console du guichet.",
    ),
    "email_answer_at": (
        "Rispondi dalla console dello sportello: {url}",
        "Reply from the help desk's console: {url}",
        "Répondez depuis la console du guichet : {url}",
    ),
    "email_footer": (
        "Messaggio automatico dello sportello: le risposte a questa e-mail non arrivano all'impresa.",
        "An automatic message from the help desk: replies to this e-mail do not reach the company.",
        "Message automatique du guichet : les réponses à cet e-mail ne parviennent pas à l'entreprise.",
    ),
    **CATALOG_PHRASES,
    **CLAIM_PHRASES,
    **CLAIM_DESK_PHRASES,
}

LANGUAGE_NAMES = {
    "it": {"it": "italiano", "en": "inglese", "fr": "francese", "de": "tedesco", "es": "spagnolo"},
    "en": {"it": "Italian", "en": "English", "fr": "French", "de": "German", "es": "Spanish"},
    "fr": {"it": "italien", "en": "anglais", "fr": "français", "de": "allemand", "es": "espagnol"},
}
_INDEX = {"it": 0, "en": 1, "fr": 2}


def say(key: str, language: str, **values: Any) -> str:
    """The phrase ``key`` in ``language`` (Italian if unsupported), placeholders filled."""
    text = _PHRASES[key][_INDEX.get(language, 0)]
    return text.format(**values) if values else text


def joined(items: list[str], language: str) -> str:
    """``a, b e c`` / ``a, b and c`` / ``a, b et c``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {say('and', language)} {items[-1]}"


def language_name(code: str | None, language: str) -> str:
    """The name of language ``code`` in ``language``."""
    return LANGUAGE_NAMES.get(language, LANGUAGE_NAMES["it"]).get(code or "", code or "?")
