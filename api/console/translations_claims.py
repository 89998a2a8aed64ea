"""English and French of the console's reimbursement claims: the queue, the dossier, the
correction form and the checks' sentences (the rules are in ``api.console.translations``)."""

from __future__ import annotations

CLAIMS: dict[str, dict[str, str]] = {
    # base.html (the header), escalation.html (the link to the dossier)
    "Pratiche di rimborso": {"en": "Reimbursement claims", "fr": "Demandes de remboursement"},
    "Pratica di rimborso": {"en": "Reimbursement claim", "fr": "Demande de remboursement"},
    "Apri la pratica #{n}: documenti, controlli e stima": {
        "en": "Open claim #{n}: documents, checks and estimate",
        "fr": "Ouvrir la demande #{n} : documents, contrôles et estimation",
    },
    # claims.html: the queue
    "Pratica #{n}": {"en": "Claim #{n}", "fr": "Demande #{n}"},
    "Prima quelle inviate allo staff, dalla più vecchia; poi quelle in cui l'impresa sta ancora mandando i file.": {
        "en": "First those sent to staff, oldest first; then those whose company is still sending files.",
        "fr": "D'abord celles envoyées à l'équipe, de la plus ancienne ; puis celles dont l'entreprise envoie encore "
        "les fichiers.",
    },
    "Le pratiche chiuse, dalla più recente.": {
        "en": "Closed claims, latest first.",
        "fr": "Les demandes clôturées, de la plus récente.",
    },
    "La stima è quella dei controlli automatici: la conferma spetta allo staff.": {
        "en": "The estimate is the automatic checks': staff confirm it.",
        "fr": "L'estimation est celle des contrôles automatiques : l'équipe la confirme.",
    },
    "Nessuna pratica.": {"en": "No claims.", "fr": "Aucune demande."},
    "Impresa e referente": {"en": "Company and contact person", "fr": "Entreprise et référent"},
    "Missione": {"en": "Mission", "fr": "Mission"},
    "Stima del rimborso": {"en": "Estimated reimbursement", "fr": "Remboursement estimé"},
    "da indicare": {"en": "to be set", "fr": "à indiquer"},
    "({n} in lettura)": {"en": "({n} being read)", "fr": "({n} en lecture)"},
    "completa": {"en": "complete", "fr": "complète"},
    "da completare": {"en": "incomplete", "fr": "à compléter"},
    # claim.html: how the last action went
    "Correzione salvata: i controlli e la stima sono ricalcolati.": {
        "en": "Correction saved: the checks and the estimate are worked out again.",
        "fr": "Correction enregistrée : les contrôles et l'estimation sont recalculés.",
    },
    "File accettato.": {"en": "File accepted.", "fr": "Fichier accepté."},
    "File rifiutato: resta nella pratica ma esce dai controlli.": {
        "en": "File rejected: it stays in the claim but leaves the checks.",
        "fr": "Fichier refusé : il reste dans la demande mais sort des contrôles.",
    },
    "Decisione annullata.": {"en": "Decision withdrawn.", "fr": "Décision annulée."},
    "Missione salvata: i controlli applicano la sua regola.": {
        "en": "Mission saved: the checks apply its rule.",
        "fr": "Mission enregistrée : les contrôles appliquent sa règle.",
    },
    "Pratica chiusa: l'esito arriva all'impresa sul suo canale.": {
        "en": "Claim closed: the outcome reaches the company on its channel.",
        "fr": "Demande clôturée : le résultat parvient à l'entreprise sur son canal.",
    },
    # claim.html: the header and the estimate
    "Pratica di rimborso #{n}": {"en": "Reimbursement claim #{n}", "fr": "Demande de remboursement #{n}"},
    "Impresa non indicata": {"en": "Company not given", "fr": "Entreprise non indiquée"},
    "inviata allo staff il {when}": {"en": "sent to staff on {when}", "fr": "envoyée à l'équipe le {when}"},
    "non ancora inviata allo staff": {"en": "not sent to staff yet", "fr": "pas encore envoyée à l'équipe"},
    "Altre pratiche della stessa conversazione:": {
        "en": "Other claims of the same conversation:",
        "fr": "Autres demandes de la même conversation :",
    },
    "Stima": {"en": "Estimate", "fr": "Estimation"},
    "Spese ammissibili": {"en": "Eligible costs", "fr": "Dépenses admissibles"},
    "Rimborso stimato": {"en": "Estimated reimbursement", "fr": "Remboursement estimé"},
    "Pratica": {"en": "Claim", "fr": "Demande"},
    "È una stima: la calcolano i controlli automatici dalle letture dei file e dalla regola «{rule}». Non è una "
    "conferma di pagamento: l'importo lo stabilisce lo staff.": {
        "en": "This is an estimate: the automatic checks work it out from the files as read and the rule “{rule}”. "
        "It is no confirmation of payment: staff set the amount.",
        "fr": "C'est une estimation : les contrôles automatiques la calculent à partir des lectures des fichiers et "
        "de la règle « {rule} ». Ce n'est pas une confirmation de paiement : l'équipe fixe le montant.",
    },
    "Documenti fuori dalla stima finché lo staff non decide: {n}.": {
        "en": "Documents left out of the estimate until staff decide: {n}.",
        "fr": "Documents hors de l'estimation tant que l'équipe n'a pas décidé : {n}.",
    },
    "File ancora in lettura: {n}. I controlli arrivano quando sono tutti letti.": {
        "en": "Files still being read: {n}. The checks come once they are all read.",
        "fr": "Fichiers encore en lecture : {n}. Les contrôles arrivent quand ils sont tous lus.",
    },
    "Indica la missione della pratica: i controlli applicano la sua regola di rimborso.": {
        "en": "Set the claim's mission: the checks apply its reimbursement rule.",
        "fr": "Indiquez la mission de la demande : les contrôles appliquent sa règle de remboursement.",
    },
    "La missione non ha una regola di rimborso nel catalogo: nessun controllo.": {
        "en": "The mission has no reimbursement rule in the catalogue: no checks.",
        "fr": "La mission n'a pas de règle de remboursement dans le catalogue : aucun contrôle.",
    },
    # claim.html: the checks
    "Controlli ({n})": {"en": "Checks ({n})", "fr": "Contrôles ({n})"},
    "Esito": {"en": "Result", "fr": "Résultat"},
    "Controllo": {"en": "Check", "fr": "Contrôle"},
    "Documento": {"en": "Document", "fr": "Document"},
    "Clausola della regola": {"en": "Clause of the rule", "fr": "Clause de la règle"},
    # claim.html: each file
    "in lettura": {"en": "being read", "fr": "en lecture"},
    "ricevuto il {when}": {"en": "received on {when}", "fr": "reçu le {when}"},
    "Scarica il file": {"en": "Download the file", "fr": "Télécharger le fichier"},
    "da {who}, {when}": {"en": "by {who}, {when}", "fr": "par {who}, {when}"},
    "Letto da Sportello": {"en": "Read by Sportello", "fr": "Lu par Sportello"},
    "Correzione dello staff": {"en": "Staff correction", "fr": "Correction de l'équipe"},
    "Tipo di documento": {"en": "Document type", "fr": "Type de document"},
    "Data": {"en": "Date", "fr": "Date"},
    "Importo": {"en": "Amount", "fr": "Montant"},
    "Valuta": {"en": "Currency", "fr": "Devise"},
    "Fornitore": {"en": "Supplier", "fr": "Fournisseur"},
    "Notti": {"en": "Nights", "fr": "Nuits"},
    "assente": {"en": "absent", "fr": "absent"},
    "Corretto da {who}.": {"en": "Corrected by {who}.", "fr": "Corrigé par {who}."},
    "Dubbi del lettore:": {"en": "The reader's doubts:", "fr": "Doutes de la lecture :"},
    "Categoria:": {"en": "Category:", "fr": "Catégorie :"},
    "ammissibile {eligible}, rimborso {reimbursable}": {
        "en": "eligible {eligible}, reimbursement {reimbursable}",
        "fr": "admissible {eligible}, remboursement {reimbursable}",
    },
    "fuori dalla stima finché lo staff non decide": {
        "en": "left out of the estimate until staff decide",
        "fr": "hors de l'estimation tant que l'équipe n'a pas décidé",
    },
    "Testo letto ({n} caratteri)": {"en": "Text read ({n} characters)", "fr": "Texte lu ({n} caractères)"},
    "Nessun testo: leggi il file.": {"en": "No text: read the file.", "fr": "Aucun texte : lisez le fichier."},
    "Correggi la lettura": {"en": "Correct the reading", "fr": "Corriger la lecture"},
    "Scrivi solo ciò che cambi: un campo vuoto resta com'è. La lettura originale resta visibile accanto.": {
        "en": "Write only what you change: an empty field stays as it is. The original reading stays visible "
        "beside it.",
        "fr": "N'écrivez que ce que vous changez : un champ vide reste tel quel. La lecture d'origine reste visible à "
        "côté.",
    },
    "invariato": {"en": "unchanged", "fr": "inchangé"},
    "Il documento non riporta:": {"en": "The document does not show:", "fr": "Le document n'indique pas :"},
    "Salva la correzione": {"en": "Save the correction", "fr": "Enregistrer la correction"},
    "Accetta": {"en": "Accept", "fr": "Accepter"},
    "Rifiuta": {"en": "Reject", "fr": "Refuser"},
    "Annulla la decisione": {"en": "Withdraw the decision", "fr": "Annuler la décision"},
    "Nessun file.": {"en": "No files.", "fr": "Aucun fichier."},
    # claim.html: the details, the mission, closing, the conversation
    "Referente": {"en": "Contact person", "fr": "Référent"},
    "Telefono": {"en": "Phone", "fr": "Téléphone"},
    "Inviata allo staff": {"en": "Sent to staff", "fr": "Envoyée à l'équipe"},
    "(dedotta dalle date dei documenti)": {
        "en": "(inferred from the documents' dates)",
        "fr": "(déduite des dates des documents)",
    },
    "Regola di rimborso": {"en": "Reimbursement rule", "fr": "Règle de remboursement"},
    "Chiusa da": {"en": "Closed by", "fr": "Clôturée par"},
    "Esito inviato all'impresa": {"en": "Outcome sent to the company", "fr": "Résultat envoyé à l'entreprise"},
    "Richiesta allo staff:": {"en": "Request to staff:", "fr": "Demande à l'équipe :"},
    "Da lì rispondi all'impresa senza chiudere la pratica.": {
        "en": "Reply to the company there without closing the claim.",
        "fr": "Répondez-y à l'entreprise sans clôturer la demande.",
    },
    "I controlli applicano la regola della missione scelta.": {
        "en": "The checks apply the chosen mission's rule.",
        "fr": "Les contrôles appliquent la règle de la mission choisie.",
    },
    "scegli…": {"en": "choose…", "fr": "choisir…"},
    "Salva la missione": {"en": "Save the mission", "fr": "Enregistrer la mission"},
    "Chiudi la pratica": {"en": "Close the claim", "fr": "Clôturer la demande"},
    "Chiudere la pratica e inviare l'esito all'impresa?": {
        "en": "Close the claim and send the outcome to the company?",
        "fr": "Clôturer la demande et envoyer le résultat à l'entreprise ?",
    },
    "Esito per l'impresa (arriva su {channel})": {
        "en": "Outcome for the company (it reaches them on {channel})",
        "fr": "Résultat pour l'entreprise (il lui parvient sur {channel})",
    },
    "Chiudi e invia l'esito": {"en": "Close and send the outcome", "fr": "Clôturer et envoyer le résultat"},
    "Nessun messaggio.": {"en": "No messages.", "fr": "Aucun message."},
    # claim_form.py: a correction refused
    "Campo sconosciuto.": {"en": "Unknown field.", "fr": "Champ inconnu."},
    "Hai scritto un valore e l'hai anche segnato come assente.": {
        "en": "You wrote a value and also marked it as absent.",
        "fr": "Vous avez écrit une valeur et l'avez aussi marquée comme absente.",
    },
    "Nessuna correzione: scrivi un valore o segna un campo come assente.": {
        "en": "No correction: write a value or mark a field as absent.",
        "fr": "Aucune correction : écrivez une valeur ou marquez un champ comme absent.",
    },
    "Un importo come 1452,97 o 88000, senza segno.": {
        "en": "An amount such as 1452.97 or 88000, without a sign.",
        "fr": "Un montant comme 1452,97 ou 88000, sans signe.",
    },
    "Una data come 18/06/2027.": {"en": "A date such as 18/06/2027.", "fr": "Une date comme 18/06/2027."},
    "Una data fra il {first} e l'anno prossimo.": {
        "en": "A date between {first} and next year.",
        "fr": "Une date entre {first} et l'année prochaine.",
    },
    "Un codice di valuta di tre lettere, come EUR o JPY.": {
        "en": "A three-letter currency code, such as EUR or JPY.",
        "fr": "Un code de devise de trois lettres, comme EUR ou JPY.",
    },
    "Tipo di documento sconosciuto.": {"en": "Unknown document type.", "fr": "Type de document inconnu."},
    "Un numero di notti fra 0 e {n}.": {
        "en": "A number of nights from 0 to {n}.",
        "fr": "Un nombre de nuits de 0 à {n}.",
    },
    # claims.py: errors
    "La pratica è chiusa: non si modifica più.": {
        "en": "The claim is closed: it can no longer be changed.",
        "fr": "La demande est clôturée : elle ne peut plus être modifiée.",
    },
    "La correzione non è valida.": {"en": "The correction is not valid.", "fr": "La correction n'est pas valide."},
    "Decisione sconosciuta.": {"en": "Unknown decision.", "fr": "Décision inconnue."},
    "Questa missione non è nel catalogo o non ha una regola di rimborso.": {
        "en": "This mission is not in the catalogue or has no reimbursement rule.",
        "fr": "Cette mission n'est pas dans le catalogue ou n'a pas de règle de remboursement.",
    },
    "L'esito per l'impresa va da 1 a {n} caratteri.": {
        "en": "The outcome for the company takes 1 to {n} characters.",
        "fr": "Le résultat pour l'entreprise compte de 1 à {n} caractères.",
    },
    "La pratica #{n} non esiste (o i dati sono stati cancellati).": {
        "en": "Claim #{n} does not exist (or its data has been erased).",
        "fr": "La demande #{n} n'existe pas (ou ses données ont été effacées).",
    },
    "Il file #{n} non è di questa pratica (o è stato cancellato).": {
        "en": "File #{n} is not one of this claim's (or it has been erased).",
        "fr": "Le fichier #{n} n'appartient pas à cette demande (ou il a été effacé).",
    },
    "Assente": {"en": "Absent", "fr": "Absent"},
    # claim_view.py: each check's sentence
    "{what}.": {"en": "{what}.", "fr": "{what}."},
    "Presente.": {"en": "Present.", "fr": "Présent."},
    "Nessun file di questo tipo.": {"en": "No file of this kind.", "fr": "Aucun fichier de ce type."},
    "Manca la carta d'imbarco: {leg}.": {
        "en": "Boarding pass missing: {leg}.",
        "fr": "Carte d'embarquement manquante : {leg}.",
    },
    "Nessun tipo di documento riconosce questa voce: verificala tu.": {
        "en": "No document type matches this line: check it yourself.",
        "fr": "Aucun type de document ne correspond à cette ligne : vérifiez-la vous-même.",
    },
    "Del {date}: più vecchio del {oldest}.": {
        "en": "Dated {date}: older than {oldest}.",
        "fr": "Du {date} : antérieur au {oldest}.",
    },
    "Testo non leggibile: apri il file e correggi la lettura.": {
        "en": "Text not readable: open the file and correct the reading.",
        "fr": "Texte illisible : ouvrez le fichier et corrigez la lecture.",
    },
    "Lettura incerta: {problem}.": {"en": "Uncertain reading: {problem}.", "fr": "Lecture incertaine : {problem}."},
    "Categoria di spesa non riconosciuta: correggi il tipo di documento.": {
        "en": "Cost category not recognised: correct the document type.",
        "fr": "Catégorie de dépense non reconnue : corrigez le type de document.",
    },
    "Già presentato nella pratica #{n} («{other}»): fuori dalla stima, verifica che non sia pagato due volte.": {
        "en": "Already in claim #{n} (“{other}”): left out of the estimate; check it is not paid twice.",
        "fr": "Déjà présenté dans la demande #{n} (« {other} ») : hors de l'estimation ; vérifiez qu'il n'est pas "
        "payé deux fois.",
    },
    "Rifiutato dal lettore (non è un documento leggibile): non aprirlo; se serve, chiedi un PDF all'impresa.": {
        "en": "Refused by the reader (not a readable document): do not open it; if needed, ask the company for a PDF.",
        "fr": "Refusé par le lecteur (ce n'est pas un document lisible) : ne l'ouvrez pas ; si besoin, demandez un "
        "PDF à l'entreprise.",
    },
    "Sembra un doppione di «{other}»: contato una volta.": {
        "en": "Looks like a duplicate of “{other}”: counted once.",
        "fr": "Semble un doublon de « {other} » : compté une fois.",
    },
    "{units} notti, la regola ne conta al massimo {counted}: scegli quali.": {
        "en": "{units} nights, the rule counts {counted} at most: choose which.",
        "fr": "{units} nuits, la règle en compte {counted} au maximum : choisissez lesquelles.",
    },
    "Numero di notti non letto: correggilo.": {
        "en": "Number of nights not read: correct it.",
        "fr": "Nombre de nuits non lu : corrigez-le.",
    },
    "Spesa esclusa dalla regola ({topic}).": {
        "en": "Cost excluded by the rule ({topic}).",
        "fr": "Dépense exclue par la règle ({topic}).",
    },
    "Comprende una parte esclusa ({topic}): togli quella parte dall'importo.": {
        "en": "Includes an excluded part ({topic}): take that part off the amount.",
        "fr": "Comprend une partie exclue ({topic}) : retirez cette partie du montant.",
    },
    "Forse esclusa dalla regola ({topic}): decidi tu.": {
        "en": "Perhaps excluded by the rule ({topic}): your call.",
        "fr": "Peut-être exclue par la règle ({topic}) : à vous de décider.",
    },
    "Senza data: non si può dire se cade nelle date della missione ({starts} – {ends}).": {
        "en": "No date: whether it falls within the mission's dates ({starts} – {ends}) cannot be told.",
        "fr": "Sans date : impossible de dire s'il tombe dans les dates de la mission ({starts} – {ends}).",
    },
    "Del {date}: fuori dalle date ammesse per la missione ({starts} – {ends}).": {
        "en": "Dated {date}: outside the dates allowed for the mission ({starts} – {ends}).",
        "fr": "Du {date} : hors des dates admises pour la mission ({starts} – {ends}).",
    },
    "{amount} senza una riga dell'estratto conto in euro che lo paghi: da convertire.": {
        "en": "{amount} with no bank statement line in euros paying it: to be converted.",
        "fr": "{amount} sans ligne de relevé bancaire en euros qui le paie : à convertir.",
    },
    "{amount} pagati {euros} (da «{proof}»).": {
        "en": "{amount} paid as {euros} (from “{proof}”).",
        "fr": "{amount} payés {euros} (d'après « {proof} »).",
    },
    "Inviata il {submitted}, oltre la scadenza del {due}: l'intera domanda non è ammessa.": {
        "en": "Sent on {submitted}, after the deadline of {due}: the whole claim is not allowed.",
        "fr": "Envoyée le {submitted}, après l'échéance du {due} : toute la demande est irrecevable.",
    },
    "{units} notti, la regola ne conta {counted}: {eligible} ammissibili su {claimed}.": {
        "en": "{units} nights, the rule counts {counted}: {eligible} eligible of {claimed}.",
        "fr": "{units} nuits, la règle en compte {counted} : {eligible} admissibles sur {claimed}.",
    },
    "Totale ammissibile {subtotal}: si rimborsa al massimo {cap}.": {
        "en": "Eligible total {subtotal}: at most {cap} is reimbursed.",
        "fr": "Total admissible {subtotal} : au plus {cap} est remboursé.",
    },
    "Chiesti {claimed}: la categoria ammette al massimo {cap}.": {
        "en": "Claimed {claimed}: the category allows at most {cap}.",
        "fr": "Demandé {claimed} : la catégorie admet au plus {cap}.",
    },
    "Domande entro {n} giorni dalla fine della missione.": {
        "en": "Claims within {n} days of the mission's end.",
        "fr": "Demandes dans les {n} jours après la fin de la mission.",
    },
    "Massimale per impresa e per missione: {cap}.": {
        "en": "Cap per company and mission: {cap}.",
        "fr": "Plafond par entreprise et par mission : {cap}.",
    },
    "rifiutato: {why}": {"en": "refused: {why}", "fr": "refusé : {why}"},
}
