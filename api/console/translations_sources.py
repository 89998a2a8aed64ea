"""English and French of the console's web-source pages: the sources, one source's pages and
log, and the catalog proposals (the rules are in ``api.console.translations``)."""

from __future__ import annotations

SOURCES: dict[str, dict[str, str]] = {
    # base.html (the header), knowledge.html (the link to the proposals)
    "Fonti web": {"en": "Web sources", "fr": "Sources web"},
    "Proposte per il catalogo da rivedere: {n}": {
        "en": "Catalogue proposals to review: {n}", "fr": "Propositions pour le catalogue à revoir : {n}",
    },
    "(lette dalle fonti web)": {"en": "(read from the web sources)", "fr": "(lues dans les sources web)"},
    # web_notices.html: how the last action went
    "Fonte aggiunta: viene sincronizzata al prossimo giro del calendario, o subito con «Sincronizza ora».": {
        "en": "Source added: it is synced at the schedule's next round, or at once with “Sync now”.",
        "fr": "Source ajoutée : elle est synchronisée au prochain passage du calendrier, ou tout de suite avec "
        "« Synchroniser maintenant ».",
    },
    "Sincronizzazione terminata: l'esito è qui sotto.": {
        "en": "Sync finished: the outcome is below.", "fr": "Synchronisation terminée : le résultat est ci-dessous.",
    },
    "Fonte in pausa: non viene sincronizzata finché non la riprendi.": {
        "en": "Source paused: it is not synced until you resume it.",
        "fr": "Source en pause : elle n'est plus synchronisée tant que vous ne la reprenez pas.",
    },
    "Fonte ripresa: torna nel calendario delle sincronizzazioni.": {
        "en": "Source resumed: it is back on the sync schedule.",
        "fr": "Source reprise : elle revient dans le calendrier des synchronisations.",
    },
    "Fonte rimossa: le sue pagine sono uscite dalla base di conoscenza.": {
        "en": "Source removed: its pages have left the knowledge base.",
        "fr": "Source retirée : ses pages ont quitté la base de connaissances.",
    },
    "Voce aggiunta al catalogo: l'assistente la usa da subito.": {
        "en": "Entry added to the catalogue: the assistant uses it right away.",
        "fr": "Entrée ajoutée au catalogue : l'assistant l'utilise dès maintenant.",
    },
    "Proposta scartata.": {"en": "Proposal dismissed.", "fr": "Proposition écartée."},
    "Un altro processo sta sincronizzando questa fonte: riprova fra poco.": {
        "en": "Another process is syncing this source now: try again shortly.",
        "fr": "Un autre processus synchronise cette source : réessayez dans un instant.",
    },
    "La sincronizzazione non è riuscita:": {"en": "The sync failed:", "fr": "La synchronisation a échoué :"},
    "Pagine scaricate ma non ancora pubblicate: è in corso un'altra indicizzazione. Vengono pubblicate al prossimo "
    "tentativo.": {
        "en": "Pages fetched but not published yet: another indexing run is under way. They are published at the "
        "next attempt.",
        "fr": "Pages récupérées mais pas encore publiées : une autre indexation est en cours. Elles sont publiées à "
        "la prochaine tentative.",
    },
    "Pagine scaricate ma non pubblicate: con esse le domande di controllo ricevono risposte peggiori.": {
        "en": "Pages fetched but not published: with them the check questions get worse answers.",
        "fr": "Pages récupérées mais non publiées : avec elles, les questions de contrôle reçoivent de moins bonnes "
        "réponses.",
    },
    "Spunta la conferma per rimuovere la fonte.": {
        "en": "Tick the confirmation to remove the source.", "fr": "Cochez la confirmation pour retirer la source.",
    },
    "Fonte rimossa; le sue pagine escono dalla base di conoscenza alla prossima indicizzazione (ne è in corso "
    "un'altra).": {
        "en": "Source removed; its pages leave the knowledge base at the next indexing run (another one is under way).",
        "fr": "Source retirée ; ses pages quittent la base de connaissances à la prochaine indexation (une autre est "
        "en cours).",
    },
    "Questa proposta è già stata confermata o scartata.": {
        "en": "This proposal has been confirmed or dismissed already.",
        "fr": "Cette proposition a déjà été confirmée ou écartée.",
    },
    "Il file del catalogo web non è valido (modificato a mano?): correggilo o eliminalo, poi riprova.": {
        "en": "The web catalogue file is not valid (edited by hand?): fix or delete it, then try again.",
        "fr": "Le fichier du catalogue web n'est pas valide (modifié à la main ?) : corrigez-le ou supprimez-le, "
        "puis réessayez.",
    },
    "Voce salvata nel catalogo: entra nella base di conoscenza alla prossima indicizzazione (ne è in corso "
    "un'altra).": {
        "en": "Entry saved in the catalogue: it enters the knowledge base at the next indexing run (another one is "
        "under way).",
        "fr": "Entrée enregistrée dans le catalogue : elle entre dans la base de connaissances à la prochaine "
        "indexation (une autre est en cours).",
    },
    # sources.html, source.html
    "Il sito del cluster, le pagine dei bandi, una sitemap o un feed: le loro pagine restano allineate con la base "
    "di conoscenza.": {
        "en": "The cluster's website, the calls' pages, a sitemap or a feed: their pages stay in step with the "
        "knowledge base.",
        "fr": "Le site du cluster, les pages des appels, un plan du site ou un flux : leurs pages restent alignées "
        "sur la base de connaissances.",
    },
    "Fonti seguite ({n})": {"en": "Sources followed ({n})", "fr": "Sources suivies ({n})"},
    "Nessuna fonte web.": {"en": "No web sources.", "fr": "Aucune source web."},
    "Tipo di fonte": {"en": "Source type", "fr": "Type de source"},
    "Contenuto · lingua": {"en": "Content · language", "fr": "Contenu · langue"},
    "Calendario": {"en": "Schedule", "fr": "Calendrier"},
    "Pagine": {"en": "Pages", "fr": "Pages"},
    "Ultima sincronizzazione": {"en": "Last sync", "fr": "Dernière synchronisation"},
    "Azioni": {"en": "Actions", "fr": "Actions"},
    "Fonte #{n}": {"en": "Source #{n}", "fr": "Source n° {n}"},
    "letto da ogni pagina": {"en": "read from each page", "fr": "lu sur chaque page"},
    "letta da ogni pagina": {"en": "read from each page", "fr": "lue sur chaque page"},
    "ogni {n} h": {"en": "every {n} h", "fr": "toutes les {n} h"},
    "prossima: {when}": {"en": "next: {when}", "fr": "prochaine : {when}"},
    "in pausa": {"en": "paused", "fr": "en pause"},
    "mai sincronizzata": {"en": "never synced", "fr": "jamais synchronisée"},
    "Sincronizza ora": {"en": "Sync now", "fr": "Synchroniser maintenant"},
    "Metti in pausa": {"en": "Pause", "fr": "Mettre en pause"},
    "Riprendi": {"en": "Resume", "fr": "Reprendre"},
    "Rimuovi…": {"en": "Remove…", "fr": "Retirer…"},
    "Aggiungi una fonte": {"en": "Add a source", "fr": "Ajouter une source"},
    "Indirizzo (una pagina, una sitemap o un feed)": {
        "en": "Address (a page, a sitemap or a feed)", "fr": "Adresse (une page, un plan du site ou un flux)",
    },
    "Solo gli indirizzi che corrispondono a (espressioni regolari, una per riga; vuoto = tutti)": {
        "en": "Only addresses matching (regular expressions, one per line; empty = all)",
        "fr": "Seulement les adresses correspondant à (expressions régulières, une par ligne ; vide = toutes)",
    },
    "Mai gli indirizzi che corrispondono a (una per riga)": {
        "en": "Never addresses matching (one per line)", "fr": "Jamais les adresses correspondant à (une par ligne)",
    },
    "Pagine per sincronizzazione, al massimo": {
        "en": "Pages per sync, at most",
        "fr": "Pages par synchronisation, au maximum",
    },
    "Profondità dei link seguiti sullo stesso sito (solo per una pagina)": {
        "en": "Depth of the links followed on the same site (for a page only)",
        "fr": "Profondeur des liens suivis sur le même site (pour une page seulement)",
    },
    "Lingua delle pagine": {"en": "Language of the pages", "fr": "Langue des pages"},
    "Contenuto": {"en": "Content", "fr": "Contenu"},
    "Sincronizza ogni (ore)": {"en": "Sync every (hours)", "fr": "Synchroniser toutes les (heures)"},
    "Aggiungi la fonte": {"en": "Add the source", "fr": "Ajouter la source"},
    "Tutte le fonti web": {"en": "All web sources", "fr": "Toutes les sources web"},
    "al massimo {n} pagine": {"en": "at most {n} pages", "fr": "{n} pages au maximum"},
    "profondità {n}": {"en": "depth {n}", "fr": "profondeur {n}"},
    "Solo gli indirizzi che corrispondono a": {
        "en": "Only addresses matching",
        "fr": "Seulement les adresses correspondant à",
    },
    "tutti": {"en": "all", "fr": "toutes"},
    "Mai gli indirizzi che corrispondono a": {
        "en": "Never addresses matching",
        "fr": "Jamais les adresses correspondant à",
    },
    "Pagine ({n})": {"en": "Pages ({n})", "fr": "Pages ({n})"},
    "Nessuna pagina: la fonte non è ancora stata sincronizzata.": {
        "en": "No pages: the source has not been synced yet.",
        "fr": "Aucune page : la source n'a pas encore été synchronisée.",
    },
    "Pagina": {"en": "Page", "fr": "Page"},
    "Ultimo download": {"en": "Last fetched", "fr": "Dernière récupération"},
    "dal {when}": {"en": "since {when}", "fr": "depuis le {when}"},
    "Ultime sincronizzazioni": {"en": "Latest syncs", "fr": "Dernières synchronisations"},
    "Mai sincronizzata.": {"en": "Never synced.", "fr": "Jamais synchronisée."},
    "{n} kB scaricati": {"en": "{n} kB fetched", "fr": "{n} ko récupérés"},
    "Rimuovi la fonte": {"en": "Remove the source", "fr": "Retirer la source"},
    "Sì, smetti di seguirla: le sue {n} pagine escono dalla base di conoscenza.": {
        "en": "Yes, stop following it: its {n} pages leave the knowledge base.",
        "fr": "Oui, ne plus la suivre : ses {n} pages quittent la base de connaissances.",
    },
    # proposals.html
    "Proposte per il catalogo": {"en": "Catalogue proposals", "fr": "Propositions pour le catalogue"},
    "Date e importi letti automaticamente dalle pagine dei bandi e delle missioni. Controllali sulla pagina e "
    "correggili: confermati diventano una voce del catalogo, su cui l'assistente ragiona (aperto o chiuso, "
    "importi).": {
        "en": "Dates and amounts read automatically from the pages of calls and missions. Check them on the page "
        "and correct them: once confirmed they become a catalogue entry, which the assistant reasons on (open or "
        "closed, amounts).",
        "fr": "Dates et montants lus automatiquement sur les pages des appels et des missions. Vérifiez-les sur la "
        "page et corrigez-les : une fois confirmés, ils deviennent une entrée du catalogue, sur laquelle "
        "l'assistant raisonne (ouvert ou clos, montants).",
    },
    "Nessuna proposta da rivedere.": {"en": "No proposals to review.", "fr": "Aucune proposition à revoir."},
    "letta {when}": {"en": "read {when}", "fr": "lue le {when}"},
    "Cosa dice la pagina": {"en": "What the page says", "fr": "Ce que dit la page"},
    "Cosa è cambiato dall'ultima conferma": {
        "en": "What changed since it was last confirmed", "fr": "Ce qui a changé depuis la dernière confirmation",
    },
    "Campo": {"en": "Field", "fr": "Champ"},
    "Prima": {"en": "Before", "fr": "Avant"},
    "Ora": {"en": "Now", "fr": "Maintenant"},
    "Voce del catalogo": {"en": "Catalogue entry", "fr": "Entrée du catalogue"},
    "Id nel catalogo": {"en": "Id in the catalogue", "fr": "Id dans le catalogue"},
    "Ente organizzatore": {"en": "Organiser", "fr": "Organisateur"},
    "Apertura": {"en": "Opens", "fr": "Ouverture"},
    "Importi": {"en": "Amounts", "fr": "Montants"},
    "Paesi": {"en": "Countries", "fr": "Pays"},
    "Settori": {"en": "Sectors", "fr": "Secteurs"},
    "Paesi (codici ISO separati da virgole, es. IT, FR)": {
        "en": "Countries (ISO codes separated by commas, e.g. IT, FR)",
        "fr": "Pays (codes ISO séparés par des virgules, p. ex. IT, FR)",
    },
    "Settori (separati da virgole)": {
        "en": "Sectors (separated by commas)",
        "fr": "Secteurs (séparés par des virgules)",
    },
    "Contributo (% dei costi)": {"en": "Funding rate (% of costs)", "fr": "Taux d'aide (% des coûts)"},
    "Importo massimo (EUR)": {"en": "Maximum amount (EUR)", "fr": "Montant maximal (EUR)"},
    "Pagina del bando o della missione": {
        "en": "Page of the call or mission",
        "fr": "Page de l'appel ou de la mission",
    },
    "Sintesi": {"en": "Summary", "fr": "Résumé"},
    "Paese (codice ISO, es. JP)": {"en": "Country (ISO code, e.g. JP)", "fr": "Pays (code ISO, p. ex. JP)"},
    "Città (separate da virgole)": {"en": "Cities (separated by commas)", "fr": "Villes (séparées par des virgules)"},
    "Inizio": {"en": "Starts", "fr": "Début"},
    "Fine": {"en": "Ends", "fr": "Fin"},
    "Scadenza (giorno)": {"en": "Deadline (day)", "fr": "Échéance (jour)"},
    "Scadenza delle iscrizioni (giorno)": {
        "en": "Registration deadline (day)",
        "fr": "Clôture des inscriptions (jour)",
    },
    "Ora della scadenza ({zone})": {"en": "Deadline time ({zone})", "fr": "Heure de l'échéance ({zone})"},
    "Conferma": {"en": "Confirm", "fr": "Confirmer"},
    "Scarta": {"en": "Dismiss", "fr": "Écarter"},
    # Messages written in Python (sources.py, proposals.py, catalog_form.py)
    "La fonte #{n} non esiste.": {"en": "Source #{n} does not exist.", "fr": "La source n° {n} n'existe pas."},
    "La proposta #{n} non esiste.": {
        "en": "Proposal #{n} does not exist.",
        "fr": "La proposition n° {n} n'existe pas.",
    },
    "Indirizzo non valido: serve un indirizzo http:// o https:// senza spazi né credenziali.": {
        "en": "Not a valid address: it must be http:// or https://, without spaces or credentials.",
        "fr": "Adresse non valide : il faut une adresse http:// ou https://, sans espaces ni identifiants.",
    },
    "Tipo di fonte sconosciuto.": {"en": "Unknown source type.", "fr": "Type de source inconnu."},
    "Pagine per sincronizzazione: fra 1 e 10.000.": {
        "en": "Pages per sync: between 1 and 10,000.", "fr": "Pages par synchronisation : entre 1 et 10 000.",
    },
    "Profondità dei link: fra 0 e 10.": {
        "en": "Link depth: between 0 and 10.",
        "fr": "Profondeur des liens : entre 0 et 10.",
    },
    "Lingua: un codice di due lettere come it.": {
        "en": "Language: a two-letter code such as en.", "fr": "Langue : un code de deux lettres comme fr.",
    },
    "Tipo di contenuto sconosciuto.": {"en": "Unknown content type.", "fr": "Type de contenu inconnu."},
    "Frequenza: fra 0,25 e 2.160 ore (90 giorni).": {
        "en": "Frequency: between 0.25 and 2,160 hours (90 days).",
        "fr": "Fréquence : entre 0,25 et 2 160 heures (90 jours).",
    },
    "Schema non valido (un'espressione regolare per riga): {reason}": {
        "en": "Pattern not valid (one regular expression per line): {reason}",
        "fr": "Motif non valide (une expression régulière par ligne) : {reason}",
    },
    "Fonte non aggiunta: {reason}": {"en": "Source not added: {reason}", "fr": "Source non ajoutée : {reason}"},
    "L'apertura non può essere dopo la scadenza.": {
        "en": "The opening date cannot be after the deadline.",
        "fr": "La date d'ouverture ne peut pas être après l'échéance.",
    },
    "L'inizio non può essere dopo la fine.": {
        "en": "The start cannot be after the end.", "fr": "Le début ne peut pas être après la fin.",
    },
    "La scadenza delle iscrizioni non può essere dopo l'inizio della missione.": {
        "en": "The registration deadline cannot be after the mission starts.",
        "fr": "La clôture des inscriptions ne peut pas être après le début de la mission.",
    },
    "Da 2 a 80 lettere minuscole, cifre, - o _, come bando-export-2027.": {
        "en": "2 to 80 lowercase letters, digits, - or _, such as export-call-2027.",
        "fr": "De 2 à 80 lettres minuscules, chiffres, - ou _, comme appel-export-2027.",
    },
    "Campo obbligatorio.": {"en": "Required field.", "fr": "Champ obligatoire."},
    "Un'ora come 23:59.": {"en": "A time such as 23:59.", "fr": "Une heure comme 23:59."},
    "Una data come 2027-06-30.": {"en": "A date such as 2027-06-30.", "fr": "Une date comme 2027-06-30."},
    "{field}: {reason}": {"en": "{field}: {reason}", "fr": "{field} : {reason}"},
    "L'id {id} è già usato da un'altra voce del catalogo.": {
        "en": "The id {id} is already used by another catalogue entry.",
        "fr": "L'id {id} est déjà utilisé par une autre entrée du catalogue.",
    },
}  # fmt: skip
"""Italian source text → {"en": …, "fr": …}."""
