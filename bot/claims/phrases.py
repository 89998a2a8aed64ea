"""What Sportello tells an SME about its reimbursement claim, in Italian, English and French;
merged into ``bot.conversation.phrases`` (``say`` reads them all).

Never a promise: the figures are an estimate the staff confirm, and no phrase says the SME
will be paid. The rule's clauses are quoted as written, in «»."""

from __future__ import annotations

CLAIM_PHRASES: dict[str, tuple[str, str, str]] = {
    "claim_intro_complete": (
        "Ho controllato i documenti della tua domanda di rimborso: ci sono tutti quelli richiesti.",
        "I checked the documents of your reimbursement claim: all the required ones are there.",
        "J'ai vérifié les documents de votre demande de remboursement : tous ceux exigés sont présents.",
    ),
    "claim_intro_incomplete": (
        "Ho controllato i documenti della tua domanda di rimborso: non è ancora completa. Ecco "
        "cosa manca o va verificato:",
        "I checked the documents of your reimbursement claim: it is not complete yet. This is "
        "what is missing or needs checking:",
        "J'ai vérifié les documents de votre demande de remboursement : elle n'est pas encore "
        "complète. Voici ce qui manque ou doit être vérifié :",
    ),
    "claim_late": (
        "Attenzione: la domanda porta la data del {submitted}, ma andava inviata entro {days} giorni dalla fine "
        "della missione ({ends}), cioè entro il {due}; il regolamento non ammette domande oltre il termine. Lo "
        "staff la esaminerà e ti risponderà.",
        "Note: the claim is dated {submitted}, but it had to be sent within {days} days of the end of the mission "
        "({ends}), that is by {due}; the regulation does not admit late claims. The staff will look at it and "
        "reply to you.",
        "Attention : la demande est datée du {submitted}, mais elle devait être envoyée dans les {days} jours "
        "suivant la fin de la mission ({ends}), soit au plus tard le {due} ; le règlement n'admet pas les demandes "
        "tardives. L'équipe l'examinera et vous répondra.",
    ),
    "claim_missing": ("- Manca: «{clause}».", "- Missing: «{clause}».", "- Il manque : « {clause} »."),
    "claim_missing_leg": (
        "- Manca la carta d'imbarco {leg} (richiesta: «{clause}»).",
        "- The {leg} boarding pass is missing (required: «{clause}»).",
        "- Il manque la carte d'embarquement {leg} (exigé : « {clause} »).",
    ),
    "claim_leg_outward": ("dell'andata", "outward", "de l'aller"),
    "claim_leg_return": ("del ritorno", "return", "du retour"),
    "claim_to_check": (
        "- Questo requisito lo verificherà lo staff: «{clause}».",
        "- The staff will check this requirement themselves: «{clause}».",
        "- L'équipe vérifiera elle-même cette exigence : « {clause} ».",
    ),
    "claim_too_old": (
        "- «{document}»: è del {date}, più vecchio di quanto ammette la regola («{clause}»).",
        "- «{document}»: it is dated {date}, older than the rule admits («{clause}»).",
        "- « {document} » : il date du {date}, plus ancien que ce qu'admet la règle (« {clause} »).",
    ),
    "claim_unusable": (
        "- «{document}»: non posso usarlo (non è un documento leggibile): se era una ricevuta, mandala come PDF, "
        "DOCX o foto.",
        "- «{document}»: I cannot use it (it is not a readable document): if it was a receipt, send it as a PDF, "
        "a DOCX or a photo.",
        "- « {document} » : je ne peux pas l'utiliser (ce n'est pas un document lisible) : si c'était un reçu, "
        "envoyez-le en PDF, DOCX ou photo.",
    ),
    "claim_unreadable": (
        "- «{document}»: non sono riuscito a leggerlo; lo leggerà lo staff.",
        "- «{document}»: I could not read it; the staff will read it.",
        "- « {document} » : je n'ai pas pu le lire ; l'équipe le lira.",
    ),
    "claim_doubtful_reading": (
        "- «{document}»: {problem}; lo staff lo verificherà, e per ora non è nella stima.",
        "- «{document}»: {problem}; the staff will check it, and it is not in the estimate for now.",
        "- « {document} » : {problem} ; l'équipe le vérifiera, et il n'est pas dans l'estimation pour l'instant.",
    ),
    "claim_problem_several_totals": (
        "riporta più di un totale",
        "it shows more than one total",
        "il indique plusieurs totaux",
    ),
    "claim_problem_no_amount": ("non trovo l'importo", "I could not find the amount", "je ne trouve pas le montant"),
    "claim_problem_no_currency": ("non trovo la valuta", "I could not find the currency", "je ne trouve pas la devise"),
    "claim_problem_no_date": ("non trovo la data", "I could not find the date", "je ne trouve pas la date"),
    "claim_problem_other": ("la lettura è incerta", "the reading is uncertain", "la lecture est incertaine"),
    "claim_outside_dates": (
        "- «{document}»: è del {date}, fuori dalle date ammesse per questa spesa (dal {earliest} al {latest}): non "
        "conta.",
        "- «{document}»: it is dated {date}, outside the dates admitted for this cost ({earliest} to {latest}), so "
        "it does not count.",
        "- « {document} » : il date du {date}, hors des dates admises pour cette dépense (du {earliest} au "
        "{latest}) : il ne compte pas.",
    ),
    "claim_no_date": (
        "- «{document}»: non trovo la data, quindi non so se rientra nelle date della missione (dal {starts} al "
        "{ends}); lo staff la verificherà.",
        "- «{document}»: I could not find its date, so I cannot tell whether it falls within the mission "
        "({starts} to {ends}); the staff will check it.",
        "- « {document} » : je ne trouve pas sa date, je ne peux donc pas dire s'il tombe dans les dates de la "
        "mission (du {starts} au {ends}) ; l'équipe le vérifiera.",
    ),
    "claim_not_eligible": (
        "- «{document}»: spesa non ammissibile secondo la regola: «{clause}».",
        "- «{document}»: not an eligible cost under the rule: «{clause}».",
        "- « {document} » : dépense non éligible selon la règle : « {clause} ».",
    ),
    "claim_maybe_not_eligible": (
        "- «{document}»: potrebbe essere una spesa esclusa dalla regola («{clause}»); lo staff deciderà, e per ora "
        "non è nella stima.",
        "- «{document}»: it may be a cost the rule excludes («{clause}»); the staff will decide, and it is not in "
        "the estimate for now.",
        "- « {document} » : il pourrait s'agir d'une dépense exclue par la règle (« {clause} ») ; l'équipe "
        "décidera, et il n'est pas dans l'estimation pour l'instant.",
    ),
    "claim_partly_not_eligible": (
        "- «{document}»: comprende voci escluse dalla regola («{clause}»); lo staff le toglierà, e per ora non è "
        "nella stima.",
        "- «{document}»: it includes items the rule excludes («{clause}»); the staff will take them out, and it "
        "is not in the estimate for now.",
        "- « {document} » : il comprend des postes exclus par la règle (« {clause} ») ; l'équipe les retirera, et "
        "il n'est pas dans l'estimation pour l'instant.",
    ),
    "claim_unknown_category": (
        "- «{document}»: non capisco a quale categoria di spesa della regola appartenga; lo staff la verificherà.",
        "- «{document}»: I cannot tell which of the rule's cost categories it belongs to; the staff will check it.",
        "- « {document} » : je ne sais pas à quelle catégorie de dépenses de la règle il appartient ; l'équipe le "
        "vérifiera.",
    ),
    "claim_nights_unknown": (
        "- «{document}»: non trovo il numero di notti, che serve per il massimale («{clause}»); lo staff lo "
        "verificherà.",
        "- «{document}»: I could not find the number of nights, which the cap needs («{clause}»); the staff will "
        "check it.",
        "- « {document} » : je ne trouve pas le nombre de nuits, nécessaire au plafond (« {clause} ») ; l'équipe "
        "le vérifiera.",
    ),
    "claim_nights_over_max": (
        "- «{document}»: {units} notti, ma la regola ne conta al massimo {counted} («{clause}»); quali contano lo "
        "decide lo staff.",
        "- «{document}»: {units} nights, but the rule counts {counted} at most («{clause}»); the staff decide which "
        "count.",
        "- « {document} » : {units} nuits, mais la règle en compte {counted} au maximum (« {clause} ») ; l'équipe "
        "décide lesquelles comptent.",
    ),
    "claim_over_nights": (
        "- {subject}: le notti sono {units}, la regola ne conta al massimo {counted} («{clause}»); la stima conta "
        "quindi {eligible} su {claimed}. Quali notti contano lo decide lo staff.",
        "- {subject}: there are {units} nights and the rule counts {counted} at most («{clause}»), so the "
        "estimate counts {eligible} of {claimed}. The staff decide which nights count.",
        "- {subject} : il y a {units} nuits et la règle en compte {counted} au maximum (« {clause} ») ; "
        "l'estimation compte donc {eligible} sur {claimed}. L'équipe décide quelles nuits comptent.",
    ),
    "claim_accommodation": ("Alloggio", "Accommodation", "Hébergement"),
    "claim_quoted": ("«{text}»", "«{text}»", "« {text} »"),
    "claim_unconverted": (
        "- «{document}»: {amount}, senza un estratto conto in euro; lo staff lo convertirà al cambio della banca "
        "o, in mancanza, a quello BCE del giorno del pagamento. Per ora non è nella stima.",
        "- «{document}»: {amount}, with no bank statement in euro; the staff will convert it at the bank's rate "
        "or, failing that, the ECB rate of the payment day. It is not in the estimate for now.",
        "- « {document} » : {amount}, sans relevé bancaire en euros ; l'équipe le convertira au taux de la banque "
        "ou, à défaut, au taux BCE du jour du paiement. Il n'est pas dans l'estimation pour l'instant.",
    ),
    "claim_claimed_before": (
        "- «{document}»: sembra già presentato nella tua pratica #{n} («{other}»: stesso tipo, data e importo); "
        "non lo conto, lo verificherà lo staff.",
        "- «{document}»: it looks already claimed in your claim #{n} («{other}»: same kind, date and amount); "
        "I do not count it, the staff will check.",
        "- « {document} » : il semble déjà présenté dans votre dossier #{n} (« {other} » : même type, date et "
        "montant) ; je ne le compte pas, l'équipe vérifiera.",
    ),
    "claim_duplicate": (
        "- «{document}»: sembra un doppione di «{other}» (stesso tipo, data e importo); lo conto una volta sola.",
        "- «{document}»: it looks like a copy of «{other}» (same kind, date and amount); I count it once.",
        "- « {document} » : il semble faire double emploi avec « {other} » (même type, date et montant) ; je ne "
        "le compte qu'une fois.",
    ),
    "claim_more": (
        "- … e altri {n} punti, che lo staff ti indicherà.",
        "- … and {n} more points, which the staff will tell you about.",
        "- … et {n} autres points, que l'équipe vous indiquera.",
    ),
    "claim_estimate": (
        "Stima, che lo staff dovrà confermare: spese ammissibili {eligible}, rimborso stimato {reimbursable} "
        "(entro i massimali).",
        "An estimate the staff will confirm: eligible costs {eligible}, estimated reimbursement {reimbursable} "
        "(within the caps).",
        "Estimation que l'équipe devra confirmer : frais éligibles {eligible}, remboursement estimé "
        "{reimbursable} (dans la limite des plafonds).",
    ),
    "claim_estimate_partial": (
        " Non comprende le voci ancora da verificare.",
        " It leaves out the items still to be checked.",
        " Elle ne comprend pas les postes encore à vérifier.",
    ),
    "claim_caps": ("Massimali raggiunti: {caps}.", "Caps reached: {caps}.", "Plafonds atteints : {caps}."),
    "claim_rule_cap": (
        "il massimo di {cap} per impresa e per missione",
        "the cap of {cap} per company and mission",
        "le plafond de {cap} par entreprise et par mission",
    ),
    "claim_no_estimate": (
        "Non posso ancora stimare un importo: nessuna spesa è stata verificata.",
        "I cannot estimate an amount yet: no cost could be checked.",
        "Je ne peux pas encore estimer un montant : aucune dépense n'a pu être vérifiée.",
    ),
    "claim_closing": (
        "Lo staff controllerà i documenti e ti comunicherà l'importo riconosciuto: questo messaggio non è una "
        "conferma di pagamento.",
        "The staff will check the documents and tell you the amount accepted: this message does not confirm any "
        "payment.",
        "L'équipe vérifiera les documents et vous communiquera le montant retenu : ce message ne confirme aucun "
        "paiement.",
    ),
}
