"""What a question asks for: the kinds of fact an answer must carry, and which costs.

"Entro quando si presenta e quanto è il contributo?" asks a date *and* an amount; "quali
spese sono rimborsate?" asks the eligible costs, "cosa non è rimborsabile?" the others.
The extractive composer leads with a line carrying what is asked, and makes sure every
part of the question gets one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

FactKind = Literal[
    "date", "money", "pct", "num", "duration", "time", "list", "contact", "procedure", "documents", "eligibility",
    "costs",
]  # fmt: skip
Polarity = Literal["eligible", "not_eligible"]

_WHAT_TO_SEND = (
    r"\b(cosa|che\s+cosa|che\s+documenti)\s+(devo|dobbiamo|bisogna|occorre|va|vanno|si\s+deve)\s+"
    r"(mandare|inviare|presentare|allegare|trasmettere|caricare|consegnare)|\bwhat\s+(do|should|must)\s+(i|we)\s+"
    r"(send|submit|attach|provide|upload)|\bque\s+(dois-je|devons-nous|faut-il)\s+(envoyer|fournir|joindre|transmettre)"
)
""""Cosa devo mandare via PEC?": a list of documents, though no document is named."""

_WANTS: tuple[tuple[FactKind, re.Pattern[str]], ...] = (
    ("list", re.compile(_WHAT_TO_SEND + r"|\b(documenti|allegat\w*|quali\s+(spese|costi)|"
                        r"cosa\s+(devo\s+)?(allegare|portare)|documents?|attach\w*|which\s+costs|what\s+costs|justificatifs?|pièces|quels\s+frais|"
                        r"quelles\s+dépenses|requisiti|requirements|conditions|"
                        # "which types of projects?", "chi può partecipare?": the list of them, whole
                        r"(quali|which|what|quels?|quelles?)\s+(tipi|tipologie|types?|kinds?|categorie|categories|"
                        r"catégories|sorts?)|chi\s+(può|puo|possono)\s+(partecipare|presentare|candidarsi|fare\s+domanda|"
                        r"accedere|beneficiare)|who\s+can\s+(apply|participate|take\s+part|benefit)|"
                        r"qui\s+peut\s+(candidater|postuler|participer|bénéficier|déposer))\b", re.I)),
    ("pct", re.compile(r"percentual\w*|%|\bpercentage|\bpourcentage|\bper\s+cento|\btasso\s+di|\bfunding\s+rate|"
                       r"\bhow\s+much\s+of\b|\bquanta\s+parte\b|\bquelle\s+part\b|\bshare\s+of\b|"
                       r"\btaux\b|\bintensit\w*|"
                       # "quanto rimborsano?": a share of the costs as much as an amount
                       r"\b(quanto|how\s+much|combien)\s+([\w'’]+\s+){0,3}?(rimborsa(no)?|copr(e|ono)|finanzia(no)?|"
                       r"reimburses?|covers?|rembourse(nt)?|couvre(nt)?|finance(nt)?|prend\w*\s+en\s+charge)\b",
                       re.I)),
    ("date", re.compile(r"\b(entro\s+quando|fino\s+a\s+quando|quando|scadenz\w*|scade|data|date|deadline|when|until|"
                        r"by\s+when|quand|jusqu'à|délai|entro|tempo|how\s+long|combien\s+de\s+temps|"
                        r"closing|cut-?off|dead\s?line|termine|date\s+limite)\b", re.I)),
    ("money", re.compile(r"\b(quanto(?!\s+(ci\s+)?(mette|vuole|impiega|dura|tempo))|quanti\s+soldi|import\w*|"
                         r"cost[oa]?|costano|costs?(?=\s+(of|for|per)\b)|quota|massim\w*|tetto|how\s+much|how\s+big|fee|amount|maximum|max|budget|montant|"
                         r"combien(?!\s+d(e\s+|['’])\s*(temps|rendez|jours|places|entreprises|personnes|participants|pme|sociétés|"
                         r"partenaires|pays|projets))|"
                         r"coût|coûte\w*|plafond|cap|dotazion\w*|cifra|somma|minim[oaie]|minimum)\b", re.I)),
    ("time", re.compile(r"\b(orari\w*|a\s+che\s+ora|hours|what\s+time|horaires?|à\s+quelles?\s+heures?)\b", re.I)),
    ("num", re.compile(r"\b(quant[ie]|how\s+many|combien\s+d(e\b|['’])|numero|number|quanto\s+tempo|how\s+long|durata|"
                       r"durée|quanto\s+(ci\s+)?(mette|vuole|impiega|dura))\b", re.I)),
    ("duration", re.compile(r"\b(quanto\s+(tempo|dura)|quanto\s+(ci\s+)?(mette|vuole|impiega)|how\s+long|durata|"
                            r"combien\s+de\s+temps|durée|tempi|entro\s+quanti\s+giorni)\b", re.I)),
    ("contact", re.compile(r"\b(contatt\w*|contact\w*|e-?mail|mail|pec|telefon\w*|phone|téléphone|numero\s+di\s+tel\w*|"
                           r"a\s+chi\s+(mi\s+)?(rivolg|scriv|chied)|who\s+(do|should)\s+i\s+(contact|ask|write)|"
                           r"whom|joindre|écrire\s+à|helpdesk|help\s+desk|referente|ufficio)\b", re.I)),
    ("procedure", re.compile(r"\b(come\s+(si\s+|mi\s+|ci\s+)?(fa|faccio|presento|presenta|present\w+|candid\w*|"
                             r"iscriv\w*|partecip\w*|invi\w*|accede\w*|richied\w*|ottien\w*|chied\w*|mand\w*|spedisc\w*|"
                             r"compil\w*|caric\w*|deposit\w*|registr\w*|aderisc\w*|prenot\w*)|"
                             r"procedur\w*|modalità|how\s+(do|can|to|should)\s+(i\s+|we\s+)?(apply|submit|register|"
                             r"request|claim|get|send)|how\s+to|where\s+(do|can)\s+(i|we)\s+(apply|submit)|"
                             r"comment\s+(faire|postuler|candidater|déposer|s'inscrire|demander|obtenir)|"
                             r"démarche\w*|dove\s+(si\s+)?(present|invi|carica))\w*", re.I)),
    ("documents", re.compile(r"\b(documenti|documentazione|allegat\w*|allegare|documents?|attach\w*|"
                             r"justificatifs?|pièces|supporting)\b|" + _WHAT_TO_SEND, re.I)),
    ("eligibility", re.compile(r"\b(chi\s+(può|puo|possono)|posso\s+partecipare|possiamo\s+partecipare|"
                               r"ammissibil[ei]\s+(le\s+)?(imprese|aziende)|beneficiari|requisiti|"
                               r"who\s+(can|is\s+eligible)|eligib\w*\s+(to|for)\s+(apply|the)|are\s+we\s+eligible|"
                               r"can\s+(a|an|we|i|my)\b.*\b(apply|join|participate|take\s+part)|"
                               r"qui\s+peut|éligibles?\s+(à|au)|bénéficiaires|peut-on|pouvons-nous)\b", re.I)),
)  # fmt: skip

_COSTS = re.compile(
    r"\b(spes[ae]|cost[oi]|costs?|expenses?|expenditure|dépenses?|frais|coûts?)\b.*"
    r"\b(ammissibil\w*|rimbors\w*|copert\w*|finanziabil\w*|eligib\w*|cover\w*|reimburs\w*|fund\w*|"
    r"éligibles?|rembours\w*|pris\s+en\s+charge|financ\w*)"
    r"|\b(ammissibil\w*|rimborsabil\w*|rimbors\w*|eligible|covered|reimburs\w*|éligibles?|rembours\w*)\b.*"
    r"\b(spes[ae]|cost[oi]|costs?|expenses?|dépenses?|frais|coûts?)\b"
    r"|\b(cosa|che\s+cosa)\s+(viene\s+|è\s+|e\s+)?(rimborsat|copert|finanziat)\w*"
    r"|\bwhat\s+(is|does|gets?|will\s+be)\s+(\w+\s+)?(covered|reimbursed|funded)"
    r"|\bqu['’]est-ce\s+qui\s+est\s+(rembours|financ|pris)",
    re.I,
)
NOT_ELIGIBLE = re.compile(
    r"\bnon\s+(sono\s+|è\s+|e\s+|vengono\s+|viene\s+|risultano\s+)?(ammissibil|ammess|rimborsabil|finanziabil|copert|"
    r"rimborsat|riconosciut|agevolabil|eleggibil)\w*"
    r"|\binammissibil\w*|\besclus[eia]\b|\bescluse\s+dal|\bnon\s+ammissibil"
    r"|\bnot\s+(be\s+)?(eligible|covered|reimbursed|reimbursable|funded|allowed|accepted)|\bineligible|\bnon-eligible"
    r"|\bexcluded\b|\bcannot\s+be\s+(claimed|reimbursed|funded|charged)"
    r"|\bnon[- ]éligibles?|\binéligibles?|\bne\s+sont\s+pas\s+(éligibles|pris|rembours|financ)\w*|\bexclu(e|es|s)?\b"
    r"|\bn['’]est\s+pas\s+(éligible|pris|rembours|financ)\w*",
    re.I,
)
"""A line, heading or question about what is NOT eligible or reimbursed."""
_NOT_ASKED = re.compile(
    r"\b(cosa|che\s+cosa|quali\s+spese|quali\s+costi)\s+non\b|\bwhat\s+(is|are)n['’]?t\b|\bwhat\s+(is|are)\s+not\b|"
    r"\bqu['’]est-ce\s+qui\s+n['’]est\s+pas\b|\bwhich\s+costs\s+are\s+not\b",
    re.I,
)
_PART_SPLIT = re.compile(
    r"\?\s+|\s+(?:e|ed|and|et|inoltre|also|aussi|plus)\s+(?=(?:anche\s+)?(?:(?:à|a|di|per|in|for|to|of|de|da|"
    r"since|depuis|dal|from)\s+)?(?:quanto|quanti|quale|quali|qual|quando|entro|come|"
    r"dove|chi|cosa|a\s+chi|how|what|which|when|where|who|whom|combien|quel|quelle|quels|quelles|quand|comment|"
    r"où|qui|que|qu['’])\b)"
    # "quanto vale e che legge l'ha introdotto", "…cost eligibility, and are bonuses ok?", "et peut-on…":
    # a second question opened by a verb that asks, not by a question word.
    r"|,?\s+(?:e|ed)\s+(?=(?:che\s+(?:cosa|tipo|legge|norma|documenti|requisiti|spese|costi|percentuale|importo|sconto|data|scadenza|orari?)|posso|possiamo|si\s+può|si\s+possono|è\s+possibile|serve|servono|bisogna|c['’]è)\b)"
    r"|,\s+and\s+(?=(?:are|is|can|could|do|does|will|should|must)\b)"
    r"|,?\s+et\s+(?=(?:est-ce|peut-on|faut-il|y\s+a-t-il|doit-on)\b)",
    re.I,
)


@dataclass(frozen=True)
class Ask:
    """What a question asks: its parts, the kinds of fact each wants, and which costs."""

    parts: tuple[str, ...]
    kinds: tuple[frozenset[FactKind], ...]
    """Per part, the kinds of fact it asks for."""
    costs: Polarity | None

    @property
    def all_kinds(self) -> frozenset[FactKind]:
        """Every kind asked for, in any part."""
        return frozenset(kind for kinds in self.kinds for kind in kinds)


def wanted_facts(text: str) -> set[FactKind]:
    """The kinds of fact ``text`` asks for ("quanto dà e che percentuale?" → money and pct)."""
    kinds: set[FactKind] = {kind for kind, pattern in _WANTS if pattern.search(text)}
    if _COSTS.search(text) or NOT_ELIGIBLE.search(text):
        kinds.add("costs")
        kinds.add("list")
    return kinds


def cost_polarity(text: str) -> Polarity | None:
    """``not_eligible`` for "cosa non è rimborsabile?", ``eligible`` for "quali spese sono ammissibili?"."""
    if NOT_ELIGIBLE.search(text) or _NOT_ASKED.search(text):
        return "not_eligible"
    if _COSTS.search(text):
        return "eligible"
    return None


def what_is_asked(question: str) -> Ask:
    """The question's parts ("…entro quando? e quanto…?") and what each asks for."""
    parts = tuple(p.strip(" ,;") for p in _PART_SPLIT.split(question) if p and len(p.split()) >= 2)
    if len(parts) < 2:
        parts = (question,)
    return Ask(parts, tuple(frozenset(wanted_facts(part)) for part in parts), cost_polarity(question))
