"""What the desk tells an SME about the files of its claim as they arrive, and the claim's steps
(which mission, sent to the staff), in Italian, English and French; merged into
``bot.conversation.phrases`` (``say`` reads them all). A file's own words never appear here:
only its cleaned name and the fields read from it."""

from __future__ import annotations

CLAIM_KIND_PHRASES: dict[str, tuple[str, str, str]] = {
    "claim_kind_invoice": ("fattura o ricevuta", "invoice or receipt", "facture ou reçu"),
    "claim_kind_boarding_pass": ("carta d'imbarco", "boarding pass", "carte d'embarquement"),
    "claim_kind_ticket": ("biglietto di viaggio", "travel ticket", "billet de voyage"),
    "claim_kind_hotel_bill": ("conto d'albergo", "hotel bill", "facture d'hôtel"),
    "claim_kind_registration_fee": ("quota di iscrizione", "registration fee", "frais d'inscription"),
    "claim_kind_local_transport": ("trasporto locale", "local transport", "transport local"),
    "claim_kind_payment_proof": ("prova di pagamento", "proof of payment", "preuve de paiement"),
    "claim_kind_expense_form": ("modulo di rendicontazione", "claim form", "formulaire de demande"),
    "claim_kind_de_minimis": ("dichiarazione de minimis", "de minimis declaration", "déclaration de minimis"),
    "claim_kind_attendance": ("attestato di partecipazione", "attendance certificate", "attestation de présence"),
    "claim_kind_company_register": ("visura camerale", "company register extract", "extrait Kbis / registre"),
    "claim_kind_bank_details": ("coordinate bancarie", "bank details", "coordonnées bancaires"),
    "claim_kind_other": ("documento", "document", "document"),
}

CLAIM_DESK_PHRASES: dict[str, tuple[str, str, str]] = {
    **CLAIM_KIND_PHRASES,
    "claim_file_read": (
        "Ho ricevuto «{name}»: {details}.",
        "I received «{name}»: {details}.",
        "J'ai reçu « {name} » : {details}.",
    ),
    "claim_file_dated": ("del {date}", "dated {date}", "du {date}"),
    "claim_file_dated_elided": ("dell'{date}", "dated {date}", "du {date}"),
    "claim_file_unreadable": (
        "Ho ricevuto «{name}», ma non riesco a leggerne il testo ({reason}): lo leggerà lo staff. Se ne hai una "
        "versione PDF con il testo, mandala pure.",
        "I received «{name}», but I cannot read its text ({reason}): the staff will read it. If you have a PDF "
        "version with text, please send it.",
        "J'ai reçu « {name} », mais je ne peux pas en lire le texte ({reason}) : l'équipe le lira. Si vous en avez "
        "une version PDF avec du texte, envoyez-la.",
    ),
    "claim_file_refused": (
        "Non posso usare «{name}»: {reason}. Mandami PDF, DOCX, JPEG o PNG fino a {mb} MB ciascuno.",
        "I cannot use «{name}»: {reason}. Send me PDF, DOCX, JPEG or PNG files of up to {mb} MB each.",
        "Je ne peux pas utiliser « {name} » : {reason}. Envoyez-moi des PDF, DOCX, JPEG ou PNG de {mb} Mo au "
        "plus chacun.",
    ),
    "claim_reason_encrypted": ("è protetto da password", "it is password-protected", "il est protégé par mot de passe"),
    "claim_reason_scanned_pdf": (
        "è una scansione senza testo",
        "it is a scan without text",
        "c'est un scan sans texte",
    ),
    "claim_reason_image_without_ocr": (
        "le foto qui non si possono leggere",
        "photos cannot be read here",
        "les photos ne peuvent pas être lues ici",
    ),
    "claim_reason_too_large": (
        "supera i limiti di lettura (pagine, pixel o contenuto compresso)",
        "it is over the reading limits (pages, pixels or compressed content)",
        "il dépasse les limites de lecture (pages, pixels ou contenu compressé)",
    ),
    "claim_reason_empty": ("è vuoto", "it is empty", "il est vide"),
    "claim_reason_unsupported_type": (
        "non è un PDF, un DOCX o una foto JPEG/PNG",
        "it is not a PDF, a DOCX or a JPEG/PNG photo",
        "ce n'est ni un PDF, ni un DOCX, ni une photo JPEG/PNG",
    ),
    "claim_reason_corrupt": ("il file è danneggiato", "the file is damaged", "le fichier est endommagé"),
    "claim_reason_over_memory": (
        "l'immagine è troppo pesante da leggere",
        "the image is too heavy to read",
        "l'image est trop lourde à lire",
    ),
    "claim_reason_too_slow": (
        "leggerlo richiede troppo tempo",
        "it takes too long to read",
        "sa lecture prend trop de temps",
    ),
    "claim_reason_other": ("non è leggibile", "it is not readable", "il n'est pas lisible"),
    "claim_refused_too_many_files": (
        "Questa pratica ha già {n} file, il massimo: non posso aggiungerne altri. Se serve, scrivi allo staff.",
        "This claim already has {n} files, the most it can have: I cannot add more. If you need to, ask the staff.",
        "Ce dossier a déjà {n} fichiers, le maximum : je ne peux plus en ajouter. Si besoin, écrivez à l'équipe.",
    ),
    "claim_refused_too_large": (
        "Il file è troppo grande: al massimo {mb} MB per file.",
        "The file is too large: {mb} MB per file at most.",
        "Le fichier est trop volumineux : {mb} Mo par fichier au plus.",
    ),
    "claim_refused_claim_too_large": (
        "I file di questa pratica superano insieme il limite di {mb} MB: manda versioni più leggere.",
        "The files of this claim together pass the limit of {mb} MB: please send lighter versions.",
        "Les fichiers de ce dossier dépassent ensemble la limite de {mb} Mo : envoyez des versions plus légères.",
    ),
    "claim_refused_empty": ("Il file è vuoto.", "The file is empty.", "Le fichier est vide."),
    "claim_refused_not_private": (
        "Mandami i documenti della pratica in chat privata, non nel gruppo.",
        "Please send the claim's documents in a private chat, not in the group.",
        "Envoyez-moi les documents du dossier en conversation privée, pas dans le groupe.",
    ),
    "claim_next_step": (
        "Quando hai mandato tutti i documenti, premi «{check}».",
        "When you have sent all the documents, press «{check}».",
        "Quand vous avez envoyé tous les documents, appuyez sur « {check} ».",
    ),
    "claim_button_check": ("Verifica la pratica", "Check my claim", "Vérifier mon dossier"),
    "claim_button_submit": (
        "Invia la pratica allo staff",
        "Send the claim to the staff",
        "Envoyer le dossier à l'équipe",
    ),
    "claim_which_mission": (
        "Per quale missione è questa domanda di rimborso?",
        "Which mission is this reimbursement claim for?",
        "Pour quelle mission est cette demande de remboursement ?",
    ),
    "claim_no_mission": (
        "Non trovo nel catalogo una missione recente con una regola di rimborso, quindi non posso controllare la "
        "pratica da solo: premi «{submit}» e la controllerà lo staff.",
        "I cannot find a recent mission with a reimbursement rule in the catalog, so I cannot check the claim "
        "myself: press «{submit}» and the staff will check it.",
        "Je ne trouve pas dans le catalogue de mission récente avec une règle de remboursement, je ne peux donc pas "
        "vérifier le dossier moi-même : appuyez sur « {submit} » et l'équipe le vérifiera.",
    ),
    "claim_no_files": (
        "Non ho ancora ricevuto documenti per la pratica: mandali qui, anche come foto.",
        "I have not received any documents for the claim yet: send them here, photos too.",
        "Je n'ai encore reçu aucun document pour le dossier : envoyez-les ici, photos comprises.",
    ),
    "claim_ready_to_submit": (
        "Se va bene così, premi «{submit}».",
        "If this is all, press «{submit}».",
        "Si c'est tout, appuyez sur « {submit} ».",
    ),
    "claim_ready_to_submit_incomplete": (
        "Manda qui i documenti che mancano; se non ne hai altri, premi comunque «{submit}» e lo staff ti dirà "
        "come procedere.",
        "Send the missing documents here; if you have no others, press «{submit}» anyway and the staff will tell "
        "you how to proceed.",
        "Envoyez ici les documents qui manquent ; si vous n'en avez pas d'autres, appuyez quand même sur "
        "« {submit} » et l'équipe vous dira comment procéder.",
    ),
    "claim_submitted": (
        "Ho inviato la pratica allo staff con {n} documenti: la controlleranno e ti risponderanno qui. Questo "
        "messaggio non è una conferma di pagamento.",
        "I sent the claim to the staff with {n} documents: they will check it and reply to you here. This message "
        "does not confirm any payment.",
        "J'ai envoyé le dossier à l'équipe avec {n} documents : elle le vérifiera et vous répondra ici. Ce message "
        "ne confirme aucun paiement.",
    ),
    "claim_submitted_one": (
        "Ho inviato la pratica allo staff con il suo unico documento: la controlleranno e ti risponderanno qui. "
        "Questo messaggio non è una conferma di pagamento.",
        "I sent the claim to the staff with its one document: they will check it and reply to you here. This "
        "message does not confirm any payment.",
        "J'ai envoyé le dossier à l'équipe avec son unique document : elle le vérifiera et vous répondra ici. Ce "
        "message ne confirme aucun paiement.",
    ),
    "claim_already_resolved": (
        "Questa pratica è già stata chiusa dallo staff. Per una nuova pratica (un'altra missione), mandami qui i "
        "suoi documenti: ne aprirò una nuova. Per la pratica chiusa, scrivi allo staff.",
        "The staff have already closed this claim. For a new claim (another mission), send me its documents here: "
        "I will open a new one. About the closed claim, write to the staff.",
        "L'équipe a déjà clôturé ce dossier. Pour un nouveau dossier (une autre mission), envoyez-moi ses documents "
        "ici : j'en ouvrirai un nouveau. Pour le dossier clôturé, écrivez à l'équipe.",
    ),
    "claim_new_after_resolved": (
        "La tua pratica precedente è stata chiusa dallo staff, quindi ho aperto una nuova pratica di rimborso con "
        "questo documento. Se invece era per la pratica chiusa, scrivi allo staff.",
        "The staff closed your previous claim, so I opened a new reimbursement claim with this document. If it "
        "was for the closed claim instead, write to the staff.",
        "L'équipe a clôturé votre dossier précédent : j'ai donc ouvert un nouveau dossier de remboursement avec ce "
        "document. S'il concernait le dossier clôturé, écrivez à l'équipe.",
    ),
}
