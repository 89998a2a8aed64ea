"""Turn understanding: clean the text, check its size, find its language, intent and topic.

Rules are exact, cheap and explainable (a request for a person, an application number,
an injection attempt). What they do not recognise is a question here; the semantic
router (``bot.conversation.router``) and retrieval's confidence refine that in the policy.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal, cast

from knowledge.countries import countries_in
from knowledge.language import SUPPORTED, language_confidences

Intent = Literal[
    "question", "human_request", "personal_case", "staff_task", "frustration", "greeting", "thanks",
    "off_topic", "abuse", "injection", "empty", "too_long",
]  # fmt: skip
Language = Literal["it", "en", "fr"]

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Short function words: lingua is unsure on three-word messages ("e per il Canada?"),
# these are not.
_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "it": _word_set("il lo la gli le per che di del della e è quanto quanti quando entro come dove chi mi "
                    "sono ho posso grazie ciao buongiorno anche una uno non si ci"),
    "en": _word_set("the for and is are what when how much many which who my i can do does of to "
                    "thanks thank hello hi please it you there"),
    "fr": _word_set("le la les pour et est quel quelle quand combien comment où qui je mon ma mes "
                    "merci bonjour des du une un pas il y a-t-il c'est quoi de au aux nous vous on sont avec sur "
                    "dans"),
}  # fmt: skip


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


_INJECTION = _rx(
    r"\b(ignora|dimentica|trascura)\w*\s+(tutte\s+)?(le\s+)?(tue\s+)?(istruzioni|regole|indicazioni)",
    r"\bignore\w*\s+(all\s+|any\s+|the\s+|your\s+)*(previous|prior|above|earlier)?\s*(instructions|rules|prompts?)",
    r"\b(oublie|ignore)\w*\s+(toutes\s+)?(tes|les|vos)\s+(règles|regles|instructions|consignes)",
    r"\bsystem\s*prompt|\bprompt\s+(di\s+sistema|système|systeme)|\binstructions?\s+(di\s+sistema|système)",
    r"\bdeveloper\s+mode|\bmodalità\s+sviluppatore|\bmode\s+développeur|\bjailbreak|\bDAN\b",
    r"\b(you\s+are\s+now|from\s+now\s+on\s+you|d'ora\s+in\s+poi\s+sei|ora\s+sei|tu\s+es\s+maintenant)\b",
    # Role play: the assistant asked to speak as the chamber, the agency or the staff and confirm something.
    r"\b(pretend|act\s+as\s+if|imagine)\s+(that\s+)?(you\s+are|you['’]re|to\s+be)\b|\b(fai|fate|facciamo)\s+finta\s+"
    r"(di\s+essere|che\s+tu\s+sia)|\b(fingi|immagina)\s+di\s+essere\b|\bfais\s+(comme\s+si\s+tu\s+étais|semblant\s+"
    r"d['’]être)|\b(imagine|prétends?)\s+(que\s+tu\s+es|être)\b",
    r"\b(reveal|print|show|rivela|mostra|stampa|révèle|affiche)\w*\s+(me\s+|mi\s+|moi\s+)?(your|le\s+tue|tes|vos|the)\s+"
    r"(instructions|istruzioni|prompt|règles|rules)",
    # Secrets asked for: the staff's passwords, the system's keys ("which credentials do we need?" is a question).
    r"\b(dammi|datemi|dimmi|mandami|give\s+me|tell\s+me|send\s+me|show\s+me|donne[sz]?[- ]moi|envoie[sz]?[- ]moi|"
    r"dis[- ]moi)\s+(la\s+|le\s+|il\s+|i\s+|the\s+|your\s+|vos\s+|tes\s+|les\s+)?(password|credenziali|"
    r"credentials|mot\s+de\s+passe|identifiants|chiavi\s+api|api\s+keys?|token)",
    r"\b(password|credenziali|credentials|mots?\s+de\s+passe|identifiants|api\s+keys?)\b[^?]{0,60}\b(vostr[oaie]|your|"
    r"votre|vos)\s+(database|db|server|sistema|system|système|base\s+de\s+données|casella|mailbox|account)",
    r"<\s*/?\s*(script|iframe|img|svg|object)\b|javascript:|\bon(error|load)\s*=",
    r";\s*(drop|delete|truncate|alter)\s+table\b|\bunion\s+select\b|'\s*or\s+'?1'?\s*=\s*'?1",
    # A message posing as the system or a new policy, asking the assistant to confirm it.
    r"^\W*(system|sistema|système|admin|administrator|amministratore)\s*(override|message|messaggio|:)",
    r"\bsystem\s+override\b|\bnew\s+policy\s+in\s+force\b|\bnuova\s+policy\b|\bnouvelle\s+politique\b",
    r"\bconfirm\s+(this|it)\s+to\s+the\s+(customer|user|client|sme)|\bconferma(lo)?\s+(questo\s+)?(al|all['’])\s*"
    r"(cliente|utente)|\bconfirme[zr]?\s+(le|cela|ceci)\s+(au|à\s+l['’])\s*(client|utilisateur)",
)
_OTHERS = (
    r"(aziende|imprese|ditte|società|partecipanti|beneficiar\w*|richiedenti|candidat\w*|companies|firms|applicants|"
    r"participants|b[ée]n[ée]ficiaires|entreprises|sociétés|lauréats)"
)
_OF = r"(delle|degli|dei|di|of(\s+the)?|des|de)\s+(altre\s+|other\s+|autres\s+)?"
_GIVE = (
    r"\b(dammi|datemi|dimmi|mandami|mandatemi|inviatemi|inviami|passatemi|vorrei|voglio|give|send|share|tell|"
    r"provide|forward|i\s+want|i['’]d\s+like|donne[sz]?[- ]moi|envoie[sz]?[- ]moi|communique[sz]?[- ]moi|je\s+veux|"
    r"je\s+voudrais)\b"
)
_OTHERS_DATA = _rx(
    # "dammi l'elenco delle aziende che hanno fatto domanda", "give me the list of companies that applied"
    # ("l'elenco delle imprese ammesse è pubblicato?" asks where the desk publishes it: a question)
    rf"{_GIVE}[^.?!]{{0,40}}\b(elenco|lista|list|liste|nomi|names|noms)\s+(completo\s+|complete\s+|full\s+)?{_OF}"
    rf"{_OTHERS}\b",
    # "i contatti / le e-mail delle altre imprese", "the e-mail addresses of the applicants"
    rf"\b(contatti|e-?mail|telefoni|numeri\s+di\s+telefono|indirizzi|iban|contacts?|e-?mail\s+addresses|"
    rf"phone\s+numbers|coordonnées|adresses)\s+{_OF}{_OTHERS}\b",
    # what a competitor received
    r"\b(concorrent[ei]|competitors?|concurrents?)\b[^.?!]{0,80}\b(ricevut\w*|preso|ottenut\w*|received|got|"
    r"obtenu\w*|reçu\w*|touché)",
    r"\b(quanto|how\s+much|combien)\b[^.?!]{0,60}\b(ricevut\w*|preso|ottenut\w*|received|got|obtenu|reçu)\b"
    r"[^.?!]{0,40}\b(concorrent[ei]|competitors?|concurrents?|la\s+ditta|l['’]azienda\s+\w+|the\s+company\s+\w+)",
)
"""Other companies' or people's data asked for: nobody's to give, like the desk's internal data."""
_HUMAN = _rx(
    r"\b(operatore|operatrice|persona\s+(vera|reale|fisica)|essere\s+umano|umano|consulente|funzionari[oa])\b",
    r"\bparlare\s+con\s+(qualcuno|una\s+persona|lo\s+staff|voi|un\s+responsabile)",
    r"\b(human|real\s+person|live\s+agent|an\s+agent|operator|someone\s+from\s+(the\s+)?(staff|team|desk))\b",
    r"\b(talk|speak|chat)\s+(to|with)\s+(someone|somebody|a\s+person|a\s+human|staff|the\s+team)",
    r"\b(conseill[eè]re?|humain|une\s+personne|un\s+agent|opérateur|operateur)\b",
    r"\bparler\s+(à|a|avec)\s+(quelqu'un|une\s+personne|un\s+conseiller|l'équipe)",
    r"^/operatore\b",
)
_PERSONAL = _rx(
    r"\b(mia|mio|nostra|nostro|la\s+mia|il\s+mio)\s+(domanda|pratica|richiesta|fattura|candidatura|rendicontazione|"
    r"rimborso|posizione|iscrizione)\b.*\b(n\.?|nr\.?|numero|#|prot\.?)\s*[\w/-]*\d",
    r"\b(domanda|pratica|richiesta|fattura|candidatura|protocollo)\s+(n\.?|nr\.?|numero|#|prot\.?)\s*[\w/-]*\d",
    r"\ba\s+che\s+punto\s+(è|e)\s+(la\s+mia|il\s+mio|la\s+nostra|il\s+nostro)",
    # "la fattura dell'allestimento che abbiamo mandato alla camera è stata respinta": their own, however
    # described ("una fattura viene respinta" is a question about the rules).
    r"\b(fattur[ae]|spes[ae]|domanda|rendicontazione|richiesta|pratica)\b[^.?!]{0,120}\b((è|sono)\s+stat[aie]|"
    r"(mi|ci)\s+hanno)\s+(respint|rifiutat|scartat|bocciat|revocat)",
    r"\b(invoices?|application|claim|expenses?|report|request)\b[^.?!]{0,120}\b(was|were|has\s+been|have\s+been|got)\s+"
    r"(rejected|refused|turned\s+down|revoked)",
    r"\b(factures?|demande|dossier|dépenses?|rapport|candidature)\b[^.?!]{0,120}\b(a|ont)\s+été\s+"
    r"(refusée?s?|rejetée?s?|révoquée?s?)",
    r"\bnon\s+(ho|abbiamo)\s+(ancora\s+)?ricevuto\s+(il|i|la|nessun)",
    r"\b(my|our)\s+([\w-]+\s+){0,3}?(application|invoice|claim|request|file|registration|reimbursement|payment)\b.*"
    r"(\d|rejected|"
    r"refused|status|received|missing|late)",
    r"\b(application|invoice|claim|file)\s+(no\.?|number|#)\s*[\w/-]*\d",
    r"\b(status|stato|statut)\s+(of|della|del|dello|de)\s+(our|my|la\s+nostra|il\s+nostro|la\s+mia|il\s+mio|notre|ma|mon)\b",
    r"\b(haven't|have\s+not|didn't|did\s+not)\s+(yet\s+)?(received|got)\s+(my|our|the)",
    r"\b(ma|mon|notre|nos|mes)\s+(demande|facture|candidature|dossier|remboursement|inscription)\b.*"
    r"(\d|rejet|refus|reçu|recu|où\s+en|statut)",
    r"\boù\s+en\s+est\s+(ma|mon|notre)",
    r"\bje\s+n'ai\s+(toujours\s+)?pas\s+(encore\s+)?reçu",
    r"\b(sono|siamo)\s+(un\s+)?cittadin[oaie]\s+\w+|\bi\s+am\s+an?\s+\w+\s+citizen|\bje\s+suis\s+(un\s+)?citoyen",
)
_ACTION_VERBS = (
    r"(iscriver|registrar|compilar|riempir|inviar|spedir|depositar|caricar|prenotar|chiamar|telefonar|contattar|"
    r"sentir|verificar|controllar|sbloccar|intervenir|seguir|riconsiderar|riesaminar|approvar|firmar|presentar|"
    r"sollecitar|accelerar|correggere|modificar|annullar|tenerc|tenerm|bloccar|riservar|chieder|richieder|"
    r"ottener)\w*"
)
_STAFF_TASK = _rx(
    # Something done on the SME's behalf: "potete iscriverci voi?", "mi compilate voi la scheda?"
    r"\b(potete|potreste|puoi|potresti|riuscite|riesci|vorrei\s+che\s+(voi|mi|ci))\s+([\w'’]+\s+){0,2}?"
    + _ACTION_VERBS,
    r"\b(mi|ci|me\s+la|ce\s+la|me\s+lo|ce\s+lo)\s+(compilate|iscrivete|sbloccate|controllate|verificate|inviate|"
    r"mandate|presentate|seguite|registrate|caricate|prenotate|firmate|date|concedete)\b",
    r"\b(compilate|iscrivete|sbloccate|controllate|verificate|presentate|registrate|caricate|prenotate|fate)\s+"
    r"(voi|per\s+noi|per\s+me)\b",
    r"\b(al\s+posto\s+nostro|a\s+nome\s+nostro|per\s+conto\s+nostro|on\s+our\s+behalf|for\s+us\b.*\b(submit|"
    r"apply|register|fill|book|send|sign)|à\s+notre\s+place|en\s+notre\s+nom|pour\s+nous\b.*\b(déposer|remplir|"
    r"inscrire|envoyer))",
    r"\b(can|could|would|will)\s+you\s+(please\s+)?(submit|register|fill|complete|book|send|file|sign|call|phone|"
    r"contact|ask|check|verify|review|unblock|reset|intervene|approve|hold|reserve|enrol|enroll|sort)\b",
    r"\b(can|could)\s+you\s+help\s+(us|me)\s+(to\s+)?(find|get|choose|write|prepare|fill)\b|"
    r"\b(potete|puoi)\s+aiutar(ci|mi)\s+a\s+(trovare|scegliere|scrivere|preparare|compilare)|"
    r"\b(pouvez-vous|peux-tu)\s+nous\s+aider\s+à\s+(trouver|choisir|rédiger|préparer|remplir)",
    r"\b(please\s+)?(check|verify|review)\s+(whether|if)\s+(our|my|we)\b",
    r"\b(fill\s+in|fill\s+out|complete|submit|register|book|send|file|sign)\b.*\bfor\s+us\b",
    r"\b(remplissez|complétez|déposez|envoyez|inscrivez|vérifiez|contrôlez|appelez|contactez)\b.*"
    r"\b(pour\s+nous|à\s+notre\s+place)\b",
    r"\b(confirm|conferma\w*|confirmez)\b.*\b(our|my|nostra|nostro|mia|mio|notre|ma|mon)\s+([\w-]+\s+){0,3}?"
    r"(company|firm|"
    r"application|azienda|impresa|ditta|domanda|entreprise|société|candidature)\b",
    r"\b(pouvez|pourriez|peux|pourrais)[- ]?(vous|tu)\s+([\w'’]+\s+){0,2}?(déposer|remplir|inscrire|envoyer|"
    r"vérifier|contrôler|appeler|contacter|intervenir|débloquer|signer|réserver|compléter|valider|faire\s+revoir)",
    # An exception to the rules for this company: an extension, a derogation.
    r"\b(ci|mi)\s+(serve|servirebbe|servono|occorre|occorrerebbe)\s+(una\s+|un\s+)?(proroga|deroga|eccezione|"
    r"più\s+tempo|rinvio)",
    r"\b(possiamo|posso|potremmo|potrei)\s+(avere|ottenere|chiedere)\s+(una\s+|un\s+)?(proroga|deroga|eccezione|"
    r"rinvio)",
    r"\b(we|i)\s+(need|would\s+like|want|request|ask\s+for)\s+(an?\s+|some\s+)?(\d+-?\w*\s+)?(extension|"
    r"exception|derogation|more\s+time|waiver)",
    r"\b(can|could|may)\s+(we|i)\s+(get|have|obtain)\s+(an?\s+)?(\d+-?\w*\s+)?(extension|exception|waiver)",
    r"\b(nous\s+avons|j['’]ai|il\s+nous\s+faut)\s+besoin\s+d['’]\s*(une\s+|un\s+)?(prolongation|délai|"
    r"dérogation|exception)|\b(pouvons-nous|puis-je)\s+(avoir|obtenir)\s+(une\s+|un\s+)?(prolongation|dérogation|"
    r"délai)",
    # A judgement about the company's own case.
    r"\b(quale|quali|cosa|che\s+cosa)\b[^?]{0,80}\b(ci|mi)\s+(conviene|convengono|conviene\s+di\s+più)\b",
    r"\bquale\s+([\w'’]+\s+){0,4}(conviene|ci\s+conviene|mi\s+conviene|è\s+meglio|scegliere)\b.*\b(nostr|noi|"
    r"ci\b|mi\b|azienda|impresa)",
    r"\b(conviene|è\s+più\s+adatt\w*)\s+(alla\s+nostra|a\s+noi|per\s+noi|per\s+la\s+nostra)",
    r"\bcosa\s+(ci|mi)\s+(consigliate|consigli)\b|\b(what|which)\s+(do\s+you\s+)?(recommend|suggest)\s+(for\s+)?"
    r"(us|me|our)",
    r"\bwhich\s+([\w'’]+\s+){0,4}(suits|is\s+better\s+for|should\s+(we|i)\s+(choose|pick|go\s+for))",
    r"\b(lequel|laquelle|quelle\s+option)\s+([\w'’]+\s+){0,3}(nous|me)\s+(convient|conviendrait)|"
    r"\bque\s+nous\s+conseillez",
    # Their own file: a rejected claim, the ranking, a mistake, a login that does not work.
    r"\b(siamo|sono|are\s+we|am\s+i|sommes-nous)\s+([\w'’]+\s+){0,2}(in\s+graduatoria|ammess[ie]\s+lo\s+stesso|"
    r"on\s+the\s+(list|ranking)|admis)",
    r"\bper\s+sbaglio\b|\bby\s+mistake\b|\bpar\s+erreur\b",
    r"\bnon\s+riesco\s+(ad?\s+)?(accedere|entrare|loggarmi|collegarmi)|\b(can['’]?t|cannot|unable\s+to)\s+"
    r"(log\s*in|sign\s+in|access)|\bmy\s+login\b.*\b(not\s+work|doesn['’]t\s+work|fails)|"
    r"\bje\s+n['’]arrive\s+pas\s+à\s+(me\s+connecter|accéder)",
    r"\b(ha|hanno)\s+(respint|rifiutat|revocat|bocciat|scartat)\w*\s+(la\s+nostra|il\s+nostro|la\s+mia|il\s+mio|"
    r"una\s+fattura|la\s+fattura|la\s+domanda)|\bmi\s+ha(nno)?\s+(respint|rifiutat|revocat|scartat)",
    r"\b(refused|rejected|turned\s+down|revoked)\s+(our|my)\b|\b(our|my)\s+\w+\s+(was|has\s+been)\s+"
    r"(refused|rejected|revoked)|\ba\s+refusé\s+(notre|ma|mon)\b|\b(notre|ma|mon)\s+\w+\s+a\s+été\s+"
    r"(refusé|rejeté)",
)
"""What only staff can do or decide: act on the SME's behalf, grant an exception, judge its own
case, look at its own file. Handed off even when a passage on the topic scores high."""
_WHO_MAY = _rx(
    r"\b(can|could|may|is)\s+(an?|the|our)\s+([\w-]+\s+){0,2}(representative|consultant|accountant|agent|"
    r"intermediary|third\s+party|employee|partner)\b",
    r"\b(può|possono|potrebbe)\s+(un|una|il|la|lo|un['’]|l['’])\s*([\w-]+\s+){0,2}?(rappresentante|consulente|"
    r"commercialista|intermediario|delegat[oa]|dipendente|terz[oi])\b|\b(un|una|il|la|lo|un['’]|l['’])\s*"
    r"([\w-]+\s+){0,2}?(rappresentante|intermediario|delegat[oa]|dipendente|terz[oi])\s+([\w-]+\s+)?"
    r"(può|possono|potrebbe)\b",
    r"\b(un|une|le|la|l['’]|notre)\s*([\w-]+\s+){0,2}?(représentant|consultant|mandataire|comptable|tiers|"
    r"salarié|employé)\s+(peut|pourrait|peuvent)\b",
)
"""Whether someone else may act for the SME ("can an outside representative fill in the application for
us?") is a question about the rules, not a request to the staff."""
_FRUSTRATION = _rx(
    r"\bnessuno\s+(mi\s+|ci\s+)?rispond", r"\b(è|e)\s+la\s+(terza|seconda|quarta)\s+volta",
    r"\b(sono|siamo)\s+(stufo|stufa|stufi|stanco|stanca|esasperat)", r"\binaccettabil", r"\bvergogn",
    r"\bridicol", r"\bnon\s+(è|e)\s+possibile\s+che", r"\bperdendo\s+tempo|\bperso\s+tempo|\bmi\s+fate\s+perdere",
    r"\bnobody\s+(answers|replies|responds)", r"\b(third|second|fourth)\s+time\b", r"\bunacceptable",
    r"\b(fed\s+up|sick\s+of|waste\s+of\s+time|wasting\s+my\s+time|ridiculous|useless\s+bot)",
    r"\bpersonne\s+ne\s+r[ée]pond", r"\b(troisième|deuxième)\s+fois", r"\binadmissible|\binacceptable",
    r"\b(j'en\s+ai\s+marre|ras\s+le\s+bol|perte\s+de\s+temps)",
)  # fmt: skip
_ABUSE = _rx(
    r"\b(idiot[aie]?|cretin[oi]?|imbecill[ie]|stupid[oiae]?|incompetent[ie]|deficient[ie]|coglion\w*|stronz\w*|"
    r"vaffanculo|fanculo|merda|cazz\w*|schifo)\b",
    r"\b(idiots?|stupid|morons?|incompetent|fuck\w*|shit\w*|bastards?|crap|dumb)\b",
    r"\b(idiots?|imbéciles?|crétins?|connards?|connasses?|putain|merde|incompétents?|nul(le)?s?)\b",
)
_GREETING = _rx(
    r"\b(ciao|salve|buongiorno|buonasera|buon\s+pomeriggio|hello|hi|hey|good\s+(morning|afternoon|evening)|"
    r"bonjour|bonsoir|salut|coucou)\b"
)
_THANKS = _rx(
    r"\b(grazie|ti\s+ringrazio|vi\s+ringrazio|perfetto|ottimo|thanks|thank\s+you|cheers|great|merci|parfait|super)\b"
)
_OFF_TOPIC = _rx(
    r"\b(meteo|che\s+tempo\s+fa|weather|météo|forecast|previsioni\s+del\s+tempo|quel\s+temps\s+(fait|fera))\b",
    r"\b(chi\s+ha\s+vinto|who\s+won|qui\s+a\s+gagné|champions\s+league|premier\s+league|partita\s+(della|del|di))\b",
    r"\b(tasso\s+di\s+cambio|cambio\s+euro|exchange\s+rate|taux\s+de\s+change)\b",
    r"\b(ricetta|recipe|recette|barzelletta|joke|blague|oroscopo|horoscope|calcio|football|serie\s+a)\b",
    r"\b(write|scrivi|scrivimi|écris|écrivez|compose|componi)\b.*\b(poem|poesia|poème|song|canzone|chanson|story|"
    r"racconto|fiaba|histoire|limerick|haiku)\b",
    r"\b(quanto\s+costa\s+un\s+volo|price\s+of\s+a\s+flight|flight\s+prices?|prix\s+d'un\s+vol)\b",
)


@dataclass(frozen=True)
class TurnLimits:
    """How long a message may be (longer ones get a polite message, not an error)."""

    max_chars: int = 1000


@dataclass(frozen=True)
class Turn:
    """One message, understood."""

    text: str
    """The message cleaned of control characters and extra whitespace."""
    language: Language
    intent: Intent
    intent_source: Literal["limit", "rule", "default"]
    """``default`` = no rule matched; the router and retrieval have their say later."""
    countries: list[str] = field(default_factory=list)


def clean_text(raw: str) -> str:
    """Control, bidirectional-override and lone surrogate characters removed, whitespace collapsed."""
    text = unicodedata.normalize("NFC", raw)
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n"))
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()


def has_words(text: str) -> bool:
    """True when the text has at least one letter or digit (emoji-only and punctuation do not count)."""
    return any(ch.isalnum() for ch in text)


def turn_language(text: str, fallback: str | None, default: Language = "it") -> Language:
    """The message's language among it/en/fr; the conversation's language when unsure.

    lingua is reliable on sentences; on two or three words ("e per il Canada?") it is a
    coin toss, so a vote of function words decides there, and failing that the
    conversation's language does.
    """
    tokens = re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", text.casefold())
    confidences = [(lang, value) for lang, value in language_confidences(text) if lang in SUPPORTED]
    if confidences:
        lang, value = confidences[0]
        if (value >= 0.6 and len(tokens) >= 3) or value >= 0.85:
            return cast("Language", lang)
    votes = {lang: len(set(tokens) & words) for lang, words in _FUNCTION_WORDS.items()}
    best = max(votes.values())
    if best and list(votes.values()).count(best) == 1:
        return cast("Language", max(votes, key=lambda lang: votes[lang]))
    if fallback in SUPPORTED:
        return cast("Language", fallback)
    if confidences and confidences[0][1] >= 0.5:
        return cast("Language", confidences[0][0])
    return default


def asks_for_others_data(text: str) -> bool:
    """The message asks for other companies' or people's data (applicants, contacts, amounts received)."""
    return bool(_OTHERS_DATA.search(text))


def looks_like_injection(text: str) -> bool:
    """Instructions to the assistant, markup or SQL — in a message or inside a source document."""
    return bool(_INJECTION.search(text))


def rule_intent(text: str) -> Intent | None:
    """The intent the rules are sure of, or ``None`` to let the router decide.

    Order matters: an injection attempt wrapped in a question is still an injection;
    "voglio un operatore, è la terza volta" is a request for a person, handled with the
    frustration it shows.
    """
    if looks_like_injection(text):
        return "injection"
    if _ABUSE.search(text):
        return "abuse"
    if _HUMAN.search(text):
        return "human_request"
    if _PERSONAL.search(text):
        return "personal_case"
    if _STAFF_TASK.search(text) and not _WHO_MAY.search(text):
        return "staff_task"
    if _FRUSTRATION.search(text):
        return "frustration"
    if _OFF_TOPIC.search(text):
        return "off_topic"
    rest = _GREETING.sub(" ", _THANKS.sub(" ", text))
    if len(re.findall(r"\w+", rest)) <= 1:
        if _THANKS.search(text):
            return "thanks"
        if _GREETING.search(text):
            return "greeting"
    return None


def understand(
    raw: str,
    *,
    conversation_language: str | None,
    limits: TurnLimits,
    default_language: Language = "it",
) -> Turn:
    """Read one message: limits first, then language, then intent by rules."""
    text = clean_text(raw)
    fallback = conversation_language or default_language
    if len(text) > limits.max_chars:
        language = turn_language(text[:2000], fallback, default_language)
        return Turn(text, language, "too_long", "limit")
    if not has_words(text):
        language = cast("Language", fallback) if fallback in SUPPORTED else default_language
        return Turn(text, language, "empty", "limit")
    language = turn_language(text, fallback, default_language)
    countries = countries_in(text)
    intent = rule_intent(text)
    if intent is not None:
        return Turn(text, language, intent, "rule", countries)
    return Turn(text, language, "question", "default", countries)
