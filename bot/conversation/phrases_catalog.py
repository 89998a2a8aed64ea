"""What the catalog's computed answers say (status, lists, facts, estimates), in Italian,
English and French; merged into ``phrases`` (``say`` reads them all)."""

from __future__ import annotations

CATALOG_PHRASES: dict[str, tuple[str, str, str]] = {
    # Catalog
    "status_open": (
        "{title}: aperto{since}, scadenza {deadline} ({days_left}).",
        "{title}: open{since}, deadline {deadline} ({days_left}).",
        "{title} : ouvert{since}, date limite {deadline} ({days_left}).",
    ),
    "status_closing_soon": (
        "{title}: aperto ma in chiusura, scadenza {deadline} ({days_left}).",
        "{title}: open but closing soon, deadline {deadline} ({days_left}).",
        "{title} : ouvert mais bientôt clos, date limite {deadline} ({days_left}).",
    ),
    "status_upcoming": (
        "{title}: non ancora aperto, apre il {opens}; scadenza {deadline}.",
        "{title}: not open yet, opens on {opens}; deadline {deadline}.",
        "{title} : pas encore ouvert, ouverture le {opens} ; date limite {deadline}.",
    ),
    "status_closed": (
        "{title}: chiuso, la scadenza era il {deadline}.",
        "{title}: closed, the deadline was {deadline}.",
        "{title} : clos, la date limite était le {deadline}.",
    ),
    "mission_status_open": (
        "{title}: iscrizioni aperte{since}, entro il {deadline} ({days_left}).",
        "{title}: registration open{since}, until {deadline} ({days_left}).",
        "{title} : inscriptions ouvertes{since}, jusqu'au {deadline} ({days_left}).",
    ),
    "mission_status_closing_soon": (
        "{title}: iscrizioni in chiusura, entro il {deadline} ({days_left}).",
        "{title}: registration closing soon, until {deadline} ({days_left}).",
        "{title} : inscriptions bientôt closes, jusqu'au {deadline} ({days_left}).",
    ),
    "mission_status_upcoming": (
        "{title}: iscrizioni non ancora aperte, dal {opens} al {deadline}.",
        "{title}: registration not open yet, from {opens} until {deadline}.",
        "{title} : inscriptions pas encore ouvertes, du {opens} au {deadline}.",
    ),
    "mission_status_closed": (
        "{title}: iscrizioni chiuse, la scadenza era il {deadline}.",
        "{title}: registration closed, the deadline was {deadline}.",
        "{title} : inscriptions closes, la date limite était le {deadline}.",
    ),
    "claim_deadline": (
        "{title}: la domanda di rimborso va inviata entro {days} giorni dalla fine della missione ({ends}), "
        "cioè entro il {due}.",
        "{title}: the reimbursement claim must be sent within {days} days of the end of the mission ({ends}), "
        "that is by {due}.",
        "{title} : la demande de remboursement doit être envoyée dans les {days} jours suivant la fin de la "
        "mission ({ends}), soit au plus tard le {due}.",
    ),
    "mission_dates": (
        "{title}: dal {starts} al {ends}, a {cities}.",
        "{title}: from {starts} to {ends}, in {cities}.",
        "{title} : du {starts} au {ends}, à {cities}.",
    ),
    "since": (" dal {date}", " since {date}", " depuis le {date}"),
    "days_left": ("mancano {n} giorni", "{n} days left", "encore {n} jours"),
    "day_left": ("manca 1 giorno", "1 day left", "encore 1 jour"),
    "closes_today": ("chiude oggi", "closes today", "clôture aujourd'hui"),
    "open_list_intro": (
        "Ecco bandi e missioni aperti o in arrivo, ad oggi ({today}):",
        "These are the calls and missions open or coming up, as of today ({today}):",
        "Voici les appels et missions ouverts ou à venir, à ce jour ({today}) :",
    ),
    "list_closing_soon": ("In chiusura a breve:", "Closing soon:", "Bientôt clos :"),
    "list_open": ("Aperti:", "Open:", "Ouverts :"),
    "list_upcoming": ("Non ancora aperti:", "Not open yet:", "Pas encore ouverts :"),
    "open_list_country": (
        "Per {country}, oggi ({today}):",
        "For {country}, as of today ({today}):",
        "Pour {country}, aujourd'hui ({today}) :",
    ),
    "nothing_for_country": (
        "Nel catalogo dello sportello non c'è nessuna missione o bando per {country}.",
        "The help desk's catalog has no mission or call for {country}.",
        "Le catalogue du guichet ne contient aucune mission ni aucun appel pour {country}.",
    ),
    "nothing_open": (
        "Al momento non c'è nulla di aperto che corrisponda.",
        "Nothing matching is open at the moment.",
        "Rien de correspondant n'est ouvert pour le moment.",
    ),
    "available_instead": (
        "Missioni e bandi aperti o in arrivo: {items}.",
        "Missions and calls open or coming up: {items}.",
        "Missions et appels ouverts ou à venir : {items}.",
    ),
    "closed_notice": (
        "Attenzione: «{title}» è chiuso, la scadenza era il {deadline}.",
        'Note: "{title}" is closed; the deadline was {deadline}.',
        "Attention : « {title} » est clos ; la date limite était le {deadline}.",
    ),
    # Reimbursement estimates
    "estimate_intro": (
        "Stima del rimborso secondo «{rule}» ({rate} delle spese ammissibili, massimo {cap} in totale):",
        'Reimbursement estimate under "{rule}" ({rate} of eligible costs, {cap} at most in total):',
        "Estimation du remboursement selon « {rule} » ({rate} des frais éligibles, {cap} au maximum au total) :",
    ),
    "cap_label": ("massimale", "cap", "plafond"),
    "capped_at": ("limitato al massimale di {amount}", "capped at {amount}", "plafonné à {amount}"),
    "estimate_total": (
        "Totale rimborsabile: {total}.",
        "Total reimbursable: {total}.",
        "Total remboursable : {total}.",
    ),
    "estimate_total_capped": (
        "Totale rimborsabile: {total} (le voci sommano {subtotal}, ma il massimo per impresa è {cap}).",
        "Total reimbursable: {total} (the lines add up to {subtotal}, but the cap per company is {cap}).",
        "Total remboursable : {total} (les lignes totalisent {subtotal}, mais le plafond par entreprise est {cap}).",
    ),
    "estimate_caveat": (
        "È una stima: l'importo definitivo dipende dai giustificativi accettati.",
        "This is an estimate: the final amount depends on the receipts accepted.",
        "C'est une estimation : le montant définitif dépend des justificatifs acceptés.",
    ),
    "estimate_not_understood": (
        "Non ho capito queste voci: {items}. Puoi indicare per ciascuna cosa è e l'importo?",
        "I didn't understand these items: {items}. Could you say what each is and its amount?",
        "Je n'ai pas compris ces postes : {items}. Pouvez-vous préciser pour chacun sa nature et le montant ?",
    ),
    "estimate_units": (
        "Per calcolare «{label}» mi serve il numero di notti o giorni (ad esempio «hotel 3 notti 450 €»).",
        'To compute "{label}" I need the number of nights or days (for example "hotel 3 nights 450 €").',
        "Pour calculer « {label} », il me faut le nombre de nuits ou de jours (par exemple « hôtel 3 nuits 450 € »).",
    ),
    "estimate_which_mission": (
        "Per stimare il rimborso mi serve sapere di quale missione si tratta. {options}",
        "To estimate the reimbursement I need to know which mission it is. {options}",
        "Pour estimer le remboursement, il me faut savoir de quelle mission il s'agit. {options}",
    ),
}
